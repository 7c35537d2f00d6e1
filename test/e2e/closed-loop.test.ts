import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningJiesu } from '../../app/start.js';
import { startTestApp } from '../support/test-app.js';
import { caseEvents, cases, outboundMessages } from '../../db/schema.js';
import { simClient } from '../support/sim-client.js';
import { createTestDatabase, eventually } from '../support/test-database.js';

/**
 * The loop 发现、上报、派单、处置、监督、评价 through the sim HTTP API, with a fake clock.
 * Demo people: 幸福社区第一网格 (g-hp-xf-01) residents 胡晓梅, 朱宏, 郭敏; its grid worker 李建国;
 * second grid worker 王秀英; community grid leader 陈静; area leader 赵磊; street chief 黄志强.
 */
describe('the closed loop through the sim channel', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let app: RunningJiesu;
  // Monday 2026-11-23 10:00 in Shanghai.
  let clock = new Date('2026-11-23T02:00:00Z');
  const advance = (minutes: number) => void (clock = new Date(clock.getTime() + minutes * 60_000));
  const start = async () =>
    startTestApp(db, { CLASSIFIER_ENGINE: 'offline' }, { now: () => clock });
  const sim = simClient(() => app.url);
  const G = 'g-hp-xf-01';

  beforeEach(() => {
    clock = new Date('2026-11-23T02:00:00Z');
  });
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    app = await start();
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  const caseOf = async (n: number) => (await db.db.select().from(cases).where(eq(cases.number, n)))[0]!;
  const statusOf = async (n: number) => (await caseOf(n)).status;
  const waitStatus = (n: number, s: string) => eventually(async () => (await statusOf(n)) === s);
  /** Report in the grid group; returns the case number once it is dispatched. */
  const report = async (name: string, text: string, chat = G) => {
    const id = await sim.say(chat, name, text);
    const reply = await sim.answerTo(chat, id);
    const n = Number(/#(\d+)/.exec(reply.text)![1]);
    await waitStatus(n, 'dispatched');
    return n;
  };
  const card = async (handler: string, n: number) => sim.botSays(await sim.dm(handler), (m) => m.text.includes(`工单 #${n} ·`) && m.text.includes('📋'));

  it('runs report → dispatch → sign → progress → resolve → rate satisfied → closed', async () => {
    const n = await report('胡晓梅', '3号楼门口的垃圾堆了三天没人清运，臭得不行');
    const taskCard = await card('李建国', n);
    expect(taskCard.text).toContain('环境卫生');
    expect(taskCard.text).toContain('反映人：胡晓梅');
    expect(taskCard.text).not.toMatch(/1[3-9]\d{9}/);
    expect(taskCard.buttons!.map((b) => b.label)).toEqual(['签收', '退单']);
    // One message to the resident says both: received, and who has it by when.
    const receipt = await sim.botSays(G, (m) => m.text.includes(`#${n}`) && m.text.includes('已受理'));
    expect(receipt.text).toMatch(/已派给网格员李建国处理，.+前签收，.+前办结。/);
    expect((await sim.messages(G)).filter((m) => m.from === 'bot' && m.text.includes(`#${n}`))).toHaveLength(1);
    await sim.botSays('w-hp-xf', (m) => m.text.startsWith('@李建国 请接单') && m.text.includes(`#${n}`));

    // 签收 by button, on the card.
    expect(await sim.press(await sim.dm('李建国'), '李建国', taskCard.id, `c:sign:${n}`)).toBe(200);
    await waitStatus(n, 'signed');
    await sim.botSays(G, (m) => m.text.includes(`李建国已签收工单 #${n}`) && m.text.startsWith('@胡晓梅'));
    // The card is edited in place with the next buttons.
    await eventually(async () => {
      const c = (await sim.messages(await sim.dm('李建国'))).find((m) => m.id === taskCard.id)!;
      return c.editedAt && c.buttons?.some((b) => b.label === '办结');
    });
    // A replayed 签收 changes nothing and says why (the old button is gone from the edited card).
    expect(await sim.press(await sim.dm('李建国'), '李建国', taskCard.id, `c:sign:${n}`)).toBe(400);
    await sim.say(await sim.dm('李建国'), '李建国', `签收 #${n}`);
    await sim.botSays(await sim.dm('李建国'), (m) => m.text.includes(`当前状态为「已签收」，不能签收`));

    await sim.say(await sim.dm('李建国'), '李建国', `进展 #${n} 已联系保洁公司，下午清运`);
    await sim.botSays(G, (m) => m.text.includes(`#${n} 有新进展`) && m.text.includes('下午清运'));
    await sim.say(await sim.dm('李建国'), '李建国', `办结 #${n} 垃圾已全部清运，地面已冲洗`);
    const ask = await sim.botSays(G, (m) => m.text.includes(`#${n}`) && m.text.includes('已由网格员李建国办结'));
    expect(ask.buttons!.map((b) => b.label)).toEqual(['满意', '基本满意', '不满意', '问题未解决']);
    await waitStatus(n, 'resolved');

    // Only the reporter may rate.
    expect(await sim.press(G, '朱宏', ask.id, `r:s:${n}`)).toBe(200);
    await sim.botSays(G, (m) => m.text.includes(`只有反映人可以评价工单 #${n}`));
    expect(await sim.press(G, '胡晓梅', ask.id, `r:s:${n}`)).toBe(200);
    await waitStatus(n, 'closed');
    const c = await caseOf(n);
    expect(c).toMatchObject({ fixed: true, rating: 'satisfied' });
    const actions = (await db.db.select().from(caseEvents).where(eq(caseEvents.caseId, c.id)).orderBy(caseEvents.id)).map((e) => e.action);
    expect(actions).toEqual(['report', 'dispatch', 'sign', 'progress', 'resolve', 'rate_satisfied']);
  });

  it('reopens on 未解决 with the resident\'s words, and closes after the second resolution', async () => {
    const n = await report('郭敏', '5栋楼道的灯坏了好几天，晚上黑漆漆的');
    const dm = await sim.dm('李建国');
    const taskCard = await card('李建国', n);
    await sim.say(dm, '李建国', `签收 #${n}`);
    await waitStatus(n, 'signed');
    await eventually(async () => (await sim.messages(dm)).find((m) => m.id === taskCard.id)!.buttons?.some((b) => b.id === `c:resolve:${n}`));
    // 进展 needs words: its button answers with the typed form; 办结 by button resolves at once.
    expect(await sim.press(dm, '李建国', taskCard.id, `c:progress:${n}`)).toBe(200);
    await sim.botSays(dm, (m) => m.text.includes(`请回复：进展 #${n}`));
    expect(await sim.press(dm, '李建国', taskCard.id, `c:resolve:${n}`)).toBe(200);
    await waitStatus(n, 'resolved');
    await sim.botSays(G, (m) => m.text.includes(`#${n}`) && m.text.includes('已由网格员李建国办结：已处理完毕'));
    await eventually(async () => !(await sim.messages(dm)).find((m) => m.id === taskCard.id)!.buttons?.length);
    await sim.say(G, '郭敏', `#${n} 未解决 还是不亮`);
    await waitStatus(n, 'in_progress');
    await sim.botSays(dm, (m) => m.text.includes(`工单 #${n} 被反映人退回`) && m.text.includes('还是不亮'));
    expect((await caseOf(n)).reopenCount).toBe(1);
    await sim.say(dm, '李建国', `办结 #${n} 线路老化，已整体更换`);
    await waitStatus(n, 'resolved');
    await sim.say(G, '郭敏', '2');
    await waitStatus(n, 'closed');
    expect((await caseOf(n)).rating).toBe('basically_satisfied');
  });

  it('sends a case back (退单) and re-dispatches it to someone else; transfers (转派) to another grid', async () => {
    const n = await report('朱宏', '小区东门的健身器材坏了一个，螺丝都松了');
    const dm = await sim.dm('李建国');
    await sim.say(dm, '李建国', `退单 #${n}`);
    await sim.botSays(dm, (m) => m.text.includes('格式不对，请这样写：退单 #编号 退回原因'));
    await sim.say(dm, '李建国', `退单 #${n} 健身器材归街道文体中心管`);
    await eventually(async () => (await caseOf(n)).handlerPersonId !== Number(await sim.who('李建国')) && (await statusOf(n)) === 'dispatched');
    // No other grid worker in this grid: the community's grid leader takes it (兜底).
    expect((await caseOf(n)).handlerPersonId).toBe(Number(await sim.who('陈静')));
    await sim.botSays(await sim.dm('陈静'), (m) => m.text.includes(`工单 #${n} 被 李建国 退单`));
    await card('陈静', n);

    await sim.say(await sim.dm('陈静'), '陈静', `转派 #${n} 王秀英 她熟悉这块`);
    await eventually(async () => (await caseOf(n)).handlerPersonId === Number(await sim.who('王秀英')));
    await card('王秀英', n);
    expect(await statusOf(n)).toBe('dispatched');
  });

  it('asks for an extension (延期); the grid leader refuses one and approves another', async () => {
    const n = await report('胡晓梅', '楼下下水道井盖堵塞了，污水往外冒');
    const dm = await sim.dm('李建国');
    await sim.say(dm, '李建国', `签收 #${n}`);
    await waitStatus(n, 'signed');
    // Only the ladder approves: the handler cannot approve their own.
    await sim.say(dm, '李建国', `延期 #${n} 3 需要市政来疏通`);
    const req = await sim.botSays(await sim.dm('陈静'), (m) => m.text.includes(`申请工单 #${n} 延期 3 天`));
    await sim.say(dm, '李建国', `同意延期 #${n}`);
    await sim.botSays(dm, (m) => m.text.includes('延期申请需由网格长或更上级审批'));
    await sim.press(await sim.dm('陈静'), '陈静', req.id, `e:no:${n}`);
    await sim.botSays(dm, (m) => m.text.includes(`工单 #${n} 延期申请被驳回`));
    const before = (await caseOf(n)).resolveDueAt!;
    await sim.say(dm, '李建国', `延期 #${n} 2 等配件`);
    await eventually(async () => (await caseOf(n)).pendingExtension?.days === 2);
    await sim.say(await sim.dm('陈静'), '陈静', `同意延期 #${n}`);
    await sim.botSays(dm, (m) => m.text.includes(`工单 #${n} 延期已批准`));
    const after = (await caseOf(n)).resolveDueAt!;
    expect(after.getTime()).toBeGreaterThan(before.getTime());
  });

  it('whistles a department in (吹哨) as co-handler, who may then report progress', async () => {
    const n = await report('朱宏', '有人在小区里私搭乱建，把公共绿地圈起来了');
    const dm = await sim.dm('李建国');
    await sim.say(dm, '李建国', `签收 #${n}`);
    await waitStatus(n, 'signed');
    await sim.say(dm, '李建国', `吹哨 #${n} 城管 主办`);
    await sim.botSays(await sim.dm('周明'), (m) => m.text.includes('吹哨报到') && m.text.includes(`#${n}`));
    await sim.say(await sim.dm('周明'), '周明', `进展 #${n} 城管已到场，责令三日内拆除`);
    await sim.botSays(G, (m) => m.text.includes(`#${n} 有新进展`) && m.text.includes('责令三日内拆除'));
    // A department cannot close the case.
    await sim.say(await sim.dm('周明'), '周明', `办结 #${n} 已拆除`);
    await sim.botSays(await sim.dm('周明'), (m) => m.text.includes(`不能办结工单 #${n}`));
  });

  it('reminds at 50% and 80%, then escalates up the ladder and supervises (督办) the overdue case', async () => {
    const n = await report('郭敏', '楼上邻居家漏水，渗到我家天花板了');
    const dm = await sim.dm('李建国');
    const c0 = await caseOf(n);
    const span = c0.signDueAt!.getTime() - c0.dispatchedAt!.getTime();
    const runTimersAt = async (fraction: number) => {
      clock = new Date(c0.dispatchedAt!.getTime() + span * fraction + 1000);
      await app.workers.cases.sla.check(c0.id);
    };
    await runTimersAt(0.5);
    await sim.botSays(dm, (m) => m.text.includes(`⏰ 工单 #${n} 的签收时限`));
    await runTimersAt(0.8);
    await eventually(async () => (await sim.messages(dm)).filter((m) => m.text.includes(`⏰ 工单 #${n} 的签收时限`)).length === 2);
    await runTimersAt(1);
    await sim.botSays(await sim.dm('陈静'), (m) => m.text.includes(`督办：工单 #${n}`));
    await sim.botSays('m-hp', (m) => m.text.includes(`督办：工单 #${n}`));
    expect((await caseOf(n)).supervised).toBe(true);
    await runTimersAt(1.5);
    await sim.botSays(await sim.dm('赵磊'), (m) => m.text.includes(`督办：工单 #${n}`));
    await runTimersAt(2);
    await sim.botSays(await sim.dm('黄志强'), (m) => m.text.includes(`督办：工单 #${n}`));
    // Timers firing again (a redelivered job, the sweeper) act once.
    await app.workers.cases.sla.check(c0.id);
    await app.workers.sweep();
    const reminders = (await sim.messages(dm)).filter((m) => m.text.includes(`⏰ 工单 #${n}`));
    expect(reminders).toHaveLength(2);
    expect((await sim.messages(await sim.dm('陈静'))).filter((m) => m.text.includes(`督办：工单 #${n}`))).toHaveLength(1);
    // The timers were queued as delayed jobs too, so a restart keeps them.
    const delayed = await app.queues.queue('cases').getDelayed();
    expect(delayed.some((j) => j.name === 'sla-check' && (j.data as { caseId: number }).caseId === c0.id)).toBe(true);
    clock = new Date('2026-11-23T02:00:00Z');
  });

  it('merges a duplicate report and keeps both reporters informed', async () => {
    const n = await report('胡晓梅', '7号楼北面的路灯不亮了，晚上走路很危险');
    const id = await sim.say(G, '朱宏', '7号楼北边路灯坏了，一到晚上就黑乎乎的');
    const merged = await sim.answerTo(G, id);
    expect(merged.text).toContain(`已合并到 #${n}`);
    expect((await caseOf(n)).priority).toBe(1);
    const dm = await sim.dm('李建国');
    await sim.say(dm, '李建国', `签收 #${n}`);
    await sim.botSays(G, (m) => m.text.includes(`已签收工单 #${n}`) && m.text.includes('@胡晓梅') && m.text.includes('@朱宏'));
    // "我也遇到" as a reply to a message about the case joins too.
    const ask = await sim.api('POST', `/api/sim/chats/${G}/messages`, { from: await sim.who('郭敏'), text: '我也遇到', replyTo: merged.id });
    expect(ask.status).toBe(201);
    await sim.answerTo(G, ask.body.id);
    expect((await caseOf(n)).priority).toBe(2);
  });

  it('never merges a graver report into a routine case, and keeps "me too" within the community', async () => {
    const n = await report('胡晓梅', '9号楼楼道里有人给电动车充电，电线拉得到处都是');
    const id = await sim.say(G, '朱宏', '9号楼楼道着火了！冒烟了');
    const reply = await sim.answerTo(G, id);
    expect(reply.text).toContain('119');
    expect(reply.text).not.toContain(`#${n}`);
    // A resident of 阳光社区 cannot join a 幸福社区 case by its number.
    const far = await sim.say('g-hp-yg-02', '谢娜', `我也遇到 #${n}`);
    expect((await sim.answerTo('g-hp-yg-02', far)).text).toContain('不在本社区');
  });

  it('applies a rating replied to one case\'s message to that case, not to the latest one', async () => {
    const dm = await sim.dm('李建国');
    const a = await report('郭敏', '11号楼单元门的闭门器坏了，门一直关不上');
    const b = await report('郭敏', '11号楼后面的草坪好久没修剪了，长得很乱');
    for (const n of [a, b]) {
      await sim.say(dm, '李建国', `签收 #${n}`);
      await waitStatus(n, 'signed');
      await sim.say(dm, '李建国', `办结 #${n} 已处理`);
      await waitStatus(n, 'resolved');
    }
    const askA = await sim.botSays(G, (m) => m.text.includes(`工单 #${a}（`) && m.text.includes('办结'));
    const r = await sim.api('POST', `/api/sim/chats/${G}/messages`, { from: await sim.who('郭敏'), text: '3', replyTo: askA.id });
    await sim.answerTo(G, r.body.id);
    await waitStatus(a, 'in_progress');
    expect(await statusOf(b)).toBe('resolved');
  });

  it('answers an emergency with a safety reply and alerts the ladder directly', async () => {
    const id = await sim.say(G, '郭敏', '2单元楼道里着火了，冒了好多黑烟！');
    const reply = await sim.answerTo(G, id);
    expect(reply.text).toContain('119');
    const n = Number(/#(\d+)/.exec(reply.text)![1]);
    expect((await caseOf(n)).level).toBe('emergency');
    for (const person of ['李建国', '陈静', '黄志强']) {
      await sim.botSays(await sim.dm(person), (m) => m.text.includes(`突发事件：工单 #${n}`));
    }
    await sim.botSays('m-hp', (m) => m.text.includes(`突发事件：工单 #${n}`));
  });

  it('refuses forbidden actions, unknown numbers and malformed commands with a reason', async () => {
    const n = await report('郭敏', '小区里有只流浪狗咬人，小孩都不敢下楼');
    await sim.say(await sim.dm('王秀英'), '王秀英', `签收 #${n}`);
    await sim.botSays(await sim.dm('王秀英'), (m) => m.text.includes(`不能签收工单 #${n}：只有本工单的承办人或其上级可以签收`));
    await sim.say(G, '郭敏', `办结 #${n} 我自己解决了`);
    await sim.botSays(G, (m) => m.text.includes(`不能办结工单 #${n}`));
    await sim.say(await sim.dm('李建国'), '李建国', '签收 #999999');
    await sim.botSays(await sim.dm('李建国'), (m) => m.text.includes('没有找到工单 #999999'));
    await sim.say(await sim.dm('李建国'), '李建国', `延期 #${n} 很久`);
    await sim.botSays(await sim.dm('李建国'), (m) => m.text.includes('延期 #编号 天数 原因'));
    // A resident's "上报 …" is a report like any other, not a staff command to refuse.
    const up = await sim.say(await sim.dm('胡晓梅'), '胡晓梅', '上报 楼下雨水井堵了，积水很深');
    expect((await sim.answerTo(await sim.dm('胡晓梅'), up)).text).toContain('已受理');
    const fb = await sim.say(G, '郭敏', '反馈 小区东门的路灯不亮好几天了');
    expect((await sim.answerTo(G, fb)).text).toMatch(/已受理|已合并到/);
    expect(await statusOf(n)).toBe('dispatched');
  });

  it('opens a grid worker\'s patrol report (上报) assigned to themselves', async () => {
    const dm = await sim.dm('李建国');
    await sim.say(dm, '李建国', '上报 小区北门井盖缺失，已设置临时围挡');
    const ack = await sim.botSays(dm, (m) => m.text.includes('已登记巡查上报'));
    const n = Number(/#(\d+)/.exec(ack.text)![1]);
    await waitStatus(n, 'dispatched');
    expect(await caseOf(n)).toMatchObject({ source: 'patrol', handlerPersonId: Number(await sim.who('李建国')) });
  });

  it('closes a resolved case nobody rated after 3 days, as no feedback', async () => {
    const n = await report('朱宏', '楼道里的扶手松动了，老人扶着不安全');
    const dm = await sim.dm('李建国');
    await sim.say(dm, '李建国', `签收 #${n}`);
    await waitStatus(n, 'signed');
    await sim.say(dm, '李建国', `办结 #${n} 已加固扶手`);
    await waitStatus(n, 'resolved');
    const c = await caseOf(n);
    advance(3 * 24 * 60 - 1);
    await app.workers.cases.sla.check(c.id);
    expect(await statusOf(n)).toBe('resolved');
    advance(2);
    await app.workers.cases.sla.check(c.id);
    expect(await caseOf(n)).toMatchObject({ status: 'closed', fixed: null, rating: null });
    await sim.botSays(G, (m) => m.text.includes(`#${n} 办结后 3 天未收到评价`));
  });

  it('closes a merged case only one reporter rated, telling only the other one it had no feedback', async () => {
    const n = await report('胡晓梅', '15号楼的电梯又坏了，老人上不了楼');
    const id = await sim.say(G, '郭敏', '15号楼电梯坏了，老人都上不去楼');
    expect((await sim.answerTo(G, id)).text).toContain(`已合并到 #${n}`);
    const dm = await sim.dm('李建国');
    await sim.say(dm, '李建国', `签收 #${n}`);
    await waitStatus(n, 'signed');
    await sim.say(dm, '李建国', `办结 #${n} 维保单位已修好电梯`);
    const ask = await sim.botSays(G, (m) => m.text.includes(`#${n}`) && m.text.includes('办结') && Boolean(m.buttons?.length));
    expect(await sim.press(G, '郭敏', ask.id, `r:s:${n}`)).toBe(200);
    await sim.botSays(G, (m) => m.text.includes(`感谢您对 #${n} 的评价`));
    expect(await statusOf(n)).toBe('resolved');
    advance(3 * 24 * 60 + 1);
    await app.workers.cases.sla.check((await caseOf(n)).id);
    await waitStatus(n, 'closed');
    const closed = await sim.botSays(G, (m) => m.text.includes(`#${n} 办结后 3 天未收到评价`));
    expect(closed.text).toContain('@胡晓梅');
    expect(closed.text).not.toContain('@郭敏');
  });

  it('makes one report of a photo sent just before the text, and of one sent just after', async () => {
    const who = await sim.who('曾强');
    const YG = 'g-hp-yg-01';
    const photo = await sim.api('POST', `/api/sim/chats/${YG}/messages`, { from: who, photo: 'data:image/png;base64,iVBORw0KGgo=' });
    expect(photo.status).toBe(201);
    const n = await report('曾强', '我家楼下的消防通道被一辆白色面包车堵死了', YG);
    const after = await sim.api('POST', `/api/sim/chats/${YG}/messages`, { from: who, location: { lat: 39.9, lng: 116.4, label: '阳光小区5栋' } });
    await sim.answerTo(YG, after.body.id);
    const handler = (await caseOf(n)).handlerPersonId!;
    const name = (await db.sql`select display_name from people where id = ${handler}`)[0]!.display_name as string;
    const taskCard = await card(name, n);
    expect(taskCard.text).toContain('照片 1 张');
    const actions = (await db.db.select().from(caseEvents).where(eq(caseEvents.caseId, (await caseOf(n)).id))).map((e) => e.action);
    expect(actions).toContain('attach');
  });

  it('stores a very long message whole and processes its first 4,096 characters', async () => {
    const long = `楼下的垃圾站又满了，${'臭味很大。'.repeat(2000)}`;
    const id = await sim.say(G, '郭敏', long);
    await sim.answerTo(G, id);
    const [row] = await db.sql`select length(text) as n, outcome from inbound_messages where platform_chat_id = ${G} and platform_message_id = ${id}`;
    expect(row).toMatchObject({ n: long.length, outcome: 'case_opened' });
  });

  it('re-sends what a dispatch job did not get to send when the job runs again', async () => {
    const n = await report('朱宏', '13号楼地下车库的照明灯全坏了，黑漆漆的');
    const c = await caseOf(n);
    // As if the job died after committing the dispatch but before the card and the group news.
    await card('李建国', n);
    await eventually(async () => (await caseOf(n)).announcedAt !== null);
    await db.sql`delete from outbound_messages where case_id = ${c.id} and status = 'pending'`;
    await db.sql`update outbound_messages set dedupe_key = dedupe_key || ':sent-before-crash' where case_id = ${c.id} and dedupe_key like 'card:%'`;
    await db.sql`update cases set announced_at = null where id = ${c.id}`;
    expect(await app.workers.cases.service.dispatch(c.id)).toBe('skipped');
    const cards = await eventually(async () => {
      const rows = await db.sql`select dedupe_key, status from outbound_messages where case_id = ${c.id} and dedupe_key like 'card:%' and status = 'sent'`;
      return rows.length === 2 ? rows : undefined;
    });
    expect(cards).toHaveLength(2);
    // Once everyone was told the case is marked, and running it a third time adds nothing.
    expect((await caseOf(n)).announcedAt).not.toBeNull();
    await app.workers.cases.service.dispatch(c.id);
    const again = await db.sql`select count(*)::int as n from outbound_messages where case_id = ${c.id} and dedupe_key like 'card:%'`;
    expect(again[0]!.n).toBe(2);

    // With no job left to retry it (its retries ran out), the sweeper finishes the announcement.
    await db.sql`update outbound_messages set dedupe_key = dedupe_key || ':sent-before-crash' where case_id = ${c.id} and dedupe_key like 'assigned:%'`;
    await db.sql`update cases set announced_at = null, dispatched_at = dispatched_at - interval '10 minutes' where id = ${c.id}`;
    await app.workers.sweep();
    await eventually(async () => {
      const rows = await db.sql`select 1 from outbound_messages where case_id = ${c.id} and dedupe_key like 'assigned:%' and dedupe_key not like '%:sent-before-crash' and status = 'sent'`;
      return rows.length === 1;
    });
    expect((await caseOf(n)).announcedAt).not.toBeNull();
  });

  it('keeps a case across a restart mid-way and sends nothing twice', async () => {
    const n = await report('朱宏', '楼下小饭馆油烟直排，熏得窗户都不敢开');
    const dm = await sim.dm('李建国');
    await sim.say(dm, '李建国', `签收 #${n}`);
    await waitStatus(n, 'signed');
    await app.stop();
    app = await start();
    await app.workers.sweep();
    await sim.say(dm, '李建国', `办结 #${n} 已督促安装油烟净化器`);
    await waitStatus(n, 'resolved');
    const c = await caseOf(n);
    const out = await db.db.select().from(outboundMessages).where(eq(outboundMessages.caseId, c.id));
    expect(new Set(out.map((o) => o.dedupeKey)).size).toBe(out.length);
    await eventually(async () => (await db.db.select().from(outboundMessages).where(eq(outboundMessages.caseId, c.id))).every((o) => o.status === 'sent'));
    const groupCopies = (await sim.messages(G)).filter((m) => m.from === 'bot' && m.text.includes(`李建国已签收工单 #${n}`));
    expect(groupCopies).toHaveLength(1);
  });
});
