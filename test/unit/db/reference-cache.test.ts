import { describe, expect, it } from 'vitest';
import { cachedByKey, cachedByKeyFor, cachedFor } from '../../../db/repositories/reference-cache.js';

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

describe('keyed reference cache with a time limit', () => {
  it('keeps what it found for the period, asks again after it, and never keeps an absence', async () => {
    let t = 0;
    const chats = new Map<number, string>([[1, 'd-1']]);
    const calls: number[] = [];
    const get = cachedByKeyFor(
      1000,
      async (k: number) => {
        calls.push(k);
        return chats.get(k);
      },
      10,
      () => t,
    );
    expect(await get(1)).toBe('d-1');
    chats.set(1, 'd-1-telegram'); // a newer direct chat
    t = 500;
    expect(await get(1)).toBe('d-1'); // within the period
    t = 1600;
    expect(await get(1)).toBe('d-1-telegram'); // after it
    expect(await get(2)).toBeUndefined();
    chats.set(2, 'd-2');
    expect(await get(2)).toBe('d-2'); // an absence was not kept
    expect(calls).toEqual([1, 1, 2, 2]);
  });
});
