import { describe, expect, it } from 'vitest';
import { TELEGRAM_MAX_TEXT, splitText, truncateText } from '../../../bot/telegram/split-text.js';

describe('splitting long messages', () => {
  it('leaves a short message alone', () => {
    expect(splitText('你好')).toEqual(['你好']);
    expect(splitText('')).toEqual(['']);
  });

  it('splits at paragraph breaks and keeps every part within 4,096', () => {
    const para = '网格员今日巡查情况汇总。'.repeat(100); // 1,200 characters
    const text = Array.from({ length: 5 }, () => para).join('\n\n');
    const parts = splitText(text);
    expect(parts.length).toBe(2);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
    expect(parts.join('\n\n')).toBe(text);
  });

  it('cuts text without breaks hard, never inside a surrogate pair', () => {
    const text = `${'a'.repeat(4095)}😀${'b'.repeat(10)}`;
    const parts = splitText(text);
    expect(parts).toHaveLength(2);
    expect(parts[0]).toBe('a'.repeat(4095));
    expect(parts[1]!.startsWith('😀')).toBe(true);
    expect(parts.join('')).toBe(text);
  });

  it('splits a 10,000-character text into three', () => {
    const parts = splitText('字'.repeat(10_000));
    expect(parts.map((p) => p.length)).toEqual([4096, 4096, 1808]);
  });

  it('truncates for edits', () => {
    expect(truncateText('abc', 5)).toBe('abc');
    const t = truncateText('x'.repeat(5000));
    expect(t.length).toBe(4096);
    expect(t.endsWith('…')).toBe(true);
  });
});
