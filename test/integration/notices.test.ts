import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNoticeRepository } from '../../db/repositories/notice-repository.js';
import { chatMembers, chats, noticeAcks, noticeDeliveries, notices, orgNodes, roleAssignments } from '../../db/schema.js';
import { ChannelSendError, type ChatChannel } from '../../core/messaging/channel.js';
import type { SimChannel } from '../../bot/sim/sim-channel.js';
import { eachQueueBackend, eventually } from '../support/test-database.js';
import { startNoticePipeline, type NoticePipeline } from './notices-support.js';

// The injected clock: 2026-11-22 10:00 in Shanghai.
const clock = { now: new Date('2026-11-22T02:00:00Z') };
const MANAGER = '孙丽';

/** For notices marked 【故障演练】: a permanent failure in one group, a 429 and a transient error elsewhere. */
function faulty(sim: SimChannel): ChatChannel {
  const tried = new Set<string>();
  return {
    name: sim.name,
    capabilities: sim.capabilities,
    start: (h) => sim.start(h),
    stop: () => sim.stop(),
    edit: (c, m, o) => sim.edit(c, m, o),
    async send(m) {
      if (m.text.includes('【故障演练】')) {
        const first = !tried.has(m.chatId);
        tried.add(m.chatId);
        if (m.chatId === 'g-hp-yg-02') throw new ChannelSendError('Forbidden: bot was kicked from the group chat', false);
        if (m.chatId === 'w-hp-yg' && first) throw new ChannelSendError('429 Too Many Requests: retry after 1', true, 100);
        if (m.chatId === 'g-hp-yg-01' && first) throw new ChannelSendError('502 Bad Gateway', true);
      }
      return sim.send(m);
    },
  };
}

