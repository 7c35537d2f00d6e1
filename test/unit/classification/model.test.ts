import { describe, expect, it } from 'vitest';
import { TextModel, trainTextModel, fitTemperature } from '../../../core/classification/text-model.js';
import { evaluate, groupedFolds } from '../../../core/classification/metrics.js';
import { parseCsv, parseLabelledCsv } from '../../../core/classification/csv.js';

const rows = [
  ...['电梯坏了', '电梯又停了', '电梯卡住不动', '电梯按钮失灵', '电梯门关不上'].map((text) => ({ label: 'lift', text })),
  ...['垃圾没人清', '垃圾桶满了', '楼道垃圾好臭', '垃圾堆成山', '到处是垃圾'].map((text) => ({ label: 'rubbish', text })),
  ...['路灯不亮', '路灯坏了一排', '晚上路灯黑着', '路灯一闪一闪', '路灯杆歪了'].map((text) => ({ label: 'light', text })),
];

describe('text model', () => {
  it('learns a small label set and is deterministic', () => {
    const a = trainTextModel(rows, { features: { minDf: 1, maxN: 2 } });
    const b = trainTextModel(rows, { features: { minDf: 1, maxN: 2 } });
    expect(a.predict('电梯停了').label).toBe('lift');
    expect(a.predict('好多垃圾').label).toBe('rubbish');
    expect(JSON.stringify(a.toJSON())).toBe(JSON.stringify(b.toJSON()));
  });
  it('serialises and restores the full state', () => {
    const m = trainTextModel(rows, { features: { minDf: 1 }, temperature: 0.7 });
    const back = TextModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    expect(back.labels).toEqual(m.labels);
    expect(back.temperature).toBe(0.7);
    const p1 = m.predict('路灯坏了');
    const p2 = back.predict('路灯坏了');
    expect(p2.label).toBe(p1.label);
    expect(p2.confidence).toBeCloseTo(p1.confidence, 5);
    expect(() => TextModel.fromJSON({ kind: 'x' } as never)).toThrow();
  });
  it('gives probabilities that sum to one', () => {
    const p = trainTextModel(rows, { features: { minDf: 1 } }).predict('电梯');
    expect(Array.from(p.probs).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 6);
    expect(p.confidence).toBeGreaterThan(0);
    expect(p.confidence).toBeLessThanOrEqual(1);
  });
  it('also trains with the SGD learner and the ensemble', () => {
    for (const learner of ['sgd', 'ensemble'] as const) {
      expect(trainTextModel(rows, { features: { minDf: 1 }, learner }).predict('电梯坏了').label).toBe('lift');
    }
  });
  it('blends an NBSVM into the plain SVM as one linear model', () => {
    const plain = trainTextModel(rows, { features: { minDf: 1 }, nbsvmWeight: 0 });
    const blended = trainTextModel(rows, { features: { minDf: 1 }, nbsvmWeight: 0.8 });
    const again = trainTextModel(rows, { features: { minDf: 1 }, nbsvmWeight: 0.8 });
    expect(blended.predict('电梯坏了').label).toBe('lift');
    expect(blended.predict('路灯黑了').label).toBe('light');
    expect(blended.nb).toBeNull(); // no extra member at prediction time
    expect(Array.from(blended.linear.weights)).not.toEqual(Array.from(plain.linear.weights));
    expect(JSON.stringify(blended.toJSON())).toBe(JSON.stringify(again.toJSON()));
    // scores keep the plain SVM's spread, so the fixed temperature still means the same
    const spread = (s: Float64Array) => Math.max(...s) - Math.min(...s);
    const ratio = spread(blended.rawScores('电梯卡住了')) / spread(plain.rawScores('电梯卡住了'));
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
  it('fits a temperature', () => {
    const T = fitTemperature([Float64Array.from([2, 0]), Float64Array.from([0, 2]), Float64Array.from([2, 0])], [0, 1, 1]);
    expect(T).toBeGreaterThan(1);
  });
});

describe('metrics and folds', () => {
  it('computes accuracy, macro-F1 and the confusion matrix', () => {
    const r = evaluate(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b']);
    expect(r.accuracy).toBe(0.75);
    expect(r.confusion).toEqual([
      [1, 1],
      [0, 2],
    ]);
    expect(r.macroF1).toBeCloseTo((2 / 3 + 0.8) / 2, 6);
  });
  it('keeps near-duplicates in the same fold', () => {
    const texts = ['甲乙丙丁戊己庚辛壬癸子丑寅卯辰 后面不同一', '甲乙丙丁戊己庚辛壬癸子丑寅卯辰 后面不同二', '完全不同的第三条', '第四条消息', '第五条消息内容'];
    const f = groupedFolds(texts, 3);
    expect(f[0]).toBe(f[1]);
  });
  it('parses quoted CSV', () => {
    expect(parseCsv('a,b\n"x, ""y""",z\n')).toEqual([
      ['a', 'b'],
      ['x, "y"', 'z'],
    ]);
    expect(parseLabelledCsv('id,label,text\n1,k,"多行\n文本"\n')[0]).toEqual({ id: '1', label: 'k', text: '多行\n文本' });
  });
});
