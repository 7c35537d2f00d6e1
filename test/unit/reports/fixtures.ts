import type { CaseTimeline } from '../../../core/reports/metrics.js';

/** Shanghai local time (UTC+8). */
export const sh = (local: string) => new Date(`${local}+08:00`);

const G1 = 1;
const G2 = 2;
const LI = 11; // 李建国, grid 1
const WANG = 12; // 王秀英, grid 2

const base = (o: Partial<CaseTimeline> & Pick<CaseTimeline, 'id' | 'createdAt'>): CaseTimeline => ({
  number: 1000 + o.id,
  type: 'sanitation',
  level: 'routine',
  nodeId: G1,
  handlerId: LI,
  place: null,
  status: 'dispatched',
  dispatchedAt: null,
  signDueAt: null,
  signedAt: null,
  resolveDueAt: null,
  resolvedAt: null,
  closedAt: null,
  cancelledAt: null,
  supervisedAt: null,
  reopenedAt: [],
  ratings: [],
  ...o,
});

/**
 * Six cases around the week of Monday 2026-11-23 to Sunday 11-29 and the end of November:
 * A  #1001 G1 环境卫生 3号楼: Mon 09:00, signed in 30 min, resolved 15:00 the same day, 满意, closed.
 * B  #1002 G1 环境卫生 3号楼: Mon 23:30, signed 23:50, resolved after midnight 00:20, 基本满意.
 * C  #1003 G2 噪声: Fri 11-20 17:31 dispatched, sign deadline Mon 10:30 across the weekend,
 *    signed late Mon 11:00, resolved Tue 10:00, reporter says not fixed Tue 12:00 → reopened.
 * D  #1004 G2 噪声 major: Sat 11-28 10:01 dispatched, 30 min to sign, never signed, 督办 at 10:31.
 * E  #1005 G1 物业: received Sun 23:59:59, dispatched Mon 11-30 00:00:30 (next week, still
 *    November), signed 09:10, resolved 17:00 the same day, 满意 on Tue 12-01 (December).
 * F  #1006 G1 环境卫生 3号楼: Tue 11-24 10:00, cancelled 11:00 before anyone signed for it.
 */
export function fixtureCases(): CaseTimeline[] {
  return [
    base({
      id: 1,
      place: '3号楼',
      status: 'closed',
      createdAt: sh('2026-11-23T09:00:00'),
      dispatchedAt: sh('2026-11-23T09:01:00'),
      signDueAt: sh('2026-11-23T11:01:00'),
      signedAt: sh('2026-11-23T09:31:00'),
      resolveDueAt: sh('2026-11-24T09:01:00'),
      resolvedAt: sh('2026-11-23T15:00:00'),
      closedAt: sh('2026-11-23T16:00:00'),
      ratings: [{ at: sh('2026-11-23T16:00:00'), round: 0, fixed: true, satisfaction: 'satisfied' }],
    }),
    base({
      id: 2,
      place: '3号楼',
      status: 'closed',
      createdAt: sh('2026-11-23T23:30:00'),
      dispatchedAt: sh('2026-11-23T23:31:00'),
      signDueAt: sh('2026-11-24T10:00:00'),
      signedAt: sh('2026-11-23T23:50:00'),
      resolveDueAt: sh('2026-11-24T18:00:00'),
      resolvedAt: sh('2026-11-24T00:20:00'),
      closedAt: sh('2026-11-24T08:00:00'),
      ratings: [{ at: sh('2026-11-24T08:00:00'), round: 0, fixed: true, satisfaction: 'basically_satisfied' }],
    }),
    base({
      id: 3,
      type: 'noise',
      nodeId: G2,
      handlerId: WANG,
      status: 'in_progress',
      createdAt: sh('2026-11-20T17:30:00'),
      dispatchedAt: sh('2026-11-20T17:31:00'),
      signDueAt: sh('2026-11-23T10:31:00'),
      signedAt: sh('2026-11-23T11:00:00'),
      resolveDueAt: sh('2026-12-02T12:00:00'),
      resolvedAt: null,
      reopenedAt: [sh('2026-11-24T12:00:00')],
      ratings: [{ at: sh('2026-11-24T12:00:00'), round: 0, fixed: false, satisfaction: 'unsatisfied' }],
    }),
    base({
      id: 4,
      type: 'noise',
      level: 'major',
      nodeId: G2,
      handlerId: WANG,
      status: 'dispatched',
      createdAt: sh('2026-11-28T10:00:00'),
      dispatchedAt: sh('2026-11-28T10:01:00'),
      signDueAt: sh('2026-11-28T10:31:00'),
      resolveDueAt: sh('2026-11-29T10:01:00'),
      supervisedAt: sh('2026-11-28T10:31:00'),
    }),
    base({
      id: 5,
      type: 'property_management',
      status: 'closed',
      createdAt: sh('2026-11-29T23:59:59'),
      dispatchedAt: sh('2026-11-30T00:00:30'),
      signDueAt: sh('2026-11-30T11:00:00'),
      signedAt: sh('2026-11-30T09:10:00'),
      resolveDueAt: sh('2026-12-01T09:00:00'),
      resolvedAt: sh('2026-11-30T17:00:00'),
      closedAt: sh('2026-12-01T09:00:00'),
      ratings: [{ at: sh('2026-12-01T09:00:00'), round: 0, fixed: true, satisfaction: 'satisfied' }],
    }),
    base({
      id: 6,
      place: '3号楼',
      status: 'cancelled',
      createdAt: sh('2026-11-24T10:00:00'),
      dispatchedAt: sh('2026-11-24T10:01:00'),
      signDueAt: sh('2026-11-24T12:01:00'),
      resolveDueAt: sh('2026-11-26T10:01:00'),
      cancelledAt: sh('2026-11-24T11:00:00'),
    }),
  ];
}

export const fixtureNames = {
  types: { sanitation: '环境卫生', noise: '噪声扰民', property_management: '物业服务' },
  nodes: { 1: '幸福社区第一网格', 2: '幸福社区第二网格', 9: '幸福社区' },
  people: { 11: '李建国', 12: '王秀英' },
  codes: { 1: 'hp-xf-01', 2: 'hp-xf-02', 9: 'hp-xf' },
};
