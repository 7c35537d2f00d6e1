/**
 * Multiclass linear models over sparse vectors:
 *  - averaged SGD (Bottou's ASGD with lazy L2 scaling) for softmax / one-vs-rest hinge /
 *    modified-Huber losses;
 *  - complement naive Bayes weights, in the same linear form, for ensembling.
 * Pure and deterministic (seeded shuffling).
 */
import type { SparseVector } from './features.js';
import { decodeF32, encodeF32, mulberry32, shuffleInPlace } from './codec.js';

export type LossName = 'softmax' | 'hinge' | 'modified_huber' | 'log';

export interface SgdOptions {
  loss: LossName;
  /** L2 regularisation strength. */
  lambda: number;
  epochs: number;
  /** Initial learning rate. */
  eta0: number;
  /** Epoch after which averaging starts (0 = from the first step). */
  averageStart: number;
  /** 'balanced' weights classes by n / (K · n_k); 'none' treats all examples alike. */
  classWeight: 'balanced' | 'none' | 'sqrt';
  seed: number;
}

export const DEFAULT_SGD_OPTIONS: SgdOptions = {
  loss: 'softmax',
  lambda: 2e-5,
  epochs: 12,
  eta0: 0.5,
  averageStart: 1,
  classWeight: 'sqrt',
  seed: 1,
};

export interface LinearModelState {
  numClasses: number;
  numFeatures: number;
  /** base64 Float32, layout [feature * numClasses + class] */
  weights: string;
  /** base64 Float32, one per class */
  bias: string;
}

/** A dense weight matrix over sparse inputs. */
export class LinearModel {
  constructor(
    readonly numClasses: number,
    readonly numFeatures: number,
    readonly weights: Float32Array,
    readonly bias: Float32Array,
  ) {
    if (weights.length !== numClasses * numFeatures) throw new Error('LinearModel: weight size mismatch');
    if (bias.length !== numClasses) throw new Error('LinearModel: bias size mismatch');
  }

  /** Raw class scores for one vector. */
  scores(x: SparseVector, out: Float64Array = new Float64Array(this.numClasses)): Float64Array {
    const K = this.numClasses;
    const W = this.weights;
    for (let k = 0; k < K; k++) out[k] = this.bias[k]!;
    const { idx, val } = x;
    for (let j = 0; j < idx.length; j++) {
      const base = idx[j]! * K;
      const v = val[j]!;
      for (let k = 0; k < K; k++) out[k]! += W[base + k]! * v;
    }
    return out;
  }

  toJSON(): LinearModelState {
    return {
      numClasses: this.numClasses,
      numFeatures: this.numFeatures,
      weights: encodeF32(this.weights),
      bias: encodeF32(this.bias),
    };
  }

  static fromJSON(s: LinearModelState): LinearModel {
    return new LinearModel(s.numClasses, s.numFeatures, decodeF32(s.weights), decodeF32(s.bias));
  }
}

function classWeights(y: Int32Array, K: number, mode: SgdOptions['classWeight']): Float64Array {
  const counts = new Float64Array(K);
  for (const c of y) counts[c]! += 1;
  const w = new Float64Array(K).fill(1);
  if (mode === 'none') return w;
  const n = y.length;
  for (let k = 0; k < K; k++) {
    if (counts[k]! === 0) continue;
    const bal = n / (K * counts[k]!);
    w[k] = mode === 'balanced' ? bal : Math.sqrt(bal);
  }
  return w;
}

/**
 * Train a multiclass linear model with averaged SGD.
 * `y[i]` is the class index (0..K-1) of `X[i]`; `sampleWeight` optionally scales each example.
 */
