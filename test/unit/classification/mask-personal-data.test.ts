import { describe, expect, it } from 'vitest';
import { maskPersonalData, containsPersonalData } from '../../../core/classification/mask-personal-data.js';

describe('maskPersonalData', () => {
  it.each([
    ['电话13812345678', '电话138****5678'],
    ['手机 +86 138-1234-5678 找我', '手机 138****5678 找我'],
    ['座机010-62345678', '座机010-****5678'],
    ['身份证11010519491231002X', '身份证110105********002X'],
    ['卡号6222021234567890123', '卡号6222 **** **** 0123'],
    ['卡号 6222 0212 3456 7890', '卡号 6222 **** **** 7890'],
  ])('%s → %s', (input, out) => {
    expect(maskPersonalData(input)).toBe(out);
  });
  it('leaves ordinary numbers alone and is idempotent', () => {
    const t = '3栋502室，2019年12月11日，物业费1200元';
    expect(maskPersonalData(t)).toBe(t);
    const once = maskPersonalData('13812345678 11010519491231002X');
    expect(maskPersonalData(once)).toBe(once);
    expect(containsPersonalData(once)).toBe(false);
  });
  it('never throws on odd input', () => {
    expect(maskPersonalData('')).toBe('');
    expect(maskPersonalData(undefined as unknown as string)).toBe('');
  });
});
