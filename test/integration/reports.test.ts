import { getNextMillis } from 'bullmq';
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodContaining } from '../../core/reports/period.js';
import { createReportRepository } from '../../db/repositories/report-repository.js';
import { outboundMessages } from '../../db/schema.js';
import { reportSchedulerId } from '../../workers/reports/report-service.js';
import { fixtureCases, sh } from '../unit/reports/fixtures.js';
import { eachQueueBackend, eventually } from '../support/test-database.js';
import { insertTimeline, NUMBER_OFFSET, startReportPipeline } from './reports-support.js';

const TZ = 'Asia/Shanghai';
const CRON = { day: '30 8 * * *', week: '0 9 * * 1', month: '0 10 1 * *' };
/** An instant as Shanghai wall-clock text. */
const local = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

eachQueueBackend((backend) => {
  describe('reports', () => {
    let p: Awaited<ReturnType<typeof startReportPipeline>>;
    let clock = sh('2026-11-30T08:30:00');
    const fixture = fixtureCases();

    beforeAll(async () => {
      p = await startReportPipeline({ redisUrl: backend.redisUrl, now: () => clock, reports: { cron: CRON, timezone: TZ } });
      // 幸福社区: the fixture cases (grid 1: 李建国, grid 2: 王秀英). 阳光社区: one case of its own.
      const g1 = await p.nodeId('hp-xf-01');
      const g2 = await p.nodeId('hp-xf-02');
      const li = await p.personId('李建国');
      const wang = await p.personId('王秀英');
      const reporter = await p.personId('胡晓梅');
      for (const t of fixture) await insertTimeline(p.db, t, t.nodeId === 1 ? { nodeId: g1, handlerId: li, reporterId: reporter } : { nodeId: g2, handlerId: wang, reporterId: reporter });
      await insertTimeline(p.db, { ...fixture[0]!, number: 1099, type: 'street_order', place: null }, { nodeId: await p.nodeId('hp-yg-01'), handlerId: await p.personId('张伟'), reporterId: await p.personId('曹阳') });
    }, 60_000);
    afterAll(async () => p?.stop());

    const rows = (prefix: string) => p.db.select().from(outboundMessages).where(like(outboundMessages.dedupeKey, `${prefix}%`)).orderBy(outboundMessages.id);

    it('reads cases back from the database as the timelines they were written from', async () => {
      const xf = await p.nodeId('hp-xf');
      const week = periodContaining('week', sh('2026-11-25T12:00:00'));
      const got = await createReportRepository(p.db).timelines([xf, await p.nodeId('hp-xf-01'), await p.nodeId('hp-xf-02')], sh('2026-11-01T00:00:00'), week.end);
      const strip = (t: (typeof got)[number]) => ({ ...t, id: 0, nodeId: 0, handlerId: 0, number: t.number % NUMBER_OFFSET });
      const byNumber = (a: { number: number }, b: { number: number }) => a.number - b.number;
      expect(got.map(strip).sort(byNumber)).toEqual(fixture.map((t) => ({ ...t, id: 0, nodeId: 0, handlerId: 0 })).sort(byNumber));
    });

    it('creates the three job schedulers at the configured local times', async () => {
      const q = p.workers.reports.queue;
      for (const [kind, pattern] of Object.entries(CRON)) {
        const s = await q.getJobScheduler(reportSchedulerId(kind as 'day'));
        expect(s, kind).toMatchObject({ pattern, tz: TZ });
        const next = local(Number(s!.next));
        if (kind === 'day') expect(next.slice(11)).toBe('08:30');
        if (kind === 'week') expect([new Date(Number(s!.next) + 8 * 3600_000).getUTCDay(), next.slice(11)]).toEqual([1, '09:00']);
        if (kind === 'month') expect([next.slice(8, 10), next.slice(11)]).toEqual(['01', '10:00']);
      }
      // From a fixed moment (Saturday 2026-11-28 12:00 in Shanghai), the next runs are:
      const from = sh('2026-11-28T12:00:00').getTime();
      expect(local(getNextMillis(from, { pattern: CRON.day, tz: TZ })!)).toBe('2026-11-29 08:30');
      expect(local(getNextMillis(from, { pattern: CRON.week, tz: TZ })!)).toBe('2026-11-30 09:00');
      expect(local(getNextMillis(from, { pattern: CRON.month, tz: TZ })!)).toBe('2026-12-01 10:00');
    });

    it('posts the daily report on Monday 08:30 for Friday to Sunday, to the street managers and each community work group', async () => {
      clock = sh('2026-11-30T08:30:00');
      const r = await p.workers.reports.runScheduled({ data: { kind: 'day' } });
      expect(r.period).toMatchObject({ startDate: '2026-11-27', endDate: '2026-11-29' });
      expect(r.posted).toBe(3);
      const posted = await rows('report:day:2026-11-27:');
      const keyOf = async (chat: string) => `report:day:2026-11-27:${await p.chatId(chat)}`;
      expect(posted.map((o) => o.dedupeKey).sort()).toEqual([await keyOf('m-hp'), await keyOf('w-hp-xf'), await keyOf('w-hp-yg')].sort());
      const street = posted.find((o) => o.platformChatId === 'm-hp')!;
      expect(street.payload.text.split('\n')[0]).toBe('📊 和平街道日报 · 11月27日—11月29日');
      // Saturday's major case, not signed for since 10:31 and supervised, with who holds it.
      expect(street.payload.text).toContain(`#${1004 + NUMBER_OFFSET} 噪声扰民 幸福社区第二网格 王秀英 未签收`);
      expect(street.payload.photo).toMatch(/^data:image\/png;base64,/);
      const yg = posted.find((o) => o.platformChatId === 'w-hp-yg')!;
      expect(yg.payload.text).toContain('阳光社区日报');
      expect(yg.payload.text).not.toContain('幸福社区');
      // Delivered through the send queue to the sim chat, photo included.
      const shown = await eventually(async () => (await p.sim.messages('w-hp-xf')).find((m) => m.from === 'bot' && m.text.includes('幸福社区日报')));
      expect(shown.photo).toMatch(/^data:image\/png;base64,/);
      // A re-run (a redelivered job, a second process) sends nothing twice.
      await p.workers.reports.runScheduled({ data: { kind: 'day' } });
      expect(await rows('report:day:2026-11-27:')).toHaveLength(3);
    });

    it('skips the daily report on a day off, and posts the weekly and monthly reports of the period just ended', async () => {
      clock = sh('2026-11-28T08:30:00');
      expect(await p.workers.reports.runScheduled({ data: { kind: 'day' } })).toEqual({ period: null, posted: 0 });
      expect(await rows('report:day:2026-11-27:')).toHaveLength(3);

      clock = sh('2026-11-30T09:00:00');
      const w = await p.workers.reports.runScheduled({ data: { kind: 'week' } });
      expect(w.period).toMatchObject({ startDate: '2026-11-23', endDate: '2026-11-29' });
      const xf = (await rows('report:week:2026-11-23:')).find((o) => o.platformChatId === 'w-hp-xf')!;
      // The same figures as the pure core gives for the fixture (test/unit/reports/metrics.test.ts).
      expect(xf.payload.text.split('\n').slice(0, 4)).toEqual([
        '📊 幸福社区周报 · 第48周（11月23日—11月29日）',
        '受理 5 · 派单 4 · 签收 3 · 办结 2 · 关闭 2',
        '响应率 67% · 解决率 67% · 满意率 63%',
        '当日解决率 33% · 按期办结率 100% · 重办率 33%',
      ]);

      clock = sh('2026-12-01T10:00:00');
      const m = await p.workers.reports.runScheduled({ data: { kind: 'month' } });
      expect(m.period).toMatchObject({ startDate: '2026-11-01', endDate: '2026-11-30' });
      const street = (await rows('report:month:2026-11-01:')).find((o) => o.platformChatId === 'm-hp')!;
      // Seven cases in November: the fixture's six and 阳光社区's one.
      expect(street.payload.text).toContain('📊 和平街道月报 · 2026年11月\n受理 7 ·');
    });

    describe('on demand in chat', () => {
      const ask = async (chat: string, name: string, text: string) => {
        const { id } = await p.sim.post(chat, { from: String(await p.personId(name)), text });
        return eventually(async () => (await p.sim.messages(chat)).find((m) => m.from === 'bot' && m.replyTo === id));
      };

      it("a community's grid leader sees only their community, even in the street managers' group", async () => {
        clock = sh('2026-11-30T12:00:00');
        const reply = await ask('m-hp', '陈静', '周报 2026-11-25');
        expect(reply.text.split('\n')[0]).toBe('📊 幸福社区周报 · 第48周（11月23日—11月29日）');
        expect(reply.text).not.toContain('阳光社区');
        expect(reply.photo).toMatch(/^data:image\/png;base64,/);
        const chief = await ask('m-hp', '黄志强', '/report week 2026-11-25');
        expect(chief.text.split('\n')[0]).toBe('📊 和平街道周报 · 第48周（11月23日—11月29日）');
      });

      it('the current period so far by default', async () => {
        clock = sh('2026-11-30T12:00:00');
        const reply = await ask(`d-${await p.personId('孙丽')}`, '孙丽', '日报');
        // Monday 11-30 until noon: E was dispatched at 00:00:30 and signed at 09:10.
        expect(reply.text.split('\n').slice(0, 2)).toEqual(['📊 和平街道日报 · 11月30日（周一）', '受理 0 · 派单 1 · 签收 1 · 办结 0 · 关闭 0']);
      });

      it('refuses residents and grid workers with a reason, and never answers in a residents group', async () => {
        const resident = await ask(`d-${await p.personId('胡晓梅')}`, '胡晓梅', '日报');
        expect(resident.text).toContain('报表仅向网格长、片区网格长、总网格长和管理员提供');
        const worker = await ask('w-hp-xf', '李建国', '月报');
        expect(worker.text).toContain('报表仅向');
        expect(worker.photo).toBeUndefined();
        const leader = await ask('g-hp-xf-01', '陈静', '日报');
        expect(leader.text).toContain('不在居民群');
        const inbound = await p.db.select().from(outboundMessages).where(and(like(outboundMessages.dedupeKey, 'report-ask:%'), eq(outboundMessages.platformChatId, 'g-hp-xf-01')));
        expect(inbound).toHaveLength(0);
      });
    });
  });
});
