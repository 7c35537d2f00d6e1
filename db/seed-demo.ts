/**
 * The demo directory: one street, two communities, four grids, their chats on the sim
 * channel, and people in every role. Idempotent: a seeded database is left as it is.
 */
import { eq } from 'drizzle-orm';
import type { Db } from './client.js';
import { chatMembers, chats, departments, identities, orgNodes, people, roleAssignments } from './schema.js';

type Role = (typeof roleAssignments.$inferInsert)['role'];

const STREET = { code: 'hp', name: '和平街道' };
const COMMUNITIES = [
  { code: 'hp-xf', name: '幸福社区', leader: '陈静' },
  { code: 'hp-yg', name: '阳光社区', leader: '杨帆' },
];
const GRIDS = [
  { code: 'hp-xf-01', community: 'hp-xf', name: '幸福社区第一网格', worker: '李建国', householdLeader: '何桂兰', residents: ['胡晓梅', '朱宏', '郭敏'] },
  { code: 'hp-xf-02', community: 'hp-xf', name: '幸福社区第二网格', worker: '王秀英', householdLeader: '罗志明', residents: ['许婷', '韩磊', '冯雪'] },
  { code: 'hp-yg-01', community: 'hp-yg', name: '阳光社区第一网格', worker: '张伟', householdLeader: '高玉珍', residents: ['曹阳', '彭丽', '曾强'] },
  { code: 'hp-yg-02', community: 'hp-yg', name: '阳光社区第二网格', worker: '刘洋', householdLeader: '林国栋', residents: ['谢娜', '袁博', '蒋芳'] },
];
const DEPARTMENTS = [
  { code: 'cg', name: '城管执法队', contact: '周明' },
  { code: 'wy', name: '物业服务中心', contact: '吴芳' },
  { code: 'pcs', name: '和平派出所', contact: '郑勇' },
];
const STREET_PEOPLE: { name: string; role: Role }[] = [
  { name: '赵磊', role: 'area_leader' },
  { name: '黄志强', role: 'street_chief' },
  { name: '孙丽', role: 'manager' },
  { name: '马超', role: 'manager' },
];

/** Seeds the demo directory unless the street already exists. Returns whether it seeded. */
export async function seedDemo(db: Db): Promise<boolean> {
  const [existing] = await db.select({ id: orgNodes.id }).from(orgNodes).where(eq(orgNodes.code, STREET.code));
  if (existing) return false;
  await db.transaction(async (tx) => {
    const node = async (code: string, name: string, level: 'street' | 'community' | 'grid', parentId: number | null) =>
      (await tx.insert(orgNodes).values({ code, name, level, parentId }).returning({ id: orgNodes.id }))[0]!.id;
    const person = async (name: string, roles: { role: Role; nodeId: number; departmentId?: number }[]) => {
      const id = (await tx.insert(people).values({ displayName: name }).returning({ id: people.id }))[0]!.id;
      await tx.insert(identities).values({ personId: id, channel: 'sim', platformUserId: String(id), displayName: name });
      for (const r of roles) await tx.insert(roleAssignments).values({ personId: id, ...r });
      await tx.insert(chats).values({ channel: 'sim', platformChatId: `d-${id}`, kind: 'direct', personId: id });
      return id;
    };
    const group = async (platformChatId: string, title: string, nodeId: number, purpose: 'residents' | 'work' | 'managers', members: number[]) => {
      const id = (
        await tx
          .insert(chats)
          .values({ channel: 'sim', platformChatId, kind: 'group', title, nodeId, purpose, boundAt: new Date() })
          .returning({ id: chats.id })
      )[0]!.id;
      for (const personId of members) await tx.insert(chatMembers).values({ chatId: id, personId });
    };

    const streetId = await node(STREET.code, STREET.name, 'street', null);
    const streetStaff: number[] = [];
    for (const p of STREET_PEOPLE) streetStaff.push(await person(p.name, [{ role: p.role, nodeId: streetId }]));
    for (const d of DEPARTMENTS) {
      const depId = (await tx.insert(departments).values({ code: d.code, name: d.name, nodeId: streetId }).returning({ id: departments.id }))[0]!.id;
      await person(d.contact, [{ role: 'department', nodeId: streetId, departmentId: depId }]);
    }
    const leaders: number[] = [];
    for (const c of COMMUNITIES) {
      const communityId = await node(c.code, c.name, 'community', streetId);
      const leaderId = await person(c.leader, [{ role: 'grid_leader', nodeId: communityId }]);
      leaders.push(leaderId);
      const workers: number[] = [];
      for (const g of GRIDS.filter((x) => x.community === c.code)) {
        const gridId = await node(g.code, g.name, 'grid', communityId);
        const workerId = await person(g.worker, [{ role: 'grid_worker', nodeId: gridId }]);
        workers.push(workerId);
        const hl = await person(g.householdLeader, [{ role: 'household_leader', nodeId: gridId }, { role: 'resident', nodeId: gridId }]);
        const residents: number[] = [];
        for (const r of g.residents) residents.push(await person(r, [{ role: 'resident', nodeId: gridId }]));
        await group(`g-${g.code}`, `${g.name}居民群`, gridId, 'residents', [...residents, hl, workerId]);
      }
      await group(`w-${c.code}`, `${c.name}工作群`, communityId, 'work', [leaderId, ...workers, streetStaff[0]!]);
    }
    await group(`m-${STREET.code}`, `${STREET.name}管理群`, streetId, 'managers', [...streetStaff, ...leaders]);
  });
  return true;
}
