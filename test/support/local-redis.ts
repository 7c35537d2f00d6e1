import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The kernel's range for outgoing connections' local ports (and for `listen(0)`). */
function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo && hi) return [lo, hi];
  } catch {
    // not Linux: the IANA range
  }
  return [49152, 65535];
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A free port below the ephemeral range. A port from `listen(0)` is one the kernel also hands
 * out as the local port of outgoing connections and to every other test's `listen(0)`: once a
 * stopped server frees it, anyone may take it before the server is restarted there.
 */
async function freePortForRestarts(): Promise<number> {
  const [lo] = ephemeralRange();
  const from = 20_000;
  const to = Math.max(from + 1000, lo - 1);
  for (let i = 0; i < 50; i++) {
    const port = from + Math.floor(Math.random() * (to - from));
    if (await canListen(port)) return port;
  }
  throw new Error('no free port for redis-server');
}

/** The pid of the redis-server answering on `port`, or null when none answers. */
async function pidOn(port: number): Promise<number | null> {
  const { Redis } = await import('ioredis');
  const r = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => {}); // refused until redis-server listens
  try {
    await r.connect();
    const info = await r.info('server');
    return Number(/process_id:(\d+)/.exec(info)?.[1] ?? NaN);
  } catch {
    return null;
  } finally {
    r.disconnect();
  }
}

class PortTakenError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is taken by another process; redis-server could not listen there`);
    this.name = 'PortTakenError';
  }
}

async function spawnOn(binary: string, port: number): Promise<ChildProcess> {
  const proc = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  let exited = false;
  proc.once('exit', () => (exited = true));
  const until = Date.now() + 10_000;
  for (;;) {
    const pid = await pidOn(port);
    // Only our own server counts: another one answering there means the port was taken.
    if (pid === proc.pid) return proc;
    if (pid !== null || exited) {
      proc.kill('SIGTERM');
      throw new PortTakenError(port);
    }
    if (Date.now() > until) {
      proc.kill('SIGTERM');
      throw new Error('redis-server did not start');
    }
    await new Promise((res) => setTimeout(res, 100));
  }
}

/**
 * A throw-away redis-server on a free loopback port (or `port`, to restart one where it was),
 * without persistence, for the test run and the benchmarks. Its port is below the ephemeral
 * range, so a server stopped for a restart finds its port still free.
 * Null when redis-server is not installed; throws when it is but does not start.
 */
export async function startLocalRedis(opts: { port?: number } = {}): Promise<{ url: string; proc: ChildProcess } | null> {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  if (!found) return null;
  for (let attempt = 0; ; attempt++) {
    const port = opts.port ?? (await freePortForRestarts());
    try {
      const proc = await spawnOn(found, port);
      return { url: `redis://127.0.0.1:${port}`, proc };
    } catch (err) {
      // a port chosen here and taken meanwhile: choose another; a given port must be that one
      if (!(err instanceof PortTakenError) || opts.port !== undefined || attempt >= 4) throw err;
    }
  }
}
