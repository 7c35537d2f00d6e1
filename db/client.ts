import { fileURLToPath } from 'node:url';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema.js';

export type Db = PostgresJsDatabase<typeof schema>;

/** A database handle: drizzle for queries, the raw postgres.js client for the rare raw SQL. */
export interface Database {
  db: Db;
  sql: postgres.Sql;
  url: string;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

export function connectDatabase(
  url: string,
  opts: { max?: number; /** Called with every statement sent (benchmarks count them; tests explain them). */ onQuery?: (query: string, parameters: unknown[]) => void } = {},
): Database {
  const onQuery = opts.onQuery;
  const sql = postgres(url, {
    max: opts.max ?? 10,
    onnotice: () => {},
    // Reconnect within ~2 s of a database restart or failover (the driver's default backs off
    // to 20 s, leaving every job waiting that long after the database is back).
    backoff: (retries: number) => (0.5 + Math.random() / 2) * Math.min(3 ** retries / 100, 2),
    ...(onQuery ? { debug: (_connection: number, query: string, parameters: unknown[]) => onQuery(query, parameters) } : {}),
  });
  const db = drizzle(sql, { schema });
  return {
    db,
    sql,
    url,
    close: () => sql.end({ timeout: 5 }),
  };
}

/** Apply the committed drizzle-kit migrations; safe to run on every start and concurrently. */
export async function migrateDatabase(url: string): Promise<void> {
  // One connection, so the session advisory lock serialises processes that start together.
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(7234001)`;
    await migrate(drizzle(sql, { schema }), { migrationsFolder: MIGRATIONS_DIR });
    await sql`select pg_advisory_unlock(7234001)`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
