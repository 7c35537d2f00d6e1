/**
 * Who may read a report, and of which part of the tree. Pure.
 * Managers and leaders (网格长, 片区网格长, 总网格长, 管理员) may; everyone else is refused with a
 * reason. A leader sees their own node's subtree only: a community's grid leader sees their
 * community, also when asking in the street's managers' group. Asked in a group bound to a
 * node they cover, the report is of that group's node (a street chief asking in a community's
 * work group gets that community). Never in a residents' group: reports name handlers.
 */
import type { OrgTree, Role, RoleOnNode } from '../org/org-tree.js';

export const REPORT_ROLES: readonly Role[] = ['grid_leader', 'area_leader', 'street_chief', 'manager'];

export type ReportScope = { ok: true; nodeId: number } | { ok: false; reason: string };

export const REPORT_REFUSALS = {
  notAllowed: '报表仅向网格长、片区网格长、总网格长和管理员提供。居民可发送「我的工单」查看自己反映的问题。',
  residentsGroup: '报表包含承办人等工作信息，不在居民群发送。请在工作群、管理群或与我私聊时查看。',
};

export function reportScope(roles: readonly RoleOnNode[], chat: { kind: 'group' | 'direct'; purpose: string | null; nodeId: number | null }, tree: OrgTree): ReportScope {
  const own = roles.filter((r) => REPORT_ROLES.includes(r.role) && tree.node(r.nodeId));
  if (!own.length) return { ok: false, reason: REPORT_REFUSALS.notAllowed };
  if (chat.kind === 'group' && chat.purpose === 'residents') return { ok: false, reason: REPORT_REFUSALS.residentsGroup };
  if (chat.kind === 'group' && chat.nodeId !== null && own.some((r) => tree.covers(r.nodeId, chat.nodeId))) return { ok: true, nodeId: chat.nodeId };
  // Their highest node (nearest the root); ties: the first role.
  const top = own.reduce((a, b) => (tree.path(b.nodeId).length < tree.path(a.nodeId).length ? b : a));
  return { ok: true, nodeId: top.nodeId };
}
