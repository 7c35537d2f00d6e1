/**
 * Starts the real parts the suite shares: one embedded PostgreSQL (each test file creates
 * its own database in it) and, where `redis-server` is installed, one Redis on a free port.
 * JIESU_REQUIRE_REDIS=1 (set by .ci/run) turns a missing Redis into a failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openEmbeddedPostgres, type EmbeddedDatabase } from '../../db/embedded-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    redisUrl: string | null;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startRedis(): Promise<{ url: string; proc: ChildProcess } | null> {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  if (!found) return null;
  const port = await freePort();
  const proc = spawn(found, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const { Redis } = await import('ioredis');
  const until = Date.now() + 10_000;
  for (;;) {
    const r = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await r.connect();
      await r.ping();
      r.disconnect();
      return { url: `redis://127.0.0.1:${port}`, proc };
    } catch {
      r.disconnect();
      if (Date.now() > until) throw new Error('redis-server did not start');
      await new Promise((res) => setTimeout(res, 100));
    }
  }
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(tmpdir(), 'jiesu-test-'));
  const pg: EmbeddedDatabase = await openEmbeddedPostgres({ dataDir: dir, longRunning: true });
  const redis = await startRedis();
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
