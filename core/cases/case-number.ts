/** Every chat message about a case shows its number as `#<number>`. */
export function formatCaseNumber(n: number): string {
  return `#${n}`;
}

/** Finds a `#1234` (or full-width `＃1234`) case reference in text; null when there is none. */
export function parseCaseNumber(text: string): number | null {
  const m = /[#＃]\s?(\d{1,9})\b/.exec(text);
  return m ? Number(m[1]) : null;
}
