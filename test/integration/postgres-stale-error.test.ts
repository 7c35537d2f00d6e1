/**
 * A connection whose server process ends while a query runs (a fast shutdown, a failover,
 * pg_terminate_backend) fails that query, and only that one: the next query on the same
 * connection slot reconnects and succeeds. postgres.js 3.4.9 kept the old query's error and
 * handed it to the next query (scripts/patch-postgres-js.mjs fixes it).
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/test-database.js';

describe('postgres.js after the server ends a connection', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => db.drop());

  it('fails the query that was running, then runs the next ones', async () => {
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const [{ pid }] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
      const inflight = sql`select pg_sleep(5) as slept`.then(
        () => 'resolved',
        (e: { code?: string }) => `rejected ${e.code}`,
      );
      await new Promise((r) => setTimeout(r, 200));
      await db.sql`select pg_terminate_backend(${pid})`;
      expect(await inflight).toMatch(/^rejected /);
      await new Promise((r) => setTimeout(r, 200)); // the slot is closed, not yet reconnected
      for (let i = 1; i <= 3; i++) {
        const [row] = await sql<{ i: number }[]>`select ${i}::int as i`;
        expect(row!.i).toBe(i);
      }
    } finally {
      await sql.end({ timeout: 1 });
    }
  });
});