export function trainSgd(
  X: readonly SparseVector[],
  y: Int32Array,
  K: number,
  D: number,
  options: Partial<SgdOptions> = {},
  sampleWeight?: Float64Array,
): LinearModel {
  const o = { ...DEFAULT_SGD_OPTIONS, ...options };
  const n = X.length;
  const w = new Float64Array(D * K);
  const a = new Float64Array(D * K);
  const wb = new Float64Array(K);
  const ab = new Float64Array(K);
  let wDiv = 1;
  let aDiv = 1;
  let wFrac = 0;
  let averaging = false;
  const cw = classWeights(y, K, o.classWeight);
  const rnd = mulberry32(o.seed);
  const order = Array.from({ length: n }, (_, i) => i);
  const s = new Float64Array(K);
  const d = new Float64Array(K);
  const lambda = o.lambda;
  let t = 0;
  let tAvg = 0;

  const renorm = () => {
    if (averaging) {
      const f = wFrac / aDiv;
      const ia = 1 / aDiv;
      for (let i = 0; i < a.length; i++) a[i] = a[i]! * ia + w[i]! * f;
      aDiv = 1;
      wFrac = 0;
    }
    const iw = 1 / wDiv;
    for (let i = 0; i < w.length; i++) w[i]! *= iw;
    wDiv = 1;
    // now a holds the true average (aDiv = 1, wFrac = 0) and w the true weights
  };

  for (let epoch = 0; epoch < o.epochs; epoch++) {
    shuffleInPlace(order, rnd);
    for (let oi = 0; oi < n; oi++) {
      const i = order[oi]!;
      const x = X[i]!;
      const yi = y[i]!;
      const ex = cw[yi]! * (sampleWeight ? sampleWeight[i]! : 1);
      if (aDiv > 1e5 || wDiv > 1e5) renorm();
      const eta = o.eta0 / Math.pow(1 + lambda * o.eta0 * t, 0.75);
      // forward
      const { idx, val } = x;
      const invW = 1 / wDiv;
      for (let k = 0; k < K; k++) s[k] = 0;
      for (let j = 0; j < idx.length; j++) {
        const base = idx[j]! * K;
        const v = val[j]!;
        for (let k = 0; k < K; k++) s[k]! += w[base + k]! * v;
      }
      for (let k = 0; k < K; k++) s[k] = s[k]! * invW + wb[k]!;
      // negative gradient of the loss w.r.t. the scores
      let any = false;
      if (o.loss === 'softmax') {
        let m = -Infinity;
        for (let k = 0; k < K; k++) if (s[k]! > m) m = s[k]!;
        let z = 0;
        for (let k = 0; k < K; k++) {
          d[k] = Math.exp(s[k]! - m);
          z += d[k]!;
        }
        for (let k = 0; k < K; k++) d[k] = ex * ((k === yi ? 1 : 0) - d[k]! / z);
        any = true;
      } else {
        for (let k = 0; k < K; k++) {
          const yk = k === yi ? 1 : -1;
          const z = yk * s[k]!;
          let g = 0;
          if (o.loss === 'hinge') g = z < 1 ? yk : 0;
          else if (o.loss === 'log') g = yk / (1 + Math.exp(z));
          else {
            // modified huber
            if (z >= 1) g = 0;
            else if (z >= -1) g = 2 * (1 - z) * yk;
            else g = 4 * yk;
          }
          // positives of rare classes matter more in one-vs-rest
          d[k] = g * ex;
          if (g !== 0) any = true;
        }
      }
      // regularisation: shrink all weights lazily
      wDiv = wDiv / (1 - eta * lambda);
      if (any) {
        const sc = eta * wDiv;
        for (let j = 0; j < idx.length; j++) {
          const base = idx[j]! * K;
          const v = val[j]! * sc;
          for (let k = 0; k < K; k++) {
            const dk = d[k]!;
            if (dk !== 0) w[base + k]! += v * dk;
          }
        }
      }
      // averaging
      if (epoch >= o.averageStart) {
        tAvg++;
        const mu = 1 / tAvg;
        if (!averaging || mu >= 1) {
          // start averaging from the current weights
          a.fill(0);
          aDiv = wDiv;
          wFrac = 1;
          averaging = true;
        } else {
          if (any) {
            const sc = -wFrac * eta * wDiv;
            for (let j = 0; j < idx.length; j++) {
              const base = idx[j]! * K;
              const v = val[j]! * sc;
              for (let k = 0; k < K; k++) {
                const dk = d[k]!;
                if (dk !== 0) a[base + k]! += v * dk;
              }
            }
          }
          aDiv = aDiv / (1 - mu);
          wFrac = wFrac + (mu * aDiv) / wDiv;
        }
      }
      // bias (unregularised, smaller steps)
      const etab = eta * 0.1;
      for (let k = 0; k < K; k++) {
        wb[k]! += etab * d[k]!;
        if (averaging) ab[k]! += (wb[k]! - ab[k]!) / Math.max(1, tAvg);
      }
      t++;
    }
  }
  const W = new Float32Array(D * K);
  if (averaging) {
    const f = wFrac / aDiv;
    const ia = 1 / aDiv;
    for (let i = 0; i < W.length; i++) W[i] = a[i]! * ia + w[i]! * f;
  } else {
    const iw = 1 / wDiv;
    for (let i = 0; i < W.length; i++) W[i] = w[i]! * iw;
  }
  const B = Float32Array.from(averaging ? ab : wb);
  return new LinearModel(K, D, W, B);
}

