/**
 * Training of the default offline models from the taxonomy and labelled example rows.
 * Pure: the caller reads prompts/ and passes the parsed data in.
 */
import type { WordSegmenter } from './segmenter.js';
import type { TaxonomyEntry } from './types.js';
import { withoutAddresses } from './without-addresses.js';
import { regionalAsMandarin } from './rule-text.js';
import { withoutPlaceholders } from './placeholders.js';
import { TextModel, trainTextModel, type LabelledText, type TextModelOptions, type TextModelState } from './text-model.js';
import { ACTIONABLE_LABEL, CHATTER_LABEL, EMERGENCY_LABEL, NOT_EMERGENCY_LABEL, createOfflineClassifier, type OfflineClassifier } from './offline-classifier.js';

export interface ExampleRow {
  text: string;
  /** A taxonomy code, or 'chatter'. */
  label: string;
  level?: 'routine' | 'major' | 'emergency';
}

/**
 * A message labelled with its level only (`prompts/levels/`): more ways residents write of an
 * emergency, and of things that sound like one but are not, for the emergency model alone
 * (the type and triage models learn from the examples).
 */
export interface LevelRow {
  text: string;
  level: 'routine' | 'major' | 'emergency';
}

export interface DefaultModels {
  typeModel: TextModel;
  triageModel: TextModel;
  /** Emergency or not, from the examples' `level` (null with too few emergency examples). */
  emergencyModel: TextModel | null;
}

/** Fewer emergency examples than this: no emergency model, the rules alone decide. */
export const MIN_EMERGENCY_EXAMPLES = 10;

export interface DefaultModelsState {
  kind: 'jiesu-default-models';
  version: 1;
  /** Fingerprint of the inputs (taxonomy + examples + options) the models were trained on. */
  fingerprint: string;
  typeModel: TextModelState;
  triageModel: TextModelState;
  emergencyModel?: TextModelState;
}

/** Options tuned for short colloquial chat messages and about a thousand examples. */
export const DEFAULT_CHAT_MODEL_OPTIONS: Partial<TextModelOptions> = {
  // character 1–2-grams only: cross-validated on our examples (`jiesu eval-examples`, three
  // seeds), triage 0.959 → 0.967 and type 0.866 → 0.879 over 1–3-grams with skip-bigrams;
  // jieba's words on top gave +0.006 type more, within noise, for 55 MB and 0.35 s at start
  features: { minN: 1, maxN: 2, minDf: 1, wordFeatures: false },
  learner: 'svm',
  svm: { C: 1, classWeight: 'balanced' },
  // the NBSVM blend and the neighbours' votes were tuned on long complaint texts only; chat
  // models keep the plain SVM
  nbsvmWeight: 0,
  knnWeight: 0,
  titleWeight: 0,
  temperature: 'holdout',
  seed: 7,
};

/**
 * Taxonomy entries become extra training rows (name, description, each keyword), so a
 * deployment can add a code with keywords only and still get a usable model.
 */
export function taxonomyRows(taxonomy: readonly TaxonomyEntry[]): LabelledText[] {
  const rows: LabelledText[] = [];
  for (const e of taxonomy) {
    rows.push({ label: e.code, text: e.name });
    if (e.description) rows.push({ label: e.code, text: e.description });
    for (const k of e.keywords) rows.push({ label: e.code, text: k });
  }
  return rows;
}

/**
 * Train the type, triage and emergency models. Rows with labels outside the taxonomy (and not
 * chatter) are ignored; `levelRows` train the emergency model only.
 */
