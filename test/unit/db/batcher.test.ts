import { describe, expect, it } from 'vitest';
import { createBatcher } from '../../../db/repositories/batcher.js';

describe('micro-batcher', () => {
  it('runs the calls made in the same turn as one batch, each caller getting its own result', async () => {
    const batches: number[][] = [];
    const double = createBatcher<number, number>(async (xs) => {
      batches.push(xs);
      return xs.map((x) => x * 2);
    });
    const results = await Promise.all([double(1), double(2), double(3)]);
    expect(results).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
    // A later call is a batch of its own.
    expect(await double(5)).toBe(10);
    expect(batches).toEqual([[1, 2, 3], [5]]);
  });

  it('flushes at the size limit', async () => {
    const sizes: number[] = [];
    const id = createBatcher<number, number>(
      async (xs) => {
        sizes.push(xs.length);
        return xs;
      },
      { maxSize: 2 },
    );
    await Promise.all([1, 2, 3, 4, 5].map((x) => id(x)));
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('fails every caller of a batch whose statement fails, and the next batch runs afresh', async () => {
    let fail = true;
    const run = createBatcher<number, number>(async (xs) => {
      if (fail) throw new Error('database went away');
      return xs;
    });
    const settled = await Promise.allSettled([run(1), run(2)]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await run(3)).toBe(3);
  });

  it('fails the batch when the statement returns the wrong number of results', async () => {
    const short = createBatcher<number, number>(async (xs) => xs.slice(1));
    await expect(Promise.all([short(1), short(2)])).rejects.toThrow(/2 items/);
  });
});
