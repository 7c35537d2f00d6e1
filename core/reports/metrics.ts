/**
 * Report metrics over plain case timelines (not database rows). Pure: every function takes
 * the cases, the period and the moment the report is made (`asOf`), and nothing else. A
 * report made during its period counts what happened up to `asOf`.
 *
 * Definitions (DESIGN.md, "Reports"); a period is [start, end):
 * - received / dispatched / signed / resolved / closed / supervised: cases whose first report,
 *   first dispatch, sign-for, (final) resolution, close or first escalation (督办) fell in the period;
 *   reopened: cases sent back by a reporter (未解决 / 不满意) in the period.
 * - overdue: a snapshot at the end of the period (or now, if earlier): open cases past their
 *   sign-for deadline while not signed for, or past their resolve deadline while not resolved.
 * - 响应率 responseRate: cases dispatched in the period and signed for by their deadline ÷ those
 *   dispatched in the period whose outcome is known (signed for, or the deadline has passed);
 *   a case still inside its deadline counts neither way yet, a case cancelled before anyone
 *   signed for it not at all.
 * - 解决率 resolutionRate: cases the reporters confirmed fixed ÷ cases with reporter feedback
 *   in the period (the case's latest round rated in the period; fixed when every reporter of
 *   that round said fixed).
 * - 满意率 satisfactionRate: (满意 + w × 基本满意) ÷ rated cases, the case's answer being the
 *   worst of its latest round in the period; w = 0.9 unless configured.
 * - 接单当日解决率 sameDayResolutionRate: cases signed for in the period and resolved on the same
 *   local calendar day ÷ cases signed for in the period.
 * - onTimeRate: cases resolved in the period by their resolve deadline ÷ cases resolved.
 * - medians: sign-for time (first dispatch → sign) over cases signed for in the period, and
 *   resolve time (first dispatch → resolution) over cases resolved in the period, in minutes.
 * - reopenRate: cases reopened in the period ÷ cases resolved or reopened in the period.
 * Rates are fractions 0–1, or null when the denominator is 0.
 */
import { DEFAULT_REPORT_TIMEZONE, sameLocalDay } from './period.js';

export type Satisfaction = 'satisfied' | 'basically_satisfied' | 'unsatisfied';
export type TimelineStatus = 'reported' | 'dispatched' | 'signed' | 'in_progress' | 'resolved' | 'closed' | 'returned' | 'cancelled';

/** One case as the reports see it. */
export interface CaseTimeline {
  id: number;
  number: number;
  type: string;
  level: 'routine' | 'major' | 'emergency';
  /** The grid (or other node) the case belongs to. */
  nodeId: number | null;
  /** Who holds it now. */
  handlerId: number | null;
  /** Where, within the grid: a building, street or landmark (null when unknown). */
  place: string | null;
  status: TimelineStatus;
  /** Received (上报). */
  createdAt: Date;
  /** First dispatch (派单). */
  dispatchedAt: Date | null;
  /** The sign-for deadline of the current assignment, and when it was signed for. */
  signDueAt: Date | null;
  signedAt: Date | null;
  /** The resolve deadline in force (after extensions and reopening). */
  resolveDueAt: Date | null;
  /** The final resolution (办结): null while (re)opened. */
  resolvedAt: Date | null;
  closedAt: Date | null;
  cancelledAt: Date | null;
  /** First escalation (督办). */
  supervisedAt: Date | null;
  /** Each time a reporter sent it back. */
  reopenedAt: Date[];
  /** One per reporter and round. */
  ratings: { at: Date; round: number; fixed: boolean; satisfaction: Satisfaction }[];
}

export interface MetricOptions {
  timezone?: string;
  /** Weights in the satisfaction rate: 满意 counts 1, 基本满意 0.9 by default, 不满意 0. */
  satisfactionWeights?: Partial<Record<Satisfaction, number>>;
}

export interface Range {
  start: Date;
  end: Date;
}

export interface Metrics {
  received: number;
  dispatched: number;
  signed: number;
  resolved: number;
  closed: number;
  reopened: number;
  overdue: number;
  supervised: number;
  responseRate: number | null;
  resolutionRate: number | null;
  satisfactionRate: number | null;
  sameDayResolutionRate: number | null;
  onTimeRate: number | null;
  reopenRate: number | null;
  medianSignMinutes: number | null;
  medianResolveMinutes: number | null;
}

export const DEFAULT_SATISFACTION_WEIGHTS: Record<Satisfaction, number> = { satisfied: 1, basically_satisfied: 0.9, unsatisfied: 0 };

const inRange = (t: Date | null | undefined, r: Range): t is Date => !!t && t.getTime() >= r.start.getTime() && t.getTime() < r.end.getTime();
const before = (t: Date | null | undefined, at: Date) => !!t && t.getTime() <= at.getTime();
/** The part of a period up to `asOf`: a report made during its period counts what happened so far. */
export const clip = (r: Range, asOf: Date): Range => (asOf.getTime() < r.end.getTime() ? { start: r.start, end: asOf } : r);
const rate = (num: number, den: number): number | null => (den > 0 ? num / den : null);

