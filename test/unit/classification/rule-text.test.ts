import { describe, expect, it } from 'vitest';
import { regionalAsMandarin, ruleText } from '../../../core/classification/rule-text.js';

describe('ruleText', () => {
  it('puts the usual input-method slips in emergency words right', () => {
    expect(ruleText('一股煤汽味')).toBe('一股煤气味');
    expect(ruleText('老人晕到了')).toBe('老人晕倒了');
    expect(ruleText('着伙了')).toBe('着火了');
  });

  it('reads written Cantonese as Mandarin, emergency words before function words', () => {
    expect(ruleText('救命啊 阿爸唔郁喇')).toBe('救命啊 阿爸不动喇');
    expect(ruleText('有贼仔爬紧水喉入3楼窗 而家仲喺度')).toBe('有贼仔正在爬水喉入3楼窗 现在还在');
    expect(ruleText('阿婆暈低咗 叫佢冇反应')).toBe('阿婆晕倒了 叫他没反应');
    expect(ruleText('我朋友话食咗好多安眠药 联络唔到佢')).toBe('我朋友话吃了好多安眠药 联系不上他');
    expect(ruleText('有㶶味')).toBe('有焦味');
  });

  it('reads a few Southwestern and Minnan words and northern 木有 as Mandarin', () => {
    expect(regionalAsMandarin('昨天赶场我的手机遭摸了，屋头莫得人')).toBe('昨天赶场我的手机被摸了，家里没有人');
    expect(regionalAsMandarin('遭了遭了，咋个办')).toBe('遭了遭了，怎么办');
    expect(regionalAsMandarin('我阿母讲袂出话，这马倒佇灶脚')).toBe('我阿母讲不出话，现在倒在灶脚');
    expect(ruleText('一转眼木影了')).toBe('一转眼没影了');
  });
  it('leaves Mandarin as it is, and 食 where it is not eating now', () => {
    expect(ruleText('楼道里全是烟 看不清楼梯')).toBe('楼道里全是烟 看不清楼梯');
    expect(ruleText('好几个同学食物中毒')).toBe('好几个同学食物中毒');
  });

  it('applies NFKC: full-width digits and punctuation become ASCII ("，" too)', () => {
    expect(ruleText('１２栋着火了，快！')).toBe('12栋着火了,快!');
  });

  it('regionalAsMandarin maps only the Cantonese, without NFKC, and leaves 不打紧 alone', () => {
    expect(regionalAsMandarin('楼下啲垃圾成个礼拜冇人收，好臭')).toBe('楼下些垃圾成个礼拜没人收，好臭');
    expect(regionalAsMandarin('不打紧，明天再说')).toBe('不打紧，明天再说');
  });
});