eachQueueBackend((backend) => {
  describe('broadcast notices', () => {
    let p: NoticePipeline;
    let dm: string;
    beforeAll(async () => {
      p = await startNoticePipeline({ redisUrl: backend.redisUrl, notices: { now: () => clock.now, pace: { sim: { ratePerSecond: 40 } } }, wrapChannel: faulty });
      dm = `d-${await p.personId(MANAGER)}`;
    });
    afterAll(async () => p?.stop());

    const noticeIdOf = (text: string) => Number(/通知 #(\d+)/.exec(text)![1]);
    const noticeMessages = async (chat: string, id: number) => (await p.bot(chat)).filter((m) => m.text.includes(`【通知】`) && m.text.includes(`通知 #${id}`));
    /** Walk the flow up to the preview; returns the preview message. */
    const compose = async (text: string, scope: string, ack: '需要' | '不需要', when: string) => {
      expect((await p.ask(dm, MANAGER, '发通知')).text).toContain('第 1/4 步');
      expect((await p.ask(dm, MANAGER, text)).text).toContain('第 2/4 步');
      expect((await p.ask(dm, MANAGER, scope)).text).toContain('第 3/4 步');
      expect((await p.ask(dm, MANAGER, ack)).text).toContain('第 4/4 步');
      const preview = await p.ask(dm, MANAGER, when);
      expect(preview.text).toContain('通知预览');
      return preview;
    };

    it('composes, previews, confirms, delivers, collects confirmations, reports and reminds', async () => {
      expect((await p.ask(dm, MANAGER, '发通知')).text).toContain('第 1/4 步');
      const scopeStep = await p.ask(dm, MANAGER, '本周六上午9点小区消防演练，请各位居民准时参加');
      expect(scopeStep.text).toContain('和平街道(hp)');
      const ackStep = await p.ask(dm, MANAGER, 'hp-xf');
      const ackButton = ackStep.buttons!.find((b) => b.label === '需要确认')!;
      const timeStep = await p.press(dm, MANAGER, ackStep.id, ackButton.id);
      expect(timeStep.text).toContain('第 4/4 步');
      const preview = await p.ask(dm, MANAGER, '现在');
      expect(preview.text).toContain('将发送到 3 个群，约 12 人');
      expect(preview.text).toContain('消防演练');
      // Nothing goes out before the manager confirms.
      expect(await p.database.db.select().from(noticeDeliveries)).toHaveLength(0);
      expect((await p.bot('g-hp-xf-01')).filter((m) => m.text.includes('【通知】'))).toHaveLength(0);

      const confirmed = await p.press(dm, MANAGER, preview.id, preview.buttons!.find((b) => b.label === '确认发送')!.id);
      expect(confirmed.text).toMatch(/通知 #\d+ 已确认/);
      const id = noticeIdOf(confirmed.text);

      for (const chat of ['g-hp-xf-01', 'g-hp-xf-02', 'w-hp-xf']) {
        const [m] = await eventually(async () => {
          const list = await noticeMessages(chat, id);
          return list.length ? list : undefined;
        });
        expect(m!.text).toContain('消防演练');
        expect(m!.buttons).toEqual([{ id: `nack:${id}`, label: '确认收到' }]);
      }
      expect(await noticeMessages('g-hp-yg-01', id)).toHaveLength(0);
      await eventually(async () => (await p.database.db.select().from(notices).where(eq(notices.id, id)))[0]?.status === 'sent');
      const deliveries = await p.database.db.select().from(noticeDeliveries).where(eq(noticeDeliveries.noticeId, id));
      expect(deliveries.map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
      await eventually(async () => (await p.bot(dm)).some((m) => m.text.includes(`通知 #${id} 已发送完毕：成功 3 个会话`)));

      // Confirmations: "1", a button press, a repeated press, 确认 in the work group.
      expect((await p.ask('g-hp-xf-01', '胡晓梅', '1')).text).toBe(`@胡晓梅 已确认收到通知 #${id}，谢谢！`);
      const notice01 = (await noticeMessages('g-hp-xf-01', id))[0]!;
      // A reply to the notice names it (found by the platform's address of the message).
      const [g01] = await p.database.db.select().from(chats).where(eq(chats.platformChatId, 'g-hp-xf-01'));
      expect(await createNoticeRepository(p.database.db).noticeForMessage(g01!, notice01.id)).toBe(id);
      expect((await p.press('g-hp-xf-01', '朱宏', notice01.id, `nack:${id}`)).text).toContain('已确认收到');
      expect((await p.press('g-hp-xf-01', '朱宏', notice01.id, `nack:${id}`)).text).toContain('已确认过');
      expect((await p.ask('w-hp-xf', '陈静', '确认')).text).toContain('已确认收到');
      const acks = await p.database.db.select().from(noticeAcks).where(eq(noticeAcks.noticeId, id));
      expect(acks).toHaveLength(3);

      const status = await p.ask(dm, MANAGER, `通知状态 ${id}`);
      expect(status.text).toContain(`通知 #${id}：已发送`);
      expect(status.text).toContain('成功 3，失败 0');
      expect(status.text).toContain('确认：3/12 人');
      expect(status.text).toMatch(/幸福社区第一网格居民群：已确认 2\/5；未确认：.*郭敏/);

      const remind = await p.ask(dm, MANAGER, `提醒 ${id}`);
      expect(remind.text).toContain('已向 3 个会话中尚未确认的 9 人发送');
      const reminder = await eventually(async () => (await p.bot('g-hp-xf-01')).find((m) => m.text.includes('【提醒】')));
      expect(reminder.text).toContain('@郭敏');
      expect(reminder.text).not.toContain('@胡晓梅');
      expect(reminder.text).not.toContain('@朱宏');
      expect((await p.press('g-hp-xf-01', '郭敏', reminder.id, `nack:${id}`)).text).toContain('已确认收到');
      expect(await p.database.db.select().from(noticeAcks).where(eq(noticeAcks.noticeId, id))).toHaveLength(4);

      // 撤回 after sending is refused with the reason.
      expect((await p.ask(dm, MANAGER, `撤回 ${id}`)).text).toContain('已经发出，无法撤回');
    });

    it('checks roles, chats and scope, and answers bad input in Chinese', async () => {
      const resident = `d-${await p.personId('胡晓梅')}`;
      expect((await p.ask(resident, '胡晓梅', '发通知')).text).toContain('只有管理员');
      expect((await p.ask('m-hp', MANAGER, '发通知')).text).toContain('私聊');
      expect((await p.ask('g-hp-xf-01', '李建国', '通知状态 1')).text).toContain('只有管理员');
      expect((await p.ask(dm, MANAGER, '通知状态 99999')).text).toContain('没有找到通知 #99999');
      expect((await p.ask(dm, MANAGER, '撤回')).text).toContain('请带上通知编号');

      // A node outside the manager's subtree, and a manager of one community only.
      await p.database.db.insert(orgNodes).values({ code: 'zz', name: '另一街道', level: 'street' }).returning();
      const [yg] = await p.database.db.select().from(orgNodes).where(eq(orgNodes.code, 'hp-yg'));
      await p.database.db.insert(roleAssignments).values({ personId: Number(await p.personId('杨帆')), role: 'manager', nodeId: yg!.id });
      expect((await p.ask(dm, MANAGER, '发通知')).text).toContain('第 1/4 步');
      await p.ask(dm, MANAGER, '测试通知');
      expect((await p.ask(dm, MANAGER, 'zz')).text).toContain('不在您的管辖范围内');
      expect((await p.ask(dm, MANAGER, '火星')).text).toContain('不认识「火星」');
      expect((await p.ask(dm, MANAGER, '取消')).text).toContain('已取消');

      const ygDm = `d-${await p.personId('杨帆')}`;
      expect((await p.ask(ygDm, '杨帆', '发通知')).text).toContain('第 1/4 步');
      await p.ask(ygDm, '杨帆', '阳光社区通知');
      expect((await p.ask(ygDm, '杨帆', 'hp-xf')).text).toContain('不在您的管辖范围内');
      const scopeOk = await p.ask(ygDm, '杨帆', '全部');
      expect(scopeOk.text).toContain('第 3/4 步');
      const [first] = await p.database.db.select().from(notices).where(eq(notices.status, 'sent')).orderBy(notices.id).limit(1);
      expect((await p.ask(ygDm, '杨帆', `通知状态 ${first!.id}`)).text).toContain('不在您的管辖范围内');
      // An old flow button no longer counts.
      const old = (await p.bot(dm)).find((m) => m.buttons?.some((b) => b.id.endsWith(':all')))!;
      const stalePress = await p.press(dm, MANAGER, old.id, old.buttons!.find((b) => b.id.endsWith(':all'))!.id);
      expect(stalePress.text).toContain('按钮已过期');
    });

    it('schedules with the injected clock, fires when due, and 撤回 cancels before it goes out', async () => {
      const preview = await compose('明天上午9点停水，请提前储水', 'hp-yg-01', '不需要', '明天 9:00');
      expect(preview.text).toContain('发送时间：2026-11-23 09:00');
      const confirmed = await p.ask(dm, MANAGER, '确认');
      expect(confirmed.text).toContain('将于 2026-11-23 09:00');
      const id = noticeIdOf(confirmed.text);
      const job = await eventually(async () => p.queues.queue('notice-fanout').getJob(`notice-fanout-${id}`));
      expect(await job.getState()).toBe('delayed');
      expect(job.opts.delay).toBe(23 * 3600 * 1000);
      expect((await p.ask(dm, MANAGER, `通知状态 ${id}`)).text).toContain('定时待发');
      expect(await noticeMessages('g-hp-yg-01', id)).toHaveLength(0);
      // Time passes: the delayed job fires.
      await job.promote();
      const [m] = await eventually(async () => {
        const list = await noticeMessages('g-hp-yg-01', id);
        return list.length ? list : undefined;
      });
      expect(m!.text).toContain('停水');
      expect(m!.buttons).toBeUndefined();

      await compose('后天下午开居民大会', 'hp-yg-02', '需要', '后天 下午3点');
      const second = await p.ask(dm, MANAGER, '确认');
      const id2 = noticeIdOf(second.text);
      await eventually(async () => p.queues.queue('notice-fanout').getJob(`notice-fanout-${id2}`));
      expect((await p.ask(dm, MANAGER, `撤回 ${id2}`)).text).toBe(`已撤回通知 #${id2}，它不会发出。`);
      expect(await p.queues.queue('notice-fanout').getJob(`notice-fanout-${id2}`)).toBeUndefined();
      expect((await p.database.db.select().from(notices).where(eq(notices.id, id2)))[0]!.status).toBe('cancelled');
      expect((await p.ask(dm, MANAGER, `撤回 ${id2}`)).text).toContain('已经撤回过了');
      // Even a fan-out that runs anyway (a stale job) sends nothing.
      expect(await p.workers.notices.processFanout({ data: { noticeId: id2 } })).toBe('cancelled');
      expect(await p.database.db.select().from(noticeDeliveries).where(eq(noticeDeliveries.noticeId, id2))).toHaveLength(0);
    });

    it('retries what may pass, waits out a 429, and records permanent failures with the reason', async () => {
      await compose('【故障演练】请各群检查消防通道', 'hp-yg', '需要', '现在');
      const id = noticeIdOf((await p.ask(dm, MANAGER, '确认')).text);
      await eventually(async () => (await p.database.db.select().from(notices).where(eq(notices.id, id)))[0]?.status === 'sent');
      const rows = await p.database.db.select().from(noticeDeliveries).where(eq(noticeDeliveries.noticeId, id));
      expect(rows.filter((r) => r.status === 'sent')).toHaveLength(2);
      expect(rows.filter((r) => r.status === 'failed').map((r) => r.error)).toEqual(['Forbidden: bot was kicked from the group chat']);
      expect(await noticeMessages('g-hp-yg-01', id)).toHaveLength(1);
      expect(await noticeMessages('w-hp-yg', id)).toHaveLength(1);
      const status = await p.ask(dm, MANAGER, `通知状态 ${id}`);
      expect(status.text).toContain('成功 2，失败 1');
      expect(status.text).toContain('阳光社区第二网格居民群：Forbidden: bot was kicked');
      await eventually(async () => (await p.bot(dm)).some((m) => m.text.includes(`通知 #${id} 已发送完毕：成功 2 个会话，失败 1 个`)));
    });

    it('keeps a draft across a restart in the middle of the flow', async () => {
      expect((await p.ask(dm, MANAGER, '发通知')).text).toContain('第 1/4 步');
      await p.ask(dm, MANAGER, '重启之后也要能继续的通知');
      await p.restart();
      expect((await p.ask(dm, MANAGER, 'hp-xf-02')).text).toContain('第 3/4 步');
      await p.ask(dm, MANAGER, '不需要');
      const preview = await p.ask(dm, MANAGER, '现在');
      expect(preview.text).toContain('将发送到 1 个群，约 5 人');
      const id = noticeIdOf((await p.ask(dm, MANAGER, '确认')).text);
      await eventually(async () => (await noticeMessages('g-hp-xf-02', id)).length === 1);
    });

    it('continues a fan-out after a restart half-way without sending any chat twice', async () => {
      // 80 more resident groups under one grid.
      const [grid] = await p.database.db.select().from(orgNodes).where(eq(orgNodes.code, 'hp-yg-02'));
      const member = Number(await p.personId('谢娜'));
      const rows = await p.database.db
        .insert(chats)
        .values(Array.from({ length: 80 }, (_, i) => ({ channel: 'sim', platformChatId: `bulk-${i}`, kind: 'group' as const, title: `批量群${i}`, nodeId: grid!.id, purpose: 'residents' as const })))
        .returning({ id: chats.id });
      await p.database.db.insert(chatMembers).values(rows.map((r) => ({ chatId: r.id, personId: member })));
      await compose('批量通知', 'hp-yg-02', '不需要', '现在');
      const id = noticeIdOf((await p.ask(dm, MANAGER, '确认')).text);
      const sentCount = async () =>
        (await p.database.db.select({ n: sql<number>`count(*)::int` }).from(noticeDeliveries).where(and(eq(noticeDeliveries.noticeId, id), eq(noticeDeliveries.status, 'sent'))))[0]!.n;
      await eventually(async () => (await sentCount()) >= 20);
      await p.restart();
      const mid = await sentCount();
      expect(mid).toBeLessThan(81);
      await eventually(async () => (await p.database.db.select().from(notices).where(eq(notices.id, id)))[0]?.status === 'sent', 30_000);
      const perChat = await p.database.sql<{ chat_id: string; n: number }[]>`
        select chat_id, count(*)::int as n from sim_messages
        where from_id = 'bot' and chat_id not like 'd-%' and text like ${`%通知 #${id}%`} and text like '%【通知】%' group by chat_id`;
      expect(perChat).toHaveLength(81);
      expect(perChat.every((r) => r.n === 1)).toBe(true);
    });
  });
});
