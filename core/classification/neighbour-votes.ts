/**
 * Nearest-neighbour votes: for a message, the k training texts most like it (cosine of their
 * L2-normalised TF-IDF vectors) vote for their labels, each with its similarity. A linear model
 * weighs every n-gram alone; the neighbours remember whole complaints, which helps where the
 * same kind of message comes back in other words. Blended into a text model's scores
 * (`TextModelOptions.knnWeight`). Pure and deterministic.
 */
import { decodeF32, decodeI32, encodeF32, encodeI32 } from './codec.js';
import type { SparseVector } from './features.js';

export interface NeighbourVotesState {
  k: number;
  numClasses: number;
  numDocs: number;
  /** Postings by feature: docs of feature f are docs[start[f]..start[f+1]) (base64 Int32). */
  start: string;
  docs: string;
  /** The documents' weights of that feature (base64 Float32). */
  vals: string;
  /** Label index of each training document (base64 Int32). */
  labels: string;
}

export class NeighbourVotes {
  private sims: Float64Array;
  private touched: Int32Array;

  private constructor(
    readonly k: number,
    readonly numClasses: number,
    private readonly start: Int32Array,
    private readonly docs: Int32Array,
    private readonly vals: Float32Array,
    private readonly labels: Int32Array,
  ) {
    this.sims = new Float64Array(labels.length);
    this.touched = new Int32Array(labels.length);
  }

  /** Index training vectors (in a feature space of `numFeatures`) and their label indices. */
  static fit(X: readonly SparseVector[], y: ArrayLike<number>, numClasses: number, numFeatures: number, k: number): NeighbourVotes {
    const count = new Int32Array(numFeatures + 1);
    for (const x of X) for (let j = 0; j < x.idx.length; j++) count[x.idx[j]! + 1]!++;
    for (let f = 0; f < numFeatures; f++) count[f + 1]! += count[f]!;
    const start = Int32Array.from(count);
    const fill = Int32Array.from(count);
    const docs = new Int32Array(start[numFeatures]!);
    const vals = new Float32Array(start[numFeatures]!);
    X.forEach((x, d) => {
      for (let j = 0; j < x.idx.length; j++) {
        const at = fill[x.idx[j]!]!++;
        docs[at] = d;
        vals[at] = x.val[j]!;
      }
    });
    return new NeighbourVotes(k, numClasses, start, docs, vals, Int32Array.from(y));
  }

  /**
   * Per-class sum of the similarities of the k nearest training documents to `x` (into `out`).
   * `exclude`: a training document left out (leave-one-out estimates on the training set).
   */
  scores(x: SparseVector, out: Float64Array, exclude = -1): Float64Array {
    out.fill(0);
    const sims = this.sims;
    const touched = this.touched;
    let n = 0;
    for (let j = 0; j < x.idx.length; j++) {
      const f = x.idx[j]!;
      if (f + 1 >= this.start.length) continue;
      const v = x.val[j]!;
      for (let p = this.start[f]!; p < this.start[f + 1]!; p++) {
        const d = this.docs[p]!;
        if (sims[d] === 0) touched[n++] = d;
        sims[d]! += v * this.vals[p]!;
      }
    }
    // the k best, kept sorted (higher similarity first; ties: lower index first)
    const best: number[] = [];
    const better = (a: number, b: number) => sims[a]! > sims[b]! || (sims[a]! === sims[b]! && a < b);
    for (let t = 0; t < n; t++) {
      const d = touched[t]!;
      if (d === exclude) continue;
      if (best.length < this.k) best.push(d);
      else if (better(d, best[best.length - 1]!)) best[best.length - 1] = d;
      else continue;
      for (let i = best.length - 1; i > 0 && better(best[i]!, best[i - 1]!); i--) {
        const tmp = best[i]!;
        best[i] = best[i - 1]!;
        best[i - 1] = tmp;
      }
    }
    for (const d of best) if (sims[d]! > 0) out[this.labels[d]!]! += sims[d]!;
    for (let t = 0; t < n; t++) sims[touched[t]!] = 0;
    return out;
  }

  toJSON(): NeighbourVotesState {
    return {
      k: this.k,
      numClasses: this.numClasses,
      numDocs: this.labels.length,
      start: encodeI32(this.start),
      docs: encodeI32(this.docs),
      vals: encodeF32(this.vals),
      labels: encodeI32(this.labels),
    };
  }

  static fromJSON(state: NeighbourVotesState): NeighbourVotes {
    const start = decodeI32(state.start);
    const docs = decodeI32(state.docs);
    const vals = decodeF32(state.vals);
    const labels = decodeI32(state.labels);
    if (docs.length !== vals.length || start[start.length - 1] !== docs.length || labels.length !== state.numDocs) {
      throw new Error('neighbour votes state: length mismatch');
    }
    return new NeighbourVotes(state.k, state.numClasses, start, docs, vals, labels);
  }
}
