/** Telegram's longest text message. */
export const TELEGRAM_MAX_TEXT = 4096;
/** Telegram's longest photo caption. */
export const TELEGRAM_MAX_CAPTION = 1024;

/**
 * Split a long text into messages of at most `max` UTF-16 units (what Telegram counts),
 * preferring paragraph breaks, then line breaks, then sentence ends and spaces, and never
 * cutting a surrogate pair.
 */
export function splitText(text: string, max = TELEGRAM_MAX_TEXT): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let cut = -1;
    for (const sep of ['\n\n', '\n', '。', '！', '？', '. ', '；', '，', ' ']) {
      const i = window.lastIndexOf(sep, max - sep.length);
      // A break in the first third would leave a tiny message; look further instead.
      if (i >= max / 3) {
        cut = i + sep.length;
        break;
      }
    }
    if (cut < 0) {
      cut = max;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    }
    out.push(rest.slice(0, cut).replace(/\s+$/u, ''));
    rest = rest.slice(cut).replace(/^\n+/u, '');
  }
  if (rest.length || !out.length) out.push(rest);
  return out.filter((s, i) => s.length > 0 || i === 0);
}

/** Cut to `max` units with an ellipsis (edits cannot be split into several messages). */
export function truncateText(text: string, max = TELEGRAM_MAX_TEXT): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}
