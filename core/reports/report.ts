/**
 * One report: the period's metrics for a part of the organisation tree, broken down by type,
 * grid and handler, with the grid ranking, the overdue cases and the recurring problems,
 * every id already named. Pure; the JSON of `npx jiesu report --json` is this object.
 */
import {
  breakdown,
  clip,
  computeMetrics,
  overdueCases,
  rankGrids,
  topProblems,
  type CaseTimeline,
  type MetricOptions,
  type Metrics,
} from './metrics.js';
import { PERIOD_NAMES, periodLabel, type Period, type PeriodKind } from './period.js';

export interface ReportNames {
  /** Case type code → Chinese name. */
  types: Record<string, string>;
  /** Node id → name. */
  nodes: Record<number, string>;
  /** Person id → display name. */
  people: Record<number, string>;
  /** Node id → code (ASCII labels when a chart cannot draw Chinese). */
  codes?: Record<number, string>;
}

export interface ReportInput {
  period: Period;
  /** When the report is made: the overdue snapshot is taken then (or at the period's end, if earlier). */
  asOf: Date;
  /** The part of the tree it covers (null id: everything). */
  scope: { nodeId: number | null; name: string };
  /** The cases under the scope (any that touch the period; others are ignored). */
  cases: readonly CaseTimeline[];
  names: ReportNames;
  options?: MetricOptions;
}

export interface Report extends Metrics {
  period: { kind: PeriodKind; name: string; label: string; start: string; end: string; startDate: string; endDate: string; timezone: string };
  scope: { nodeId: number | null; name: string };
  asOf: string;
  byType: ({ type: string; name: string } & Metrics)[];
  byGrid: ({ nodeId: number; name: string; code: string | null } & Metrics)[];
  byHandler: ({ personId: number; name: string } & Metrics)[];
  /** Grids best first, with their scores (see gridScore). */
  ranking: { nodeId: number; name: string; score: number; overdue: number }[];
  overdueCases: { number: number; type: string; typeName: string; grid: string | null; handler: string | null; kind: 'sign' | 'resolve'; due: string; overdueMinutes: number; supervised: boolean }[];
  topProblems: { type: string; typeName: string; grid: string | null; place: string | null; count: number; caseNumbers: number[] }[];
}

export function buildReport(input: ReportInput): Report {
  const { period: p, asOf, cases, names } = input;
  const opts = { timezone: p.timezone, ...input.options };
  const typeName = (t: string) => names.types[t] ?? t;
  const nodeName = (id: number | null) => (id === null ? null : (names.nodes[id] ?? `#${id}`));
  const personName = (id: number | null) => (id === null ? null : (names.people[id] ?? `#${id}`));
  const byGrid = breakdown(cases, (c) => c.nodeId, p, asOf, opts);
  return {
    period: {
      kind: p.kind,
      name: PERIOD_NAMES[p.kind],
      label: periodLabel(p),
      start: p.start.toISOString(),
      end: p.end.toISOString(),
      startDate: p.startDate,
      endDate: p.endDate,
      timezone: p.timezone,
    },
    scope: input.scope,
    asOf: asOf.toISOString(),
    ...computeMetrics(cases, p, asOf, opts),
    byType: breakdown(cases, (c) => c.type, p, asOf, opts).map((b) => ({ type: b.key, name: typeName(b.key), ...b.metrics })),
    byGrid: byGrid.map((b) => ({ nodeId: b.key, name: nodeName(b.key)!, code: names.codes?.[b.key] ?? null, ...b.metrics })),
    byHandler: breakdown(cases, (c) => c.handlerId, p, asOf, opts).map((b) => ({ personId: b.key, name: personName(b.key)!, ...b.metrics })),
    ranking: rankGrids(byGrid).map((g) => ({ nodeId: g.key, name: nodeName(g.key)!, score: g.score, overdue: g.metrics.overdue })),
    overdueCases: overdueCases(cases, p, asOf).map((o) => ({
      number: o.number,
      type: o.type,
      typeName: typeName(o.type),
      grid: nodeName(o.nodeId),
      handler: personName(o.handlerId),
      kind: o.kind,
      due: o.due.toISOString(),
      overdueMinutes: o.overdueMinutes,
      supervised: o.supervised,
    })),
    topProblems: topProblems(cases, clip(p, asOf)).map((t) => ({ type: t.type, typeName: typeName(t.type), grid: nodeName(t.nodeId), place: t.place, count: t.count, caseNumbers: t.caseNumbers })),
  };
}
