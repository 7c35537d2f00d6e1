import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReport } from '../../app/commands/report.js';
import { runCli } from '../../app/cli.js';
import { loadTaxonomy } from '../../app/load-taxonomy.js';
import type { RunningJiesu } from '../../app/start.js';
import { startTestApp } from '../support/test-app.js';
import { cases } from '../../db/schema.js';
import { reportSchedulerId } from '../../workers/reports/report-service.js';
import { simClient } from '../support/sim-client.js';
import { createTestDatabase, eventually } from '../support/test-database.js';

/**
 * 日报 asked in the street managers' group through the sim HTTP API, after one case went
 * round the loop on a fake clock: reported Monday 2026-11-23 10:00, signed for 10:20,
 * resolved 11:00, rated 满意.
 */
describe('reports through the sim channel', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let app: RunningJiesu;
  let clock = new Date('2026-11-23T02:00:00Z'); // Monday 10:00 in Shanghai
  const at = (local: string) => void (clock = new Date(`2026-11-23T${local}:00+08:00`));
  const sim = simClient(() => app.url);
  const G = 'g-hp-xf-01';

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    app = await startTestApp(db, { CLASSIFIER_ENGINE: 'offline', REPORT_DAILY_CRON: '15 8 * * 1-5' }, { now: () => clock });
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  const statusOf = async (n: number) => (await db.db.select().from(cases).where(eq(cases.number, n)))[0]!.status;

  it('answers 日报 in the managers group with the day so far and its chart', async () => {
    at('10:00');
    const id = await sim.say(G, '胡晓梅', '3号楼门口的垃圾堆了三天没人清运，臭得不行');
    const n = Number(/#(\d+)/.exec((await sim.answerTo(G, id)).text)![1]);
    await eventually(async () => (await statusOf(n)) === 'dispatched');
    at('10:20');
    await sim.say(await sim.dm('李建国'), '李建国', `签收 #${n}`);
    await eventually(async () => (await statusOf(n)) === 'signed');
    at('11:00');
    await sim.say(await sim.dm('李建国'), '李建国', `办结 #${n} 垃圾已全部清运`);
    const ask = await sim.botSays(G, (m) => m.text.includes(`#${n}`) && m.text.includes('办结') && !!m.buttons?.length);
    expect(await sim.press(G, '胡晓梅', ask.id, `r:s:${n}`)).toBe(200);
    await eventually(async () => (await statusOf(n)) === 'closed');

    at('12:00');
    const q = await sim.say('m-hp', '孙丽', '日报');
    const reply = await sim.answerTo('m-hp', q);
    expect(reply.text.split('\n').slice(0, 5)).toEqual([
      '📊 和平街道日报 · 11月23日（周一）',
      '受理 1 · 派单 1 · 签收 1 · 办结 1 · 关闭 1',
      '响应率 100% · 解决率 100% · 满意率 100%',
      '当日解决率 100% · 按期办结率 100% · 重办率 0%',
      '签收用时 20分钟 · 办结用时 1小时（中位数）',
    ]);
    expect(reply.text).toContain('✅ 无超期工单');
    const photo = (reply as { photo?: string }).photo!;
    expect(photo).toMatch(/^data:image\/png;base64,/);
    const png = Buffer.from(photo.split(',')[1]!, 'base64');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([800, 600]);

    // A resident asking gets a reason, not a report.
    const r = await sim.say(await sim.dm('胡晓梅'), '胡晓梅', '日报');
    expect((await sim.answerTo(await sim.dm('胡晓梅'), r)).text).toContain('报表仅向');
  });

  it('schedules reports at the configured times (REPORT_DAILY_CRON)', async () => {
    const s = await app.workers.reports.queue.getJobScheduler(reportSchedulerId('day'));
    expect(s).toMatchObject({ pattern: '15 8 * * 1-5', tz: 'Asia/Shanghai' });
  });

  it('npx jiesu report: text and JSON with the headline figures', async () => {
    const out: string[] = [];
    const io = { stdout: (s: string) => void out.push(s), stderr: (s: string) => void out.push(s) };
    const ctx = { withDb: <T,>(fn: (d: typeof db.db) => Promise<T>) => fn(db.db), taxonomy: await loadTaxonomy(), timezone: 'Asia/Shanghai', now: () => new Date('2026-11-24T04:00:00Z') };
    expect(await runReport(['--period', 'day', '--date', '2026-11-23', '--json'], io, ctx)).toBe(0);
    const json = JSON.parse(out.pop()!);
    expect(json).toMatchObject({
      received: 1,
      resolved: 1,
      overdue: 0,
      responseRate: 1,
      resolutionRate: 1,
      satisfactionRate: 1,
      sameDayResolutionRate: 1,
      onTimeRate: 1,
      period: { kind: 'day', startDate: '2026-11-23', endDate: '2026-11-23', timezone: 'Asia/Shanghai' },
    });
    expect(await runReport(['--period', 'week', '--node', 'hp-yg'], io, ctx)).toBe(0);
    expect(out.pop()).toContain('📊 阳光社区周报 · 第48周（11月23日—11月29日）\n受理 0 ·');
    expect(await runReport(['--period', 'year'], io, ctx)).toBe(2);

    // Through the CLI entry point, on the same database.
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = db.url;
    try {
      expect(await runCli(['report', '--period', 'month', '--json'], io)).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
    const cli = JSON.parse(out.pop()!);
    for (const k of ['received', 'resolved', 'overdue', 'responseRate', 'resolutionRate', 'satisfactionRate', 'sameDayResolutionRate', 'onTimeRate']) expect(cli).toHaveProperty(k);
    expect(cli.period.kind).toBe('month');
  });
});
