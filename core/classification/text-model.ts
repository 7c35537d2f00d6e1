/**
 * A generic, serialisable text classifier for ANY label set, trained from `{label, text}` rows:
 * TF-IDF character n-grams → linear SVM, by default blended with an NBSVM (the same SVM on
 * naive-Bayes-scaled features) into one linear model (+ optional complement-NB ensemble), and
 * by default the votes of the nearest training texts (`NeighbourVotes`), with a softmax over
 * scores and a fitted temperature for calibrated confidence.
 * Pure and deterministic.
 */
import { FeatureExtractor, type FeatureExtractorState, type FeatureOptions, type SparseVector } from './features.js';
import { LinearModel, trainComplementNb, trainSgd, trainSvmDcd, type LinearModelState, type SgdOptions, type SvmOptions } from './linear.js';
import { mulberry32, shuffleInPlace } from './codec.js';
import type { WordSegmenter } from './segmenter.js';
import { titlePart } from './text.js';
import { NeighbourVotes, type NeighbourVotesState } from './neighbour-votes.js';

export interface LabelledText {
  label: string;
  text: string;
}

export interface TextModelOptions {
  features: Partial<FeatureOptions>;
  sgd: Partial<SgdOptions>;
  /**
   * Which linear learner: dual coordinate descent SVM (default), averaged SGD, or an
   * ensemble of both (scores standardised and summed into one linear model).
   */
  learner: 'svm' | 'sgd' | 'ensemble';
  svm: Partial<SvmOptions>;
  /**
   * With the 'svm' learner: also train an NBSVM (Wang & Manning 2012: the one-vs-rest SVM on
   * features scaled by each class's naive-Bayes log-count ratio, see `SvmOptions.nbScale`) and
   * blend it into the plain SVM with this weight, both members' scores standardised first
   * (0 disables). The blend is one linear model, so classification costs the same.
   */
  nbsvmWeight: number;
  /** SVM options of the NBSVM member (on top of `svm`). */
  nbsvm: Partial<SvmOptions>;
  /** Weight of the complement naive Bayes scores in the ensemble (0 disables it). */
  nbWeight: number;
  /** Complement NB smoothing. */
  nbAlpha: number;
  /**
   * Blend in the votes of the `knnK` nearest training texts (`NeighbourVotes`) with this weight
   * against the linear model's (0 disables): both are put on the same scale first (their spread
   * on the training texts, the neighbours' left-one-out), then mixed as (1 − w)·linear + w·votes.
   */
  knnWeight: number;
  knnK: number;
  /**
   * Also train on the title part (text before the first space / first sentence) of long
   * texts, with this example weight (0 disables). Helps short test texts.
   */
  titleWeight: number;
  /** Texts longer than this many characters get an extra title example. */
  titleMinLength: number;
  /**
   * How to set the softmax temperature: a fixed number, or 'holdout' to fit it on an internal
   * split (costs one extra training run on a subset; only used when there are ≥ 40 rows).
   */
  temperature: number | 'holdout';
  seed: number;
}

