/**
 * Starts the real parts the suite shares: one embedded PostgreSQL (each test file creates
 * its own database in it) and, where `redis-server` is installed, one Redis on a free port.
 * JIESU_REQUIRE_REDIS=1 (set by .ci/run) turns a missing Redis into a failure.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openEmbeddedPostgres, type EmbeddedDatabase } from '../../db/embedded-postgres.js';
import { startLocalRedis } from './local-redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    redisUrl: string | null;
  }
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(tmpdir(), 'jiesu-test-'));
  const pg: EmbeddedDatabase = await openEmbeddedPostgres({ dataDir: dir, longRunning: true });
  const redis = await startLocalRedis();
  if (!redis) {
    if (process.env.JIESU_REQUIRE_REDIS === '1') {
      await pg.stop();
      throw new Error('JIESU_REQUIRE_REDIS=1 but redis-server is not installed (apt-get install -y redis-server)');
    }
    process.stdout.write(
      '\n⚠ redis-server not found: the Redis-backed tests are SKIPPED (the PostgreSQL queue backend is tested).\n' +
        '  Install it (apt-get install -y redis-server) to run them.\n\n',
    );
  }
  // The admin URL points at the `postgres` database; each test file creates its own.
  project.provide('pgAdminUrl', pg.url.replace(/\/jiesu$/, '/postgres'));
  project.provide('redisUrl', redis?.url ?? null);
  return async () => {
    redis?.proc.kill('SIGTERM');
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
