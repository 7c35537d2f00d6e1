import type { CaseAction } from '../cases/case-actions.js';

/** A rating answer: fixed or not, and how satisfied. */
export type Satisfaction = 'satisfied' | 'basically_satisfied' | 'unsatisfied';
export interface RatingAnswer {
  fixed: boolean;
  satisfaction: Satisfaction;
}

export type CaseCommand =
  | { kind: 'act'; action: Exclude<CaseAction, 'rate_satisfied' | 'rate_unsatisfied'>; caseNumber: number; text: string; days?: number; target?: string; coRole?: 'lead' | 'support' }
  | { kind: 'rate'; caseNumber: number | null; answer: RatingAnswer; comment: string }
  | { kind: 'patrol'; text: string }
  | { kind: 'me_too'; caseNumber: number | null }
  | { kind: 'malformed'; usage: string };

const N = String.raw`[#＃]?\s*(\d{1,9})`;

interface Verb {
  words: string[];
  slash: string;
  action: Exclude<CaseAction, 'rate_satisfied' | 'rate_unsatisfied'>;
  usage: string;
  /** What follows the number. */
  rest: 'none' | 'text' | 'reason' | 'days_reason' | 'target_reason' | 'department';
}

const VERBS: Verb[] = [
  { words: ['签收'], slash: 'sign', action: 'sign', usage: '签收 #编号', rest: 'none' },
  { words: ['进展', '反馈'], slash: 'progress', action: 'progress', usage: '进展 #编号 处理情况（可附照片）', rest: 'text' },
  { words: ['办结', '完成'], slash: 'resolve', action: 'resolve', usage: '办结 #编号 处理结果（可附照片）', rest: 'text' },
  { words: ['退单', '退回'], slash: 'return', action: 'return', usage: '退单 #编号 退回原因', rest: 'reason' },
  { words: ['转派'], slash: 'transfer', action: 'transfer', usage: '转派 #编号 接收人姓名或网格编码 原因', rest: 'target_reason' },
  { words: ['延期'], slash: 'extend', action: 'request_extension', usage: '延期 #编号 天数 原因', rest: 'days_reason' },
  { words: ['同意延期', '批准延期'], slash: 'approve', action: 'approve_extension', usage: '同意延期 #编号', rest: 'none' },
  { words: ['驳回延期', '不同意延期'], slash: 'reject', action: 'refuse_extension', usage: '驳回延期 #编号 原因', rest: 'reason' },
  { words: ['吹哨'], slash: 'whistle', action: 'whistle', usage: '吹哨 #编号 部门名称（如 城管、物业、派出所）[主办|协办]', rest: 'department' },
  { words: ['撤销'], slash: 'cancel', action: 'cancel', usage: '撤销 #编号 原因', rest: 'reason' },
];

const RATING_WORDS: [RegExp, RatingAnswer][] = [
  [/^(1|满意|非常满意)$/, { fixed: true, satisfaction: 'satisfied' }],
  [/^(2|基本满意)$/, { fixed: true, satisfaction: 'basically_satisfied' }],
  [/^(3|不满意)$/, { fixed: true, satisfaction: 'unsatisfied' }],
  [/^(4|未解决|没解决|没有解决|还没解决|问题未解决)$/, { fixed: false, satisfaction: 'unsatisfied' }],
];

/** Parse a rating answer word, e.g. "1", "满意", "未解决". */
export function parseRatingWord(word: string): RatingAnswer | null {
  const w = word.trim().replace(/[。！!.，,]+$/, '');
  for (const [re, a] of RATING_WORDS) if (re.test(w)) return a;
  return null;
}

/**
 * Commands of the closed loop: 签收 #n, 办结 #n 说明 … (with `/sign n` … aliases), ratings,
 * patrol reports (上报), and "me too". `malformed` means a known verb in the wrong form.
 */
export function parseCaseCommand(raw: string): CaseCommand | null {
  const text = raw.trim().replace(/＃/g, '#').replace(/\s+/g, ' ');
  if (!text) return null;

  const patrol = /^(?:上报|\/report(?:@\w+)?)(?:\s+|[:：])?(.*)$/is.exec(text);
  if (patrol) {
    const body = patrol[1]!.trim();
    return body.length >= 2 ? { kind: 'patrol', text: body } : { kind: 'malformed', usage: '上报 问题描述（网格员巡查发现的问题）' };
  }
  if (/^(我也遇到了?|我也是|我家也是|我们也是|\+1|同样的问题)[!！。.]?$/.test(text)) return { kind: 'me_too', caseNumber: null };
  const meToo = new RegExp(`^(?:我也遇到了?|我也是|\\+1)\\s*${N}$`).exec(text);
  if (meToo) return { kind: 'me_too', caseNumber: Number(meToo[1]) };

  const rating = parseRatingWord(text);
  if (rating) return { kind: 'rate', caseNumber: null, answer: rating, comment: '' };
  const numbered = new RegExp(`^${N}\\s+(\\S+)(?:\\s+(.*))?$`).exec(text);
  if (numbered) {
    const a = parseRatingWord(numbered[2]!);
    if (a) return { kind: 'rate', caseNumber: Number(numbered[1]), answer: a, comment: (numbered[3] ?? '').trim() };
  }

  // Longest verb first, so 同意延期 is not read as 延期.
  const verbs = VERBS.flatMap((v) => [...v.words.map((w) => ({ v, w, slash: false })), { v, w: `/${v.slash}`, slash: true }]).sort(
    (a, b) => b.w.length - a.w.length,
  );
  for (const { v, w, slash } of verbs) {
    // A verb counts only before a space, a number or the end: 签收快递在哪 is a question, not a command.
    const head = slash ? new RegExp(`^${w.replace('/', '\\/')}(?:@\\w+)?(?=\\s|$)`, 'i') : new RegExp(`^${w}(?=\\s|[#\\d]|$)`);
    const m = head.exec(text);
    if (!m) continue;
    const after = text.slice(m[0].length).trim();
    const num = new RegExp(`^${N}(?:\\s+|$)(.*)$`, 's').exec(after);
    if (!num) return { kind: 'malformed', usage: v.usage };
    const caseNumber = Number(num[1]);
    const rest = (num[2] ?? '').trim();
    switch (v.rest) {
      case 'none':
        return { kind: 'act', action: v.action, caseNumber, text: rest };
      case 'text':
      case 'reason':
        if (!rest && (v.rest === 'reason' || v.action === 'resolve')) return { kind: 'malformed', usage: v.usage };
        return { kind: 'act', action: v.action, caseNumber, text: rest };
      case 'days_reason': {
        const d = /^(\d{1,2})\s*天?\s*(.*)$/s.exec(rest);
        if (!d || Number(d[1]) < 1 || !d[2]!.trim()) return { kind: 'malformed', usage: v.usage };
        return { kind: 'act', action: v.action, caseNumber, days: Number(d[1]), text: d[2]!.trim() };
      }
      case 'target_reason': {
        const t = /^(\S+)\s+(.+)$/s.exec(rest);
        if (!t) return { kind: 'malformed', usage: v.usage };
        return { kind: 'act', action: v.action, caseNumber, target: t[1]!, text: t[2]!.trim() };
      }
      case 'department': {
        const t = /^(\S+?)(?:\s+(主办|协办))?(?:\s+(.*))?$/s.exec(rest);
        if (!t) return { kind: 'malformed', usage: v.usage };
        return { kind: 'act', action: v.action, caseNumber, target: t[1]!, coRole: t[2] === '主办' ? 'lead' : 'support', text: (t[3] ?? '').trim() };
      }
    }
  }
  return null;
}
