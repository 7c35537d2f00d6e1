/** The organisation tree as plain data: street → community → grid (→ household). */
export const NODE_LEVELS = ['street', 'community', 'grid', 'household'] as const;
export type NodeLevel = (typeof NODE_LEVELS)[number];

export interface OrgNode {
  id: number;
  code: string;
  name: string;
  level: NodeLevel;
  parentId: number | null;
}

export const ROLES = [
  'resident',
  'household_leader',
  'grid_worker',
  'grid_leader',
  'area_leader',
  'street_chief',
  'department',
  'manager',
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, string> = {
  resident: '居民',
  household_leader: '联户长',
  grid_worker: '网格员',
  grid_leader: '网格长',
  area_leader: '片区网格长',
  street_chief: '总网格长',
  department: '职能部门',
  manager: '管理员',
};

export interface RoleOnNode {
  role: Role;
  nodeId: number;
  departmentId?: number | null;
}

export class OrgTree {
  private readonly byId: Map<number, OrgNode>;

  constructor(nodes: OrgNode[]) {
    this.byId = new Map(nodes.map((n) => [n.id, n]));
  }

  node(id: number | null | undefined): OrgNode | undefined {
    return id == null ? undefined : this.byId.get(id);
  }

  byCode(code: string): OrgNode | undefined {
    for (const n of this.byId.values()) if (n.code === code) return n;
    return undefined;
  }

  /** The node itself, then its parent, up to the root. */
  path(id: number | null | undefined): OrgNode[] {
    const out: OrgNode[] = [];
    let n = this.node(id);
    while (n && out.length < 16) {
      out.push(n);
      n = this.node(n.parentId);
    }
    return out;
  }

  /** The nearest node at `level` on the way up (the node itself included). */
  ancestorAt(id: number | null | undefined, level: NodeLevel): OrgNode | undefined {
    return this.path(id).find((n) => n.level === level);
  }

  /** Is `ancestor` the node `id` or above it? */
  covers(ancestor: number, id: number | null | undefined): boolean {
    return this.path(id).some((n) => n.id === ancestor);
  }

  /** The node and everything below it. */
  subtree(id: number): OrgNode[] {
    const all = [...this.byId.values()];
    return all.filter((n) => this.covers(id, n.id));
  }
}
