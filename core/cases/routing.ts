import { z } from 'zod';
import type { OrgTree, Role, RoleOnNode } from '../org/org-tree.js';

/** Routing rules, validated configuration (the default is config/routing.json). */
export const routingRulesSchema = z.object({
  /** case type → department code that leads (职责), e.g. public_security → pcs. */
  leadDepartments: z.record(z.string(), z.string()).default({}),
  /** Who handles at each level when the grid has no grid worker (兜底). */
  fallbackRoles: z
    .object({
      community: z.array(z.enum(['grid_leader', 'area_leader', 'street_chief', 'manager'])).default(['grid_leader']),
      street: z.array(z.enum(['grid_leader', 'area_leader', 'street_chief', 'manager'])).default(['area_leader', 'street_chief']),
    })
    .default({ community: ['grid_leader'], street: ['area_leader', 'street_chief'] }),
});
export type RoutingRules = z.infer<typeof routingRulesSchema>;

export interface Candidate {
  personId: number;
  roles: RoleOnNode[];
  /** Cases this person holds that are not resolved or closed. */
  openCases: number;
  lastAssignedAt: Date | null;
}

export interface RoutingInput {
  caseNodeId: number | null;
  caseType: string;
  tree: OrgTree;
  candidates: Candidate[];
  departments: { id: number; code: string }[];
  rules: RoutingRules;
  /** People who sent this case back (退单): not chosen again at the same level. */
  exclude?: readonly number[];
}

export interface RoutingDecision {
  handlerPersonId: number | null;
  /** The node the handler was found on. */
  handlerNodeId: number | null;
  via: 'grid' | 'community' | 'street' | 'none';
  leadDepartmentId: number | null;
}

/** Least open cases first, then the one assigned longest ago (round-robin), then by id. */
export function fairest(cands: Candidate[]): Candidate | undefined {
  return [...cands].sort(
    (a, b) =>
      a.openCases - b.openCases ||
      (a.lastAssignedAt?.getTime() ?? 0) - (b.lastAssignedAt?.getTime() ?? 0) ||
      a.personId - b.personId,
  )[0];
}

/**
 * 属地 then 职责 then 兜底: the grid's worker handles; the case type may name a lead department;
 * without a grid worker the community handles it, then the street.
 */
export function route(input: RoutingInput): RoutingDecision {
  const { tree, rules } = input;
  const exclude = new Set(input.exclude ?? []);
  const depCode = rules.leadDepartments[input.caseType];
  const leadDepartmentId = depCode ? (input.departments.find((d) => d.code === depCode)?.id ?? null) : null;
  const holding = (nodeId: number, roles: readonly Role[]) =>
    input.candidates.filter((c) => !exclude.has(c.personId) && c.roles.some((r) => r.nodeId === nodeId && roles.includes(r.role)));

  const grid = tree.ancestorAt(input.caseNodeId, 'grid');
  if (grid) {
    const pick = fairest(holding(grid.id, ['grid_worker']));
    if (pick) return { handlerPersonId: pick.personId, handlerNodeId: grid.id, via: 'grid', leadDepartmentId };
  }
  const community = tree.ancestorAt(input.caseNodeId, 'community');
  if (community) {
    const pick = fairest(holding(community.id, rules.fallbackRoles.community));
    if (pick) return { handlerPersonId: pick.personId, handlerNodeId: community.id, via: 'community', leadDepartmentId };
  }
  const street = tree.ancestorAt(input.caseNodeId, 'street') ?? tree.path(input.caseNodeId).at(-1);
  if (street) {
    for (const role of rules.fallbackRoles.street) {
      const pick = fairest(holding(street.id, [role]));
      if (pick) return { handlerPersonId: pick.personId, handlerNodeId: street.id, via: 'street', leadDepartmentId };
    }
  }
  return { handlerPersonId: null, handlerNodeId: null, via: 'none', leadDepartmentId };
}
