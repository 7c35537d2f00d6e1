/**
 * Text normalisation helpers shared by the feature extractor, the rules and the summary.
 * Pure: no I/O.
 */

/**
 * Normalise a message for feature extraction:
 * NFKC (full-width → half-width, compatibility forms), lower case, whitespace collapsed,
 * zero-width characters removed, runs of the same punctuation collapsed.
 */
export function normalizeText(text: string): string {
  if (typeof text !== 'string') return '';
  let s = text.normalize('NFKC').toLowerCase();
  // zero-width and BOM characters
  s = s.replace(/[\u200b-\u200f\u2060\ufeff]/g, '');
  s = s.replace(/\s+/g, ' ').trim();
  // collapse repeated punctuation / symbols (!!!! → !, 。。。 → 。)
  s = s.replace(/([^\p{L}\p{N}\s])\1+/gu, '$1');
  return s;
}

/**
 * Title part of a message: the text before the first whitespace when that prefix is a
 * plausible title (4..60 characters), otherwise the first sentence.
 */
export function titlePart(text: string): string {
  const t = text.trim();
  const sp = t.search(/\s/);
  if (sp >= 4 && sp <= 60) return t.slice(0, sp);
  const glued = gluedTitleEnd(t);
  if (glued > 0) return t.slice(0, glued).replace(TRAILING_PUNCT, '');
  return firstSentence(t, 60);
}

/** Salutations that usually open the body of a letter-style message. */
const SALUTATION = /(尊敬的|您好|你好|各位领导|领导[:：,，!！]|[\u4e00-\u9fff]{1,2}(?:市长|书记|县长|厅长|局长|主任|部长|区长|镇长)[:：,，!！])/u;
const TRAILING_PUNCT = /[，,。！!？?；;：:\s]+$/u;

/**
 * Where a title glued to its body (no separator) ends: before an opening salutation
 * ("…乱收费尊敬的领导：") or where the body starts by repeating the title's first characters.
 * Returns 0 when no such boundary is found within the first 60 characters.
 */
function gluedTitleEnd(t: string): number {
  const m = SALUTATION.exec(t.slice(0, 90));
  let cut = m && m.index >= 6 && m.index <= 60 ? m.index : -1;
  const head = t.slice(0, 5);
  for (let k = 8; k <= 60 && k + 5 <= t.length; k++) {
    if (t.startsWith(head, k)) {
      if (cut < 0 || k < cut) cut = k;
      break;
    }
  }
  return cut > 0 ? cut : 0;
}

/** First sentence (up to a sentence-final mark or a line break), cut to `max` characters. */
export function firstSentence(text: string, max = 60): string {
  const t = text.trim();
  const m = /^[\s\S]*?[。！？!?；;\n]/.exec(t);
  let s = m ? m[0] : t;
  s = s.replace(/[。！？!?；;\n]+$/u, '').trim();
  if (s.length < 4 && t.length > s.length) s = t; // too short: keep going
  const chars = Array.from(s);
  return chars.length > max ? chars.slice(0, max).join('') : s;
}

/** True when the character is CJK (Han) ideograph. */
export function isHan(cp: number): boolean {
  return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0xf900 && cp <= 0xfaff);
}