/**
 * Complement naive Bayes in linear form (Rennie et al. 2003, weight-normalised):
 * score_k(x) = Σ_f x_f · w_kf with w_kf = −log θ̂_{¬k,f} normalised per class.
 */
export function trainComplementNb(
  X: readonly SparseVector[],
  y: Int32Array,
  K: number,
  D: number,
  alpha = 0.3,
): LinearModel {
  const fc = new Float64Array(D * K); // feature counts per class
  for (let i = 0; i < X.length; i++) {
    const { idx, val } = X[i]!;
    const c = y[i]!;
    for (let j = 0; j < idx.length; j++) fc[idx[j]! * K + c]! += val[j]!;
  }
  const total = new Float64Array(D);
  let grand = 0;
  for (let f = 0; f < D; f++) {
    let t = 0;
    for (let k = 0; k < K; k++) t += fc[f * K + k]!;
    total[f] = t;
    grand += t;
  }
  const classTotal = new Float64Array(K);
  for (let f = 0; f < D; f++) for (let k = 0; k < K; k++) classTotal[k]! += fc[f * K + k]!;
  const W = new Float32Array(D * K);
  for (let k = 0; k < K; k++) {
    const denom = grand - classTotal[k]! + alpha * D;
    let norm = 0;
    for (let f = 0; f < D; f++) {
      const comp = total[f]! - fc[f * K + k]! + alpha;
      const lw = Math.log(comp / denom);
      W[f * K + k] = lw;
      norm += Math.abs(lw);
    }
    // weight normalisation and sign flip: higher score = more likely class k
    const scale = D / norm; // mean |w| = 1 so that scores are O(1) for L2-normalised inputs
    for (let f = 0; f < D; f++) W[f * K + k] = -W[f * K + k]! * scale;
  }
  return new LinearModel(K, D, W, new Float32Array(K));
}

export interface SvmOptions {
  /** Inverse regularisation strength (liblinear's C). */
  C: number;
  /** Maximum passes over the data per class. */
  maxIter: number;
  /** Stop when the projected-gradient spread falls below this. */
  tol: number;
  /** 'balanced' / 'sqrt' scale C of the positive examples of rare classes. */
  classWeight: 'balanced' | 'none' | 'sqrt';
  /** 'l2' = squared hinge (liblinear default), 'l1' = hinge. */
  loss: 'l2' | 'l1';
  /** Value of the constant bias feature (liblinear's -B). */
  biasValue: number;
  /**
   * NBSVM (Wang & Manning, 2012): scale each feature by |log-count ratio| of the class
   * (raised to this power; 0 disables). The result stays linear in the input.
   */
  nbScale: number;
  /** Smoothing of the NB log-count ratios. */
  nbAlpha: number;
  seed: number;
}

export const DEFAULT_SVM_OPTIONS: SvmOptions = {
  C: 0.5,
  maxIter: 30,
  tol: 0.1,
  classWeight: 'sqrt',
  loss: 'l2',
  biasValue: 1,
  nbScale: 0,
  nbAlpha: 1,
  seed: 1,
};

/**
 * One-vs-rest linear SVM trained by dual coordinate descent (Hsieh et al., 2008 — the
 * algorithm of liblinear), deterministic thanks to a seeded permutation.
 */
