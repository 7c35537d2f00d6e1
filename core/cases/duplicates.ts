/** Character-bigram Dice similarity of two texts (0..1), after dropping punctuation and spaces. */
export function textSimilarity(a: string, b: string): number {
  const grams = (s: string) => {
    const t = Array.from(s.toLowerCase().replace(/[\s\p{P}\p{S}]/gu, ''));
    const out = new Map<string, number>();
    for (let i = 0; i + 1 < t.length; i++) {
      const g = t[i]! + t[i + 1]!;
      out.set(g, (out.get(g) ?? 0) + 1);
    }
    return out;
  };
  const ga = grams(a);
  const gb = grams(b);
  let inter = 0;
  let na = 0;
  let nb = 0;
  for (const v of ga.values()) na += v;
  for (const v of gb.values()) nb += v;
  for (const [g, v] of ga) inter += Math.min(v, gb.get(g) ?? 0);
  return na + nb === 0 ? 0 : (2 * inter) / (na + nb);
}

export const DUPLICATE_WINDOW_HOURS = 72;
/** Chat reports are short: two about one lamp share about a quarter of their bigrams. */
export const DUPLICATE_SIMILARITY = 0.25;

/** The open case a new report duplicates: the most similar one above the threshold. */
export function findDuplicate<T extends { description: string; summary: string }>(text: string, candidates: T[], threshold = DUPLICATE_SIMILARITY): T | null {
  let best: { c: T; s: number } | null = null;
  for (const c of candidates) {
    const s = Math.max(textSimilarity(text, c.description), textSimilarity(text, c.summary));
    if (s >= threshold && (!best || s > best.s)) best = { c, s };
  }
  return best?.c ?? null;
}