export function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** What is overdue at `at`, or null: sign (not signed for by its deadline) or resolve. */
export function overdueAt(c: CaseTimeline, at: Date): { kind: 'sign' | 'resolve'; due: Date } | null {
  if (before(c.cancelledAt, at) || before(c.closedAt, at) || before(c.resolvedAt, at)) return null;
  if (!before(c.dispatchedAt, at)) return null;
  if (c.signDueAt && c.signDueAt.getTime() < at.getTime() && !before(c.signedAt, at)) return { kind: 'sign', due: c.signDueAt };
  if (c.resolveDueAt && c.resolveDueAt.getTime() < at.getTime()) return { kind: 'resolve', due: c.resolveDueAt };
  return null;
}

/** The case's verdict from its latest round rated in the range, or null if not rated in it. */
export function feedbackIn(c: CaseTimeline, r: Range, order: Satisfaction[] = ['unsatisfied', 'basically_satisfied', 'satisfied']): { fixed: boolean; satisfaction: Satisfaction } | null {
  const rs = c.ratings.filter((x) => inRange(x.at, r));
  if (!rs.length) return null;
  const round = Math.max(...rs.map((x) => x.round));
  const last = rs.filter((x) => x.round === round);
  const worst = order.find((s) => last.some((x) => x.satisfaction === s))!;
  return { fixed: last.every((x) => x.fixed), satisfaction: worst };
}

/** Every metric for the cases in one period; `asOf` is when the report is made. */
export function computeMetrics(cases: readonly CaseTimeline[], period: Range, asOf: Date, opts: MetricOptions = {}): Metrics {
  const tz = opts.timezone ?? DEFAULT_REPORT_TIMEZONE;
  const w = { ...DEFAULT_SATISFACTION_WEIGHTS, ...opts.satisfactionWeights };
  const r = clip(period, asOf);
  const snapshot = r.end;

  const dispatched = cases.filter((c) => inRange(c.dispatchedAt, r));
  const signed = cases.filter((c) => inRange(c.signedAt, r));
  const resolved = cases.filter((c) => inRange(c.resolvedAt, r));
  const reopened = cases.filter((c) => c.reopenedAt.some((t) => inRange(t, r)));

  // 响应率: decided cases only (signed for, or the deadline passed by the snapshot).
  let responseOk = 0;
  let responseDecided = 0;
  for (const c of dispatched) {
    // Cancelled before anyone signed for it: no response was owed.
    if (before(c.cancelledAt, snapshot) && !before(c.signedAt, snapshot)) continue;
    const signedBySnapshot = before(c.signedAt, snapshot);
    const onTime = signedBySnapshot && (!c.signDueAt || c.signedAt!.getTime() <= c.signDueAt.getTime());
    const late = c.signDueAt ? c.signDueAt.getTime() < snapshot.getTime() : false;
    if (onTime) {
      responseOk++;
      responseDecided++;
    } else if (signedBySnapshot || late) responseDecided++;
  }

  const feedback = cases.map((c) => feedbackIn(c, r)).filter((f): f is NonNullable<typeof f> => f !== null);
  const satisfactionScore = feedback.reduce((s, f) => s + w[f.satisfaction], 0);
  const start = (c: CaseTimeline) => (c.dispatchedAt ?? c.createdAt).getTime();
  const reopenBase = new Set([...resolved, ...reopened].map((c) => c.id)).size;

  return {
    received: cases.filter((c) => inRange(c.createdAt, r)).length,
    dispatched: dispatched.length,
    signed: signed.length,
    resolved: resolved.length,
    closed: cases.filter((c) => inRange(c.closedAt, r)).length,
    reopened: reopened.length,
    overdue: cases.filter((c) => overdueAt(c, snapshot)).length,
    supervised: cases.filter((c) => inRange(c.supervisedAt, r)).length,
    responseRate: rate(responseOk, responseDecided),
    resolutionRate: rate(feedback.filter((f) => f.fixed).length, feedback.length),
    satisfactionRate: rate(satisfactionScore, feedback.length),
    sameDayResolutionRate: rate(signed.filter((c) => c.resolvedAt && sameLocalDay(c.signedAt!, c.resolvedAt, tz)).length, signed.length),
    onTimeRate: rate(resolved.filter((c) => !c.resolveDueAt || c.resolvedAt!.getTime() <= c.resolveDueAt.getTime()).length, resolved.length),
    reopenRate: rate(reopened.length, reopenBase),
    medianSignMinutes: median(signed.map((c) => (c.signedAt!.getTime() - start(c)) / 60_000)),
    medianResolveMinutes: median(resolved.map((c) => (c.resolvedAt!.getTime() - start(c)) / 60_000)),
  };
}

