import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningJiesu } from '../../app/start.js';
import { startTestApp } from '../support/test-app.js';
import { createTestDatabase, eachQueueBackend, eventually } from '../support/test-database.js';

type Msg = { id: string; from: string; text: string; replyTo?: string; buttons?: { id: string; label: string }[] };

// The injected clock: 2026-11-22 10:00 in Shanghai.
const clock = { now: new Date('2026-11-22T02:00:00Z') };

eachQueueBackend((backend) => {
  describe('broadcast notices through the sim HTTP API', () => {
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    let app: RunningJiesu;
    beforeAll(async () => {
      db = await createTestDatabase({ migrate: false });
      app = await startTestApp(db, { REDIS_URL: backend.redisUrl }, { now: () => clock.now });
    });
    afterAll(async () => {
      await app?.stop();
      await db?.drop();
    });

    const api = async (method: string, p: string, body?: unknown) => {
      const res = await fetch(`${app.url}${p}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as any };
    };
    let people: { id: string; name: string }[] = [];
    const who = async (name: string) => {
      if (!people.length) people = ((await api('GET', '/api/sim/chats')).body as { members: { id: string; name: string }[] }[]).flatMap((c) => c.members);
      const m = people.find((x) => x.name === name);
      if (!m) throw new Error(`no demo person ${name}`);
      return m.id;
    };
    const messages = async (chat: string) => (await api('GET', `/api/sim/chats/${chat}/messages`)).body as Msg[];
    const bot = async (chat: string) => (await messages(chat)).filter((m) => m.from === 'bot');
    const say = async (chat: string, name: string, text: string): Promise<Msg> => {
      const r = await api('POST', `/api/sim/chats/${chat}/messages`, { from: await who(name), text });
      expect(r.status).toBe(201);
      return eventually(async () => (await bot(chat)).find((m) => m.replyTo === r.body.id));
    };
    const press = async (chat: string, name: string, msg: Msg, label: string): Promise<Msg> => {
      const before = (await bot(chat)).length;
      const button = msg.buttons!.find((b) => b.label === label)!;
      const r = await api('POST', `/api/sim/chats/${chat}/actions`, { from: await who(name), messageId: msg.id, buttonId: button.id });
      expect(r.status).toBe(200);
      return eventually(async () => (await bot(chat))[before]);
    };
    const dm = async (name: string) => `d-${await who(name)}`;

    it('compose → preview → confirm → deliveries → confirmations → status → reminder', async () => {
      const me = await dm('马超');
      expect((await say(me, '马超', '/notice')).text).toContain('第 1/4 步');
      await say(me, '马超', '明晚8点阳光社区停电检修，请提前做好准备');
      await say(me, '马超', 'hp-yg');
      const timeStep = await say(me, '马超', '需要');
      const preview = await press(me, '马超', timeStep, '现在发送');
      expect(preview.text).toContain('将发送到 3 个群，约 12 人');
      expect((await bot('g-hp-yg-01')).some((m) => m.text.includes('停电检修'))).toBe(false);
      const confirmed = await press(me, '马超', preview, '确认发送');
      const id = Number(/通知 #(\d+)/.exec(confirmed.text)![1]);

      const notice = await eventually(async () => (await bot('g-hp-yg-01')).find((m) => m.text.includes('停电检修')));
      expect(notice.text).toContain(`通知 #${id}`);
      await eventually(async () => (await bot('g-hp-yg-02')).some((m) => m.text.includes('停电检修')));
      await eventually(async () => (await bot('w-hp-yg')).some((m) => m.text.includes('停电检修')));
      expect((await bot('g-hp-xf-01')).some((m) => m.text.includes('停电检修'))).toBe(false);

      expect((await say('g-hp-yg-01', '曹阳', '1')).text).toContain(`@曹阳 已确认收到通知 #${id}`);
      expect((await press('g-hp-yg-01', '彭丽', notice, '确认收到')).text).toContain('已确认收到');
      expect((await press('g-hp-yg-01', '彭丽', notice, '确认收到')).text).toContain('已确认过');

      const status = await say(me, '马超', `/notice status ${id}`);
      expect(status.text).toContain('成功 3，失败 0');
      expect(status.text).toContain('确认：2/12 人');
      expect(status.text).toContain('未确认：');

      expect((await say(me, '马超', `提醒 ${id}`)).text).toContain('尚未确认的 10 人');
      const reminder = await eventually(async () => (await bot('g-hp-yg-01')).find((m) => m.text.includes('【提醒】')));
      expect(reminder.text).toContain('@曾强');
      expect(reminder.text).not.toContain('@曹阳');
    });

    it('refuses non-managers and unknown notices, and schedules and cancels with the fake clock', async () => {
      expect((await say(await dm('张伟'), '张伟', '发通知')).text).toContain('只有管理员');
      expect((await say('g-hp-yg-01', '曹阳', '撤回 1')).text).toContain('只有管理员');
      const me = await dm('马超');
      expect((await say(me, '马超', '通知状态 4242')).text).toContain('没有找到通知 #4242');

      await say(me, '马超', '发通知');
      await say(me, '马超', '周末开展垃圾分类宣传');
      await say(me, '马超', '全体网格员');
      await say(me, '马超', '不需要');
      const preview = await say(me, '马超', '2026-11-23 09:00');
      expect(preview.text).toContain('发送时间：2026-11-23 09:00');
      const confirmed = await say(me, '马超', '确认');
      const id = Number(/通知 #(\d+)/.exec(confirmed.text)![1]);
      const job = await eventually(async () => app.queues.queue('notice-fanout').getJob(`notice-fanout-${id}`));
      expect(job.opts.delay).toBe(23 * 3600 * 1000);
      expect((await say(me, '马超', `撤回 ${id}`)).text).toContain(`已撤回通知 #${id}`);
      expect(await app.queues.queue('notice-fanout').getJob(`notice-fanout-${id}`)).toBeUndefined();
      expect((await bot('w-hp-xf')).some((m) => m.text.includes('垃圾分类宣传'))).toBe(false);
    });
  });
});
