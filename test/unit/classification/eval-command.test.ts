import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runEval } from '../../../app/commands/eval.js';
import { runClassify } from '../../../app/commands/classify.js';
import { captureIo as capture } from '../../support/capture-io.js';

const fixture = (f: string) => fileURLToPath(new URL(`../../fixtures/${f}`, import.meta.url));

describe('jiesu eval', () => {
  it('trains and scores a small CSV (--json)', async () => {
    const { io, out } = capture();
    const code = await runEval(['--train', fixture('eval-small.csv'), '--test', fixture('eval-small-test.csv'), '--json', '--options', '{"features":{"minDf":1}}'], io);
    expect(code).toBe(0);
    const r = JSON.parse(out.join(''));
    expect(r.accuracy).toBeGreaterThanOrEqual(0.75);
    for (const k of ['accuracy', 'macroF1', 'trainSeconds', 'msPerMessage']) expect(typeof r[k]).toBe('number');
    expect(r.labels).toEqual(['fruit', 'vehicle']);
  });
  it('prints a human-readable report', async () => {
    const { io, out } = capture();
    expect(await runEval(['--train', fixture('eval-small.csv'), '--test', fixture('eval-small-test.csv'), '--options', '{"features":{"minDf":1}}'], io)).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/macro-F1=/);
    expect(text).toMatch(/confusion matrix/);
    expect(text).toMatch(/ms\/message/);
  });
  it('runs grouped cross-validation', async () => {
    const { io, out } = capture();
    expect(await runEval(['--train', fixture('eval-small.csv'), '--cv', '3', '--json', '--options', '{"features":{"minDf":1}}'], io)).toBe(0);
    const r = JSON.parse(out.join(''));
    expect(r.cv).toBe(3);
    expect(r.n).toBe(12);
  });
  it('rejects bad arguments', async () => {
    const { io, err } = capture();
    expect(await runEval(['--train', fixture('eval-small.csv')], io)).toBe(2);
    expect(err.join('')).toMatch(/--test/);
    expect(await runEval(['--bogus'], capture().io)).toBe(2);
  });
});

describe('jiesu classify', () => {
  it('writes one JSON line per input line', async () => {
    const { io, out } = capture();
    async function* input() {
      yield '{"text": "3栋着火了"}\n{"text": "收到"}\n';
      yield 'not json\n{"text": "楼道灯不亮"}';
    }
    expect(await runClassify([], io, input())).toBe(0);
    const lines = out.join('').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ actionable: true, level: 'emergency', engine: 'offline' });
    expect(lines[1]).toMatchObject({ actionable: false, caseType: null });
    expect(lines[2].error).toBeDefined();
    expect(lines[3].actionable).toBe(true);
  });
});
