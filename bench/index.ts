/**
 * `npm run bench [-- --json] [--count-sql] [--trace-sql] [--pg-stats] [--history N] [--worker-processes N] [--messages 2000] [--rate 100] [--seconds 10] [--concurrency 8] [--intake-concurrency 32] [--no-redis] [--only postgres|redis]`
 *
 * The pipeline's speed, each figure beside its ceiling measured in the same run:
 * - intake: residents' messages posted to the sim channel in-process (SimChannel.post → ingest
 *   → intake job: classify with the offline engine → case opened → reply queued), on the
 *   PostgreSQL queue backend and on Redis. Sustained cases/s with as many messages in flight
 *   as the producers can push, and p50/p99 latency (post → intake job completed, i.e. the
 *   reply recorded and handed over for sending: sent directly, or its send job queued) at a fixed offered load (--rate messages/s for
 *   --seconds). Beside it the raw BullMQ throughput of no-op jobs on the same backend, added
 *   with the same options and the same worker concurrency: the ceiling, and the ratio.
 * - classification: messages/s of the offline classifier on one core (this thread).
 * - RSS of this Node process at idle (everything started, no load) and its peak under load.
 *
 * Everything else (dispatch jobs, reply sends into the sim transcript, the sweeper) runs as in
 * production, in this process. A fresh embedded PostgreSQL in a temporary directory; Redis
 * from REDIS_URL, or a redis-server started on a free port where installed (else skipped).
 */
import type { ChildProcess } from 'node:child_process';
import { readFile, readdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import type { Job } from 'bullmq';
import { loadDefaultClassifier } from '../app/classifier/load-default-classifier.js';
import { DEFAULT_PROMPTS_DIR, loadTaxonomy } from '../app/load-taxonomy.js';
import { SimChannel } from '../bot/sim/sim-channel.js';
import type { Classifier } from '../core/classification/types.js';
import { connectDatabase, migrateDatabase } from '../db/client.js';
import { openEmbeddedPostgres } from '../db/embedded-postgres.js';
import { startLocalRedis } from '../test/support/local-redis.js';
import { fillHistory } from './support/history.js';
import { postmasterPid, processTreeCpuSeconds } from './support/process-cpu.js';
import { startWorkerProcess, stopProcess } from '../test/support/spawn-worker.js';
import { createSimRepository } from '../db/repositories/sim-repository.js';
import { seedDemo } from '../db/seed-demo.js';
import { createWorkers } from '../workers/create-workers.js';
import { DEFAULT_INTAKE_CONCURRENCY, jobOptionsFor, QUEUES } from '../workers/jobs.js';
import { createQueueBackend, type QueueBackend, type QueueBackendName } from '../workers/queue-backend.js';

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    messages: { type: 'string', default: '2000' },
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
    'intake-concurrency': { type: 'string', default: String(DEFAULT_INTAKE_CONCURRENCY) },
    producers: { type: 'string', default: '64' },
    'no-redis': { type: 'boolean', default: false },
    only: { type: 'string' },
    'trace-sql': { type: 'boolean', default: false },
    'count-sql': { type: 'boolean', default: false },
    pool: { type: 'string', default: '10' },
    'worker-processes': { type: 'string', default: '0' },
    'pg-stats': { type: 'boolean', default: false },
    history: { type: 'string', default: '0' },
  },
});
const MESSAGES = Number(args.messages);
const COUNT_SQL = Boolean(args['count-sql'] || args['trace-sql']);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
/** Jobs at once on the other queues (WORKER_CONCURRENCY). */
const CONCURRENCY = Number(args.concurrency);
/** Intake jobs at once (INTAKE_CONCURRENCY); the no-op ceiling runs at the same concurrency. */
const INTAKE_CONCURRENCY = Number(args['intake-concurrency']);
const PRODUCERS = Number(args.producers);
/** Earlier messages (and their cases) in the database before the bench starts: a year in use. */
const HISTORY = Number(args.history);
if (!Number.isInteger(HISTORY) || HISTORY < 0) throw new Error('--history must be 0 or more');
/** 0: the workers run in this process; N: in N worker processes (scale-out), this one only receives. */
const WORKER_PROCESSES = Number(args['worker-processes']);
if (!Number.isInteger(WORKER_PROCESSES) || WORKER_PROCESSES < 0) throw new Error('--worker-processes must be 0 or more');
if (![MESSAGES, RATE, SECONDS, CONCURRENCY, INTAKE_CONCURRENCY, PRODUCERS].every((n) => Number.isFinite(n) && n > 0)) throw new Error('numeric options must be positive');

