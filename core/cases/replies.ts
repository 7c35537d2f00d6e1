import type { CaseLevel } from '../classification/types.js';
import { formatCaseNumber } from './case-number.js';
import { formatLocal } from './notifications.js';

/** Said at once to anyone reporting an emergency. */
export const SAFETY_ADVICE =
  '⚠️ 如有人员受伤、火情或燃气泄漏等危及生命财产安全的情况，请立即拨打 119（火警）、110（报警）或 120（急救），并远离危险区域。';

/** What the resident reads when their report became a case. */
export function caseReceivedReply(input: {
  reporterName: string;
  caseNumber: number;
  typeName: string;
  level: CaseLevel;
  /** Already dispatched when the receipt goes out: one message says both. */
  dispatched?: { handlerName: string; signDue: Date | null; resolveDue: Date | null; timezone: string };
}): string {
  const lines = [
    `@${input.reporterName} 您反映的问题已受理，工单 ${formatCaseNumber(input.caseNumber)}（${input.typeName}）。`,
  ];
  const d = input.dispatched;
  const assigned = d
    ? `已派给${d.handlerName}处理${d.signDue ? `，${formatLocal(d.signDue, d.timezone)} 前签收` : ''}${d.resolveDue ? `，${formatLocal(d.resolveDue, d.timezone)} 前办结` : ''}。`
    : '';
  if (input.level === 'emergency') {
    lines.push(SAFETY_ADVICE);
    lines.push('已同时通知网格员和各级负责人。');
  } else if (input.level === 'major') {
    lines.push(d ? `该问题已列为重大问题，${assigned}已同步报告负责人。` : '该问题已列为重大问题，将优先派单处理，并同步报告负责人。');
  } else {
    lines.push(d ? `${assigned}签收、进展和办结都会在本群告知您。` : '接下来将派给本网格的网格员处理，签收、进展和办结都会在本群告知您。');
  }
  lines.push(`发送「${formatCaseNumber(input.caseNumber)}」可随时查询进度。`);
  return lines.join('\n');
}

/** A case's status as its reporter (or staff) reads it. */
export function caseStatusReply(input: {
  caseNumber: number;
  typeName: string;
  statusName: string;
  summary: string;
  handlerName?: string | null;
}): string {
  const lines = [`工单 ${formatCaseNumber(input.caseNumber)}（${input.typeName}）：${input.statusName}`, `内容：${input.summary}`];
  if (input.handlerName) lines.push(`承办人：${input.handlerName}`);
  return lines.join('\n');
}

export function myCasesReply(items: { caseNumber: number; typeName: string; statusName: string }[]): string {
  if (!items.length) return '您目前没有在办的工单。';
  return ['您在办的工单：', ...items.map((i) => `${formatCaseNumber(i.caseNumber)} ${i.typeName} · ${i.statusName}`)].join('\n');
}

export const HELP_TEXT = [
  '接诉机器人可以：',
  '· 在群里直接描述问题（可附照片、位置），机器人会登记工单并告诉您编号；',
  '· 发送「#编号」查询工单进度；',
  '· 发送「我的工单」查看您在办的工单。',
].join('\n');

export const unknownCaseReply = (n: number) => `没有找到工单 ${formatCaseNumber(n)}，请核对编号（格式：#1024）。`;
export const notYourCaseReply = (n: number) => `工单 ${formatCaseNumber(n)} 不是您反映的，只有反映人和工作人员可以查询。`;
export const unknownButtonReply = '这个按钮已失效或无法识别，请发送「帮助」查看可用操作。';

/** A `/command` no handler could read: unknown, or a known one with arguments it cannot use. */
export const unknownCommandReply = (command: string) => `没有看懂「${command}」这条命令，请发送「帮助」或 /help 查看可用的命令和写法。`;
