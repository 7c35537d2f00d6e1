import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { describe, inject } from 'vitest';
import { connectDatabase, migrateDatabase, type Database } from '../../db/client.js';

/** A fresh, migrated database for one test file, dropped at the end. */
export async function createTestDatabase(opts: { migrate?: boolean } = {}): Promise<Database & { drop(): Promise<void> }> {
  const adminUrl = inject('pgAdminUrl');
  const name = `t_${randomBytes(5).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  if (opts.migrate !== false) await migrateDatabase(url);
  const database = connectDatabase(url);
  return {
    ...database,
    async drop() {
      await database.close();
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

export const redisUrl = (): string | null => inject('redisUrl');

/** The queue backends to run a suite on: PostgreSQL always, Redis where it is installed. */
export function queueBackends(): { name: 'postgres' | 'redis'; redisUrl?: string }[] {
  const url = redisUrl();
  return [{ name: 'postgres' }, ...(url ? [{ name: 'redis' as const, redisUrl: url }] : [])];
}

/**
 * Declares a suite once per queue backend. The Redis variant is reported as skipped (not
 * silently dropped) where redis-server is missing.
 */
export function eachQueueBackend(fn: (backend: { name: 'postgres' | 'redis'; redisUrl?: string }) => void): void {
  const url = redisUrl();
  for (const name of ['postgres', 'redis'] as const) {
    describe.skipIf(name === 'redis' && !url)(`on the ${name} queue backend`, () =>
      fn({ name, redisUrl: name === 'redis' ? (url ?? undefined) : undefined }),
    );
  }
}

/** Poll until `check` returns a truthy value (async work finishing, never a timer under test). */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
