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
