/** What people read during onboarding: invite codes, group binding, 我是谁 and 帮助. */
import { HELP_TEXT } from '../cases/replies.js';
import { ROLE_NAMES, type Role } from '../org/org-tree.js';
import { formatWait } from './attempt-throttle.js';
import type { GroupPurpose } from './onboarding-commands.js';

export const PURPOSE_NAMES: Record<GroupPurpose, string> = { residents: '居民群', work: '工作群', managers: '管理群' };

const roleName = (r: Role) => ROLE_NAMES[r] ?? r;

export const inviteReplies = {
  accepted: (role: Role, nodeName: string) =>
    `绑定成功！您现在是「${nodeName}」的${roleName(role)}。\n发送「帮助」查看您可以使用的命令。`,
  alreadyHad: (role: Role, nodeName: string) => `您已经是「${nodeName}」的${roleName(role)}，无需重复绑定。`,
  unknown: '邀请码无效，请核对后重新发送（格式如 K7QH-M2XP）。',
  used: '这个邀请码已被使用。邀请码只能使用一次，请联系管理员重新生成。',
  expired: '这个邀请码已过期（有效期 7 天），请联系管理员重新生成。',
  throttled: (waitMs: number) => `尝试次数过多，请 ${formatWait(waitMs)}后再试。`,
  inGroup: '请私聊我发送邀请码，不要发在群里。如担心邀请码已被他人看到，请联系管理员重新生成。',
};

export const bindReplies = {
  bound: (nodeName: string, nodeCode: string, purpose: GroupPurpose) =>
    `本群已绑定到「${nodeName}」（${nodeCode}），用作${PURPOSE_NAMES[purpose]}。\n群成员在群里反映的问题将登记为工单，发送「帮助」查看可用命令。`,
  alreadyBound: (nodeName: string) => `本群已经绑定到「${nodeName}」。`,
  boundElsewhere: (nodeName: string) => `本群已绑定到「${nodeName}」。如需改绑，请先发送「解绑群」。`,
  notManager: '只有该节点或其上级节点的管理员可以绑定或解绑群。',
  unknownNode: (code: string) => `没有编码为「${code}」的组织节点。请在服务器上运行 npx jiesu org list 查看节点编码。`,
  usage: '用法：绑定群 节点编码 [居民群|工作群|管理群]，例如：绑定群 hp-xf-01',
  onlyInGroup: '请在要绑定的群里发送这个命令。',
  unbound: (nodeName: string) => `本群已解除与「${nodeName}」的绑定，机器人将不再处理本群消息（绑定命令除外）。`,
  notBound: '本群尚未绑定任何组织节点。',
};

export interface WhoAmIInput {
  name: string;
  roles: { role: Role; nodeName: string; nodeCode: string }[];
  chat?: { kind: 'group' | 'direct'; boundTo?: { nodeName: string; nodeCode: string; purpose: GroupPurpose | null } | null };
}

export function whoAmIReply(input: WhoAmIInput): string {
  const lines = [`您好，${input.name}。`];
  const staff = input.roles.filter((r) => r.role !== 'resident');
  if (!input.roles.length) lines.push('您目前没有登记的身份；在已绑定的群里发言即视为该网格的居民。');
  else {
    lines.push('您的身份：');
    for (const r of input.roles) lines.push(`· ${r.nodeName}（${r.nodeCode}）${roleName(r.role)}`);
  }
  if (input.chat?.kind === 'group') {
    const b = input.chat.boundTo;
    lines.push(b ? `本群绑定在「${b.nodeName}」（${b.nodeCode}）${b.purpose ? `，${PURPOSE_NAMES[b.purpose]}` : ''}。` : '本群尚未绑定组织节点。');
  }
  if (!staff.length) lines.push('工作人员请私聊我发送管理员给您的邀请码完成绑定。');
  return lines.join('\n');
}

/** 帮助: the commands this person may use here, the case commands first. */
export function helpReply(input: { roles: Role[]; chatKind: 'group' | 'direct' }): string {
  const lines = [HELP_TEXT, '· 发送「我是谁」查看您的身份和绑定；'];
  if (input.chatKind === 'direct') lines.push('· 工作人员收到邀请码后，在这里发送「绑定 邀请码」完成身份绑定。');
  const handles = input.roles.some((r) => ['grid_worker', 'grid_leader', 'area_leader', 'street_chief', 'manager'].includes(r));
  if (handles) {
    lines.push(
      '处置工单（在与机器人的私聊里）：',
      '· 签收 #编号；进展 #编号 情况；办结 #编号 结果（都可附照片）；',
      '· 退单 #编号 原因；转派 #编号 姓名或网格编码 原因；延期 #编号 天数 原因；吹哨 #编号 部门 [主办|协办]；',
    );
    if (input.roles.includes('grid_worker')) lines.push('· 上报 问题描述：登记巡查中自行发现的问题。');
    if (input.roles.some((r) => r !== 'grid_worker' && r !== 'resident' && r !== 'household_leader' && r !== 'department')) {
      lines.push('· 同意延期 #编号；驳回延期 #编号 原因。');
    }
  }
  if (input.roles.includes('department')) lines.push('职能部门：· 进展 #编号 情况：报告协同处置的进展。');
  if (input.roles.includes('manager')) {
    lines.push(
      '管理员：',
      '· 发通知：群发通知（可选范围、需确认、定时），「通知状态 编号」「提醒 编号」「撤回 编号」；',
      '· 撤销 #编号 原因：撤销错误登记的工单；',
      '· 在群里发送「绑定群 节点编码」把群绑定到组织节点（可加「工作群」或「管理群」），发送「解绑群」解除；',
      '· 在服务器上运行 npx jiesu invite --role <角色> --node <节点编码> 生成邀请码，发给对方私聊机器人。',
    );
  }
  return lines.join('\n');
}
