/**
 * `npm run bench:notice [-- --json] [--groups 2000] [--rate 50] [--burst 5] [--latency 10] [--redis <url>] [--no-restart]`
 *
 * One notice to N groups through a channel that enforces a configured rate (a token bucket;
 * a send over the rate is refused with a retryable 429). The notice pace is set to that rate.
 * Half-way through, the workers and queues are stopped (running jobs finish, as on a normal
 * shutdown) and fresh ones started on the same database and queue backend; the run ends when
 * every group has its notice. Reports the achieved rate (first to last accepted send, the
 * restart included), duplicates (a group that got the notice twice) and missing groups.
 * A fresh embedded PostgreSQL in a temporary directory; Redis only with --redis / REDIS_URL.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { eq, sql } from 'drizzle-orm';
import { createKeywordClassifier } from '../core/classification/keyword-classifier.js';
import { ChannelSendError, type ChannelCapabilities, type ChatChannel, type OutboundMessage, type SendResult } from '../core/messaging/channel.js';
import { TokenBucket } from '../core/notices/pacing.js';
import { resolveScope } from '../core/notices/scope.js';
import { connectDatabase, migrateDatabase } from '../db/client.js';
import { openEmbeddedPostgres } from '../db/embedded-postgres.js';
import { createNoticeRepository } from '../db/repositories/notice-repository.js';
import { chatMembers, chats, noticeDeliveries, notices, orgNodes, people, roleAssignments } from '../db/schema.js';
import { loadTaxonomy } from '../app/load-taxonomy.js';
import { createWorkers, type Workers } from '../workers/create-workers.js';
import { createQueueBackend, type QueueBackend } from '../workers/queue-backend.js';

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    groups: { type: 'string', default: '2000' },
    rate: { type: 'string', default: '50' },
    latency: { type: 'string', default: '10' },
    burst: { type: 'string' },
    redis: { type: 'string' },
    'no-restart': { type: 'boolean', default: false },
  },
});
const GROUPS = Number(args.groups);
const RATE = Number(args.rate);
const LATENCY_MS = Number(args.latency);
const REDIS_URL = args.redis ?? process.env.REDIS_URL ?? undefined;
/** The channel's bucket: 100 ms worth of messages back to back, no more. */
const BURST = args.burst ? Number(args.burst) : Math.max(1, Math.round(RATE / 10));
if (!(GROUPS > 0) || !(RATE > 0) || !(LATENCY_MS >= 0)) throw new Error('--groups and --rate must be positive, --latency not negative');
const log = (line: string) => process.stdout.write(`${line}\n`);
const silent = { info() {}, warn() {}, error() {}, debug() {} };