const log = (line: string) => {
  if (!args.json) process.stdout.write(`${line}\n`);
};
const silent = { info() {}, warn() {}, error() {}, debug() {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** REDIS_URL, else a throw-away redis-server on a free port, else null (with the reason). */
async function redisForBench(): Promise<{ url: string; proc?: ChildProcess } | { skipped: string }> {
  if (args['no-redis']) return { skipped: '--no-redis' };
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL };
  try {
    return (await startLocalRedis()) ?? { skipped: 'REDIS_URL is unset and redis-server is not installed (apt-get install -y redis-server)' };
  } catch (err) {
    return { skipped: String(err) };
  }
}

/** Residents' reports: the labelled actionable examples, varied so most open their own case. */
async function residentTexts(): Promise<{ reports: string[]; all: string[] }> {
  const dir = path.join(DEFAULT_PROMPTS_DIR, 'examples');
  const reports: string[] = [];
  const all: string[] = [];
  for (const f of (await readdir(dir)).filter((n) => n.endsWith('.jsonl'))) {
    for (const line of (await readFile(path.join(dir, f), 'utf8')).split('\n')) {
      if (!line.trim()) continue;
      const { text, label } = JSON.parse(line) as { text: string; label: string };
      all.push(text);
      if (label !== 'chatter') reports.push(text);
    }
  }
  return { reports, all };
}

const PLACES = ['东门', '西门', '南门', '北门', '幼儿园旁', '菜市场边', '停车场', '健身广场', '地下车库', '快递柜旁', '篮球场', '公交站'];

function classifyBench(classifier: Classifier, texts: string[]): Promise<number> {
  return (async () => {
    for (const t of texts.slice(0, 50)) await classifier.classify(t); // warm-up
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < 2000) {
      await classifier.classify(texts[n % texts.length]!);
      n++;
    }
    return n / ((performance.now() - t0) / 1000);
  })();
}

interface IntakeResult {
  backend: QueueBackendName;
  casesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  noopJobsPerSecond: number;
  ratio: number;
  saturatedP50Ms: number;
  saturatedP99Ms: number;
  cpuMsPerMessage: number;
  /** Only with --count-sql or --trace-sql. */
  sqlPerMessage: number | null;
  coresBusy: { node: number; postgres: number | null; redis: number | null };
  opened: number;
  merged: number;
  ignored: number;
  failed: number;
  offeredRate: number;
  achievedRate: number;
}

