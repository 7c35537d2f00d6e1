/**
 * The notice commands people type: 发通知 / /notice starts the guided flow; 通知状态, 提醒 and
 * 撤回 take a notice id; recipients confirm with "1" or a button. Pure: no I/O.
 */
export type NoticeCommand =
  | { kind: 'start' }
  | { kind: 'status'; noticeId: number }
  | { kind: 'remind'; noticeId: number }
  | { kind: 'cancel'; noticeId: number }
  /** The command word without a usable id: answered with how to use it. */
  | { kind: 'usage'; command: 'status' | 'remind' | 'cancel' };

const SLASH = String.raw`\/notice(?:@\w+)?`;
const ID = String.raw`\s*[#＃]?\s*(\d{1,9})`;

const COMMANDS: { kind: 'status' | 'remind' | 'cancel'; words: string }[] = [
  { kind: 'status', words: String.raw`(?:通知状态|通知进度|查看通知|${SLASH}\s+status)` },
  { kind: 'remind', words: String.raw`(?:提醒|提醒确认|催确认|${SLASH}\s+remind)` },
  { kind: 'cancel', words: String.raw`(?:撤回|撤回通知|取消通知|${SLASH}\s+cancel)` },
];

export function parseNoticeCommand(raw: string): NoticeCommand | null {
  const text = raw.trim().replace(/\s+/g, ' ');
  if (!text || text.length > 40) return null;
  if (/^(?:发通知|发布通知|群发通知|新通知)$/.test(text) || new RegExp(`^${SLASH}(?:\\s+new)?$`, 'i').test(text)) return { kind: 'start' };
  for (const c of COMMANDS) {
    const m = new RegExp(`^${c.words}${ID}$`, 'i').exec(text);
    if (m) return { kind: c.kind, noticeId: Number(m[1]) } as NoticeCommand;
    // The bare command word (or with something that is not an id) gets a usage hint; 提醒 alone
    // is ordinary speech too often to answer.
    if (c.kind !== 'remind' && new RegExp(`^${c.words}(?:\\s+\\S+)?$`, 'i').test(text)) return { kind: 'usage', command: c.kind };
    if (c.kind === 'remind' && new RegExp(`^${SLASH}\\s+remind(?:\\s+\\S+)?$`, 'i').test(text)) return { kind: 'usage', command: 'remind' };
  }
  return null;
}

/** A recipient's typed confirmation (WeChat has no buttons): "1", or 确认 / 确认收到. */
export function isAckText(raw: string): boolean {
  return /^(?:1|１|确认|确认收到|已确认)[。.!！]?$/.test(raw.trim());
}

/** Button ids: short (Telegram allows 64 bytes of callback data) and self-describing. */
export const noticeButtons = {
  ack: (noticeId: number) => `nack:${noticeId}`,
  flow: (draftId: number, choice: FlowChoice) => `nf:${draftId}:${choice}`,
};

export type FlowChoice = 'all' | 'ack1' | 'ack0' | 'now' | 'ok' | 'no';
const FLOW_CHOICES: readonly string[] = ['all', 'ack1', 'ack0', 'now', 'ok', 'no'];

export type NoticeButton = { kind: 'ack'; noticeId: number } | { kind: 'flow'; draftId: number; choice: FlowChoice };

export function parseNoticeButton(buttonId: string): NoticeButton | null {
  let m = /^nack:(\d{1,9})$/.exec(buttonId);
  if (m) return { kind: 'ack', noticeId: Number(m[1]) };
  m = /^nf:(\d{1,9}):(\w+)$/.exec(buttonId);
  if (m && FLOW_CHOICES.includes(m[2]!)) return { kind: 'flow', draftId: Number(m[1]), choice: m[2] as FlowChoice };
  return null;
}
