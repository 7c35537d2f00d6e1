import type { OrgTree, Role, RoleOnNode } from '../org/org-tree.js';
import { CASE_ACTION_NAMES, type CaseAction } from './case-actions.js';

/** The people above a handler, bottom to top (网格长 → 片区网格长 → 总网格长), plus managers. */
export const LADDER: readonly Role[] = ['grid_leader', 'area_leader', 'street_chief', 'manager'];

export interface Actor {
  personId: number;
  roles: RoleOnNode[];
}

export interface CaseFacts {
  nodeId: number | null;
  handlerPersonId: number | null;
  reporterIds: readonly number[];
  coHandlerDepartmentIds: readonly number[];
}

export type Permission = { ok: true } | { ok: false; reason: string };

const HANDLER_ACTIONS: readonly CaseAction[] = ['sign', 'progress', 'resolve', 'return', 'transfer', 'request_extension', 'whistle'];

/** Is the actor on the ladder above the case's node (its grid's community, its street)? */
export function isAboveOnLadder(actor: Actor, c: CaseFacts, tree: OrgTree): boolean {
  return actor.roles.some((r) => LADDER.includes(r.role) && (c.nodeId === null ? tree.node(r.nodeId)?.parentId === null : tree.covers(r.nodeId, c.nodeId)));
}

/**
 * Who may do what to a case: the handler and anyone above them on the ladder handle it;
 * only the ladder approves extensions; only reporters rate; co-handling departments report
 * progress. The refusal says why, in Chinese.
 */
export function mayAct(action: CaseAction, actor: Actor, c: CaseFacts, tree: OrgTree): Permission {
  const verb = CASE_ACTION_NAMES[action];
  const isHandler = c.handlerPersonId === actor.personId;
  const above = isAboveOnLadder(actor, c, tree);
  if (HANDLER_ACTIONS.includes(action)) {
    if (isHandler || above) return { ok: true };
    if (action === 'progress' && actor.roles.some((r) => r.role === 'department' && r.departmentId != null && c.coHandlerDepartmentIds.includes(r.departmentId))) {
      return { ok: true };
    }
    return { ok: false, reason: `只有本工单的承办人或其上级可以${verb}` };
  }
  if (action === 'approve_extension' || action === 'refuse_extension') {
    return above && !isHandler ? { ok: true } : { ok: false, reason: '延期申请需由网格长或更上级审批' };
  }
  if (action === 'rate_satisfied' || action === 'rate_unsatisfied') {
    return c.reporterIds.includes(actor.personId) ? { ok: true } : { ok: false, reason: '只有反映人可以评价' };
  }
  if (action === 'cancel') {
    return actor.roles.some((r) => (r.role === 'manager' || r.role === 'street_chief') && tree.covers(r.nodeId, c.nodeId))
      ? { ok: true }
      : { ok: false, reason: '只有管理员或总网格长可以撤销工单' };
  }
  // dispatch, remind, escalate, merge, close_no_feedback are the system's own.
  return { ok: false, reason: `${verb}由系统自动进行` };
}