/** Does a case count anywhere in this period (so that it belongs in a breakdown)? */
export function touches(c: CaseTimeline, period: Range, asOf: Date): boolean {
  const r = clip(period, asOf);
  const snapshot = r.end;
  return (
    [c.createdAt, c.dispatchedAt, c.signedAt, c.resolvedAt, c.closedAt, c.supervisedAt, ...c.reopenedAt, ...c.ratings.map((x) => x.at)].some((t) => inRange(t, r)) ||
    overdueAt(c, snapshot) !== null
  );
}

export interface Breakdown<K> {
  key: K;
  metrics: Metrics;
}

/** The metrics per group (type, grid, handler), for groups with anything in the period. */
export function breakdown<K extends string | number>(
  cases: readonly CaseTimeline[],
  keyOf: (c: CaseTimeline) => K | null,
  r: Range,
  asOf: Date,
  opts: MetricOptions = {},
): Breakdown<K>[] {
  const groups = new Map<K, CaseTimeline[]>();
  for (const c of cases) {
    const k = keyOf(c);
    if (k === null || !touches(c, r, asOf)) continue;
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  return [...groups.entries()]
    .map(([key, cs]) => ({ key, metrics: computeMetrics(cs, r, asOf, opts) }))
    .sort((a, b) => b.metrics.received - a.metrics.received || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * A grid's score for the rankings: the mean of its known 响应率, 按期办结率 and 满意率, less
 * 0.1 per overdue case (a grid with overdue cases and no known rate scores −0.1 per case).
 * Null when nothing is known and nothing is overdue.
 */
export function gridScore(m: Metrics): number | null {
  const known = [m.responseRate, m.onTimeRate, m.satisfactionRate].filter((x): x is number => x !== null);
  if (!known.length && !m.overdue) return null;
  const base = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 0;
  return Math.round((base - 0.1 * m.overdue) * 1e6) / 1e6;
}

export interface Ranked<K> {
  key: K;
  score: number;
  metrics: Metrics;
}

/** Grids best first (score, then fewer overdue, then more resolved); grids with no score are left out. */
export function rankGrids<K extends string | number>(byGrid: Breakdown<K>[]): Ranked<K>[] {
  return byGrid
    .map((g) => ({ key: g.key, metrics: g.metrics, score: gridScore(g.metrics) }))
    .filter((g): g is Ranked<K> => g.score !== null)
    .sort((a, b) => b.score - a.score || a.metrics.overdue - b.metrics.overdue || b.metrics.resolved - a.metrics.resolved || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export interface RecurringProblem {
  type: string;
  nodeId: number | null;
  place: string | null;
  count: number;
  caseNumbers: number[];
}

/** The same type of problem received more than once at the same place (grid and building/street). */
export function topProblems(cases: readonly CaseTimeline[], r: Range, limit = 3, minCount = 2): RecurringProblem[] {
  const groups = new Map<string, RecurringProblem>();
  for (const c of cases) {
    if (!inRange(c.createdAt, r)) continue;
    const key = JSON.stringify([c.type, c.nodeId, c.place]);
    const g = groups.get(key) ?? { type: c.type, nodeId: c.nodeId, place: c.place, count: 0, caseNumbers: [] };
    g.count++;
    g.caseNumbers.push(c.number);
    groups.set(key, g);
  }
  return [...groups.values()]
    .filter((g) => g.count >= minCount)
    .map((g) => ({ ...g, caseNumbers: g.caseNumbers.sort((a, b) => a - b) }))
    .sort((a, b) => b.count - a.count || a.caseNumbers[0]! - b.caseNumbers[0]!)
    .slice(0, limit);
}

export interface OverdueCase {
  number: number;
  type: string;
  nodeId: number | null;
  handlerId: number | null;
  kind: 'sign' | 'resolve';
  due: Date;
  /** Minutes past the deadline at the snapshot. */
  overdueMinutes: number;
  supervised: boolean;
}

/** The overdue cases at the snapshot, longest overdue first. */
export function overdueCases(cases: readonly CaseTimeline[], r: Range, asOf: Date): OverdueCase[] {
  const snapshot = asOf.getTime() < r.end.getTime() ? asOf : r.end;
  return cases
    .map((c) => ({ c, o: overdueAt(c, snapshot) }))
    .filter((x): x is { c: CaseTimeline; o: NonNullable<ReturnType<typeof overdueAt>> } => x.o !== null)
    .map(({ c, o }) => ({
      number: c.number,
      type: c.type,
      nodeId: c.nodeId,
      handlerId: c.handlerId,
      kind: o.kind,
      due: o.due,
      overdueMinutes: Math.floor((snapshot.getTime() - o.due.getTime()) / 60_000),
      supervised: before(c.supervisedAt, snapshot),
    }))
    .sort((a, b) => b.overdueMinutes - a.overdueMinutes || a.number - b.number);
}
