/** The states of a case along the loop 发现、上报、派单、处置、监督、评价. */
export const CASE_STATUSES = [
  'reported',
  'dispatched',
  'signed',
  'in_progress',
  'resolved',
  'closed',
  'returned',
  'cancelled',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Chinese names, as residents and workers read them in chat. */
export const CASE_STATUS_NAMES: Record<CaseStatus, string> = {
  reported: '已受理',
  dispatched: '已派单',
  signed: '已签收',
  in_progress: '处理中',
  resolved: '已办结',
  closed: '已关闭',
  returned: '已退单',
  cancelled: '已撤销',
};

export const OPEN_STATUSES: readonly CaseStatus[] = ['reported', 'dispatched', 'signed', 'in_progress', 'returned'];
