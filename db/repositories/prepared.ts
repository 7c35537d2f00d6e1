/**
 * A statement that drizzle builds once. drizzle turns a query builder into SQL text at every
 * call, 40–200 µs of CPU for a statement of a wide table (with the result mapping set up for
 * each call too); a statement on the path of every message is built on first use instead, with
 * `sql.placeholder(name)` where the values go, and then only run. Not for statements inside a
 * transaction (a prepared query belongs to the connection pool it was built on).
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
