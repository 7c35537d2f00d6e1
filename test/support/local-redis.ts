import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort } from '../../db/embedded-postgres.js';

/**
 * A throw-away redis-server on a free loopback port (or `port`, to restart one where it was),
 * without persistence, for the test run and the benchmarks.
 * Null when redis-server is not installed; throws when it is but does not start.
 */
export async function startLocalRedis(opts: { port?: number } = {}): Promise<{ url: string; proc: ChildProcess } | null> {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  if (!found) return null;
  const port = opts.port ?? (await freePort());
  const proc = spawn(found, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const { Redis } = await import('ioredis');
  const until = Date.now() + 10_000;
  for (;;) {
    const r = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => {}); // refused until redis-server listens
    try {
      await r.connect();
      await r.ping();
      r.disconnect();
      return { url: `redis://127.0.0.1:${port}`, proc };
    } catch {
      r.disconnect();
      if (Date.now() > until) {
        proc.kill('SIGTERM');
        throw new Error('redis-server did not start');
      }
      await new Promise((res) => setTimeout(res, 100));
    }
  }
}
