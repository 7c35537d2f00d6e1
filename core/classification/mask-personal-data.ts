/**
 * Mask personal data before text leaves the machine or reaches a log:
 * Chinese ID card numbers, bank card numbers, mobile numbers and landlines.
 * Pure function; idempotent (masked output is left alone).
 */

// 18-digit resident ID: 6-digit region, birth date (19xx/20xx, month, day), 3 digits, check digit/X
const ID_CARD = /(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g;
// 15-digit legacy ID
const ID_CARD_15 = /(?<![0-9A-Za-z])[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])/g;
// bank card: 16–19 digits, optionally grouped by spaces or dashes in blocks of 4
const BANK_CARD = /(?<![0-9A-Za-z])(?:\d{4}[ -]){3,4}\d{1,4}(?![0-9A-Za-z])|(?<![0-9A-Za-z])\d{16,19}(?![0-9A-Za-z])/g;
// mainland mobile: optional +86/86 prefix, 1[3-9]x xxxx xxxx, separators allowed
const MOBILE = /(?<![0-9A-Za-z])(?:\+?86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?![0-9A-Za-z])/g;
// landline: area code 0xx/0xxx + 7–8 digits (optionally in parentheses), optional extension
const LANDLINE = /(?<![0-9A-Za-z*])(\(?0\d{2,3}\)?)[ -]?(\d{3,4})[ -]?(\d{4})(?:[ -]?(?:转|ext\.?|-)\s?\d{1,5})?(?![0-9A-Za-z])/g;

function digitsOf(s: string): string {
  return s.replace(/\D/g, '');
}

/** Replace personal numbers by a masked form, e.g. `13812345678` → `138****5678`. */
export function maskPersonalData(text: string): string {
  if (typeof text !== 'string' || text.length === 0) return typeof text === 'string' ? text : '';
  // full-width digits → ASCII so that ０１３８… is caught too
  let s = text.replace(/[\uff10-\uff19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  s = s.replace(ID_CARD, (m) => `${m.slice(0, 6)}********${m.slice(-4)}`);
  s = s.replace(ID_CARD_15, (m) => `${m.slice(0, 6)}******${m.slice(-3)}`);
  s = s.replace(BANK_CARD, (m) => {
    const d = digitsOf(m);
    if (d.length < 16 || d.length > 19) return m;
    return `${d.slice(0, 4)} **** **** ${d.slice(-4)}`;
  });
  s = s.replace(MOBILE, (_m, a: string, _b: string, c: string) => `${a}****${c}`);
  s = s.replace(LANDLINE, (m, area: string, _mid: string, last: string) => {
    const d = digitsOf(m);
    if (d.length < 10 || d.length > 17) return m;
    return `${area}-****${last}`;
  });
  return s;
}

/** True when the text still contains something that looks like a personal number. */
export function containsPersonalData(text: string): boolean {
  return maskPersonalData(text) !== text;
}
