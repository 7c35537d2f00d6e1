/** A text's character bigrams (with counts) after dropping punctuation, symbols and spaces. */
interface Bigrams {
  grams: Map<string, number>;
  total: number;
}

function bigrams(s: string): Bigrams {
  const t = Array.from(s.toLowerCase().replace(/[\s\p{P}\p{S}]/gu, ''));
  const grams = new Map<string, number>();
  for (let i = 0; i + 1 < t.length; i++) {
    const g = t[i]! + t[i + 1]!;
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  return { grams, total: Math.max(0, t.length - 1) };
}

function dice(a: Bigrams, b: Bigrams): number {
  if (a.total + b.total === 0) return 0;
  // Walk the smaller map: the same sum either way.
  const [small, large] = a.grams.size <= b.grams.size ? [a, b] : [b, a];
  let inter = 0;
  for (const [g, v] of small.grams) inter += Math.min(v, large.grams.get(g) ?? 0);
  return (2 * inter) / (a.total + b.total);
}

/** Character-bigram Dice similarity of two texts (0..1), after dropping punctuation and spaces. */
export function textSimilarity(a: string, b: string): number {
  return dice(bigrams(a), bigrams(b));
}

export const DUPLICATE_WINDOW_HOURS = 72;
/** Chat reports are short: two about one lamp share about a quarter of their bigrams. */
export const DUPLICATE_SIMILARITY = 0.25;

/**
 * The open case a new report duplicates: the most similar one above the threshold (the first
 * of equals). The new text's bigrams are counted once, not once per candidate: a busy grid has
 * hundreds of open cases of one type.
 */
export function findDuplicate<T extends { description: string; summary: string }>(text: string, candidates: T[], threshold = DUPLICATE_SIMILARITY): T | null {
  const mine = bigrams(text);
  let best: { c: T; s: number } | null = null;
  for (const c of candidates) {
    const s = Math.max(dice(mine, bigrams(c.description)), dice(mine, bigrams(c.summary)));
    if (s >= threshold && (!best || s > best.s)) best = { c, s };
  }
  return best?.c ?? null;
}
