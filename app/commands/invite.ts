/**
 * `jiesu invite --role <role> --node <code> [--department <code>]`: a one-time invite code
 * for a role on a node, valid 7 days. The code is the last line printed, so scripts can
 * take it with `tail -n 1`.
 */
import { parseArgs } from 'node:util';
import { ROLES, ROLE_NAMES, type Role } from '../../core/org/org-tree.js';
import type { Db } from '../../db/client.js';
import { createDirectoryRepository } from '../../db/repositories/directory-repository.js';
import { createOnboardingRepository } from '../../db/repositories/onboarding-repository.js';

interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const USAGE = '用法: npx jiesu invite --role <角色> --node <节点编码> [--department <部门编码>]\n' +
  `角色: ${ROLES.filter((r) => r !== 'resident').map((r) => `${r}（${ROLE_NAMES[r]}）`).join('、')}\n`;

export async function runInvite(argv: string[], io: Io, withDb: <T>(fn: (db: Db) => Promise<T>) => Promise<T>): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { role: { type: 'string' }, node: { type: 'string' }, department: { type: 'string' } },
  });
  const role = values.role as Role | undefined;
  if (!role || !values.node || !ROLES.includes(role)) {
    io.stderr(`${role && !ROLES.includes(role) ? `未知角色：${role}\n` : ''}${USAGE}`);
    return 2;
  }
  if (role === 'resident') {
    io.stderr('居民无需邀请码：在已绑定的群里发言即视为该网格的居民。\n');
    return 2;
  }
  if (role === 'department' && !values.department) {
    io.stderr('职能部门角色需要 --department <部门编码>\n');
    return 2;
  }
  return withDb(async (db) => {
    const node = await createDirectoryRepository(db).nodeByCode(values.node!);
    if (!node) {
      io.stderr(`没有编码为「${values.node}」的组织节点。运行 npx jiesu org list 查看节点编码。\n`);
      return 1;
    }
    const repo = createOnboardingRepository(db);
    let departmentId: number | null = null;
    if (values.department) {
      const dep = await repo.departmentByCode(values.department);
      if (!dep) {
        io.stderr(`没有编码为「${values.department}」的职能部门。\n`);
        return 1;
      }
      departmentId = dep.id;
    }
    const { code, expiresAt } = await repo.createInvite({ role, nodeId: node.id, departmentId });
    io.stdout(`邀请码：${node.name}（${node.code}）${ROLE_NAMES[role]}，仅可使用一次，有效期至 ${expiresAt.toISOString()}\n`);
    io.stdout(`请对方私聊机器人发送「/start ${code}」或「绑定 ${code}」。\n`);
    io.stdout(`${code}\n`);
    return 0;
  });
}
