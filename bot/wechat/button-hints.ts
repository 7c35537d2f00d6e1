/**
 * WeChat has no buttons: each button Jiesu would show becomes the text command that does the
 * same thing, in one hint line under the message ("回复：签收 #1001 / 退单 #1001 原因"), unless
 * the message already says it. Pure.
 */
import type { Button } from '../../core/messaging/channel.js';

interface TextForm {
  /** What the person types (placeholders in plain words). */
  say: string;
  /** The part that, found in the message, shows it already tells how. */
  key: string;
}

const ACTIONS: Record<string, (n: string) => TextForm> = {
  sign: (n) => ({ say: `签收 ${n}`, key: `签收 ${n}` }),
  return: (n) => ({ say: `退单 ${n} 原因`, key: `退单 ${n}` }),
  progress: (n) => ({ say: `进展 ${n} 情况`, key: `进展 ${n}` }),
  resolve: (n) => ({ say: `办结 ${n} 结果`, key: `办结 ${n}` }),
  extend: (n) => ({ say: `延期 ${n} 天数 原因`, key: `延期 ${n}` }),
  whistle: (n) => ({ say: `吹哨 ${n} 部门`, key: `吹哨 ${n}` }),
  transfer: (n) => ({ say: `转派 ${n} 姓名 原因`, key: `转派 ${n}` }),
  cancel: (n) => ({ say: `撤销 ${n} 原因`, key: `撤销 ${n}` }),
};

const RATINGS: Record<string, TextForm> = {
  s: { say: '1 满意', key: '1 满意' },
  b: { say: '2 基本满意', key: '2 基本满意' },
  u: { say: '3 不满意', key: '3 不满意' },
  x: { say: '未解决', key: '未解决' },
};

const NOTICE_FLOW: Record<string, TextForm> = {
  all: { say: '全部', key: '全部' },
  ack1: { say: '需要', key: '需要' },
  ack0: { say: '不需要', key: '不需要' },
  now: { say: '现在', key: '现在' },
  ok: { say: '确认', key: '确认' },
  no: { say: '取消', key: '取消' },
};

/** The typed form of one button, or null for a button with no text form (its label is shown). */
export function textFormOf(button: Button): TextForm | null {
  let m = /^c:(\w+):(\d+)$/.exec(button.id);
  if (m) return ACTIONS[m[1]!]?.(`#${m[2]}`) ?? null;
  m = /^r:([sbux]):(\d+)$/.exec(button.id);
  if (m) return RATINGS[m[1]!] ?? null;
  m = /^e:(ok|no):(\d+)$/.exec(button.id);
  if (m) return m[1] === 'ok' ? { say: `同意延期 #${m[2]}`, key: `同意延期 #${m[2]}` } : { say: `驳回延期 #${m[2]} 原因`, key: `驳回延期 #${m[2]}` };
  if (/^nack:\d+$/.test(button.id)) return { say: '1（确认收到）', key: '回复 1' };
  m = /^nf:\d+:(\w+)$/.exec(button.id);
  if (m) return NOTICE_FLOW[m[1]!] ?? null;
  return null;
}

/** Spaces, 「」 quotes and full-width # don't matter when checking whether the text says it. */
const squash = (s: string) => s.replace(/[\s「」“”"]/g, '').replace(/＃/g, '#');

/** The text with a hint line for the buttons it does not already explain. */
export function withButtonHints(text: string, buttons: Button[][] | undefined): string {
  const all = buttons?.flat() ?? [];
  if (!all.length) return text;
  const said = squash(text);
  const missing: string[] = [];
  for (const b of all) {
    const form = textFormOf(b);
    if (form && said.includes(squash(form.key))) continue;
    const say = form?.say ?? b.label;
    if (!missing.includes(say)) missing.push(say);
  }
  return missing.length ? `${text}\n回复：${missing.join(' / ')}` : text;
}
