import type { CaseStatus } from './case-status.js';

/** Everything that can happen to a case. Each becomes one event in the case's log. */
export const CASE_ACTIONS = [
  'dispatch',
  'sign',
  'progress',
  'resolve',
  'return',
  'transfer',
  'request_extension',
  'approve_extension',
  'refuse_extension',
  'whistle',
  'rate_satisfied',
  'rate_unsatisfied',
  'close_no_feedback',
  'remind',
  'escalate',
  'merge',
  'attach',
  'cancel',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

/** Chinese verbs, for refusals and timelines. */
export const CASE_ACTION_NAMES: Record<CaseAction, string> = {
  dispatch: '派单',
  sign: '签收',
  progress: '反馈进展',
  resolve: '办结',
  return: '退单',
  transfer: '转派',
  request_extension: '申请延期',
  approve_extension: '批准延期',
  refuse_extension: '驳回延期',
  whistle: '吹哨',
  rate_satisfied: '评价',
  rate_unsatisfied: '评价',
  close_no_feedback: '超时关闭',
  remind: '提醒',
  escalate: '督办',
  merge: '合并',
  attach: '补充材料',
  cancel: '撤销',
};

const OPEN_HANDLING: CaseStatus[] = ['dispatched', 'signed', 'in_progress'];

/**
 * From which states each action is allowed, and the state it leads to (`same` keeps it).
 * This table is the state machine; `nextStatus` is its only reader.
 */
export const TRANSITIONS: Record<CaseAction, { from: readonly CaseStatus[]; to: CaseStatus | 'same' }> = {
  dispatch: { from: ['reported', 'returned'], to: 'dispatched' },
  sign: { from: ['dispatched'], to: 'signed' },
  progress: { from: ['signed', 'in_progress'], to: 'in_progress' },
  resolve: { from: ['signed', 'in_progress'], to: 'resolved' },
  return: { from: OPEN_HANDLING, to: 'returned' },
  transfer: { from: OPEN_HANDLING, to: 'dispatched' },
  request_extension: { from: ['signed', 'in_progress'], to: 'same' },
  approve_extension: { from: ['signed', 'in_progress'], to: 'same' },
  refuse_extension: { from: ['signed', 'in_progress'], to: 'same' },
  whistle: { from: ['dispatched', 'signed', 'in_progress'], to: 'same' },
  rate_satisfied: { from: ['resolved'], to: 'closed' },
  // 不满意 or 未解决: back to the handler, who already holds it.
  rate_unsatisfied: { from: ['resolved'], to: 'in_progress' },
  close_no_feedback: { from: ['resolved'], to: 'closed' },
  remind: { from: ['dispatched', 'signed', 'in_progress'], to: 'same' },
  escalate: { from: ['reported', 'dispatched', 'signed', 'in_progress', 'returned'], to: 'same' },
  merge: { from: ['reported', 'dispatched', 'signed', 'in_progress', 'returned'], to: 'same' },
  // A photo or location sent right after the report.
  attach: { from: ['reported', 'dispatched', 'signed', 'in_progress', 'returned'], to: 'same' },
  cancel: { from: ['reported', 'dispatched', 'signed', 'in_progress', 'returned'], to: 'cancelled' },
};

export class IllegalTransitionError extends Error {
  override name = 'IllegalTransitionError';
  constructor(
    readonly action: CaseAction,
    readonly from: CaseStatus,
  ) {
    super(`cannot ${action} a case that is ${from}`);
  }
}

/** The state after `action`, or an IllegalTransitionError. */
export function nextStatus(from: CaseStatus, action: CaseAction): CaseStatus {
  const t = TRANSITIONS[action];
  if (!t.from.includes(from)) throw new IllegalTransitionError(action, from);
  return t.to === 'same' ? from : t.to;
}

export function canApply(from: CaseStatus, action: CaseAction): boolean {
  return TRANSITIONS[action].from.includes(from);
}
