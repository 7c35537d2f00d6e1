/**
 * `npm run bench:startup [-- --json]`: what a newcomer feels. Runs `npm start` on a fresh data
 * directory twice (first start with initdb, then a second start reusing the data), measures
 * the time from launching it to its ready line, the resident message → bot reply latency in
 * the sim (median and p95 of 100, one at a time), and the idle RSS of the Node process and of
 * PostgreSQL.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../db/embedded-postgres.js';

const json = process.argv.includes('--json');
const log = (s: string) => {
  if (!json) process.stdout.write(`${s}\n`);
};

function rssKb(pid: number): number {
  try {
    return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) || 0;
  } catch {
    return 0;
  }
}

/** Proportional set size: shared pages split among the processes that share them. */
function pssKb(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function descendants(pid: number): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const kids = out.filter(([, ppid]) => ppid === pid).map(([p]) => p);
  return kids.flatMap((k) => [k, ...descendants(k)]);
}

async function start(dataDir: string, port: number): Promise<{ child: ChildProcess; readyMs: number }> {
  const t0 = performance.now();
  const child = spawn('npm', ['start'], {
    env: { ...process.env, JIESU_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('已就绪')) resolve({ child, readyMs: performance.now() - t0 });
    });
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => reject(new Error(`npm start exited ${code}: ${out}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(-child.pid!, 'SIGINT');
  await exited;
}

async function api(base: string, method: string, p: string, body?: unknown) {
  const res = await fetch(`${base}${p}`, { method, headers: { 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  return res.json() as Promise<any>;
}

const dataDir = await mkdtemp(path.join(tmpdir(), 'jiesu-bench-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
try {
  const first = await start(dataDir, port);
  log(`first start (initdb, migrations, seed): ${first.readyMs.toFixed(0)} ms`);
  await stop(first.child);
  const second = await start(dataDir, port);
  log(`second start: ${second.readyMs.toFixed(0)} ms`);

  const chats = (await api(base, 'GET', '/api/sim/chats')) as { id: string; members: { id: string; name: string }[] }[];
  const group = chats.find((c) => c.id === 'g-hp-yg-01')!;
  const residents = group.members.filter((m) => ['曹阳', '彭丽', '曾强'].includes(m.name));
  const texts = ['楼下垃圾桶满了没人清', '小区门口路灯不亮', '隔壁装修太吵了', '楼道里堆满了杂物', '单元门门禁坏了'];
  const latencies: number[] = [];
  for (let i = 0; i < 100; i++) {
    const from = residents[i % residents.length]!.id;
    const t0 = performance.now();
    const { id } = await api(base, 'POST', `/api/sim/chats/${group.id}/messages`, { from, text: `${texts[i % texts.length]}（第${i + 1}次反映）` });
    for (;;) {
      const msgs = (await api(base, 'GET', `/api/sim/chats/${group.id}/messages?after=${id}`)) as { from: string; replyTo?: string }[];
      if (msgs.some((m) => m.from === 'bot' && m.replyTo === id)) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    latencies.push(performance.now() - t0);
  }
  latencies.sort((a, b) => a - b);
  const p50 = latencies[49]!;
  const p95 = latencies[94]!;
  log(`resident message → reply (sim, 100 sequential): median ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms`);

  await new Promise((r) => setTimeout(r, 5000));
  const procs = descendants(second.child.pid!);
  const nodeRss = Math.max(...procs.map((p) => (execFileSync('ps', ['-o', 'comm=', '-p', String(p)], { encoding: 'utf8' }).trim() === 'node' ? rssKb(p) : 0)));
  const pgPids = execFileSync('sh', ['-c', `pgrep -f "postgres -D ${dataDir}/pg" || true`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  const pgMain = pgPids.length ? rssKb(pgPids[0]!) : 0;
  const pgAll = pgPids.flatMap((p) => [p, ...descendants(p)]).reduce((s, p) => s + pssKb(p), 0);
  log(`idle memory: Node RSS ${(nodeRss / 1024).toFixed(0)} MB; PostgreSQL postmaster RSS ${(pgMain / 1024).toFixed(0)} MB, all its processes together ${(pgAll / 1024).toFixed(0)} MB (PSS: shared memory counted once)`);
  await stop(second.child);
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ firstStartMs: Math.round(first.readyMs), secondStartMs: Math.round(second.readyMs), replyP50Ms: Math.round(p50), replyP95Ms: Math.round(p95), rssMbNodeIdle: Math.round(nodeRss / 1024), rssMbPostgresMain: Math.round(pgMain / 1024), pssMbPostgresAll: Math.round(pgAll / 1024) })}\n`,
    );
  }
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