export function trainDefaultModels(
  taxonomy: readonly TaxonomyEntry[],
  examples: readonly ExampleRow[],
  options: Partial<TextModelOptions> = DEFAULT_CHAT_MODEL_OPTIONS,
  segmenter?: WordSegmenter,
  levelRows: readonly LevelRow[] = [],
): DefaultModels {
  const codes = new Set(taxonomy.map((e) => e.code));
  // Written Cantonese (and Southwestern, Minnan) in Mandarin words and no "[图片]", as the classifier reads every message
  // (`classifySync`); an example that was only a placeholder teaches nothing then
  const asRead = <R extends { text: string }>(r: R): R => ({ ...r, text: withoutPlaceholders(regionalAsMandarin(r.text)) });
  const hasText = (r: { text: string }) => r.text.trim().length > 0;
  const actionable = examples.filter((r) => codes.has(r.label)).map(asRead).filter(hasText);
  const chatter = examples.filter((r) => r.label === CHATTER_LABEL).map(asRead).filter(hasText);
  const typeRows: LabelledText[] = [...actionable.map((r) => ({ label: r.label, text: r.text })), ...taxonomyRows(taxonomy)];
  const triageRows: LabelledText[] = [
    ...actionable.map((r) => ({ label: ACTIONABLE_LABEL, text: r.text })),
    ...chatter.map((r) => ({ label: CHATTER_LABEL, text: r.text })),
  ];
  if (new Set(typeRows.map((r) => r.label)).size < 2) throw new Error('need examples for at least two taxonomy codes');
  if (chatter.length === 0) throw new Error('need chatter examples to train the triage model');
  // Every example, chatter included, against those marked emergency: the rules know the usual
  // words, the model learns how residents describe what they see ("躺着一动不动", "火蹿得老高").
  // Without house numbers (`withoutAddresses`): the classifier reads messages the same way.
  const emergencyRows: LabelledText[] = [...actionable, ...chatter, ...levelRows.map(asRead).filter(hasText)].map((r) => ({
    label: r.level === 'emergency' ? EMERGENCY_LABEL : NOT_EMERGENCY_LABEL,
    text: withoutAddresses(r.text),
  }));
  const emergencies = emergencyRows.filter((r) => r.label === EMERGENCY_LABEL).length;
  return {
    typeModel: trainTextModel(typeRows, options, segmenter),
    triageModel: trainTextModel(triageRows, options, segmenter),
    emergencyModel: emergencies >= MIN_EMERGENCY_EXAMPLES ? trainTextModel(emergencyRows, options, segmenter) : null,
  };
}

export function buildDefaultClassifier(
  taxonomy: readonly TaxonomyEntry[],
  models: DefaultModels,
  actionableThreshold?: number,
  normalizeScript?: (text: string) => string,
): OfflineClassifier {
  return createOfflineClassifier({
    taxonomy,
    typeModel: models.typeModel,
    triageModel: models.triageModel,
    ...(models.emergencyModel ? { emergencyModel: models.emergencyModel } : {}),
    ...(actionableThreshold !== undefined ? { actionableThreshold } : {}),
    ...(normalizeScript ? { normalizeScript } : {}),
  });
}

/** Stable 32-bit FNV-1a fingerprint (hex) of a string, for cache keys. */
export function fingerprint(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

export function defaultModelsToJSON(models: DefaultModels, fp: string): DefaultModelsState {
  return {
    kind: 'jiesu-default-models',
    version: 1,
    fingerprint: fp,
    typeModel: models.typeModel.toJSON(),
    triageModel: models.triageModel.toJSON(),
    ...(models.emergencyModel ? { emergencyModel: models.emergencyModel.toJSON() } : {}),
  };
}

export function defaultModelsFromJSON(state: DefaultModelsState, segmenter?: WordSegmenter): DefaultModels {
  if (!state || state.kind !== 'jiesu-default-models' || state.version !== 1) throw new Error('not a default-models state');
  return {
    typeModel: TextModel.fromJSON(state.typeModel, segmenter),
    triageModel: TextModel.fromJSON(state.triageModel, segmenter),
    emergencyModel: state.emergencyModel ? TextModel.fromJSON(state.emergencyModel, segmenter) : null,
  };
}
