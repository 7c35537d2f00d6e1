/**
 * Feature extraction: hashed character n-grams (and optional "word" tokens: latin/digit runs
 * and skip-bigrams, or a segmenter's dictionary words) with a training vocabulary,
 * (sublinear) TF-IDF weighting and L2 normalisation.
 * Pure: no I/O; deterministic.
 */
import { normalizeText, titlePart } from './text.js';
import { decodeF32, decodeI32, encodeF32, encodeI32 } from './codec.js';
import { MissingSegmenterError, type WordSegmenter } from './segmenter.js';

/** A sparse vector: parallel arrays of feature indices and values. */
export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
}

export interface FeatureOptions {
  /** Smallest character n-gram (default 1). */
  minN: number;
  /** Largest character n-gram (default 4). */
  maxN: number;
  /** Do not let n-grams cross whitespace/punctuation (default true). */
  segmentBoundaries: boolean;
  /** Replace every digit by 0 before extraction (default true). */
  foldDigits: boolean;
  /** Add whole latin/digit tokens and Han-run bigram pairs as extra features (default true). */
  wordFeatures: boolean;
  /** Use 1 + ln(tf) instead of raw term frequency (default true). */
  sublinearTf: boolean;
  /** Use inverse document frequency (default true). */
  useIdf: boolean;
  /** Keep features seen in at least this many training documents (default 1). */
  minDf: number;
  /** Drop features present in more than this share of training documents (default 1 = keep all). */
  maxDfRatio: number;
  /**
   * Also extract the n-grams of the title part (text before the first space, or the first
   * sentence) in a separate feature namespace, scaled by this factor (0 disables).
   */
  titleFeatures: number;
  /** Only the first this many characters are used (0 = all). Long bodies dilute the title. */
  maxChars: number;
  /**
   * Normalise the title namespace as its own block: the text block and the title block are
   * each L2-normalised, the title block is scaled by `titleFeatures`, and the result is
   * L2-normalised again (default false: one joint normalisation).
   */
  titleBlock: boolean;
  /**
   * Add the dictionary words (two characters or more) a word segmenter finds, in the text and
   * in the title namespace (default false; the extractor then needs a `WordSegmenter`).
   */
  words: boolean;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = {
  minN: 1,
  maxN: 4,
  segmentBoundaries: true,
  foldDigits: true,
  wordFeatures: true,
  sublinearTf: true,
  useIdf: true,
  minDf: 1,
  maxDfRatio: 1,
  titleFeatures: 0,
  maxChars: 0,
  titleBlock: false,
  words: false,
};

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function mixHash(h: number, v: number): number {
  h ^= v & 0xffff;
  h = Math.imul(h, FNV_PRIME);
  h ^= v >>> 16;
  h = Math.imul(h, FNV_PRIME);
  return h;
}

function finalize(h: number, n: number): number {
  h ^= n * 0x9e3779b1;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

function isWordChar(cp: number): boolean {
  // letters and digits of any script
  return (
    (cp >= 0x30 && cp <= 0x39) ||
    (cp >= 0x61 && cp <= 0x7a) ||
    (cp >= 0x41 && cp <= 0x5a) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0xc0 && cp <= 0x24f) ||
    (cp >= 0xac00 && cp <= 0xd7af) ||
    (cp >= 0x3040 && cp <= 0x30ff)
  );
}

function isAsciiAlnum(cp: number): boolean {
  return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x61 && cp <= 0x7a);
}

/**
 * Emit the raw feature hashes of a text (with repetition) through `emit`.
 * Exposed for tests; `FeatureExtractor` uses it for fitting and transforming.
 */
export function forEachFeatureHash(text: string, opts: FeatureOptions, emit: (h: number) => void, salt = 0, segmenter?: WordSegmenter): void {
  let s = normalizeText(text);
  if (opts.foldDigits) s = s.replace(/[0-9]/g, '0');
  const cps: number[] = [];
  for (const ch of s) {
    cps.push(ch.codePointAt(0)!);
    if (opts.maxChars > 0 && cps.length >= opts.maxChars) break;
  }
  const len = cps.length;
  const { minN, maxN } = opts;
  for (let i = 0; i < len; i++) {
    let h = FNV_OFFSET;
    for (let n = 1; n <= maxN && i + n <= len; n++) {
      const cp = cps[i + n - 1]!;
      if (opts.segmentBoundaries && !isWordChar(cp)) {
        // a lone punctuation mark is still a (weak) unigram feature
        if (n === 1 && minN <= 1 && cp !== 0x20) emit(finalize(mixHash(h, cp), 1 + salt));
        break;
      }
      h = mixHash(h, cp);
      if (n >= minN) emit(finalize(h, n + salt));
    }
  }
  if (opts.words) {
    if (!segmenter) throw new MissingSegmenterError();
    for (const w of segmenter.cut(s)) {
      let h = 0x2345671;
      let n = 0;
      for (const ch of w) {
        const cp = ch.codePointAt(0)!;
        if (!isWordChar(cp)) {
          n = 0;
          break;
        }
        h = mixHash(h, cp);
        n++;
      }
      if (n >= 2) emit(finalize(h, 201 + salt));
    }
  }
  if (opts.wordFeatures && salt === 0) {
    // whole latin/digit tokens (e.g. "wifi", "110", "000路") and separated Han-run pairs
    let i = 0;
    while (i < len) {
      if (isAsciiAlnum(cps[i]!)) {
        let h = 0x1234567;
        let j = i;
        while (j < len && isAsciiAlnum(cps[j]!)) h = mixHash(h, cps[j++]!);
        emit(finalize(h, 101));
        i = j;
      } else i++;
    }
    // skip-bigrams of characters (a_c) give some robustness to inserted particles
    for (let k = 0; k + 2 < len; k++) {
      const a = cps[k]!;
      const c = cps[k + 2]!;
      if (!isWordChar(a) || !isWordChar(c) || !isWordChar(cps[k + 1]!)) continue;
      emit(finalize(mixHash(mixHash(0x7654321, a), c), 102));
    }
  }
}

