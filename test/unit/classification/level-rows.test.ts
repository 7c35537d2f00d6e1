import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLevelRows } from '../../../app/classifier/load-default-classifier.js';
import { EMERGENCY_LABEL } from '../../../core/classification/offline-classifier.js';
import { trainDefaultModels, type ExampleRow, type LevelRow } from '../../../core/classification/default-model.js';
import { liftLampRows, liftLampTaxonomy } from '../../support/lift-lamp-taxonomy.js';

const taxonomy = liftLampTaxonomy;
const examples: ExampleRow[] = [
  ...liftLampRows,
  ...['电梯里冒烟了快来人', '电梯着火了', '电梯里有人晕倒了', '电梯坠落有人受伤', '路灯杆漏电电到人了', '路灯倒了砸到人', '电梯困人老人喘不上气', '电梯里有人抽搐', '路灯电线掉下来冒火花', '电梯井起火了'].map(
    (text) => ({ text, label: text.includes('路灯') ? 'lamp' : 'lift', level: 'emergency' as const }),
  ),
];
// what the examples never say: a resident stung by a swarm of hornets
const levelRows: LevelRow[] = [
  ...['马蜂蜇了孩子满脸肿', '一群马蜂追着人蜇', '老人被马蜂蜇得喘不上气', '马蜂窝掉了蜂子乱飞蜇人'].map((text) => ({ text, level: 'emergency' as const })),
  ...['楼下花坛有个马蜂窝', '去年马蜂窝摘掉了', '马蜂窝能不能请人来摘'].map((text) => ({ text, level: 'routine' as const })),
];

describe('level rows (prompts/levels): more emergencies for the emergency model alone', () => {
  it('teach the emergency model what the examples never say, and leave the type and triage models as they were', () => {
    const without = trainDefaultModels(taxonomy, examples);
    const withLevels = trainDefaultModels(taxonomy, examples, undefined, undefined, levelRows);
    const p = (m: typeof without) => m.emergencyModel!.predict('3栋门口一群马蜂在蜇小孩').probs[m.emergencyModel!.labels.indexOf(EMERGENCY_LABEL)]!;
    expect(p(withLevels)).toBeGreaterThan(p(without) + 0.2);
    expect(withLevels.typeModel.toJSON()).toEqual(without.typeModel.toJSON());
    expect(withLevels.triageModel.toJSON()).toEqual(without.triageModel.toJSON());
  });

  describe('reading levels/', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'jiesu-levels-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });
    it('reads every .jsonl file, is empty when the directory is missing, and names the bad line', async () => {
      expect(await readLevelRows(join(dir, 'missing'))).toEqual([]);
      await mkdir(join(dir, 'ok'));
      await writeFile(join(dir, 'ok', 'a.jsonl'), '{"text":"有人晕倒了","level":"emergency"}\n\n{"text":"晕车","level":"routine"}\n');
      await writeFile(join(dir, 'ok', 'notes.txt'), 'not read');
      expect(await readLevelRows(join(dir, 'ok'))).toEqual([
        { text: '有人晕倒了', level: 'emergency' },
        { text: '晕车', level: 'routine' },
      ]);
      await mkdir(join(dir, 'bad'));
      await writeFile(join(dir, 'bad', 'b.jsonl'), '{"text":"有人晕倒了","level":"emergency"}\n{"text":"x","level":"urgent"}\n');
      await expect(readLevelRows(join(dir, 'bad'))).rejects.toThrow(/b\.jsonl:2/);
      await writeFile(join(dir, 'bad', 'b.jsonl'), '{"text":\n');
      await expect(readLevelRows(join(dir, 'bad'))).rejects.toThrow(/b\.jsonl:1/);
    });
  });
});
