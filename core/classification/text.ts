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
  return firstSentence(t, 60);
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
