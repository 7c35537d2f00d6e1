import { describe, expect, it } from 'vitest';
import { withoutAddresses } from '../../../core/classification/without-addresses.js';

describe('withoutAddresses (what the emergency model reads)', () => {
  it('takes out house numbers and keeps the words', () => {
    expect(withoutAddresses('3号楼2单元601有人晕倒').trim()).toBe('有人晕倒');
    expect(withoutAddresses('接龙 7栋1101 一份 / 3-2-501 两份')).not.toMatch(/[0-9]/);
    expect(withoutAddresses('１２楼窗户外').trim()).toBe('窗户外');
  });
  it('keeps the emergency numbers and numbers of time, age and size', () => {
    expect(withoutAddresses('快打120，110也打了')).toBe('快打120，110也打了'.normalize('NFKC'));
    expect(withoutAddresses('困了20分钟，5岁的孩子，水深1米')).toBe('困了20分钟，5岁的孩子，水深1米'.normalize('NFKC'));
  });
});
