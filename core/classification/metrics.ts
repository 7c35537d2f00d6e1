/**
 * Evaluation metrics and grouped cross-validation folds. Pure.
 */
import { mulberry32, shuffleInPlace } from './codec.js';

export interface LabelScores {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface EvalReport {
  n: number;
  accuracy: number;
  macroF1: number;
  perLabel: LabelScores[];
  labels: string[];
  /** confusion[i][j] = count of gold labels[i] predicted as labels[j] */
  confusion: number[][];
}

export function evaluate(gold: readonly string[], pred: readonly string[], labelOrder?: readonly string[]): EvalReport {
  if (gold.length !== pred.length) throw new Error('evaluate: length mismatch');
  const labels = labelOrder ? [...labelOrder] : [...new Set([...gold, ...pred])].sort();
  for (const l of [...gold, ...pred]) if (!labels.includes(l)) labels.push(l);
  const li = new Map(labels.map((l, i) => [l, i] as const));
  const K = labels.length;
  const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  let correct = 0;
  for (let i = 0; i < gold.length; i++) {
    confusion[li.get(gold[i]!)!]![li.get(pred[i]!)!]! += 1;
    if (gold[i] === pred[i]) correct++;
  }
  const perLabel: LabelScores[] = [];
  let f1Sum = 0;
  let f1Count = 0;
  for (let k = 0; k < K; k++) {
    const tp = confusion[k]![k]!;
    let predK = 0;
    let goldK = 0;
    for (let j = 0; j < K; j++) {
      predK += confusion[j]![k]!;
      goldK += confusion[k]![j]!;
    }
    const precision = predK ? tp / predK : 0;
    const recall = goldK ? tp / goldK : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perLabel.push({ label: labels[k]!, precision, recall, f1, support: goldK });
    // macro-F1 over labels present in the gold standard
    if (goldK > 0) {
      f1Sum += f1;
      f1Count++;
    }
  }
  return {
    n: gold.length,
    accuracy: gold.length ? correct / gold.length : 0,
    macroF1: f1Count ? f1Sum / f1Count : 0,
    perLabel,
    labels,
    confusion,
  };
}

/**
 * Assign rows to `k` folds keeping near-duplicates together: rows sharing the same first
 * `prefixLen` or last `suffixLen` characters (after trimming) form one group
 * (union–find over both keys). Groups are distributed so that fold sizes stay balanced.
 * Returns the fold index of each row.
 */
export function groupedFolds(
  texts: readonly string[],
  k: number,
  opts: { prefixLen?: number; suffixLen?: number; seed?: number } = {},
): number[] {
  const prefixLen = opts.prefixLen ?? 15;
  const suffixLen = opts.suffixLen ?? 40;
  const n = texts.length;
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const byPrefix = new Map<string, number>();
  const bySuffix = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const t = texts[i]!.trim();
    const chars = Array.from(t);
    const p = chars.slice(0, prefixLen).join('');
    const s = chars.slice(-suffixLen).join('');
    const pi = byPrefix.get(p);
    if (pi === undefined) byPrefix.set(p, i);
    else union(i, pi);
    const si = bySuffix.get(s);
    if (si === undefined) bySuffix.set(s, i);
    else union(i, si);
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    const g = groups.get(r) ?? [];
    g.push(i);
    groups.set(r, g);
  }
  const rnd = mulberry32(opts.seed ?? 42);
  const list = shuffleInPlace([...groups.values()], rnd);
  // largest groups first, then greedily to the smallest fold (stable for equal sizes)
  list.sort((a, b) => b.length - a.length);
  const sizes = new Array<number>(k).fill(0);
  const fold = new Array<number>(n).fill(0);
  for (const g of list) {
    let best = 0;
    for (let f = 1; f < k; f++) if (sizes[f]! < sizes[best]!) best = f;
    for (const i of g) fold[i] = best;
    sizes[best]! += g.length;
  }
  return fold;
}