/** Defaults tuned by grouped 5-fold CV on long complaint texts (see README of the eval CLI). */
export const DEFAULT_TEXT_MODEL_OPTIONS: TextModelOptions = {
  // char 1–2-grams plus the title as its own L2-normalised block (weight 0.5): grouped 5-fold
  // CV macro-F1 +0.004…+0.013 over seeds 42/7/123 on long complaint texts, titles-only −0.005
  // plus dictionary words (a segmenter's, jieba in the app) in both: grouped 5-fold CV over fold
  // seeds 42/7/123, titles-only macro-F1 +0.008/+0.009/+0.013, full texts −0.003…+0.004
  features: { maxN: 2, minDf: 2, wordFeatures: false, titleFeatures: 0.5, titleBlock: true, words: true },
  sgd: {},
  learner: 'svm',
  svm: { C: 1 },
  // SVM + 0.8 × NBSVM (|log-count ratio| scaling, smoothing 0.1): grouped 5-fold CV macro-F1
  // +0.002…+0.006 full texts and +0.004…+0.012 titles-only over fold seeds 42/1/7/123
  nbsvmWeight: 0.8,
  nbsvm: { nbScale: 1, nbAlpha: 0.1 },
  nbWeight: 0,
  nbAlpha: 0.3,
  // the votes of the 5 nearest training texts at weight 0.15: grouped 5-fold CV macro-F1 over
  // fold seeds 1/7/42/99/123/2024, full texts 0.8982 -> 0.9008 (better on five of six),
  // titles-only 0.8545 -> 0.8548; weights 0.10/0.20 and k = 10 gave +0.001…+0.002
  knnWeight: 0.15,
  knnK: 5,
  titleWeight: 1,
  titleMinLength: 40,
  temperature: 1,
  seed: 1,
};

export interface Prediction {
  label: string;
  index: number;
  /** Calibrated probabilities, in the order of `labels`. */
  probs: Float64Array;
  /** Probability of the winning label. */
  confidence: number;
  /** Difference between the best and second best raw score. */
  margin: number;
}

export interface TextModelState {
  kind: 'jiesu-text-model';
  version: 1;
  labels: string[];
  temperature: number;
  nbWeight: number;
  features: FeatureExtractorState;
  linear: LinearModelState;
  nb?: LinearModelState;
  knn?: NeighbourVotesState;
  /** Factor of the neighbours' votes added to the linear scores. */
  knnScale?: number;
}

export class TextModel {
  private buf: Float64Array;
  private buf2: Float64Array;

  constructor(
    readonly labels: readonly string[],
    readonly features: FeatureExtractor,
    readonly linear: LinearModel,
    readonly nb: LinearModel | null,
    readonly nbWeight: number,
    public temperature: number,
    readonly knn: NeighbourVotes | null = null,
    readonly knnScale = 0,
  ) {
    this.buf = new Float64Array(labels.length);
    this.buf2 = new Float64Array(labels.length);
  }

  /** Raw ensemble scores (before temperature). */
  rawScores(text: string): Float64Array {
    const x = this.features.transform(text);
    return this.scoresOf(x, new Float64Array(this.labels.length));
  }

  /** Scores of the linear part alone (and the complement NB, if any) for a feature vector. */
  linearScores(x: SparseVector, out: Float64Array): Float64Array {
    this.linear.scores(x, out);
    if (this.nb && this.nbWeight > 0) {
      const nbS = this.nb.scores(x, this.buf2);
      for (let k = 0; k < out.length; k++) out[k]! += this.nbWeight * nbS[k]!;
    }
    return out;
  }

  private scoresOf(x: SparseVector, out: Float64Array): Float64Array {
    this.linearScores(x, out);
    if (this.knn && this.knnScale > 0) {
      const votes = this.knn.scores(x, this.buf2);
      for (let k = 0; k < out.length; k++) out[k]! += this.knnScale * votes[k]!;
    }
    return out;
  }

  predict(text: string): Prediction {
    const s = this.scoresOf(this.features.transform(text), this.buf);
    return predictionFromScores(s, this.labels, this.temperature);
  }

  toJSON(): TextModelState {
    return {
      kind: 'jiesu-text-model',
      version: 1,
      labels: [...this.labels],
      temperature: this.temperature,
      nbWeight: this.nbWeight,
      features: this.features.toJSON(),
      linear: this.linear.toJSON(),
      ...(this.nb ? { nb: this.nb.toJSON() } : {}),
      ...(this.knn ? { knn: this.knn.toJSON(), knnScale: this.knnScale } : {}),
    };
  }

