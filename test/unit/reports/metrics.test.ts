import { describe, expect, it } from 'vitest';
import { computeMetrics, feedbackIn, gridScore, median, overdueAt } from '../../../core/reports/metrics.js';
import { periodContaining } from '../../../core/reports/period.js';
import { buildReport } from '../../../core/reports/report.js';
import { fixtureCases, fixtureNames, sh } from './fixtures.js';

const cases = fixtureCases();
const later = sh('2026-12-10T12:00:00');

describe('metrics over a fixed set of cases', () => {
  it('Monday 2026-11-23: a case signed before midnight and resolved after it is not same-day', () => {
    const m = computeMetrics(cases, periodContaining('day', sh('2026-11-23T12:00:00')), later);
    expect(m).toEqual({
      received: 2, // A, B (C was received on Friday)
      dispatched: 2,
      signed: 3, // A, B, and C late on Monday morning
      resolved: 1, // A (B resolved at 00:20 on Tuesday)
      closed: 1,
      reopened: 0,
      overdue: 0,
      supervised: 0,
      responseRate: 1,
      resolutionRate: 1,
      satisfactionRate: 1,
      sameDayResolutionRate: 1 / 3,
      onTimeRate: 1,
      reopenRate: 0,
      medianSignMinutes: 30, // [19 (B), 30 (A), 3929 (C, over the weekend)]
      medianResolveMinutes: 359,
    });
  });

  it('the ISO week of 11-23 to 11-29: Monday start, the Sunday-night case counts as received, not dispatched', () => {
    const week = periodContaining('week', sh('2026-11-25T12:00:00'));
    expect([week.startDate, week.endDate]).toEqual(['2026-11-23', '2026-11-29']);
    const m = computeMetrics(cases, week, later);
    expect(m).toEqual({
      received: 5, // A, B, D, E (Sun 23:59:59), F
      dispatched: 4, // A, B, D, F (E at 00:00:30 on Monday 11-30)
      signed: 3,
      resolved: 2,
      closed: 2, // a cancelled case is not closed
      reopened: 1, // C
      overdue: 1, // D at the end of the week: not signed for since Saturday 10:31
      supervised: 1,
      responseRate: 2 / 3, // A, B on time; D late; F cancelled before signing counts neither way
      resolutionRate: 2 / 3, // A, B fixed; C not
      satisfactionRate: 1.9 / 3, // 满意 + 0.9 × 基本满意 + 0
      sameDayResolutionRate: 1 / 3,
      onTimeRate: 1,
      reopenRate: 1 / 3, // C of {A, B, C}
      medianSignMinutes: 30,
      medianResolveMinutes: 204, // (49 + 359) / 2
    });
  });

  it('November: the Monday-after case resolved on 11-30 counts, its rating on 12-01 does not', () => {
    const month = periodContaining('month', sh('2026-11-15T12:00:00'));
    expect([month.startDate, month.endDate]).toEqual(['2026-11-01', '2026-11-30']);
    const m = computeMetrics(cases, month, later);
    expect(m).toEqual({
      received: 6,
      dispatched: 6,
      signed: 4,
      resolved: 3,
      closed: 2,
      reopened: 1,
      overdue: 1,
      supervised: 1,
      responseRate: 3 / 5,
      resolutionRate: 2 / 3,
      satisfactionRate: 1.9 / 3,
      sameDayResolutionRate: 2 / 4,
      onTimeRate: 1,
      reopenRate: 1 / 4,
      medianSignMinutes: (30 + 549.5) / 2,
      medianResolveMinutes: 359,
    });
  });

  it('the next week spans the month boundary: E dispatched Monday 11-30, rated Tuesday 12-01', () => {
    const m = computeMetrics(cases, periodContaining('week', sh('2026-12-01T12:00:00')), later);
    expect(m).toMatchObject({ received: 0, dispatched: 1, signed: 1, resolved: 1, closed: 1, responseRate: 1, resolutionRate: 1, satisfactionRate: 1, sameDayResolutionRate: 1, onTimeRate: 1 });
    // At the end of that week D is still not signed for, and reopened C is past its new deadline (12-02 12:00).
    expect(m.overdue).toBe(2);
  });

  it('a Sunday with one case received a second before midnight: rates are null, not zero', () => {
    const m = computeMetrics(cases, periodContaining('day', sh('2026-11-29T12:00:00')), later);
    expect(m).toMatchObject({ received: 1, dispatched: 0, signed: 0, resolved: 0 });
    expect([m.responseRate, m.resolutionRate, m.satisfactionRate, m.sameDayResolutionRate, m.onTimeRate, m.reopenRate, m.medianSignMinutes, m.medianResolveMinutes]).toEqual([
      null, null, null, null, null, null, null, null,
    ]);
    // Saturday: D was overdue by the end of the day.
    expect(computeMetrics(cases, periodContaining('day', sh('2026-11-28T12:00:00')), later).overdue).toBe(1);
  });

  it('a report made during the period takes its snapshot now, and a case inside its deadline counts neither way', () => {
    const day = periodContaining('day', sh('2026-11-28T12:00:00'));
    // 10:20: D dispatched at 10:01, due 10:31: not yet decided.
    expect(computeMetrics(cases, day, sh('2026-11-28T10:20:00'))).toMatchObject({ dispatched: 1, responseRate: null, overdue: 0 });
    expect(computeMetrics(cases, day, sh('2026-11-28T10:40:00'))).toMatchObject({ dispatched: 1, responseRate: 0, overdue: 1 });
  });

  it('weights for 基本满意 are configurable', () => {
    const week = periodContaining('week', sh('2026-11-25T12:00:00'));
    expect(computeMetrics(cases, week, later, { satisfactionWeights: { basically_satisfied: 0.5 } }).satisfactionRate).toBeCloseTo(1.5 / 3, 10);
  });

  it('uses the latest round rated in the period, and its worst answer among reporters', () => {
    const c = { ...cases[2]!, ratings: [
      { at: sh('2026-11-24T12:00:00'), round: 0, fixed: false, satisfaction: 'unsatisfied' as const },
      { at: sh('2026-11-26T12:00:00'), round: 1, fixed: true, satisfaction: 'satisfied' as const },
      { at: sh('2026-11-26T13:00:00'), round: 1, fixed: true, satisfaction: 'basically_satisfied' as const },
    ] };
    expect(feedbackIn(c, periodContaining('week', sh('2026-11-25T00:00:00')))).toEqual({ fixed: true, satisfaction: 'basically_satisfied' });
    expect(feedbackIn(c, periodContaining('day', sh('2026-11-24T00:00:00')))).toEqual({ fixed: false, satisfaction: 'unsatisfied' });
    expect(feedbackIn(c, periodContaining('day', sh('2026-11-25T00:00:00')))).toBeNull();
  });

  it('overdue: signing late, resolving late, and nothing once resolved or cancelled', () => {
    const [a, , c, d, , f] = cases;
    expect(overdueAt(d!, sh('2026-11-28T10:32:00'))).toEqual({ kind: 'sign', due: sh('2026-11-28T10:31:00') });
    expect(overdueAt(c!, sh('2026-12-02T12:01:00'))).toEqual({ kind: 'resolve', due: sh('2026-12-02T12:00:00') });
    expect(overdueAt(a!, later)).toBeNull();
    expect(overdueAt(f!, later)).toBeNull();
  });

  it('median of an even and an odd count', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('breakdowns, rankings and recurring problems', () => {
  const week = periodContaining('week', sh('2026-11-25T12:00:00'));
  const r = buildReport({ period: week, asOf: later, scope: { nodeId: 9, name: '幸福社区' }, cases, names: fixtureNames });

  it('by grid and by handler', () => {
    expect(r.byGrid.map((g) => [g.name, g.received, g.resolved, g.overdue, g.responseRate])).toEqual([
      ['幸福社区第一网格', 4, 2, 0, 1],
      ['幸福社区第二网格', 1, 0, 1, 0],
    ]);
    expect(r.byHandler.map((h) => [h.name, h.received, h.signed, h.overdue])).toEqual([
      ['李建国', 4, 2, 0],
      ['王秀英', 1, 1, 1],
    ]);
  });

  it('by type', () => {
    expect(r.byType.map((t) => [t.name, t.received, t.reopened])).toEqual([
      ['环境卫生', 3, 0],
      ['噪声扰民', 1, 1],
      ['物业服务', 1, 0],
    ]);
  });

  it('ranks grids best first by their rates less overdue cases', () => {
    expect(r.ranking).toEqual([
      { nodeId: 1, name: '幸福社区第一网格', score: Math.round(((1 + 1 + 0.95) / 3) * 1e6) / 1e6, overdue: 0 },
      { nodeId: 2, name: '幸福社区第二网格', score: -0.1, overdue: 1 },
    ]);
    expect(gridScore({ ...r.byGrid[0]!, responseRate: null, onTimeRate: null, satisfactionRate: null, overdue: 0 })).toBeNull();
  });

  it('finds the recurring problem: 环境卫生 at 3号楼 in grid 1, three times', () => {
    expect(r.topProblems).toEqual([{ type: 'sanitation', typeName: '环境卫生', grid: '幸福社区第一网格', place: '3号楼', count: 3, caseNumbers: [1001, 1002, 1006] }]);
  });

  it('lists the overdue case with who holds it', () => {
    expect(r.overdueCases).toEqual([
      { number: 1004, type: 'noise', typeName: '噪声扰民', grid: '幸福社区第二网格', handler: '王秀英', kind: 'sign', due: sh('2026-11-28T10:31:00').toISOString(), overdueMinutes: 37 * 60 + 29, supervised: true },
    ]);
  });
});
