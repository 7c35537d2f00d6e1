/**
 * Micro-batching: calls made by concurrent jobs in the same turn of the event loop become one statement
 * (one round trip, one socket write, one plan) instead of one each. Each caller gets its own
 * result; if the statement fails, every caller in the batch gets the error (their jobs retry).
 */
export interface BatcherOptions {
  /** Flush at this many items. */
  maxSize?: number;
}

export function createBatcher<I, O>(run: (items: I[]) => Promise<O[]>, opts: BatcherOptions = {}): (item: I) => Promise<O> {
  const maxSize = opts.maxSize ?? 100;
  let pending: { item: I; resolve(o: O): void; reject(e: unknown): void }[] = [];
  let timer: NodeJS.Immediate | undefined;

  const flush = () => {
    if (timer !== undefined) clearImmediate(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    if (!batch.length) return;
    run(batch.map((b) => b.item)).then(
      (out) => {
        if (out.length !== batch.length) {
          const err = new Error(`batch returned ${out.length} results for ${batch.length} items`);
          for (const b of batch) b.reject(err);
          return;
        }
        batch.forEach((b, i) => b.resolve(out[i]!));
      },
      (err: unknown) => {
        for (const b of batch) b.reject(err);
      },
    );
  };

  return (item: I) =>
    new Promise<O>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      if (pending.length >= maxSize) flush();
      else timer ??= setImmediate(flush);
    });
}