  /** `segmenter`: required for a model trained with word features (`features.words`). */
  static fromJSON(state: TextModelState, segmenter?: WordSegmenter): TextModel {
    if (!state || state.kind !== 'jiesu-text-model' || state.version !== 1) {
      throw new Error('not a jiesu text model (kind/version mismatch)');
    }
    const fe = FeatureExtractor.fromJSON(state.features, segmenter);
    const lin = LinearModel.fromJSON(state.linear);
    const nb = state.nb ? LinearModel.fromJSON(state.nb) : null;
    if (lin.numFeatures !== fe.size || lin.numClasses !== state.labels.length) {
      throw new Error('text model state: dimension mismatch');
    }
    const knn = state.knn ? NeighbourVotes.fromJSON(state.knn) : null;
    if (knn && knn.numClasses !== state.labels.length) throw new Error('text model state: dimension mismatch');
    return new TextModel(state.labels, fe, lin, nb, state.nbWeight, state.temperature, knn, state.knnScale ?? 0);
  }
}

export function softmax(scores: ArrayLike<number>, temperature = 1): Float64Array {
  const K = scores.length;
  const p = new Float64Array(K);
  let m = -Infinity;
  for (let k = 0; k < K; k++) if (scores[k]! > m) m = scores[k]!;
  let z = 0;
  for (let k = 0; k < K; k++) {
    p[k] = Math.exp((scores[k]! - m) / temperature);
    z += p[k]!;
  }
  for (let k = 0; k < K; k++) p[k]! /= z;
  return p;
}

function predictionFromScores(s: Float64Array, labels: readonly string[], temperature: number): Prediction {
  let best = 0;
  let second = -1;
  for (let k = 1; k < s.length; k++) {
    if (s[k]! > s[best]!) {
      second = best;
      best = k;
    } else if (second < 0 || s[k]! > s[second]!) second = k;
  }
  const probs = softmax(s, temperature);
  return {
    label: labels[best]!,
    index: best,
    probs,
    confidence: probs[best]!,
    margin: second >= 0 ? s[best]! - s[second]! : Infinity,
  };
}

/** Pick the temperature minimising the negative log-likelihood of held-out scores. */
export function fitTemperature(scores: readonly Float64Array[], gold: readonly number[]): number {
  if (scores.length === 0) return 1;
  const nll = (T: number) => {
    let sum = 0;
    for (let i = 0; i < scores.length; i++) {
      const p = softmax(scores[i]!, T);
      sum -= Math.log(Math.max(p[gold[i]!]!, 1e-12));
    }
    return sum / scores.length;
  };
  // golden-section search on log T in [-4, 3]
  let lo = Math.log(0.02);
  let hi = Math.log(20);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = hi - g * (hi - lo);
  let d = lo + g * (hi - lo);
  let fc = nll(Math.exp(c));
  let fd = nll(Math.exp(d));
  for (let it = 0; it < 40; it++) {
    if (fc < fd) {
      hi = d;
      d = c;
      fd = fc;
      c = hi - g * (hi - lo);
      fc = nll(Math.exp(c));
    } else {
      lo = c;
      c = d;
      fc = fd;
      d = lo + g * (hi - lo);
      fd = nll(Math.exp(d));
    }
  }
  return Math.exp((lo + hi) / 2);
}