/** A platform that takes at most RATE messages/s (bursts of BURST) and counts what it got. */
class RateEnforcingChannel implements ChatChannel {
  readonly name = 'sim' as const;
  readonly capabilities: ChannelCapabilities = { buttons: true, edit: false, photos: true, maxTextLength: 4096 };
  readonly received = new Map<string, number>();
  readonly acceptedAt: number[] = [];
  rejected = 0;
  private readonly bucket: TokenBucket;
  private seq = 0;
  constructor(rate: number, burst: number) {
    this.bucket = new TokenBucket(rate, burst, performance.now());
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async send(m: OutboundMessage): Promise<SendResult> {
    if (LATENCY_MS) await new Promise((r) => setTimeout(r, LATENCY_MS * (0.5 + Math.random())));
    const wait = this.bucket.take(performance.now());
    if (wait > 0) {
      this.rejected++;
      throw new ChannelSendError('429 Too Many Requests', true, wait);
    }
    this.acceptedAt.push(performance.now());
    this.received.set(m.chatId, (this.received.get(m.chatId) ?? 0) + 1);
    return { messageId: String(++this.seq) };
  }
  async edit(): Promise<void> {}
}

async function seedGroups(db: ReturnType<typeof connectDatabase>['db']) {
  const [street] = await db.insert(orgNodes).values({ code: 'bench', name: '压测街道', level: 'street' }).returning();
  const communities = await db
    .insert(orgNodes)
    .values(Array.from({ length: 20 }, (_, i) => ({ code: `bench-${i}`, name: `压测社区${i}`, level: 'community' as const, parentId: street!.id })))
    .returning();
  const [manager] = await db.insert(people).values({ displayName: '压测管理员' }).returning();
  await db.insert(roleAssignments).values({ personId: manager!.id, role: 'manager', nodeId: street!.id });
  const [dm] = await db.insert(chats).values({ channel: 'sim', platformChatId: `d-${manager!.id}`, kind: 'direct', personId: manager!.id }).returning();
  const residents = await db
    .insert(people)
    .values(Array.from({ length: GROUPS }, (_, i) => ({ displayName: `居民${i}` })))
    .returning({ id: people.id });
  for (let i = 0; i < GROUPS; i += 1000) {
    const rows = await db
      .insert(chats)
      .values(
        Array.from({ length: Math.min(1000, GROUPS - i) }, (_, k) => ({
          channel: 'sim',
          platformChatId: `bench-g-${i + k}`,
          kind: 'group' as const,
          title: `压测群${i + k}`,
          nodeId: communities[(i + k) % communities.length]!.id,
          purpose: 'residents' as const,
        })),
      )
      .returning({ id: chats.id });
    await db.insert(chatMembers).values(rows.map((r, k) => ({ chatId: r.id, personId: residents[i + k]!.id })));
  }
  return { managerId: manager!.id, dmId: dm!.id };
}

async function main() {
  const dir = await mkdtemp(path.join(tmpdir(), 'jiesu-bench-notice-'));
  const pg = await openEmbeddedPostgres({ dataDir: dir, longRunning: true });
  const database = connectDatabase(pg.url, { max: 30 });
  let queues: QueueBackend | undefined;
  try {
    await migrateDatabase(pg.url);
    const { managerId, dmId } = await seedGroups(database.db);
    const repo = createNoticeRepository(database.db);
    const scope = resolveScope('全部', await repo.snapshot(), { personId: managerId, roots: [(await database.db.select().from(orgNodes).where(eq(orgNodes.code, 'bench')))[0]!.id] });
    if (!scope.ok || scope.chatIds.length !== GROUPS) throw new Error(`scope resolved to ${scope.ok ? scope.chatIds.length : scope.message}`);

    const channel = new RateEnforcingChannel(RATE, BURST);
    const taxonomy = await loadTaxonomy();
    const prefix = `bench${Date.now()}`;
    const boot = async (): Promise<Workers> => {
      queues = await createQueueBackend({ redisUrl: REDIS_URL, databaseUrl: pg.url, prefix, pgPoolSize: 30 });
      const w = createWorkers({
        database,
        queues,
        channels: new Map([['sim', channel]]),
        classifier: createKeywordClassifier(taxonomy),
        taxonomy,
        logger: silent,
        concurrency: 2,
        retryDelayMs: 200,
        notices: { pace: { sim: { ratePerSecond: RATE } } },
      });
      await w.start();
      return w;
    };
    log(`bench:notice — ${GROUPS} groups, configured rate ${RATE}/s (channel burst ${BURST}), queue backend ${REDIS_URL ? 'redis' : 'postgres'}, send latency ~${LATENCY_MS} ms`);
    let workers = await boot();

    const [notice] = await database.db
      .insert(notices)
      .values({ authorPersonId: managerId, draftChatId: dmId, text: '压测通知：请各群知悉。', scope: scope.scope, needsAck: true, status: 'scheduled', scheduledAt: new Date() })
      .returning();
    const started = performance.now();
    await workers.notices.enqueueFanout(notice!.id, 0);

    const sentCount = async () =>
      (
        await database.db
          .select({ n: sql<number>`count(*)::int` })
          .from(noticeDeliveries)
          .where(sql`${noticeDeliveries.noticeId} = ${notice!.id} and ${noticeDeliveries.status} <> 'pending'`)
      )[0]!.n;
    let restartAt: number | null = null;
    let restartMs = 0;
    const deadline = Date.now() + Math.max(120_000, (GROUPS / RATE) * 3000);
    for (;;) {
      const done = (await database.db.select({ s: notices.status }).from(notices).where(eq(notices.id, notice!.id)))[0]!.s === 'sent';
      if (done) break;
      if (Date.now() > deadline) throw new Error('the notice did not finish in time');
      if (restartAt === null && !args['no-restart'] && channel.acceptedAt.length >= GROUPS / 2) {
        const t0 = performance.now();
        restartAt = await sentCount();
        log(`forced restart after ${channel.acceptedAt.length} sends: stopping workers and queues …`);
        await queues!.close();
        workers = await boot();
        restartMs = performance.now() - t0;
        log(`… fresh workers running again after ${Math.round(restartMs)} ms`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const accepted = channel.acceptedAt;
    const spanS = accepted.length > 1 ? (accepted.at(-1)! - accepted[0]!) / 1000 : 0;
    const achievedRate = spanS > 0 ? (accepted.length - 1) / spanS : 0;
    const duplicates = [...channel.received.values()].reduce((s, n) => s + Math.max(0, n - 1), 0);
    const missing = GROUPS - channel.received.size;
    const failed = (await database.db.select({ n: sql<number>`count(*)::int` }).from(noticeDeliveries).where(sql`${noticeDeliveries.noticeId} = ${notice!.id} and ${noticeDeliveries.status} = 'failed'`))[0]!.n;
    const result = {
      groups: GROUPS,
      configuredRate: RATE,
      channelBurst: BURST,
      achievedRate: Math.round(achievedRate * 100) / 100,
      ratio: Math.round((achievedRate / RATE) * 1000) / 1000,
      duplicates,
      missing,
      failed,
      rejectedByRateLimit: channel.rejected,
      restartAfterSent: restartAt,
      restartMs: Math.round(restartMs),
      durationSeconds: Math.round((performance.now() - started) / 10) / 100,
      queueBackend: REDIS_URL ? 'redis' : 'postgres',
    };
    log(`sent ${accepted.length} messages to ${channel.received.size}/${GROUPS} groups in ${result.durationSeconds} s`);
    log(`achieved rate ${result.achievedRate}/s = ${(result.ratio * 100).toFixed(1)}% of the configured ${RATE}/s (target ≥ 90%)`);
    log(`duplicates ${duplicates}, missing ${missing}, failed ${failed}, refused by the channel's rate limit ${channel.rejected}`);
    const ok = result.ratio >= 0.9 && duplicates === 0 && missing === 0 && failed === 0;
    log(ok ? 'PASS' : 'FAIL');
    if (args.json) log(JSON.stringify(result));
    process.exitCode = ok ? 0 : 1;
  } finally {
    await queues?.close().catch(() => {});
    await database.close().catch(() => {});
    await pg.stop().catch(() => {});
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}

main().catch((err) => {
  process.stderr.write(`bench:notice failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
