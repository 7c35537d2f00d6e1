import { beforeAll, describe, expect, it } from 'vitest';
import { createToSimplified } from '../../../app/classifier/to-simplified.js';
import { loadDefaultClassifier, type LoadedClassifier } from '../../../app/classifier/load-default-classifier.js';
import { DEFAULT_PROMPTS_DIR } from '../../../app/load-taxonomy.js';

const toSimplified = createToSimplified();

describe('Traditional → Simplified before classification', () => {
  it.each([
    ['樓道裡一股煤氣味', '楼道里一股煤气味'],
    ['昨天為了一個車位兩家吵到半夜，社區出面調解一下吧', '昨天为了一个车位两家吵到半夜，社区出面调解一下吧'],
    ['3號樓著火了', '3号楼着火了'],
  ])('converts %s', (traditional, simplified) => {
    expect(toSimplified(traditional)).toBe(simplified);
  });
  it.each([
    // characters OpenCC would also rewrite in Simplified text (么 → 幺, 显著 → 显着, 坏 → 坯)
    '这公平么？我们楼的电梯坏了三天了',
    '请在小区内的显著位置张贴通知',
    '怎么办啊，下水道又堵了',
    'Someone stole my package 两次了',
    '',
    '👍',
  ])('leaves Simplified (and other) text alone: %s', (text) => {
    expect(toSimplified(text)).toBe(text);
  });

  describe('the default classifier', () => {
    let c: LoadedClassifier;
    beforeAll(async () => {
      c = await loadDefaultClassifier({ promptsDir: DEFAULT_PROMPTS_DIR, engine: 'offline' });
    });
    it.each([
      ['樓道裡一股煤氣味，好濃', '楼道里一股煤气味，好浓'],
      ['電線桿上、公交站牌上貼滿了辦證小廣告，社區能不能派人清理一下', '电线杆上、公交站牌上贴满了办证小广告，社区能不能派人清理一下'],
      ['昨天為了一個車位兩家吵到半夜，今天又在群裡互罵，社區出面調解一下吧', '昨天为了一个车位两家吵到半夜，今天又在群里互骂，社区出面调解一下吧'],
    ])('answers %s as it answers its Simplified twin, and keeps the resident\'s characters in the summary', async (traditional, simplified) => {
      const [t, s] = await Promise.all([c.classify(traditional), c.classify(simplified)]);
      expect({ actionable: t.actionable, caseType: t.caseType, level: t.level }).toEqual({ actionable: s.actionable, caseType: s.caseType, level: s.level });
      expect(t.actionable).toBe(true);
      expect(t.summary).toContain(traditional.slice(0, 4));
    });
  });
});