function trainOnce(rows: readonly LabelledText[], labels: readonly string[], o: TextModelOptions, segmenter?: WordSegmenter): TextModel {
  const labelIndex = new Map(labels.map((l, i) => [l, i] as const));
  const texts: string[] = [];
  const ys: number[] = [];
  const weights: number[] = [];
  /** Indices (in texts) of the rows themselves, not of their extra title examples. */
  const originals: number[] = [];
  for (const r of rows) {
    const k = labelIndex.get(r.label);
    if (k === undefined) continue;
    originals.push(texts.length);
    texts.push(r.text);
    ys.push(k);
    weights.push(1);
    if (o.titleWeight > 0 && r.text.length > o.titleMinLength) {
      const t = titlePart(r.text);
      if (t.length >= 4 && t.length < r.text.length * 0.8) {
        texts.push(t);
        ys.push(k);
        weights.push(o.titleWeight);
      }
    }
  }
  const fe = new FeatureExtractor({ ...o.features }, segmenter).fit(texts);
  const X = texts.map((t) => fe.transform(t));
  const y = Int32Array.from(ys);
  const sw = Float64Array.from(weights);
  const K = labels.length;
  let lin: LinearModel;
  if (o.learner === 'ensemble') {
    const members = [
      trainSvmDcd(X, y, K, fe.size, { seed: o.seed, ...o.svm }, sw),
      trainSgd(X, y, K, fe.size, { seed: o.seed, loss: 'modified_huber', eta0: 0.3, lambda: 1e-6, epochs: 6, ...o.sgd }, sw),
    ];
    if (o.nbWeight > 0) members.push(trainComplementNb(X, y, K, fe.size, o.nbAlpha));
    lin = combineLinear(members, X, [1, 1, o.nbWeight]);
  } else if (o.learner === 'svm' && o.nbsvmWeight > 0) {
    const svmOpts = { seed: o.seed, ...o.svm };
    const plain = trainSvmDcd(X, y, K, fe.size, svmOpts, sw);
    const nbsvm = trainSvmDcd(X, y, K, fe.size, { ...svmOpts, ...o.nbsvm }, sw);
    lin = combineLinear([plain, nbsvm], X, [1, o.nbsvmWeight], true);
  } else {
    lin =
      o.learner === 'svm'
        ? trainSvmDcd(X, y, K, fe.size, { seed: o.seed, ...o.svm }, sw)
        : trainSgd(X, y, K, fe.size, { seed: o.seed, ...o.sgd }, sw);
  }
  const T = typeof o.temperature === 'number' ? o.temperature : 1;
  if (o.learner === 'ensemble') return withNeighbours(new TextModel(labels, fe, lin, null, 0, T), X, y, originals, o);
  const nb = o.nbWeight > 0 ? trainComplementNb(X, y, K, fe.size, o.nbAlpha) : null;
  return withNeighbours(new TextModel(labels, fe, lin, nb, o.nbWeight, T), X, y, originals, o);
}

/** Spread (standard deviation over every class's score) of score vectors. */
function spread(vectors: readonly Float64Array[]): number {
  let sum = 0;
  let sq = 0;
  let n = 0;
  for (const v of vectors) {
    for (const x of v) {
      sum += x;
      sq += x * x;
    }
    n += v.length;
  }
  const mean = sum / Math.max(1, n);
  return Math.sqrt(Math.max(0, sq / Math.max(1, n) - mean * mean)) || 1;
}

/**
 * The model with the neighbours' votes blended in (`knnWeight`), or as it is. The two spreads
 * are measured on up to 500 of the training texts, the votes left-one-out (a text is not its own
 * neighbour), and the votes scaled so that they weigh `knnWeight` against the linear scores.
 */
function withNeighbours(m: TextModel, X: readonly SparseVector[], y: Int32Array, originals: readonly number[], o: TextModelOptions): TextModel {
  if (!(o.knnWeight > 0 && o.knnWeight < 1) || originals.length < 2) return m;
  const K = m.labels.length;
  const knn = NeighbourVotes.fit(
    originals.map((i) => X[i]!),
    originals.map((i) => y[i]!),
    K,
    m.features.size,
    Math.max(1, Math.round(o.knnK)),
  );
  const step = Math.max(1, Math.floor(originals.length / 500));
  const lin: Float64Array[] = [];
  const votes: Float64Array[] = [];
  for (let j = 0; j < originals.length; j += step) {
    const x = X[originals[j]!]!;
    lin.push(m.linearScores(x, new Float64Array(K)));
    votes.push(knn.scores(x, new Float64Array(K), j));
  }
  const w = o.knnWeight;
  const scale = (w / (1 - w)) * (spread(lin) / spread(votes));
  return new TextModel(m.labels, m.features, m.linear, m.nb, m.nbWeight, m.temperature, knn, scale);
}

