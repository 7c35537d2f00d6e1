import { describe, expect, it } from 'vitest';
import { parseReportCommand } from '../../../core/reports/commands.js';
import { composeReportText, duration, percent } from '../../../core/reports/compose.js';
import { isoWeek, periodContaining, periodLabel, previousPeriod, sinceLastWorkday, weekday } from '../../../core/reports/period.js';
import { buildReport } from '../../../core/reports/report.js';
import { reportScope } from '../../../core/reports/scope.js';
import { OrgTree } from '../../../core/org/org-tree.js';
import { WorkingCalendar } from '../../../core/time/working-calendar.js';
import slaFile from '../../../config/sla.json' with { type: 'json' };
import { fixtureCases, fixtureNames, sh } from './fixtures.js';

const iso = (d: Date) => d.toISOString();

describe('periods in Asia/Shanghai', () => {
  it('a day runs from local midnight to local midnight', () => {
    const p = periodContaining('day', sh('2026-11-23T23:59:59'));
    expect([iso(p.start), iso(p.end), p.startDate, p.endDate]).toEqual(['2026-11-22T16:00:00.000Z', '2026-11-23T16:00:00.000Z', '2026-11-23', '2026-11-23']);
    // 00:00 local belongs to the new day (UTC still says the 22nd).
    expect(periodContaining('day', sh('2026-11-24T00:00:00')).startDate).toBe('2026-11-24');
  });

  it('an ISO week starts on Monday; Sunday 23:59:59 is in the old week, Monday 00:00 in the new one', () => {
    expect(periodContaining('week', sh('2026-11-29T23:59:59')).startDate).toBe('2026-11-23');
    expect(periodContaining('week', sh('2026-11-30T00:00:00')).startDate).toBe('2026-11-30');
    // Across the new year: 2027-01-01 is a Friday in week 53 of 2026.
    const p = periodContaining('week', sh('2027-01-01T12:00:00'));
    expect([p.startDate, p.endDate]).toEqual(['2026-12-28', '2027-01-03']);
    expect(isoWeek({ y: 2027, m: 1, d: 1 })).toEqual({ year: 2026, week: 53 });
    expect(isoWeek({ y: 2026, m: 11, d: 23 })).toEqual({ year: 2026, week: 48 });
    expect(weekday({ y: 2026, m: 11, d: 29 })).toBe(7);
  });

  it('a month, including February and December', () => {
    expect(periodContaining('month', sh('2026-02-10T00:00:00'))).toMatchObject({ startDate: '2026-02-01', endDate: '2026-02-28' });
    const dec = periodContaining('month', sh('2026-12-31T23:59:59'));
    expect([dec.startDate, dec.endDate, iso(dec.end)]).toEqual(['2026-12-01', '2026-12-31', '2026-12-31T16:00:00.000Z']);
  });

  it('the previous period: yesterday, last week, last month', () => {
    const now = sh('2026-01-01T09:00:00');
    expect(previousPeriod('day', now).startDate).toBe('2025-12-31');
    expect(previousPeriod('week', now)).toMatchObject({ startDate: '2025-12-22', endDate: '2025-12-28' });
    expect(previousPeriod('month', now)).toMatchObject({ startDate: '2025-12-01', endDate: '2025-12-31' });
  });

  it("the daily report covers the days since the previous working day (Monday: Friday to Sunday; after 国庆)", () => {
    const cal = new WorkingCalendar(slaFile.calendar);
    const isWorkday = (d: { y: number; m: number; d: number }) => cal.isWorkday(cal.localDay(cal.at(d, 720)));
    expect(sinceLastWorkday(sh('2026-11-24T09:00:00'), isWorkday)).toMatchObject({ startDate: '2026-11-23', endDate: '2026-11-23' });
    expect(sinceLastWorkday(sh('2026-11-30T09:00:00'), isWorkday)).toMatchObject({ startDate: '2026-11-27', endDate: '2026-11-29' });
    expect(sinceLastWorkday(sh('2026-10-08T09:00:00'), isWorkday)).toMatchObject({ startDate: '2026-09-30', endDate: '2026-10-07' });
  });

  it('labels', () => {
    expect(periodLabel(periodContaining('day', sh('2026-11-23T10:00:00')))).toBe('11月23日（周一）');
    expect(periodLabel(periodContaining('week', sh('2026-11-23T10:00:00')))).toBe('第48周（11月23日—11月29日）');
    expect(periodLabel(periodContaining('month', sh('2026-11-23T10:00:00')))).toBe('2026年11月');
  });

  it('another time zone moves the boundaries', () => {
    const p = periodContaining('day', new Date('2026-11-23T20:00:00Z'), 'Europe/Berlin');
    expect([p.startDate, iso(p.start)]).toEqual(['2026-11-23', '2026-11-22T23:00:00.000Z']);
  });
});

