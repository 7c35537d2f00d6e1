/** Longest text that is classified; longer messages are stored whole. */
export const MAX_PROCESSED_LENGTH = 4096;

/**
 * The text a message is processed on: control characters removed, whitespace folded,
 * cut to the first 4,096 characters (on a code point boundary). Empty means "ignore".
 */
export function prepareText(raw: string): string {
  const cleaned = raw
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u2028\u2029\ufeff]/g, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
    .trim();
  return Array.from(cleaned).slice(0, MAX_PROCESSED_LENGTH).join('');
}
