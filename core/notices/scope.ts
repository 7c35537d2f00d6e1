/**
 * Who a notice reaches. A manager names an area (node codes or names, or 全部 for everything
 * they manage) and optionally roles (全体网格员 …). Pure: works on a snapshot of the directory.
 *
 * Rules:
 * - Only a manager may send, and only within the subtrees of the nodes they manage.
 * - Area only: every bound group chat in the area; the recipients are their members.
 * - With roles: the recipients are the people holding one of the roles on a node in the area;
 *   they are reached through the work and managers groups in the area that they are in, and
 *   through their direct chat with the bot when they are in none of those.
 * - The author is never counted as a recipient.
 */
export type RoleName =
  | 'resident'
  | 'household_leader'
  | 'grid_worker'
  | 'grid_leader'
  | 'area_leader'
  | 'street_chief'
  | 'department'
  | 'manager';

export interface ScopeNode {
  id: number;
  code: string;
  name: string;
  parentId: number | null;
}
export interface ScopeChat {
  id: number;
  kind: 'group' | 'direct';
  nodeId: number | null;
  purpose: 'residents' | 'work' | 'managers' | null;
  personId: number | null;
  title: string | null;
  channel: string;
}
export interface DirectorySnapshot {
  nodes: ScopeNode[];
  chats: ScopeChat[];
  members: { chatId: number; personId: number }[];
  roles: { personId: number; role: RoleName; nodeId: number }[];
}

/** What is stored on the notice: enough to resolve the targets again and to explain them. */
export interface NoticeScope {
  /** What the manager typed. */
  input: string;
  all: boolean;
  nodeCodes: string[];
  roles: RoleName[];
  /** Human label: 幸福社区(hp-xf) · 网格员 */
  label: string;
  /** The area's root node ids, once resolved (for permission checks on the sent notice). */
  areaRoots?: number[];
  /** At preview time, for the preview text. */
  groups?: number;
  directs?: number;
  people?: number;
}

export interface ResolvedScope {
  scope: NoticeScope;
  /** Target chat ids, groups first. */
  chatIds: number[];
  groups: number;
  directs: number;
  /** Distinct recipients (the author excluded). */
  recipients: number[];
  /** Role holders with no chat the bot can reach. */
  unreachable: number;
}

export const ROLE_WORDS: Record<string, RoleName> = {
  网格员: 'grid_worker',
  网格长: 'grid_leader',
  社区书记: 'grid_leader',
  楼栋长: 'household_leader',
  楼长: 'household_leader',
  单元长: 'household_leader',
  居民: 'resident',
  片区长: 'area_leader',
  片长: 'area_leader',
  街道主任: 'street_chief',
  主任: 'street_chief',
  部门: 'department',
  职能部门: 'department',
  管理员: 'manager',
};

export const ROLE_LABELS: Record<RoleName, string> = {
  resident: '居民',
  household_leader: '楼栋长',
  grid_worker: '网格员',
  grid_leader: '网格长',
  area_leader: '片区长',
  street_chief: '街道主任',
  department: '职能部门',
  manager: '管理员',
};

const ALL_WORDS = /^(?:全部|所有|全体|全街道|all|\*)$/i;

/** The node ids under (and including) the given roots. */
export function subtreeOf(nodes: ScopeNode[], roots: Iterable<number>): Set<number> {
  const children = new Map<number, number[]>();
  for (const n of nodes) {
    if (n.parentId === null) continue;
    const list = children.get(n.parentId) ?? [];
    list.push(n.id);
    children.set(n.parentId, list);
  }
  const out = new Set<number>();
  const stack = [...roots];
  while (stack.length) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}

/** The nodes a person manages (their `manager` role assignments). */
export function managedRoots(roles: { role: string; nodeId: number }[]): number[] {
  return [...new Set(roles.filter((r) => r.role === 'manager').map((r) => r.nodeId))];
}

export type ScopeResult = ({ ok: true } & ResolvedScope) | { ok: false; message: string };

/** Parse what the manager typed and resolve it against the directory. */
export function resolveScope(input: string, snapshot: DirectorySnapshot, manager: { personId: number; roots: number[] }): ScopeResult {
  const tokens = input
    .trim()
    .split(/[\s,，、;；]+/)
    .map((t) => t.trim())
    .filter(Boolean);
  if (!tokens.length) return { ok: false, message: '请回复发送范围：节点编码（如 hp-xf）、「全部」，或角色（如「全体网格员」）。' };
  if (tokens.length > 50) return { ok: false, message: '范围写得太长了，最多 50 项。' };
  let all = false;
  const nodeCodes: string[] = [];
  const roles: RoleName[] = [];
  const byCode = new Map(snapshot.nodes.map((n) => [n.code.toLowerCase(), n]));
  const byName = new Map(snapshot.nodes.map((n) => [n.name, n]));
  for (const t of tokens) {
    if (ALL_WORDS.test(t)) {
      all = true;
      continue;
    }
    const node = byCode.get(t.toLowerCase()) ?? byName.get(t);
    if (node) {
      if (!nodeCodes.includes(node.code)) nodeCodes.push(node.code);
      continue;
    }
    const word = t.replace(/^(?:全体|所有|全部)/, '').replace(/们$/, '');
    const role = ROLE_WORDS[word];
    if (role) {
      if (!roles.includes(role)) roles.push(role);
      continue;
    }
    return { ok: false, message: `不认识「${t}」。范围可以是节点编码（如 hp-xf）、「全部」，或角色（如「全体网格员」）。` };
  }
  return resolveParsedScope({ input: input.trim(), all: all || nodeCodes.length === 0, nodeCodes: all ? [] : nodeCodes, roles, label: '' }, snapshot, manager);
}