export function trainSvmDcd(
  X: readonly SparseVector[],
  y: Int32Array,
  K: number,
  D: number,
  options: Partial<SvmOptions> = {},
  sampleWeight?: Float64Array,
): LinearModel {
  const o = { ...DEFAULT_SVM_OPTIONS, ...options };
  const n = X.length;
  const cw = classWeights(y, K, o.classWeight);
  const W = new Float32Array(D * K);
  const B = new Float32Array(K);
  const w = new Float64Array(D);
  const alpha = new Float64Array(n);
  const qd = new Float64Array(n);
  const Ci = new Float64Array(n);
  const sqn = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = X[i]!.val;
    let s = 0;
    for (let j = 0; j < v.length; j++) s += v[j]! * v[j]!;
    sqn[i] = s + o.biasValue * o.biasValue;
  }
  const order = Array.from({ length: n }, (_, i) => i);
  // per-class feature scaling (NBSVM); r = 1 when disabled
  const r = new Float64Array(D).fill(1);
  let fc: Float64Array | null = null;
  let tot: Float64Array | null = null;
  if (o.nbScale > 0) {
    fc = new Float64Array(D * K);
    tot = new Float64Array(D);
    for (let i = 0; i < n; i++) {
      const { idx, val } = X[i]!;
      for (let j = 0; j < idx.length; j++) {
        fc[idx[j]! * K + y[i]!]! += val[j]!;
        tot[idx[j]!]! += val[j]!;
      }
    }
  }
  for (let k = 0; k < K; k++) {
    const rnd = mulberry32(o.seed * 7919 + k);
    w.fill(0);
    alpha.fill(0);
    let wb = 0;
    if (fc && tot) {
      let pSum = 0;
      let qSum = 0;
      for (let f = 0; f < D; f++) {
        pSum += fc[f * K + k]! + o.nbAlpha;
        qSum += tot[f]! - fc[f * K + k]! + o.nbAlpha;
      }
      for (let f = 0; f < D; f++) {
        const p = (fc[f * K + k]! + o.nbAlpha) / pSum;
        const q = (tot[f]! - fc[f * K + k]! + o.nbAlpha) / qSum;
        r[f] = Math.pow(Math.abs(Math.log(p / q)), o.nbScale);
      }
      for (let i = 0; i < n; i++) {
        const { idx, val } = X[i]!;
        let s2 = o.biasValue * o.biasValue;
        for (let j = 0; j < idx.length; j++) {
          const v = val[j]! * r[idx[j]!]!;
          s2 += v * v;
        }
        sqn[i] = s2;
      }
    }
    for (let i = 0; i < n; i++) {
      // positives of class k are weighted by the class weight, negatives by 1
      const c = o.C * (y[i] === k ? cw[k]! : 1) * (sampleWeight ? sampleWeight[i]! : 1);
      Ci[i] = c;
      qd[i] = sqn[i]! + (o.loss === 'l2' ? 1 / (2 * c) : 0);
    }
    for (let iter = 0; iter < o.maxIter; iter++) {
      shuffleInPlace(order, rnd);
      let pgMax = -Infinity;
      let pgMin = Infinity;
      for (let oi = 0; oi < n; oi++) {
        const i = order[oi]!;
        const { idx, val } = X[i]!;
        const yi = y[i] === k ? 1 : -1;
        let dot = wb * o.biasValue;
        for (let j = 0; j < idx.length; j++) dot += w[idx[j]!]! * val[j]!; // w holds w∘r
        const a = alpha[i]!;
        const U = o.loss === 'l2' ? Infinity : Ci[i]!;
        const G = yi * dot - 1 + (o.loss === 'l2' ? a / (2 * Ci[i]!) : 0);
        let pg = 0;
        if (a === 0) pg = Math.min(G, 0);
        else if (a === U) pg = Math.max(G, 0);
        else pg = G;
        if (pg > pgMax) pgMax = pg;
        if (pg < pgMin) pgMin = pg;
        if (Math.abs(pg) > 1e-12) {
          const na = Math.min(Math.max(a - G / qd[i]!, 0), U);
          const delta = (na - a) * yi;
          alpha[i] = na;
          for (let j = 0; j < idx.length; j++) {
            const f = idx[j]!;
            const rf = r[f]!;
            w[f]! += delta * val[j]! * rf * rf;
          }
          wb += delta * o.biasValue;
        }
      }
      if (pgMax - pgMin <= o.tol) break;
    }
    for (let f = 0; f < D; f++) W[f * K + k] = w[f]!;
    B[k] = wb * o.biasValue;
  }
  return new LinearModel(K, D, W, B);
}
