/**
 * Word segmentation for the offline models' word features. Chinese is written without
 * spaces; a segmenter with a dictionary (jieba's, see app/classifier/jieba-segmenter.ts)
 * cuts a text into its words, which the character n-grams only approximate. The
 * implementation is injected: core stays free of native modules and I/O.
 */
export interface WordSegmenter {
  /** The words of a text, in order (punctuation and spaces may come as their own tokens). */
  cut(text: string): string[];
}

/** A model trained with word features was asked to run without a segmenter. */
export class MissingSegmenterError extends Error {
  override name = 'MissingSegmenterError';
  constructor() {
    super('this model uses word features: pass a word segmenter to train or load it');
  }
}