/**
 * Weighted sum of linear models after standardising each one's scores (spread of the centred
 * scores on the training vectors), so members with different scales count alike.
 * `weights[m]` weighs member m (missing = 1). With `keepScale`, the sum is rescaled to the
 * first member's spread (a weighted mean), so a fixed softmax temperature keeps its meaning.
 */
function combineLinear(members: LinearModel[], X: readonly SparseVector[], weights: readonly number[], keepScale = false): LinearModel {
  const K = members[0]!.numClasses;
  const D = members[0]!.numFeatures;
  const W = new Float32Array(D * K);
  const B = new Float32Array(K);
  const buf = new Float64Array(K);
  const step = Math.max(1, Math.floor(X.length / 500));
  const sds: number[] = [];
  members.forEach((m) => {
    let ss = 0;
    let cnt = 0;
    for (let i = 0; i < X.length; i += step) {
      m.scores(X[i]!, buf);
      let mean = 0;
      for (let k = 0; k < K; k++) mean += buf[k]!;
      mean /= K;
      for (let k = 0; k < K; k++) ss += (buf[k]! - mean) ** 2;
      cnt += K;
    }
    sds.push(Math.sqrt(ss / Math.max(1, cnt)) || 1);
  });
  let total = 0;
  members.forEach((_, mi) => (total += weights[mi] ?? 1));
  const scale = keepScale && total > 0 ? sds[0]! / total : 1;
  members.forEach((m, mi) => {
    const f = ((weights[mi] ?? 1) / sds[mi]!) * scale;
    for (let i = 0; i < W.length; i++) W[i]! += m.weights[i]! * f;
    for (let k = 0; k < K; k++) B[k]! += m.bias[k]! * f;
  });
  return new LinearModel(K, D, W, B);
}

/**
 * Train a text model on labelled rows. Labels are sorted for a stable order.
 * Deterministic for a given input order, options and seed.
 */
/** `segmenter`: required when the options ask for word features (the default's do). */
export function trainTextModel(rows: readonly LabelledText[], options: Partial<TextModelOptions> = {}, segmenter?: WordSegmenter): TextModel {
  const o: TextModelOptions = { ...DEFAULT_TEXT_MODEL_OPTIONS, ...options };
  const labels = [...new Set(rows.map((r) => r.label))].sort();
  if (labels.length < 2) throw new Error('need at least two distinct labels to train');
  let temperature = typeof o.temperature === 'number' ? o.temperature : 1;
  if (o.temperature === 'holdout' && rows.length >= 40) {
    // fit the temperature on a stratified 25% internal split
    const rnd = mulberry32(o.seed ^ 0x5bd1e995);
    const byLabel = new Map<string, LabelledText[]>();
    for (const r of rows) {
      const l = byLabel.get(r.label) ?? [];
      l.push(r);
      byLabel.set(r.label, l);
    }
    const train: LabelledText[] = [];
    const held: LabelledText[] = [];
    for (const l of labels) {
      const group = shuffleInPlace([...byLabel.get(l)!], rnd);
      const cut = Math.max(1, Math.round(group.length * 0.25));
      held.push(...group.slice(0, cut));
      train.push(...group.slice(cut));
    }
    const trainLabels = new Set(train.map((r) => r.label));
    if (trainLabels.size === labels.length) {
      const m = trainOnce(train, labels, o, segmenter);
      const li = new Map(labels.map((l, i) => [l, i] as const));
      temperature = fitTemperature(
        held.map((r) => m.rawScores(r.text)),
        held.map((r) => li.get(r.label)!),
      );
    }
  }
  const model = trainOnce(rows, labels, o, segmenter);
  model.temperature = temperature;
  return model;
}
