/**
 * What the loop says in chat, as pure functions: task cards with their buttons, updates to
 * residents, reminders, escalations, the rating question. Group texts carry the case number,
 * type, status and the handler's display name, never personal details.
 */
import type { Button } from '../messaging/channel.js';
import type { CaseLevel } from '../classification/types.js';
import { wallClock } from '../time/wall-clock.js';
import { formatCaseNumber } from './case-number.js';
import { CASE_STATUS_NAMES, type CaseStatus } from './case-status.js';

export const LEVEL_NAMES: Record<CaseLevel, string> = { routine: '一般', major: '重大', emergency: '突发' };
const DEADLINE_NAMES = { sign: '签收', resolve: '办结', feedback: '首次反馈' } as const;

/** "11月23日 10:30" in the deployment's time zone. */
export function formatLocal(at: Date, timezone: string): string {
  const w = wallClock(at, timezone);
  return `${w.month}月${w.day}日 ${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
}

export interface CardFacts {
  number: number;
  typeName: string;
  level: CaseLevel;
  status: CaseStatus;
  summary: string;
  location: { building?: string; unit?: string; street?: string; landmark?: string };
  placeName: string;
  reporterName: string;
  photos: number;
  signDueAt: Date | null;
  resolveDueAt: Date | null;
  supervised: boolean;
  coHandlers: string[];
  timezone: string;
}

export const buttonIds = {
  act: (action: string, n: number) => `c:${action}:${n}`,
  rate: (n: number, answer: 's' | 'b' | 'u' | 'x') => `r:${answer}:${n}`,
  extension: (n: number, ok: boolean) => `e:${ok ? 'ok' : 'no'}:${n}`,
};

/** The task card in the handler's direct chat; its buttons follow the case's state. */
export function taskCard(f: CardFacts): { text: string; buttons: Button[][] } {
  const parts = [f.location.street, f.location.landmark, f.location.building, f.location.unit].filter((x): x is string => Boolean(x));
  // "3号楼门口" already says "3号楼": keep only the parts no other part contains.
  const loc = parts.filter((p, i) => !parts.some((q, j) => j !== i && q.includes(p) && (q !== p || j < i))).join(' ');
  const lines = [
    `📋 工单 ${formatCaseNumber(f.number)} · ${f.typeName} · ${LEVEL_NAMES[f.level]}${f.supervised ? ' · 督办' : ''}`,
    `状态：${CASE_STATUS_NAMES[f.status]}`,
    `内容：${f.summary}`,
    `地点：${f.placeName}${loc ? ` ${loc}` : ''}`,
    `反映人：${f.reporterName}${f.photos ? ` · 照片 ${f.photos} 张` : ''}`,
  ];
  if (f.signDueAt && f.status === 'dispatched') lines.push(`签收时限：${formatLocal(f.signDueAt, f.timezone)}`);
  if (f.resolveDueAt) lines.push(`办结时限：${formatLocal(f.resolveDueAt, f.timezone)}`);
  if (f.coHandlers.length) lines.push(`协同部门：${f.coHandlers.join('、')}`);
  let buttons: Button[][] = [];
  const b = (action: string, label: string) => ({ id: buttonIds.act(action, f.number), label });
  if (f.status === 'dispatched') {
    buttons = [[b('sign', '签收'), b('return', '退单')]];
    lines.push(`回复「签收 ${formatCaseNumber(f.number)}」签收，「退单 ${formatCaseNumber(f.number)} 原因」退回。`);
  } else if (f.status === 'signed' || f.status === 'in_progress') {
    buttons = [
      [b('progress', '反馈进展'), b('resolve', '办结')],
      [b('extend', '申请延期'), b('whistle', '吹哨'), b('return', '退单')],
    ];
    lines.push(`回复「进展 ${formatCaseNumber(f.number)} 情况」「办结 ${formatCaseNumber(f.number)} 结果」，可附照片。`);
  }
  return { text: lines.join('\n'), buttons };
}

/** The text form a button stands for, when the action needs words from the handler. */
export function commandHint(action: string, n: number): string | null {
  const c = formatCaseNumber(n);
  const hints: Record<string, string> = {
    progress: `请回复：进展 ${c} 处理情况（可附照片）`,
    resolve: `请回复：办结 ${c} 处理结果（可附办结后照片）`,
    return: `请回复：退单 ${c} 退回原因`,
    extend: `请回复：延期 ${c} 天数 原因（例如：延期 ${c} 3 等待配件）`,
    whistle: `请回复：吹哨 ${c} 部门名称 [主办|协办]（例如：吹哨 ${c} 城管）`,
  };
  return hints[action] ?? null;
}

export const residentTexts = {
  dispatched: (n: number, typeName: string, handlerName: string, signDue: Date | null, resolveDue: Date | null, tz: string) =>
    `工单 ${formatCaseNumber(n)}（${typeName}）已派给${handlerName}处理${signDue ? `，${formatLocal(signDue, tz)} 前签收` : ''}${resolveDue ? `，${formatLocal(resolveDue, tz)} 前办结` : ''}。`,
  signed: (n: number, typeName: string, handlerName: string) => `${handlerName}已签收工单 ${formatCaseNumber(n)}（${typeName}），正在处理。`,
  progress: (n: number, handlerName: string, text: string) => `工单 ${formatCaseNumber(n)} 有新进展（${handlerName}）：${text}`,
  resolved: (n: number, typeName: string, handlerName: string, text: string) =>
    [
      `工单 ${formatCaseNumber(n)}（${typeName}）已由${handlerName}办结：${text}`,
      '问题解决了吗？请评价：回复 1 满意、2 基本满意、3 不满意，没有解决请回复「未解决」。',
    ].join('\n'),
  reopened: (n: number) => `工单 ${formatCaseNumber(n)} 已退回承办人重新处理，处理结果会再告诉您。`,
  closed: (n: number) => `工单 ${formatCaseNumber(n)} 已关闭，感谢您的评价。`,
  closedNoFeedback: (n: number) => `工单 ${formatCaseNumber(n)} 办结后 3 天未收到评价，已自动关闭。如问题仍在，请重新反映。`,
  merged: (n: number, typeName: string, count: number) =>
    `已合并到 ${formatCaseNumber(n)}（${typeName}）：同一问题已有 ${count} 人反映，处理进展会同步告诉您。`,
  returned: (n: number) => `工单 ${formatCaseNumber(n)} 正在重新安排承办人。`,
};

export const ratingButtons = (n: number): Button[][] => [
  [
    { id: buttonIds.rate(n, 's'), label: '满意' },
    { id: buttonIds.rate(n, 'b'), label: '基本满意' },
    { id: buttonIds.rate(n, 'u'), label: '不满意' },
  ],
  [{ id: buttonIds.rate(n, 'x'), label: '问题未解决' }],
];

export const staffTexts = {
  assigned: (n: number, typeName: string, placeName: string, levelName: string, signDue: Date | null, tz: string) =>
    `请接单：工单 ${formatCaseNumber(n)}（${typeName} · ${levelName} · ${placeName}）已派给你${signDue ? `，${formatLocal(signDue, tz)} 前签收` : ''}。任务卡已发到私聊。`,
  reminder: (n: number, kind: keyof typeof DEADLINE_NAMES, due: Date, tz: string) =>
    `⏰ 工单 ${formatCaseNumber(n)} 的${DEADLINE_NAMES[kind]}时限为 ${formatLocal(due, tz)}，请尽快处理。`,
  escalation: (n: number, typeName: string, placeName: string, kind: keyof typeof DEADLINE_NAMES, handlerName: string) =>
    `🔔 督办：工单 ${formatCaseNumber(n)}（${typeName}，${placeName}）已超过${DEADLINE_NAMES[kind]}时限，承办人 ${handlerName}。`,
  emergency: (n: number, typeName: string, placeName: string, summary: string) =>
    `🚨 突发事件：工单 ${formatCaseNumber(n)}（${typeName}，${placeName}）${summary}。请立即处置，2 小时内首次反馈。`,
  reopened: (n: number, words: string) => `工单 ${formatCaseNumber(n)} 被反映人退回：${words || '问题未解决'}。请继续处理。`,
  extensionRequest: (n: number, handlerName: string, days: number, reason: string) =>
    `${handlerName}申请工单 ${formatCaseNumber(n)} 延期 ${days} 天：${reason}`,
  extensionApproved: (n: number, due: Date, tz: string) => `工单 ${formatCaseNumber(n)} 延期已批准，新的办结时限 ${formatLocal(due, tz)}。`,
  extensionRefused: (n: number, reason: string) => `工单 ${formatCaseNumber(n)} 延期申请被驳回${reason ? `：${reason}` : ''}。`,
  whistled: (n: number, typeName: string, placeName: string, summary: string, role: 'lead' | 'support') =>
    `📣 吹哨报到：工单 ${formatCaseNumber(n)}（${typeName}，${placeName}）请贵部门作为${role === 'lead' ? '主办' : '协办'}单位参与处置：${summary}`,
  returned: (n: number, who: string, reason: string) => `工单 ${formatCaseNumber(n)} 被 ${who} 退单：${reason}。已重新派单。`,
  unassigned: (n: number, placeName: string) => `工单 ${formatCaseNumber(n)}（${placeName}）找不到承办人，请管理员指派（转派 ${formatCaseNumber(n)} 姓名 原因）。`,
};
