import { describe, expect, it } from 'vitest';
import { findDuplicate, textSimilarity } from '../../../core/cases/duplicates.js';

describe('textSimilarity', () => {
  it('is 1 for the same text whatever its punctuation, spaces and case', () => {
    expect(textSimilarity('3号楼路灯坏了！', '3号楼 路灯坏了')).toBe(1);
    expect(textSimilarity('Lamp BROKEN', 'lamp broken.')).toBe(1);
  });

  it('counts repeated bigrams at most as often as both texts have them', () => {
    // "哈哈哈哈" has 哈哈 three times, "哈哈" once: 2·1 / (3 + 1).
    expect(textSimilarity('哈哈哈哈', '哈哈')).toBeCloseTo(0.5, 10);
  });

  it('is 0 for texts without a bigram in common, and for texts too short to have one', () => {
    expect(textSimilarity('路灯坏了', '垃圾满了')).toBe(0);
    expect(textSimilarity('灯', '灯')).toBe(0);
    expect(textSimilarity('', '！？')).toBe(0);
  });

  it('is symmetric', () => {
    const a = '5栋门口的路灯又坏了，晚上黑漆漆的';
    const b = '5栋路灯坏了好几天了';
    expect(textSimilarity(a, b)).toBeCloseTo(textSimilarity(b, a), 12);
  });
});

describe('findDuplicate', () => {
  const open = [
    { id: 1, description: '3号楼东门的垃圾桶满了没人清', summary: '3号楼东门垃圾桶满溢' },
    { id: 2, description: '5栋门口的路灯坏了，晚上很黑', summary: '5栋门口路灯损坏' },
    { id: 3, description: '5栋门口路灯坏了', summary: '5栋门口路灯损坏' },
  ];

  it('returns the most similar open case above the threshold, matching description or summary', () => {
    expect(findDuplicate('5栋门口路灯坏了', open)?.id).toBe(3);
    expect(findDuplicate('东门垃圾桶满溢，臭', open)?.id).toBe(1);
  });

  it('returns null when nothing reaches the threshold, or there are no candidates', () => {
    expect(findDuplicate('楼上装修太吵了', open)).toBeNull();
    expect(findDuplicate('5栋门口路灯坏了', [])).toBeNull();
  });

  it('takes the first of equally similar cases', () => {
    const twins = [
      { id: 7, description: '电梯又坏了', summary: '' },
      { id: 8, description: '电梯又坏了', summary: '' },
    ];
    expect(findDuplicate('电梯又坏了', twins)?.id).toBe(7);
  });

  it('honours a threshold given by the caller', () => {
    const text = '5栋路灯不亮';
    const s = textSimilarity(text, open[2]!.summary);
    expect(s).toBeGreaterThan(0);
    expect(findDuplicate(text, open, s + 0.01)).toBeNull();
    expect(findDuplicate(text, open, s)?.id).toBeDefined();
  });
});
