import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEvalExamples } from '../../../app/commands/eval-examples.js';
import { crossValidateExamples } from '../../../core/classification/examples-cv.js';
import type { ExampleRow } from '../../../core/classification/default-model.js';
import { captureIo as capture } from '../../support/capture-io.js';
import { liftLampRows, liftLampTaxonomy } from '../../support/lift-lamp-taxonomy.js';

const taxonomy = liftLampTaxonomy;
const rows: ExampleRow[] = [
  ...liftLampRows,
  { text: '电梯里冒烟了，快来人', label: 'lift', level: 'emergency' as const },
  // not labelled emergency, but the rules raise it: a false alarm the report must show
  { text: '电梯井里冒火花了', label: 'lift' },
];

describe('cross-validation of the examples', () => {
  it('scores every row once per seed, each by a model that did not see it', async () => {
    const r = await crossValidateExamples(taxonomy, rows, { folds: 3, seeds: [1, 2] });
    expect(r.n).toBe(rows.length * 2);
    expect(r.triageAccuracy).toBeGreaterThan(0.8);
    expect(r.typeAccuracy).toBeGreaterThan(0.8);
    expect(r.emergencies).toBe(2);
    expect(r.emergenciesCaught).toBe(2); // the rules catch smoke whatever the model learnt
    expect(r.missedEmergencies).toEqual([]);
    expect(r.falseEmergencies).toBe(2); // the spark row, once per seed
    expect(r.falseEmergencyTexts).toEqual(['电梯井里冒火花了']);
  });
  it('is deterministic, and refuses impossible fold counts', async () => {
    expect(await crossValidateExamples(taxonomy, rows, { folds: 4, seeds: [7] })).toEqual(await crossValidateExamples(taxonomy, rows, { folds: 4, seeds: [7] }));
    await expect(crossValidateExamples(taxonomy, rows, { folds: 1 })).rejects.toThrow(RangeError);
    await expect(crossValidateExamples(taxonomy, rows, { folds: rows.length + 1 })).rejects.toThrow(RangeError);
  });
});

describe('jiesu eval-examples', () => {
  it('reads a prompts directory (examples and holdout) and prints the figures, or one JSON object', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jiesu-prompts-'));
    try {
      await writeFile(join(dir, 'taxonomy.json'), JSON.stringify({ version: 1, entries: taxonomy }));
      await mkdir(join(dir, 'examples', 'holdout'), { recursive: true });
      const jsonl = (rs: ExampleRow[]) => rs.map((r) => JSON.stringify(r)).join('\n') + '\n';
      await writeFile(join(dir, 'examples', 'all.jsonl'), jsonl(rows.slice(0, -4)));
      await writeFile(join(dir, 'examples', 'holdout', 'held.jsonl'), jsonl(rows.slice(-4)));
      const json = capture();
      expect(await runEvalExamples(['--prompts', dir, '--cv', '3', '--seeds', '1', '--json'], json.io)).toBe(0);
      const r = JSON.parse(json.out.join(''));
      expect(r).toMatchObject({ examples: rows.length, n: rows.length, folds: 3, seeds: [1], emergencies: 1, falseEmergencies: 1 });
      for (const k of ['triageAccuracy', 'typeAccuracy', 'seconds']) expect(typeof r[k]).toBe('number');
      const text = capture();
      expect(await runEvalExamples(['--prompts', dir, '--cv', '3', '--seeds', '1'], text.io)).toBe(0);
      expect(text.out.join('')).toMatch(/triage accuracy [01]\.\d{3}\s+type accuracy [01]\.\d{3}\s+emergencies caught 1\/1\s+false emergencies 1\/19/);
      expect(text.out.join('')).toMatch(/false emergency: 电梯井里冒火花了/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  it('answers bad arguments and a missing directory with a message and a non-zero code', async () => {
    const bad = capture();
    expect(await runEvalExamples(['--cv', '1'], bad.io)).toBe(2);
    expect(bad.err.join('')).toMatch(/usage: jiesu eval-examples/);
    const seeds = capture();
    expect(await runEvalExamples(['--seeds', 'a,b'], seeds.io)).toBe(2);
    expect(seeds.err.join('')).toMatch(/seeds/);
    const missing = capture();
    expect(await runEvalExamples(['--prompts', '/nonexistent-prompts'], missing.io)).toBe(1);
    expect(missing.err.join('')).toMatch(/nonexistent-prompts/);
  });
});
