/**
 * Text commands people type in chat. Chinese first, `/command` aliases for Telegram.
 * Returns null when the text is not a command (then it is triaged as a possible report).
 */
export type Command =
  | { kind: 'case_status'; caseNumber: number }
  | { kind: 'my_cases' }
  | { kind: 'help' };

export function parseCommand(raw: string): Command | null {
  const text = raw.trim().replace(/＃/g, '#');
  let m = /^(?:查询|查|进度)?\s*#(\d{1,9})\s*(?:进度|状态)?$/.exec(text);
  if (m) return { kind: 'case_status', caseNumber: Number(m[1]) };
  m = /^\/status(?:@\w+)?\s+#?(\d{1,9})$/i.exec(text);
  if (m) return { kind: 'case_status', caseNumber: Number(m[1]) };
  if (/^(我的工单|我的案件|我的诉求)$/.test(text) || /^\/mycases(?:@\w+)?$/i.test(text)) return { kind: 'my_cases' };
  if (/^(帮助|菜单)$/.test(text) || /^\/(help|start)(?:@\w+)?$/i.test(text)) return { kind: 'help' };
  return null;
}
