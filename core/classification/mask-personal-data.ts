/**
 * Masks personal data before text leaves the machine (LLM calls) and in logs:
 * ID card numbers, bank card numbers, mobile and landline numbers.
 */
const ID_CARD = /(?<!\d)(\d{6})(\d{8})(\d{3}[\dXx])(?!\d)/g;
const BANK_CARD = /(?<!\d)(\d{4})\d{8,11}(\d{4})(?!\d)/g;
const MOBILE = /(?<!\d)(\+?86[-\s]?)?(1[3-9]\d)[-\s]?(\d{4})[-\s]?(\d{4})(?!\d)/g;
const LANDLINE = /(?<!\d)(0\d{2,3})[-\s]?(\d{7,8})(?!\d)/g;

export function maskPersonalData(text: string): string {
  if (!text) return text;
  return text
    .replace(ID_CARD, (_m, a: string, _b: string, c: string) => `${a}********${c.toUpperCase()}`)
    .replace(BANK_CARD, (_m, a: string, b: string) => `${a}********${b}`)
    .replace(MOBILE, (_m, cc: string | undefined, a: string, _b: string, c: string) => `${cc ?? ''}${a}****${c}`)
    .replace(LANDLINE, (_m, area: string, num: string) => `${area}-****${num.slice(-2)}`);
}
