import { describe, expect, it } from 'vitest';
import { mayAct } from '../../../core/cases/permissions.js';
import { route, routingRulesSchema, type Candidate } from '../../../core/cases/routing.js';
import { OrgTree } from '../../../core/org/org-tree.js';

const tree = new OrgTree([
  { id: 1, code: 'hp', name: '和平街道', level: 'street', parentId: null },
  { id: 2, code: 'hp-xf', name: '幸福社区', level: 'community', parentId: 1 },
  { id: 3, code: 'hp-xf-01', name: '第一网格', level: 'grid', parentId: 2 },
  { id: 4, code: 'hp-xf-02', name: '第二网格', level: 'grid', parentId: 2 },
  { id: 5, code: 'hp-yg', name: '阳光社区', level: 'community', parentId: 1 },
]);
const rules = routingRulesSchema.parse({ leadDepartments: { public_security: 'pcs' } });
const departments = [{ id: 9, code: 'pcs' }];
const cand = (personId: number, role: Candidate['roles'][number]['role'], nodeId: number, openCases = 0, last: string | null = null): Candidate => ({
  personId,
  roles: [{ role, nodeId }],
  openCases,
  lastAssignedAt: last ? new Date(last) : null,
});

describe('routing', () => {
  it('gives the case to the grid worker of its grid (属地) and names the lead department (职责)', () => {
    const d = route({ caseNodeId: 3, caseType: 'public_security', tree, rules, departments, candidates: [cand(10, 'grid_worker', 3), cand(11, 'grid_worker', 4)] });
    expect(d).toEqual({ handlerPersonId: 10, handlerNodeId: 3, via: 'grid', leadDepartmentId: 9 });
  });

  it('assigns fairly: fewest open cases, then the one assigned longest ago', () => {
    const base = { caseNodeId: 3, caseType: 'noise', tree, rules, departments };
    expect(route({ ...base, candidates: [cand(10, 'grid_worker', 3, 3), cand(12, 'grid_worker', 3, 1)] }).handlerPersonId).toBe(12);
    expect(
      route({ ...base, candidates: [cand(10, 'grid_worker', 3, 1, '2026-11-20T10:00:00Z'), cand(12, 'grid_worker', 3, 1, '2026-11-20T09:00:00Z')] }).handlerPersonId,
    ).toBe(12);
  });

  it('falls back to the community, then the street (兜底), and skips who sent it back', () => {
    const candidates = [cand(10, 'grid_worker', 3), cand(20, 'grid_leader', 2), cand(30, 'street_chief', 1)];
    expect(route({ caseNodeId: 4, caseType: 'noise', tree, rules, departments, candidates }).via).toBe('community');
    expect(route({ caseNodeId: 3, caseType: 'noise', tree, rules, departments, candidates, exclude: [10] }).handlerPersonId).toBe(20);
    expect(route({ caseNodeId: 5, caseType: 'noise', tree, rules, departments, candidates }).handlerPersonId).toBe(30);
    expect(route({ caseNodeId: null, caseType: 'noise', tree, rules, departments, candidates: [] }).via).toBe('none');
  });
});

describe('permissions', () => {
  const facts = { nodeId: 3, handlerPersonId: 10, reporterIds: [50], coHandlerDepartmentIds: [9] };
  const worker = { personId: 10, roles: [{ role: 'grid_worker' as const, nodeId: 3 }] };
  const otherWorker = { personId: 11, roles: [{ role: 'grid_worker' as const, nodeId: 4 }] };
  const leader = { personId: 20, roles: [{ role: 'grid_leader' as const, nodeId: 2 }] };
  const otherLeader = { personId: 21, roles: [{ role: 'grid_leader' as const, nodeId: 5 }] };
  const reporter = { personId: 50, roles: [{ role: 'resident' as const, nodeId: 3 }] };
  const police = { personId: 60, roles: [{ role: 'department' as const, nodeId: 1, departmentId: 9 }] };

  it('lets the handler and the ladder above handle, and nobody else', () => {
    expect(mayAct('sign', worker, facts, tree).ok).toBe(true);
    expect(mayAct('resolve', leader, facts, tree).ok).toBe(true);
    const refused = mayAct('resolve', otherWorker, facts, tree);
    expect(refused).toEqual({ ok: false, reason: '只有本工单的承办人或其上级可以办结' });
    expect(mayAct('sign', otherLeader, facts, tree).ok).toBe(false);
    expect(mayAct('sign', reporter, facts, tree).ok).toBe(false);
  });

  it('leaves extensions to the ladder, ratings to reporters, progress to co-handling departments', () => {
    expect(mayAct('approve_extension', worker, facts, tree).ok).toBe(false);
    expect(mayAct('approve_extension', leader, facts, tree).ok).toBe(true);
    expect(mayAct('rate_satisfied', reporter, facts, tree).ok).toBe(true);
    expect(mayAct('rate_satisfied', worker, facts, tree).ok).toBe(false);
    expect(mayAct('progress', police, facts, tree).ok).toBe(true);
    expect(mayAct('resolve', police, facts, tree).ok).toBe(false);
    expect(mayAct('dispatch', leader, facts, tree).ok).toBe(false);
  });
});
