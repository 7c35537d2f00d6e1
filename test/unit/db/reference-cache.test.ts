import { describe, expect, it } from 'vitest';
import { cachedByKey, cachedFor } from '../../../db/repositories/reference-cache.js';

describe('reference cache', () => {
  it('reads once per period, shares one read between concurrent callers, and re-reads after it', async () => {
    let t = 0;
    let reads = 0;
    const get = cachedFor(1000, async () => ++reads, () => t);
    expect(await Promise.all([get(), get(), get()])).toEqual([1, 1, 1]);
    t = 1000;
    expect(await get()).toBe(1);
    t = 1001;
    expect(await get()).toBe(2);
    expect(reads).toBe(2);
  });

  it('does not keep a failed read', async () => {
    let fail = true;
    const get = cachedFor(60_000, async () => {
      if (fail) throw new Error('database down');
      return 'tree';
    });
    await expect(get()).rejects.toThrow('database down');
    fail = false;
    expect(await get()).toBe('tree');
  });

  it('keeps answers found per key, but not misses', async () => {
    const calls: number[] = [];
    const names = new Map([[1, '张三']]);
    const get = cachedByKey(async (id: number) => {
      calls.push(id);
      return names.get(id);
    });
    expect(await get(1)).toBe('张三');
    expect(await get(1)).toBe('张三');
    expect(await get(2)).toBeUndefined();
    names.set(2, '李四');
    expect(await get(2)).toBe('李四');
    expect(calls).toEqual([1, 2, 2]);
  });
});

describe('reference cache with a lazy thenable (a query builder runs on every then)', () => {
  it('runs the query once', async () => {
    let runs = 0;
    const builder = { then: (ok: (v: number) => unknown) => ok(++runs) };
    const get = cachedFor(60_000, () => builder as PromiseLike<number>);
    await get();
    await get();
    expect(runs).toBe(1);
  });
});