async function benchBackend(opts: {
  backend: QueueBackendName;
  adminUrl: string;
  redisUrl?: string;
  classifier: Classifier;
  texts: string[];
  rss: { sample(): void; idle?: number };
  /** Server processes whose CPU is reported beside this one's (null pid: unknown). */
  servers: { postgres: number | null; redis: number | null };
  /** Where the worker processes find the trained model. */
  modelCacheDir: string;
}): Promise<IntakeResult> {
  const { backend } = opts;
  const name = `bench_${backend}_${Date.now()}`;
  const admin = postgres(opts.adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = opts.adminUrl.replace(/\/postgres$/, `/${name}`);
  await migrateDatabase(url);
  const statements = new Map<string, number>();
  let statementCount = 0;
  // Counting statements hooks the driver's debug callback, which makes it capture a stack trace
  // for every statement (tens of µs each): off unless asked for, so the CPU figures are the
  // production ones.
  const database = connectDatabase(url, {
    max: Number(args.pool),
    ...(COUNT_SQL
      ? {
          onQuery: (q: string) => {
            statementCount++;
            if (args['trace-sql']) statements.set(q, (statements.get(q) ?? 0) + 1);
          },
        }
      : {}),
  });
  await seedDemo(database.db);
  if (HISTORY > 0) {
    const t0 = performance.now();
    const filler = postgres(url, { max: 1, onnotice: () => {} });
    await fillHistory(filler, HISTORY).finally(() => filler.end());
    log(`  ${backend}: ${HISTORY} earlier messages filled in ${round((performance.now() - t0) / 1000)} s (--history)`);
  }
  const taxonomy = await loadTaxonomy();

  const prefix = `bench${Date.now()}`;
  const raw = await createQueueBackend({ redisUrl: opts.redisUrl, databaseUrl: url, prefix });
  const done = new Map<number, { at: number; result: string }>();
  let failed = 0;
  // The same backend, with the intake worker's completions observed.
  const queues: QueueBackend = {
    name: raw.name,
    queue: (n, d) => raw.queue(n, d),
    all: () => raw.all(),
    worker(n, p, o) {
      const w = raw.worker(n, p, o);
      if (n === QUEUES.intake) {
        w.on('completed', (job: Job, result: unknown) => done.set(Number((job.data as { inboundId: number }).inboundId), { at: performance.now(), result: String(result) }));
        w.on('failed', () => failed++);
      }
      return w;
    },
    close: () => raw.close(),
  };
  const sim = new SimChannel(createSimRepository(database.db));
  const workers = createWorkers({
    database,
    queues,
    channels: new Map([['sim', sim]]),
    classifier: opts.classifier,
    taxonomy,
    logger: silent,
    concurrency: CONCURRENCY,
    intakeConcurrency: INTAKE_CONCURRENCY,
    runProcessors: WORKER_PROCESSES === 0,
  });
  await workers.start();
  // Scale-out: the jobs run in worker processes; a message counts as done when its row is
  // finished (processed or ignored), read from the database.
  const children = await Promise.all(
    Array.from({ length: WORKER_PROCESSES }, () =>
      startWorkerProcess({ DATABASE_URL: url, REDIS_URL: opts.redisUrl ?? '', QUEUE_PREFIX: prefix, WORKER_CLASSIFIER: 'offline', MODEL_CACHE_DIR: opts.modelCacheDir, WORKER_CONCURRENCY: String(CONCURRENCY), INTAKE_CONCURRENCY: String(INTAKE_CONCURRENCY), SWEEP_INTERVAL_MS: '30000', SWEEP_GRACE_MS: '60000' }),
    ),
  );
  let polling = WORKER_PROCESSES > 0;
  const poller = (async () => {
    // Rows finished since the last look (with a margin for transactions that commit late).
    let since = new Date(0);
    while (polling) {
      const rows = await database.sql<{ id: string; outcome: string | null; processed_at: string }[]>`
        select id, outcome, processed_at from inbound_messages where processed_at >= ${new Date(since.getTime() - 5000).toISOString()}::timestamptz and status in ('processed', 'ignored')`;
      const nowPerf = performance.now();
      const nowWall = Date.now();
      for (const r of rows) {
        const at = new Date(r.processed_at); // a string here: drizzle leaves timestamps to its own mapping
        if (!done.has(Number(r.id))) done.set(Number(r.id), { at: nowPerf - (nowWall - at.getTime()), result: r.outcome ?? '' });
        if (at > since) since = at;
      }
      await sleep(50);
    }
  })();
  const inboundOf = new Map<string, number>();
  await sim.start({
    onMessage: async (m) => {
      const r = await workers.ingest.receive(m);
      inboundOf.set(m.messageId, r.inboundId);
    },
  });

  try {
    const chats = (await sim.chats()).filter((c) => c.kind === 'group' && c.id.startsWith('g-hp-') && c.members.some((m) => m.roles.some((r) => r.role === 'resident')));
    const speakers = chats.flatMap((c) => c.members.filter((m) => m.roles.some((r) => r.role === 'resident')).map((m) => ({ chat: c.id, from: m.id })));
    if (!speakers.length) throw new Error('no residents in the demo groups');
    let seq = 0;
    const nextMessage = () => {
      const i = seq++;
      const s = speakers[i % speakers.length]!;
      const text = `${Math.floor(i / 7) % 30 + 1}号楼${PLACES[i % PLACES.length]}：${opts.texts[i % opts.texts.length]}`;
      return { ...s, text };
    };
    const post = async (m: { chat: string; from: string; text: string }) => {
      const t0 = performance.now();
      const { id } = await sim.post(m.chat, { from: m.from, text: m.text });
      return { t0, inboundId: inboundOf.get(id)! };
    };
    const waitAll = async (ids: number[], timeoutMs: number) => {
      const until = Date.now() + timeoutMs;
      while (ids.some((id) => !done.has(id))) {
        if (Date.now() > until) throw new Error(`${ids.filter((id) => !done.has(id)).length} of ${ids.length} intake jobs did not finish in time (${backend})`);
        opts.rss.sample();
        await sleep(20);
      }
    };

    // Warm-up: a few messages so connections, prepared statements and JIT are hot.
    const warm = await Promise.all(Array.from({ length: 40 }, () => post(nextMessage())));
    await waitAll(warm.map((w) => w.inboundId), 60_000);
    await sleep(500);
    if (opts.rss.idle === undefined) {
      global.gc?.();
      await sleep(1000);
      opts.rss.idle = process.memoryUsage().rss;
    }

    // 1. The ceiling: no-op jobs on the same backend, same options, the intake worker's concurrency.
    const noopQueue = queues.queue('bench-noop');
    let noopDone = 0;
    queues.worker('bench-noop', async () => {}, { concurrency: INTAKE_CONCURRENCY }).on('completed', () => noopDone++);
    await sleep(300);
    const noopT0 = performance.now();
    {
      let next = 0;
      await Promise.all(
        Array.from({ length: PRODUCERS }, async () => {
          while (next < MESSAGES) {
            const i = next++;
            await noopQueue.add('noop', { i }, { ...jobOptionsFor(backend), jobId: `noop-${i}` });
          }
        }),
      );
      const until = Date.now() + 300_000;
      while (noopDone < MESSAGES) {
        if (Date.now() > until) throw new Error('no-op jobs did not finish');
        opts.rss.sample();
        await sleep(10);
      }
    }
    const noopJobsPerSecond = MESSAGES / ((performance.now() - noopT0) / 1000);
    log(`  ${backend}: no-op jobs ${round(noopJobsPerSecond, 0)}/s (${MESSAGES} jobs, concurrency ${INTAKE_CONCURRENCY})`);

    // 2. Sustained intake: MESSAGES posted by PRODUCERS concurrent producers.
    const satT0 = performance.now();
    const cpu0 = process.cpuUsage();
    const statements0 = statementCount;
    const serverCpu = async () => ({
      postgres: opts.servers.postgres ? await processTreeCpuSeconds(opts.servers.postgres) : null,
      redis: backend === 'redis' && opts.servers.redis ? await processTreeCpuSeconds(opts.servers.redis) : null,
      workers: (await Promise.all(children.map((c) => (c.pid ? processTreeCpuSeconds(c.pid) : null)))).reduce<number>((s, x) => s + (x ?? 0), 0),
    });
    const servers0 = await serverCpu();
    statements.clear();
    const pgStats = args['pg-stats'] ? postgres(url, { max: 1, onnotice: () => {} }) : null;
    if (pgStats) {
      await pgStats`create extension if not exists pg_stat_statements`;
      await pgStats`select pg_stat_statements_reset()`;
    }
    const sat: { t0: number; inboundId: number }[] = [];
    {
      let next = 0;
      await Promise.all(
        Array.from({ length: PRODUCERS }, async () => {
          while (next++ < MESSAGES) sat.push(await post(nextMessage()));
        }),
      );
    }
    await waitAll(sat.map((s) => s.inboundId), 600_000);
    const cpu = process.cpuUsage(cpu0);
    const servers1 = await serverCpu();
    const satEnd = Math.max(...sat.map((s) => done.get(s.inboundId)!.at));
    const outcomes = sat.map((s) => done.get(s.inboundId)!.result);
    const opened = outcomes.filter((o) => o === 'case_opened').length;
    const merged = outcomes.filter((o) => o === 'case_merged').length;
    const satSeconds = (satEnd - satT0) / 1000;
    const casesPerSecond = (opened + merged) / satSeconds;
    // Share of one core each side used during the burst: which one is the bottleneck.
    const share = (a: number | null, b: number | null) => (a === null || b === null ? null : round((b - a) / satSeconds, 2));
    const coresBusy = { node: round(((cpu.user + cpu.system) / 1e6 + servers1.workers - servers0.workers) / satSeconds, 2), postgres: share(servers0.postgres, servers1.postgres), redis: share(servers0.redis, servers1.redis) };
    // CPU of the Node processes (this one and any worker processes) per message (producers, intake and the dispatch and send jobs running
    // meanwhile): steadier than throughput on a machine shared with other work.
    const cpuMsPerMessage = ((cpu.user + cpu.system) / 1000 + (servers1.workers - servers0.workers) * 1000) / MESSAGES;
    // SQL statements this process sent per message (intake, dispatch, sends, timers; not the queue's own).
    const sqlPerMessage = COUNT_SQL ? (statementCount - statements0) / MESSAGES : null;
    if (args['trace-sql']) {
      for (const [q, n] of [...statements].sort((a, b) => b[1] - a[1]).slice(0, 40)) log(`    ${(n / MESSAGES).toFixed(2).padStart(6)} × ${q.replace(/\s+/g, ' ').slice(0, 160)}`);
    }
    if (pgStats) {
      const top = await pgStats<{ calls: number; ms: number; query: string }[]>`
        select calls::int, total_exec_time::float8 as ms, query from pg_stat_statements order by total_exec_time desc limit 25`;
      log(`  ${backend}: PostgreSQL execution time per message by statement (pg_stat_statements, the burst):`);
      for (const r of top) log(`    ${(r.ms / MESSAGES).toFixed(3).padStart(7)} ms ${(r.calls / MESSAGES).toFixed(2).padStart(6)} × ${r.query.replace(/\s+/g, ' ').slice(0, 150)}`);
      await pgStats.end();
    }
    const satLat = sat.map((s) => done.get(s.inboundId)!.at - s.t0).sort((a, b) => a - b);
    log(`  ${backend}: cores busy during the burst — Node ${coresBusy.node}, PostgreSQL ${coresBusy.postgres ?? '?'}${backend === 'redis' ? `, Redis ${coresBusy.redis ?? '?'}` : ''}`);
    log(`  ${backend}: intake ${round(casesPerSecond, 0)} cases/s (${opened} opened, ${merged} merged, ${MESSAGES - opened - merged} other), ${round(cpuMsPerMessage, 2)} ms Node CPU${sqlPerMessage === null ? '' : ` and ${round(sqlPerMessage, 1)} SQL statements${WORKER_PROCESSES ? ' (of this receiving process)' : ''}`} per message — latency under saturation p50 ${round(percentile(satLat, 50), 0)} ms, p99 ${round(percentile(satLat, 99), 0)} ms`);
    await sleep(1000); // let the dispatch and send jobs of the burst drain

    // 3. Fixed offered load: RATE messages/s for SECONDS.
    const total = Math.round(RATE * SECONDS);
    const fixed: Promise<{ t0: number; inboundId: number }>[] = [];
    const fixT0 = performance.now();
    for (let i = 0; i < total; i++) {
      const due = fixT0 + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      opts.rss.sample();
      fixed.push(post(nextMessage()));
    }
    const offeredRate = total / ((performance.now() - fixT0) / 1000);
    const fixedDone = await Promise.all(fixed);
    await waitAll(fixedDone.map((s) => s.inboundId), 300_000);
    const fixLat = fixedDone.map((s) => done.get(s.inboundId)!.at - s.t0).sort((a, b) => a - b);
    const fixEnd = Math.max(...fixedDone.map((s) => done.get(s.inboundId)!.at));
    const achievedRate = total / ((fixEnd - fixT0) / 1000);
    log(`  ${backend}: at ${RATE} msg/s for ${SECONDS} s: p50 ${round(percentile(fixLat, 50), 0)} ms, p99 ${round(percentile(fixLat, 99), 0)} ms`);

    return {
      backend,
      casesPerSecond: round(casesPerSecond),
      p50Ms: round(percentile(fixLat, 50)),
      p99Ms: round(percentile(fixLat, 99)),
      noopJobsPerSecond: round(noopJobsPerSecond),
      ratio: round(casesPerSecond / noopJobsPerSecond, 3),
      saturatedP50Ms: round(percentile(satLat, 50)),
      saturatedP99Ms: round(percentile(satLat, 99)),
      cpuMsPerMessage: round(cpuMsPerMessage, 2),
      sqlPerMessage: sqlPerMessage === null ? null : round(sqlPerMessage, 1),
      coresBusy,
      opened,
      merged,
      ignored: MESSAGES - opened - merged,
      failed,
      offeredRate: round(offeredRate),
      achievedRate: round(achievedRate),
    };
  } finally {
    polling = false;
    await poller.catch(() => {});
    await Promise.all(children.map((c) => stopProcess(c)));
    await sim.stop();
    await queues.close().catch(() => {});
    await database.close().catch(() => {});
  }
}

async function main() {
  const dir = await mkdtemp(path.join(tmpdir(), 'jiesu-bench-'));
  // --pg-stats: PostgreSQL's own time per statement (pg_stat_statements) during the burst.
  const pg = await openEmbeddedPostgres({ dataDir: dir, longRunning: true, settings: args['pg-stats'] ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } : undefined });
  const redis = await redisForBench();
  try {
    const taxonomy = await loadTaxonomy();
    const classifier = await loadDefaultClassifier({ promptsDir: DEFAULT_PROMPTS_DIR, engine: 'offline', taxonomy, cacheDir: path.join(dir, 'models') });
    const { reports, all } = await residentTexts();
    log(`bench — ${MESSAGES} messages sustained, ${RATE} msg/s × ${SECONDS} s fixed load, intake concurrency ${INTAKE_CONCURRENCY} (other queues ${CONCURRENCY})${WORKER_PROCESSES ? ` in each of ${WORKER_PROCESSES} worker processes` : ''}, ${PRODUCERS} producers, offline classifier, Node ${process.version}`);

    const classifyPerSecond = await classifyBench(classifier, all);
    log(`  classification (offline, one core): ${round(classifyPerSecond, 0)} msgs/s`);

    let peak = 0;
    const rss: { sample(): void; idle?: number } = {
      sample() {
        peak = Math.max(peak, process.memoryUsage().rss);
      },
    };
    const adminUrl = pg.url.replace(/\/jiesu$/, '/postgres');
    const servers = { postgres: await postmasterPid(path.join(dir, 'pg')), redis: 'proc' in redis ? (redis.proc?.pid ?? null) : null };
    const intake: IntakeResult[] = [];
    if (args.only !== 'redis') intake.push(await benchBackend({ backend: 'postgres', adminUrl, classifier, texts: reports, rss, servers, modelCacheDir: path.join(dir, 'models') }));
    if (args.only === 'postgres') log('  redis: not run (--only postgres)');
    else if ('url' in redis) intake.push(await benchBackend({ backend: 'redis', adminUrl, redisUrl: redis.url, classifier, texts: reports, rss, servers, modelCacheDir: path.join(dir, 'models') }));
    else log(`  redis: SKIPPED — ${redis.skipped}`);

    const rssMbIdle = mb(rss.idle ?? 0);
    const rssMbLoad = mb(peak);
    log('');
    log('| backend | cases/s | p50 ms @' + RATE + '/s | p99 ms @' + RATE + '/s | no-op jobs/s | ratio | saturated p50/p99 ms |');
    log('|---|---:|---:|---:|---:|---:|---:|');
    for (const r of intake) {
      log(`| ${r.backend} | ${r.casesPerSecond} | ${r.p50Ms} | ${r.p99Ms} | ${r.noopJobsPerSecond} | ${(r.ratio * 100).toFixed(1)}% | ${r.saturatedP50Ms} / ${r.saturatedP99Ms} |`);
    }
    log('');
    log(`classification: ${round(classifyPerSecond, 0)} msgs/s on one core · RSS idle ${rssMbIdle} MB, under load ${rssMbLoad} MB`);
    const redisRow = intake.find((r) => r.backend === 'redis');
    const targets = [
      ...(redisRow
        ? [
            { name: 'redis ≥ 1000 cases/s', ok: redisRow.casesPerSecond >= 1000 },
            { name: `redis p99 ≤ 500 ms at ${RATE} msg/s`, ok: redisRow.p99Ms <= 500 },
          ]
        : []),
      ...intake.map((r) => ({ name: `${r.backend} cases/s ≥ 20% of no-op jobs/s`, ok: r.ratio >= 0.2 })),
    ];
    for (const t of targets) log(`${t.ok ? 'PASS' : 'MISS'}  ${t.name}`);
    if (args.json) {
      process.stdout.write(
        `${JSON.stringify({
          intake,
          classifyPerSecond: round(classifyPerSecond),
          rssMbIdle,
          rssMbLoad,
          ...('skipped' in redis ? { redisSkipped: redis.skipped } : {}),
          settings: { messages: MESSAGES, rate: RATE, seconds: SECONDS, concurrency: CONCURRENCY, intakeConcurrency: INTAKE_CONCURRENCY, workerProcesses: WORKER_PROCESSES, producers: PRODUCERS, cpus: (await import('node:os')).cpus().length, loadAverage: (await import('node:os')).loadavg().map((l) => round(l, 2)) },
        })}\n`,
      );
    }
  } finally {
    if ('proc' in redis) redis.proc?.kill('SIGTERM');
    await pg.stop().catch(() => {});
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
