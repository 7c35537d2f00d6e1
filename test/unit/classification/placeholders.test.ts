import { describe, expect, it } from 'vitest';
import { withoutPlaceholders } from '../../../core/classification/placeholders.js';

describe('withoutPlaceholders', () => {
  it('replaces each chat placeholder by a space', () => {
    expect(withoutPlaceholders('车窗被砸了[图片]')).toBe('车窗被砸了 ');
    expect(withoutPlaceholders('[位置][图片]井盖没了')).toBe('  井盖没了');
    expect(withoutPlaceholders('[强][玫瑰] 谢谢')).toBe('   谢谢');
  });
  it('leaves other brackets and text without placeholders as they are', () => {
    const plain = '3栋电梯坏了';
    expect(withoutPlaceholders(plain)).toBe(plain);
    expect(withoutPlaceholders('[转发] 停水通知')).toBe('[转发] 停水通知');
    expect(withoutPlaceholders('[图片')).toBe('[图片');
  });
});
