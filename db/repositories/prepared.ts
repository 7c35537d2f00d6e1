/**
 * A statement that drizzle builds once. drizzle turns a query builder into SQL text at every
 * call, 40–400 µs of CPU for a statement of a wide table, more than the driver and the server
 * spend on it; a statement on the path of every message is built on first use instead, with
 * `sql.placeholder(name)` where the values go, and then only run. A placeholder compared with a
 * column is sent as given (no column mapping: times as ISO text); in `insert … values` it is
 * mapped as its column (JSON stringified, so pass SQL NULL through a `::jsonb` cast instead).
 * Inside a transaction: `preparedOnceInTx`.
 */
export function preparedOnce<P extends Record<string, unknown>, R>(build: () => { execute(values?: P): Promise<R> }): (values: P) => Promise<R> {
  let q: { execute(values?: P): Promise<R> } | undefined;
  return (values) => (q ??= build()).execute(values);
}

interface DrizzleTx {
  session?: { client?: unknown };
}

/**
 * `preparedOnce` for a statement inside a transaction: built once on the pool, each run sent on
 * the transaction's connection (drizzle's postgres.js transaction holds it as its session's
 * client; a prepared query sends its SQL through its `client`).
 */
export function preparedOnceInTx<P extends Record<string, unknown>, R>(build: () => { execute(values?: P): Promise<R> }): (tx: unknown, values: P) => Promise<R> {
  let q: { execute(values?: P): Promise<R> } | undefined;
  return async (tx, values) => {
    q ??= build();
    const client = (tx as DrizzleTx).session?.client;
    if (!client || !('client' in q)) throw new PreparedInTransactionError('not a drizzle postgres.js transaction, or drizzle changed how it holds its connection');
    return (Object.create(q, { client: { value: client } }) as typeof q).execute(values);
  };
}

export class PreparedInTransactionError extends Error {
  override name = 'PreparedInTransactionError';
}
