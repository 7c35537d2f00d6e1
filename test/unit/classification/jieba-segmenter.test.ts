import { describe, expect, it } from 'vitest';
import { jiebaSegmenter } from '../../../app/classifier/jieba-segmenter.js';

describe('the jieba segmenter', () => {
  it('cuts a message into dictionary words, the same way every time', () => {
    const s = jiebaSegmenter();
    expect(s.cut('小区物业拖欠工资')).toEqual(['小区', '物业', '拖欠工资']);
    expect(s.cut('小区物业拖欠工资')).toEqual(jiebaSegmenter().cut('小区物业拖欠工资'));
    expect(s.cut('')).toEqual([]);
  });
  it('keeps punctuation, digits and latin as their own tokens', () => {
    const words = jiebaSegmenter().cut('3号楼wifi坏了，找谁？');
    expect(words.join('')).toBe('3号楼wifi坏了，找谁？');
    expect(words).toContain('wifi');
    expect(words).toContain('，');
  });
});
