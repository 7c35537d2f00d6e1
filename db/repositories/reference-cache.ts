/**
 * Reference data read on every case (the org tree, departments, people's names) changes only by
 * seeding or an operator, so each process keeps what it read for a short while instead of
 * asking the database again for every case. A failed read is not kept.
 */
export const REFERENCE_TTL_MS = 30_000;

/** `load()`, re-read at most every `ttlMs`; concurrent callers share one read. */
export function cachedFor<T>(ttlMs: number, load: () => PromiseLike<T>, clock: () => number = Date.now): () => Promise<T> {
  let value: Promise<T> | undefined;
  let readAt = 0;
  return () => {
    const now = clock();
    if (!value || now - readAt > ttlMs) {
      readAt = now;
      // Resolved once here: a query builder is a thenable that would run again on every await.
      const p = Promise.resolve(load());
      value = p;
      p.catch(() => {
        if (value === p) value = undefined;
      });
    }
    return value;
  };
}

/** `load(key)` for keys whose answer never changes once found (`null`/`undefined` are not kept). */
export function cachedByKey<K, V>(load: (key: K) => PromiseLike<V>, limit = 50_000): (key: K) => Promise<V> {
  return cachedByKeyFor(Infinity, load, limit);
}

/**
 * `load(key)`, an answer once found kept for `ttlMs` (`null`/`undefined` are not kept: what
 * does not exist yet is asked again next time).
 */
export function cachedByKeyFor<K, V>(ttlMs: number, load: (key: K) => PromiseLike<V>, limit = 50_000, clock: () => number = Date.now): (key: K) => Promise<V> {
  const found = new Map<K, { v: V; at: number }>();
  return async (key) => {
    const hit = found.get(key);
    if (hit && clock() - hit.at <= ttlMs) return hit.v;
    const v = await load(key);
    if (v !== null && v !== undefined) {
      if (found.size >= limit) found.clear();
      found.set(key, { v, at: clock() });
    } else found.delete(key);
    return v;
  };
}
