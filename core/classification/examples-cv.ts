/**
 * How well the default models generalise from a deployment's own labelled examples: k-fold
 * cross-validation of the whole offline classifier (triage model, type model, emergency
 * rules) over example rows, each fold trained on the others. The figures that matter in a
 * group chat: triage accuracy (is it a case at all), type accuracy on the actionable ones,
 * and how many emergencies were marked as such (and how many others were, in error). Pure.
 */
import { mulberry32, shuffleInPlace } from './codec.js';
import { buildDefaultClassifier, trainDefaultModels, type ExampleRow, type LevelRow } from './default-model.js';
import { CHATTER_LABEL } from './offline-classifier.js';
import type { TaxonomyEntry } from './types.js';

export interface ExamplesCvReport {
  /** Predictions scored: rows × seeds. */
  n: number;
  folds: number;
  seeds: number[];
  triageAccuracy: number;
  typeAccuracy: number;
  emergencies: number;
  emergenciesCaught: number;
  /** Rows labelled emergency that a fold did not mark so (each text once). */
  missedEmergencies: string[];
  /** Predictions of rows not labelled emergency that were marked emergency (false alarms). */
  falseEmergencies: number;
  /** Their texts (each once). */
  falseEmergencyTexts: string[];
  /** Most frequent type confusions, `gold→predicted`, with counts. */
  confusions: { gold: string; predicted: string; n: number }[];
}

export async function crossValidateExamples(
  taxonomy: readonly TaxonomyEntry[],
  rows: readonly ExampleRow[],
  /** `levelRows`: extra training rows for the emergency model in every fold (never scored). */
  opts: { folds?: number; seeds?: number[]; levelRows?: readonly LevelRow[] } = {},
): Promise<ExamplesCvReport> {
  const K = opts.folds ?? 5;
  const seeds = opts.seeds ?? [1, 2];
  if (!Number.isInteger(K) || K < 2 || K > rows.length) throw new RangeError(`folds must be an integer from 2 to the number of rows (${rows.length})`);
  let n = 0;
  let triageOk = 0;
  let typeN = 0;
  let typeOk = 0;
  let emergencies = 0;
  let caught = 0;
  const missed = new Set<string>();
  let falseAlarms = 0;
  const falseTexts = new Set<string>();
  const confusions = new Map<string, number>();
  for (const seed of seeds) {
    const order = shuffleInPlace(rows.map((_, i) => i), mulberry32(seed));
    const foldOf = new Int32Array(rows.length);
    order.forEach((row, i) => (foldOf[row] = i % K));
    for (let k = 0; k < K; k++) {
      const classifier = buildDefaultClassifier(taxonomy, trainDefaultModels(taxonomy, rows.filter((_, i) => foldOf[i] !== k), undefined, undefined, opts.levelRows));
      for (let i = 0; i < rows.length; i++) {
        if (foldOf[i] !== k) continue;
        const r = rows[i]!;
        const out = await classifier.classify(r.text);
        n++;
        const actionable = r.label !== CHATTER_LABEL;
        if (out.actionable === actionable) triageOk++;
        if (actionable) {
          typeN++;
          if (out.caseType === r.label) typeOk++;
          else {
            const key = `${r.label}→${out.caseType ?? '-'}`;
            confusions.set(key, (confusions.get(key) ?? 0) + 1);
          }
        }
        if (r.level === 'emergency') {
          emergencies++;
          if (out.level === 'emergency') caught++;
          else missed.add(r.text);
        } else if (out.level === 'emergency') {
          falseAlarms++;
          falseTexts.add(r.text);
        }
      }
    }
  }
  return {
    n,
    folds: K,
    seeds,
    triageAccuracy: n ? triageOk / n : 0,
    typeAccuracy: typeN ? typeOk / typeN : 0,
    emergencies,
    emergenciesCaught: caught,
    missedEmergencies: [...missed],
    falseEmergencies: falseAlarms,
    falseEmergencyTexts: [...falseTexts],
    confusions: [...confusions]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 10)
      .map(([k, c]) => {
        const [gold, predicted] = k.split('→') as [string, string];
        return { gold, predicted, n: c };
      }),
  };
}