/** Resolve a stored scope again (at fan-out time). */
export function resolveParsedScope(scope: NoticeScope, snapshot: DirectorySnapshot, manager: { personId: number; roots: number[] }): ScopeResult {
  if (!manager.roots.length) return { ok: false, message: '只有管理员可以发通知。' };
  const allowed = subtreeOf(snapshot.nodes, manager.roots);
  const nodeById = new Map(snapshot.nodes.map((n) => [n.id, n]));
  const byCode = new Map(snapshot.nodes.map((n) => [n.code, n]));
  let areaRoots: number[];
  if (scope.all || !scope.nodeCodes.length) {
    areaRoots = manager.roots;
  } else {
    areaRoots = [];
    for (const code of scope.nodeCodes) {
      const node = byCode.get(code);
      if (!node) return { ok: false, message: `没有编码为「${code}」的节点。` };
      if (!allowed.has(node.id)) return { ok: false, message: `「${node.name}(${node.code})」不在您的管辖范围内，不能向它发通知。` };
      areaRoots.push(node.id);
    }
  }
  const area = subtreeOf(snapshot.nodes, areaRoots);
  const rootLabel = areaRoots.map((id) => nodeById.get(id)).filter((n): n is ScopeNode => Boolean(n)).map((n) => `${n.name}(${n.code})`);
  const label = [scope.all || !scope.nodeCodes.length ? `全部：${rootLabel.join('、')}` : rootLabel.join('、'), ...(scope.roles.length ? [scope.roles.map((r) => ROLE_LABELS[r]).join('、')] : [])].join(' · ');

  const membersOf = new Map<number, number[]>();
  for (const m of snapshot.members) {
    const list = membersOf.get(m.chatId) ?? [];
    list.push(m.personId);
    membersOf.set(m.chatId, list);
  }
  const groupsInArea = snapshot.chats.filter((c) => c.kind === 'group' && c.nodeId !== null && area.has(c.nodeId));
  const chatIds: number[] = [];
  const recipients = new Set<number>();
  let directs = 0;
  let unreachable = 0;
  if (!scope.roles.length) {
    for (const c of groupsInArea) {
      chatIds.push(c.id);
      for (const p of membersOf.get(c.id) ?? []) recipients.add(p);
    }
  } else {
    const holders = new Set(snapshot.roles.filter((r) => scope.roles.includes(r.role) && area.has(r.nodeId)).map((r) => r.personId));
    holders.delete(manager.personId);
    const covered = new Set<number>();
    for (const c of groupsInArea) {
      if (c.purpose !== 'work' && c.purpose !== 'managers') continue;
      const inIt = (membersOf.get(c.id) ?? []).filter((p) => holders.has(p));
      if (!inIt.length) continue;
      chatIds.push(c.id);
      for (const p of inIt) covered.add(p);
    }
    const directOf = new Map<number, number>();
    for (const c of snapshot.chats) if (c.kind === 'direct' && c.personId !== null && !directOf.has(c.personId)) directOf.set(c.personId, c.id);
    for (const p of [...holders].sort((a, b) => a - b)) {
      if (covered.has(p)) continue;
      const d = directOf.get(p);
      if (d === undefined) {
        unreachable++;
        continue;
      }
      chatIds.push(d);
      directs++;
      covered.add(p);
    }
    for (const p of covered) recipients.add(p);
  }
  recipients.delete(manager.personId);
  const groups = chatIds.length - directs;
  return {
    ok: true,
    scope: { input: scope.input, all: scope.all, nodeCodes: scope.nodeCodes, roles: scope.roles, label, areaRoots, groups, directs, people: recipients.size },
    chatIds,
    groups,
    directs,
    recipients: [...recipients].sort((a, b) => a - b),
    unreachable,
  };
}

/**
 * Who is expected to confirm in one target chat: its members (area notices) or the role
 * holders among them (role notices); in a direct chat, its person. The author is left out.
 */
export function expectedInChat(
  scope: Pick<NoticeScope, 'roles'>,
  chat: Pick<ScopeChat, 'kind' | 'personId'>,
  members: number[],
  holders: ReadonlySet<number>,
  authorId: number | null,
): number[] {
  const base = chat.kind === 'direct' ? (chat.personId !== null ? [chat.personId] : []) : members;
  const out = scope.roles.length ? base.filter((p) => holders.has(p) || chat.kind === 'direct') : base;
  return [...new Set(out)].filter((p) => p !== authorId);
}

/** The holders of the scope's roles within its area (empty when the scope names no roles). */
export function roleHolders(scope: Pick<NoticeScope, 'roles' | 'areaRoots'>, snapshot: Pick<DirectorySnapshot, 'nodes' | 'roles'>): Set<number> {
  if (!scope.roles.length) return new Set();
  const area = subtreeOf(snapshot.nodes, scope.areaRoots ?? []);
  return new Set(snapshot.roles.filter((r) => scope.roles.includes(r.role) && area.has(r.nodeId)).map((r) => r.personId));
}

/** Whether a manager (by the nodes they manage) may see and act on a notice with this scope. */
export function scopeWithin(scope: Pick<NoticeScope, 'areaRoots'>, nodes: ScopeNode[], managerRoots: number[]): boolean {
  if (!managerRoots.length) return false;
  const allowed = subtreeOf(nodes, managerRoots);
  return (scope.areaRoots ?? []).every((id) => allowed.has(id));
}