const TITLE_SALT = 1000;

/** All feature hashes of a text, including the title namespace when enabled. */
function forEachAllHashes(text: string, opts: FeatureOptions, emit: (h: number, title: boolean) => void, segmenter?: WordSegmenter): void {
  forEachFeatureHash(text, opts, (h) => emit(h, false), 0, segmenter);
  if (opts.titleFeatures > 0) {
    const t = titlePart(normalizeText(text));
    forEachFeatureHash(t, opts, (h) => emit(h, true), TITLE_SALT, segmenter);
  }
}

export interface FeatureExtractorState {
  options: FeatureOptions;
  /** base64 Int32 hashes, in feature-index order */
  hashes: string;
  /** base64 Float32 idf weights, in feature-index order */
  idf: string;
}

/** A fitted vocabulary of hashed n-grams with IDF weights. */
export class FeatureExtractor {
  readonly options: FeatureOptions;
  private index = new Map<number, number>();
  private hashes: Int32Array = new Int32Array(0);
  private idf: Float32Array = new Float32Array(0);
  private scratch: Float64Array = new Float64Array(0);

  /** `segmenter`: required when `options.words` (a MissingSegmenterError otherwise). */
  constructor(
    options: Partial<FeatureOptions> = {},
    private readonly segmenter?: WordSegmenter,
  ) {
    this.options = { ...DEFAULT_FEATURE_OPTIONS, ...options };
    if (this.options.words && !segmenter) throw new MissingSegmenterError();
  }

  get size(): number {
    return this.hashes.length;
  }

  /** Build the vocabulary and IDF weights from training texts. */
  fit(texts: readonly string[]): this {
    const df = new Map<number, number>();
    const seen = new Set<number>();
    for (const t of texts) {
      seen.clear();
      forEachAllHashes(t, this.options, (h) => seen.add(h), this.segmenter);
      for (const h of seen) df.set(h, (df.get(h) ?? 0) + 1);
    }
    const n = texts.length;
    const maxDf = this.options.maxDfRatio >= 1 ? Infinity : this.options.maxDfRatio * n;
    const kept: number[] = [];
    for (const [h, c] of df) if (c >= this.options.minDf && c <= maxDf) kept.push(h);
    kept.sort((a, b) => a - b); // deterministic order independent of Map insertion
    this.hashes = Int32Array.from(kept);
    this.idf = new Float32Array(kept.length);
    this.index = new Map();
    for (let i = 0; i < kept.length; i++) {
      const h = kept[i]!;
      this.index.set(h, i);
      this.idf[i] = this.options.useIdf ? Math.log((1 + n) / (1 + df.get(h)!)) + 1 : 1;
    }
    this.scratch = new Float64Array(kept.length);
    return this;
  }

  /** Map a text onto the fitted feature space (TF-IDF, L2-normalised). */
  transform(text: string): SparseVector {
    const touched: number[] = [];
    const sc = this.scratch;
    const titleScale = this.options.titleFeatures;
    let titleIdx: Set<number> | null = null;
    forEachAllHashes(text, this.options, (h, title) => {
      const i = this.index.get(h);
      if (i === undefined) return;
      if (sc[i] === 0) touched.push(i);
      sc[i]! += 1;
      if (title) (titleIdx ??= new Set()).add(i);
    }, this.segmenter);
    touched.sort((a, b) => a - b);
    const idx = new Int32Array(touched.length);
    const val = new Float32Array(touched.length);
    let norm = 0;
    let titleNorm = 0;
    const block = this.options.titleBlock && titleIdx !== null;
    for (let k = 0; k < touched.length; k++) {
      const i = touched[k]!;
      const tf = sc[i]!;
      sc[i] = 0;
      let w = (this.options.sublinearTf ? 1 + Math.log(tf) : tf) * this.idf[i]!;
      const inTitle = titleIdx !== null && (titleIdx as Set<number>).has(i);
      if (block) {
        if (inTitle) titleNorm += w * w;
        else norm += w * w;
      } else {
        if (inTitle) w *= titleScale;
        norm += w * w;
      }
      idx[k] = i;
      val[k] = w;
    }
    if (block) {
      // each block to unit length, the title block scaled, then the whole vector to unit length
      const bs = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      const ts = titleNorm > 0 ? titleScale / Math.sqrt(titleNorm) : 0;
      const titles = titleIdx as unknown as Set<number>;
      norm = 0;
      for (let k = 0; k < val.length; k++) {
        val[k]! *= titles.has(idx[k]!) ? ts : bs;
        norm += val[k]! * val[k]!;
      }
    }
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let k = 0; k < val.length; k++) val[k]! *= inv;
    }
    return { idx, val };
  }

  toJSON(): FeatureExtractorState {
    return { options: this.options, hashes: encodeI32(this.hashes), idf: encodeF32(this.idf) };
  }

  static fromJSON(state: FeatureExtractorState, segmenter?: WordSegmenter): FeatureExtractor {
    const fe = new FeatureExtractor(state.options, segmenter);
    fe.hashes = decodeI32(state.hashes);
    fe.idf = decodeF32(state.idf);
    if (fe.hashes.length !== fe.idf.length) throw new Error('feature state: length mismatch');
    fe.index = new Map();
    for (let i = 0; i < fe.hashes.length; i++) fe.index.set(fe.hashes[i]!, i);
    fe.scratch = new Float64Array(fe.hashes.length);
    return fe;
  }
}