describe('report commands', () => {
  it('日报 / 周报 / 月报 and /report day|week|month, with an optional date', () => {
    expect(parseReportCommand('日报')).toEqual({ kind: 'day', date: null });
    expect(parseReportCommand(' 周报 ')).toEqual({ kind: 'week', date: null });
    expect(parseReportCommand('月报 2026-10-05')).toEqual({ kind: 'month', date: { y: 2026, m: 10, d: 5 } });
    expect(parseReportCommand('/report day')).toEqual({ kind: 'day', date: null });
    expect(parseReportCommand('/report@jiesu_bot WEEK 2026-11-23')).toEqual({ kind: 'week', date: { y: 2026, m: 11, d: 23 } });
    expect(parseReportCommand('日报 昨天')).toMatchObject({ kind: 'error' });
    expect(parseReportCommand('月报 2026-02-30')).toMatchObject({ kind: 'error' });
  });

  it('leaves other text, and `/report <text>` (a patrol report), alone', () => {
    expect(parseReportCommand('/report 北门井盖缺失')).toBeNull();
    expect(parseReportCommand('日报什么时候发')).toBeNull();
    expect(parseReportCommand('垃圾没人清运')).toBeNull();
  });

  it('answers a bare /report (from the command menu) with both uses', () => {
    const r = parseReportCommand('/report@jiesu_bot');
    expect(r).toMatchObject({ kind: 'error' });
    expect(r && 'message' in r && r.message).toMatch(/日报[\s\S]*\/report 问题描述/);
  });
});

describe('who sees which report', () => {
  const tree = new OrgTree([
    { id: 1, code: 'hp', name: '和平街道', level: 'street', parentId: null },
    { id: 2, code: 'hp-xf', name: '幸福社区', level: 'community', parentId: 1 },
    { id: 3, code: 'hp-xf-01', name: '第一网格', level: 'grid', parentId: 2 },
    { id: 4, code: 'hp-yg', name: '阳光社区', level: 'community', parentId: 1 },
  ]);
  const managersGroup = { kind: 'group' as const, purpose: 'managers', nodeId: 1 };
  const xfWork = { kind: 'group' as const, purpose: 'work', nodeId: 2 };
  const dm = { kind: 'direct' as const, purpose: null, nodeId: null };

  it('a community grid leader sees only their community, even in the street managers group', () => {
    const leader = [{ role: 'grid_leader' as const, nodeId: 2 }];
    expect(reportScope(leader, managersGroup, tree)).toEqual({ ok: true, nodeId: 2 });
    expect(reportScope(leader, dm, tree)).toEqual({ ok: true, nodeId: 2 });
    expect(reportScope(leader, { kind: 'group', purpose: 'work', nodeId: 4 }, tree)).toEqual({ ok: true, nodeId: 2 });
  });

  it('street staff see the street, or the community whose group they ask in', () => {
    const chief = [{ role: 'street_chief' as const, nodeId: 1 }];
    expect(reportScope(chief, managersGroup, tree)).toEqual({ ok: true, nodeId: 1 });
    expect(reportScope(chief, xfWork, tree)).toEqual({ ok: true, nodeId: 2 });
    expect(reportScope([{ role: 'manager', nodeId: 1 }, { role: 'grid_leader', nodeId: 2 }], dm, tree)).toEqual({ ok: true, nodeId: 1 });
  });

  it('refuses residents, grid workers and departments, and any residents group, with a reason', () => {
    for (const roles of [[], [{ role: 'resident' as const, nodeId: 3 }], [{ role: 'grid_worker' as const, nodeId: 3 }], [{ role: 'department' as const, nodeId: 1 }]]) {
      const r = reportScope(roles, dm, tree);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.reason).toContain('报表仅向');
    }
    const r = reportScope([{ role: 'manager', nodeId: 1 }], { kind: 'group', purpose: 'residents', nodeId: 3 }, tree);
    expect(!r.ok && r.reason).toContain('不在居民群');
  });
});

describe('the report text', () => {
  it('reads in a few lines: headline figures, overdue with holders, best and worst grids, recurring problems', () => {
    const week = periodContaining('week', sh('2026-11-25T12:00:00'));
    const r = buildReport({ period: week, asOf: sh('2026-12-10T12:00:00'), scope: { nodeId: 9, name: '幸福社区' }, cases: fixtureCases(), names: fixtureNames });
    const text = composeReportText(r);
    expect(text.split('\n')).toEqual([
      '📊 幸福社区周报 · 第48周（11月23日—11月29日）',
      '受理 5 · 派单 4 · 签收 3 · 办结 2 · 关闭 2',
      '响应率 67% · 解决率 67% · 满意率 63%',
      '当日解决率 33% · 按期办结率 100% · 重办率 33%',
      '签收用时 30分钟 · 办结用时 3.4小时（中位数）',
      '',
      '⚠️ 超期 1 件（督办 1 件）：',
      '· #1004 噪声扰民 幸福社区第二网格 王秀英 未签收，超期1天',
      '',
      '👍 最佳网格：幸福社区第一网格（响应 100%，按期 100%，满意 95%）',
      '👎 待改进：幸福社区第二网格（响应 0%，满意 0%，超期 1 件）',
      '',
      '🔁 高发问题：环境卫生·幸福社区第一网格 3号楼 3次',
    ]);
    expect(text.length).toBeLessThan(400);
  });

  it('formats rates and durations', () => {
    expect([percent(null), percent(0), percent(2 / 3), percent(1)]).toEqual(['—', '0%', '67%', '100%']);
    expect([duration(null), duration(25), duration(204), duration(3929)]).toEqual(['—', '25分钟', '3.4小时', '2.7天']);
  });

  it('an empty period says so', () => {
    const r = buildReport({ period: periodContaining('day', sh('2026-06-01T12:00:00')), asOf: sh('2026-06-01T12:00:00'), scope: { nodeId: null, name: '和平街道' }, cases: [], names: fixtureNames });
    expect(composeReportText(r)).toContain('本期没有工单');
    expect(r).toMatchObject({ received: 0, responseRate: null, overdue: 0 });
  });
});
