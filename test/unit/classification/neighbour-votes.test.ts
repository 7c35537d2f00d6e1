import { describe, expect, it } from 'vitest';
import { NeighbourVotes } from '../../../core/classification/neighbour-votes.js';
import { TextModel, trainTextModel } from '../../../core/classification/text-model.js';
import type { SparseVector } from '../../../core/classification/features.js';

const vec = (entries: [number, number][]): SparseVector => ({ idx: Int32Array.from(entries.map((e) => e[0])), val: Float32Array.from(entries.map((e) => e[1])) });

describe('neighbour votes', () => {
  // four training vectors over five features; labels 0, 0, 1, 1
  const X = [vec([[0, 1]]), vec([[0, 0.6], [1, 0.8]]), vec([[2, 1]]), vec([[3, 0.6], [4, 0.8]])];
  const votes = NeighbourVotes.fit(X, [0, 0, 1, 1], 2, 5, 2);

  it('sums the similarities of the k nearest documents by label', () => {
    // similarities to [0:1]: 1, 0.6, 0, 0 -> the two nearest are both label 0
    const near = votes.scores(vec([[0, 1]]), new Float64Array(2));
    expect(near[0]).toBeCloseTo(1.6, 6);
    expect(near[1]).toBe(0);
    // [0:0.6, 2:0.8]: doc0 0.6, doc1 0.36, doc2 0.8 -> doc2 (label 1) and doc0 (label 0)
    const s = votes.scores(vec([[0, 0.6], [2, 0.8]]), new Float64Array(2));
    expect(s[0]).toBeCloseTo(0.6, 6);
    expect(s[1]).toBeCloseTo(0.8, 6);
  });
  it('leaves a document out when asked, and features it never saw count for nothing', () => {
    const s = votes.scores(vec([[0, 1]]), new Float64Array(2), 0);
    expect(s[0]).toBeCloseTo(0.6, 6);
    expect([...votes.scores(vec([[7, 1]]), new Float64Array(2))]).toEqual([0, 0]);
  });
  it('is the same after a round trip through JSON', () => {
    const back = NeighbourVotes.fromJSON(JSON.parse(JSON.stringify(votes.toJSON())));
    const x = vec([[1, 0.5], [3, 0.5], [4, 0.7]]);
    expect([...back.scores(x, new Float64Array(2))]).toEqual([...votes.scores(x, new Float64Array(2))]);
    expect(() => NeighbourVotes.fromJSON({ ...votes.toJSON(), numDocs: 9 })).toThrow(/length mismatch/);
  });
});

describe('a text model with neighbour votes', () => {
  const rows = [
    ...['电梯坏了三天', '电梯又停了没人修', '电梯卡在三楼', '电梯门关不上夹人'].map((text) => ({ label: 'lift', text })),
    ...['垃圾三天没人清', '垃圾桶满了好臭', '楼道里垃圾堆着', '垃圾站旁边全是垃圾'].map((text) => ({ label: 'rubbish', text })),
  ];
  it('keeps the votes in its state and answers the same after a round trip', () => {
    const m = trainTextModel(rows, { features: { minDf: 1, maxN: 2 }, knnWeight: 0.3, knnK: 3 });
    expect(m.knn).not.toBeNull();
    expect(m.knnScale).toBeGreaterThan(0);
    const back = TextModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    for (const t of ['电梯停在三楼', '垃圾没人清']) {
      expect(back.predict(t).label).toBe(m.predict(t).label);
      expect(back.predict(t).confidence).toBeCloseTo(m.predict(t).confidence, 6);
    }
    expect(m.predict('电梯停在三楼').label).toBe('lift');
  });
  it('the votes move the scores; at weight 0 there are none, and the chat models have none', async () => {
    const { DEFAULT_CHAT_MODEL_OPTIONS } = await import('../../../core/classification/default-model.js');
    expect(DEFAULT_CHAT_MODEL_OPTIONS.knnWeight).toBe(0);
    const plain = trainTextModel(rows, { features: { minDf: 1, maxN: 2 }, knnWeight: 0 });
    const withVotes = trainTextModel(rows, { features: { minDf: 1, maxN: 2 }, knnWeight: 0.3, knnK: 3 });
    expect(plain.knn).toBeNull();
    expect(plain.toJSON().knn).toBeUndefined();
    expect([...withVotes.rawScores('电梯卡住了')]).not.toEqual([...plain.rawScores('电梯卡住了')]);
  });
});
