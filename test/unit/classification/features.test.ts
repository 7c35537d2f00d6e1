import { describe, expect, it } from 'vitest';
import { FeatureExtractor, forEachFeatureHash, DEFAULT_FEATURE_OPTIONS } from '../../../core/classification/features.js';
import { MissingSegmenterError, type WordSegmenter } from '../../../core/classification/segmenter.js';
import { normalizeText, titlePart } from '../../../core/classification/text.js';
import { TextModel, trainTextModel } from '../../../core/classification/text-model.js';

describe('text normalisation', () => {
  it('folds full-width characters, case and repeated punctuation', () => {
    expect(normalizeText('  ＡＢＣ１２３！！！  电梯   坏了 ')).toBe('abc123! 电梯 坏了');
  });
  it('takes the title part before the first space', () => {
    expect(titlePart('小区电梯坏了 我是3栋业主，电梯已经坏了三天')).toBe('小区电梯坏了');
  });
  it('finds a title glued to its body before a salutation or a repetition of its start', () => {
    expect(titlePart('幸福路公交站台被占用尊敬的领导：您好，幸福路公交站台每天被小贩占用。')).toBe('幸福路公交站台被占用');
    expect(titlePart('东门菜市场夜间噪音扰民东门菜市场每天凌晨三点开始卸货，吵得人睡不着。')).toBe('东门菜市场夜间噪音扰民');
  });
});

describe('feature extraction', () => {
  it('emits character n-grams up to maxN without crossing punctuation', () => {
    const hashes: number[] = [];
    forEachFeatureHash('电梯，坏', { ...DEFAULT_FEATURE_OPTIONS, maxN: 2, wordFeatures: false }, (h) => hashes.push(h));
    // 电, 电梯, 梯, "，", 坏  (no 梯， or ，坏 bigrams)
    expect(hashes).toHaveLength(5);
  });
  it('produces L2-normalised sparse TF-IDF vectors and ignores unseen n-grams', () => {
    const fe = new FeatureExtractor({ maxN: 3 }).fit(['电梯坏了', '路灯不亮', '垃圾没人清']);
    const v = fe.transform('电梯坏了两天');
    const norm = Math.sqrt(Array.from(v.val).reduce((s, x) => s + x * x, 0));
    expect(norm).toBeCloseTo(1, 5);
    expect(fe.transform('完全陌生的字句').idx.length).toBe(0);
    for (let i = 1; i < v.idx.length; i++) expect(v.idx[i]!).toBeGreaterThan(v.idx[i - 1]!);
  });
  it('normalises the title as its own block when titleBlock is set', () => {
    const opts = { maxN: 2, titleFeatures: 0.5, titleBlock: true };
    const docs = ['路灯不亮 晚上小区里很黑很黑很黑很黑', '电梯坏了 三天没人修理电梯'];
    const fe = new FeatureExtractor(opts).fit(docs);
    const plain = new FeatureExtractor({ maxN: 2 }).fit(docs);
    const v = fe.transform(docs[0]!);
    const body = plain.transform(docs[0]!);
    const norm = Math.sqrt(Array.from(v.val).reduce((s, x) => s + x * x, 0));
    expect(norm).toBeCloseTo(1, 5);
    // body block (norm 1) + title block (norm 0.5), renormalised: body part has norm 1/sqrt(1.25)
    expect(v.idx.length).toBeGreaterThan(body.idx.length);
    const state = JSON.parse(JSON.stringify(fe.toJSON()));
    const back = FeatureExtractor.fromJSON(state).transform(docs[0]!);
    expect(Array.from(back.val)).toEqual(Array.from(v.val));
  });
  it('round-trips through JSON', () => {
    const fe = new FeatureExtractor().fit(['电梯坏了', '路灯不亮']);
    const again = FeatureExtractor.fromJSON(JSON.parse(JSON.stringify(fe.toJSON())));
    expect(Array.from(again.transform('电梯不亮').val)).toEqual(Array.from(fe.transform('电梯不亮').val));
  });
});

describe('word features', () => {
  // A stand-in with a three-word dictionary: longest match first, everything else one character each.
  const DICT = ['拖欠工资', '物业', '小区'];
  const cuts: string[] = [];
  const segmenter: WordSegmenter = {
    cut(text) {
      cuts.push(text);
      const out: string[] = [];
      for (let i = 0; i < text.length; ) {
        const w = DICT.find((d) => text.startsWith(d, i)) ?? text[i]!;
        out.push(w);
        i += w.length;
      }
      return out;
    },
  };
  const hashes = (text: string, words: boolean, titleFeatures = 0) => {
    const fe = new FeatureExtractor({ maxN: 1, wordFeatures: false, words, titleFeatures }, segmenter).fit([text]);
    return fe.size;
  };

  it('adds each dictionary word of two characters or more, in the text and in the title namespace', () => {
    // 小区物业拖欠工资: 8 distinct characters; words 小区, 物业, 拖欠工资
    expect(hashes('小区物业拖欠工资', false)).toBe(8);
    expect(hashes('小区物业拖欠工资', true)).toBe(11);
    // the title namespace repeats characters and words
    expect(hashes('小区物业拖欠工资', true, 0.5)).toBe(22);
  });
  it('segments the normalised text and ignores punctuation tokens', () => {
    cuts.length = 0;
    hashes('ＡＢ小区！！物业', true);
    expect(cuts).toEqual(['ab小区!物业']);
  });
  it('gives the same vector for the same text, and unseen words add nothing', () => {
    const fe = new FeatureExtractor({ maxN: 1, words: true }, segmenter).fit(['小区物业', '拖欠工资']);
    expect(fe.transform('小区物业')).toEqual(fe.transform('小区物业'));
    const back = FeatureExtractor.fromJSON(JSON.parse(JSON.stringify(fe.toJSON())), segmenter);
    expect(back.transform('物业拖欠工资')).toEqual(fe.transform('物业拖欠工资'));
  });
  it('needs a segmenter to train or load a model with word features, and says so', () => {
    expect(() => new FeatureExtractor({ words: true })).toThrow(MissingSegmenterError);
    const rows = [
      { label: 'a', text: '小区物业不管事' },
      { label: 'b', text: '老板拖欠工资' },
    ];
    expect(() => trainTextModel(rows, { features: { minDf: 1, words: true } })).toThrow(MissingSegmenterError);
    const m = trainTextModel(rows, { features: { minDf: 1, words: true } }, segmenter);
    const state = JSON.parse(JSON.stringify(m.toJSON()));
    expect(() => TextModel.fromJSON(state)).toThrow(MissingSegmenterError);
    expect(TextModel.fromJSON(state, segmenter).predict('拖欠工资').label).toBe('b');
  });
});
