/**
 * Fault tolerance when the stores restart mid-burst.
 *
 * - Redis (Redis queue backend): a throw-away redis-server of this file's own, without
 *   persistence, stopped in the middle of a burst and started again on the same port —
 *   empty. That is the harder honest case (no AOF, a failover to an empty replica, a lost
 *   volume): every queued, delayed and active job, and the sweeper's own schedule, is gone,
 *   and only PostgreSQL remembers what is left to do. Messages keep arriving during the
 *   outage and are stored first.
 * - PostgreSQL (both queue backends; on the PostgreSQL backend the queues go down with it):
 *   a dedicated embedded PostgreSQL, stopped with a fast shutdown in the middle of a burst
 *   for longer than the jobs' retry budget and started again on the same port and data
 *   directory. The platform re-delivers every message Jiesu did not acknowledge, as Telegram
 *   retries a webhook, and nothing may be stored twice. Beside it, made exact: what an outage
 *   longer than the retries leaves behind (jobs failed for good, the failure never recorded)
 *   is picked up by the sweeper.
 *
 * BullMQ's retry delays and recovery clocks are shortened so each plays out in seconds.
 * Each ends with every message accounted for (see test/support/faults.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimChannel } from '../../bot/sim/sim-channel.js';
import { loadTaxonomy } from '../../app/load-taxonomy.js';
import { createKeywordClassifier } from '../../core/classification/keyword-classifier.js';
import type { InboundMessage } from '../../core/messaging/channel.js';
import { connectDatabase, migrateDatabase } from '../../db/client.js';
import { freePort, openEmbeddedPostgres, type EmbeddedDatabase } from '../../db/embedded-postgres.js';
import { createSimRepository } from '../../db/repositories/sim-repository.js';
import { seedDemo } from '../../db/seed-demo.js';
import { createWorkers, type WorkersOptions } from '../../workers/create-workers.js';
import { DEFAULT_DIRECT_SENDS } from '../../workers/direct-send.js';
import { createQueueBackend, type QueueBackend } from '../../workers/queue-backend.js';
import { burst, burstText, expectAllAccountedFor, finishedInbound, pause, residentSpeakers, underFaults } from '../support/faults.js';
import { startLocalRedis } from '../support/local-redis.js';
import { silentLogger } from '../support/pipeline.js';
import { createTestDatabase, eachQueueBackend, eventually, redisUrl } from '../support/test-database.js';

// FAULTS_DEBUG=1 prints what the workers log.
const logger = process.env.FAULTS_DEBUG
  ? { info() {}, debug() {}, warn: (o: object, m?: string) => console.warn(m, o), error: (o: object, m?: string) => console.error(m, o) }
  : silentLogger;

/** Short retries and a fast sweeper, so a restart plays out in seconds. */
const RETRY_DELAY_MS = 100;
const SWEEP = { sweepIntervalMs: 1000, sweepGraceMs: 1500 };
/** Six attempts, exponential: what one job can ride out before it fails for good. */
const RETRY_BUDGET_MS = [1, 2, 4, 8, 16].reduce((s, k) => s + k * RETRY_DELAY_MS, 0);
/** How long the platform waits for Jiesu to take a message before it tries again. */
const WEBHOOK_TIMEOUT_MS = 1000;

/** Workers on the sim channel with the keyword classifier, short retries and a fast sweeper. */
async function simWorkers(database: ReturnType<typeof connectDatabase>, queues: QueueBackend, sim: SimChannel, extra: Partial<WorkersOptions> = {}) {
  const taxonomy = await loadTaxonomy();
  return createWorkers({
    database,
    queues,
    channels: new Map([['sim', sim]]),
    classifier: createKeywordClassifier(taxonomy),
    taxonomy,
    logger,
    concurrency: 4,
    retryDelayMs: RETRY_DELAY_MS,
    ...SWEEP,
    ...extra,
  });
}

const stored = async (sql: ReturnType<typeof connectDatabase>['sql']) =>
  (await sql<{ n: number }[]>`select count(*)::int as n from inbound_messages`)[0]!.n;

describe.skipIf(!redisUrl())('Redis restarted mid-burst (Redis queue backend)', () => {
  it('comes back empty; every message stored before and during the outage is processed, each reply delivered once', { timeout: 90_000 }, async () => {
    let redis = (await startLocalRedis())!;
    const port = Number(new URL(redis.url).port);
    const database = await createTestDatabase();
    await seedDemo(database.db);
    const queues = await createQueueBackend({ redisUrl: redis.url, databaseUrl: database.url, prefix: `r${randomBytes(4).toString('hex')}` });
    const sim = new SimChannel(createSimRepository(database.db));
    const watched = underFaults(queues);
    const workers = await simWorkers(database, watched, sim, { enqueueWaitMs: 300 });
    try {
      await workers.start();
      await sim.start({ onMessage: async (m) => void (await workers.ingest.receive(m)) });
      const speakers = await residentSpeakers(sim);
      const say = async (i: number) => {
        const s = speakers[i % speakers.length]!;
        await sim.post(s.chat, { from: s.from, text: burstText(i) });
      };

      const BEFORE = 120;
      const DURING = 30;
      const first = burst(BEFORE, 6, say);
      await eventually(async () => (await finishedInbound(database.sql)) >= BEFORE / 4, 30_000);

      // Stop Redis. Without persistence it comes back empty: every job in it is lost.
      const exited = new Promise((r) => redis.proc.once('exit', r));
      redis.proc.kill('SIGTERM');
      await exited;
      const finishedAtStop = await finishedInbound(database.sql);
      expect(finishedAtStop).toBeLessThan(BEFORE);

      // Residents keep writing during the outage: their messages are stored in PostgreSQL
      // before anything is queued, and each post is answered after a short wait for the queue
      // (a platform's webhook is not held for the length of the outage).
      const storedAtStop = await stored(database.sql);
      const second = burst(DURING, 6, (i) => say(BEFORE + i));
      await second.done;
      expect(await stored(database.sql)).toBeGreaterThanOrEqual(storedAtStop + DURING);
      await pause(RETRY_BUDGET_MS); // longer than a job's retries: the outage is not a blip

      expect(watched.errors()).toBeGreaterThan(0); // the workers did lose their queue
      redis = (await startLocalRedis({ port }))!;
      await Promise.all([first.done, second.done]);

      await expectAllAccountedFor(database.sql, { residentMessages: BEFORE + DURING, timeoutMs: 45_000 });
    } finally {
      await sim.stop();
      await queues.close();
      await database.drop();
      redis.proc.kill('SIGTERM');
    }
  });
});

eachQueueBackend((backend) => {
  describe('PostgreSQL restarted mid-burst', () => {
    it('a message and a reply whose jobs ran out of attempts while it was down (the failure never recorded) are re-queued by the sweeper', { timeout: 60_000 }, async () => {
      // What a PostgreSQL outage longer than the retry budget leaves behind, made exact: the
      // intake job and the send job fail every attempt, and their final failure is never
      // written (the database was down), so the rows still say 'received' and 'pending' while
      // BullMQ keeps the failed jobs under the same deterministic ids.
      const database = await createTestDatabase();
      await seedDemo(database.db);
      const queues = await createQueueBackend({ redisUrl: backend.redisUrl, databaseUrl: database.url, prefix: `s${randomBytes(4).toString('hex')}`, pgPoolSize: 10 });
      const taxonomy = await loadTaxonomy();
      const keyword = createKeywordClassifier(taxonomy);
      const sim = new SimChannel(createSimRepository(database.db));
      let down = true;
      const dbDown = () => new Error('connect ECONNREFUSED (the database is down)');
      const workers = createWorkers({
        database,
        queues,
        // Stand-ins for the database calls that fail in each job while it is down.
        classifier: { classify: async (text) => (down && text.includes('路灯') ? Promise.reject(dbDown()) : keyword.classify(text)) },
        channels: new Map([
          ['sim', { name: sim.name, capabilities: sim.capabilities, start: (h) => sim.start(h), stop: () => sim.stop(), edit: (c, m, o) => sim.edit(c, m, o), send: (m) => (down && m.text.includes('您反映的问题已受理') ? Promise.reject(dbDown()) : sim.send(m)) }],
        ]),
        taxonomy,
        logger,
        concurrency: 4,
        retryDelayMs: 20,
        sweepIntervalMs: 500,
        sweepGraceMs: 500,
      });
      try {
        await workers.start();
        await sim.start({ onMessage: async (m) => void (await workers.ingest.receive(m)) });
        const [a, b] = (await residentSpeakers(sim)).slice(0, 2);
        await sim.post(a!.chat, { from: a!.from, text: '小区门口路灯不亮了好几天' });
        await sim.post(b!.chat, { from: b!.from, text: '楼下垃圾桶满了没人清运' });
        const state = async () =>
          (await database.sql<{ inbound: string; outbound: string }[]>`
            select (select string_agg(status::text, ',' order by id) from inbound_messages) as inbound,
                   (select string_agg(status::text, ',' order by id) from outbound_messages where dedupe_key like 'case-received:%') as outbound`)[0]!;
        await eventually(async () => {
          const s = await state();
          return s.inbound === 'failed,processed' && s.outbound === 'failed';
        }, 30_000);
        // The database was down when each job failed for the last time: nothing recorded it.
        await database.sql`update inbound_messages set status = 'received', error = null where status = 'failed'`;
        await database.sql`update outbound_messages set status = 'pending', error = null where status = 'failed'`;

        down = false; // PostgreSQL is back; the sweeper runs every 500 ms
        await expectAllAccountedFor(database.sql, { residentMessages: 2, timeoutMs: 20_000 });
      } finally {
        await sim.stop();
        await queues.close();
        await database.drop();
      }
    });

    it('stops (fast shutdown) for longer than the retry budget and restarts; re-delivered messages are stored once and every message is accounted for', { timeout: 90_000 }, async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'jiesu-pg-restart-'));
      const port = await freePort();
      let pg: EmbeddedDatabase = await openEmbeddedPostgres({ dataDir: dir, port, longRunning: true });
      const url = pg.url;
      await migrateDatabase(url);
      const database = connectDatabase(url);
      await seedDemo(database.db);
      const queues = await createQueueBackend({ redisUrl: backend.redisUrl, databaseUrl: url, prefix: `p${randomBytes(4).toString('hex')}`, pgPoolSize: 10 });
      const sim = new SimChannel(createSimRepository(database.db));
      const workers = await simWorkers(database, underFaults(queues, { shortLocks: true }), sim);
      // The platform delivers a message until Jiesu acknowledges it: the same message id each
      // time, as Telegram retries a webhook that failed or got no answer in time (the attempt
      // it gave up on may still complete later).
      let redeliveries = 0;
      const deliver = async (m: InboundMessage) => {
        for (;;) {
          const attempt = workers.ingest.receive(m).then(() => true);
          attempt.catch(() => {});
          if (await Promise.race([attempt.catch(() => false), pause(WEBHOOK_TIMEOUT_MS).then(() => false)])) return;
          redeliveries++;
          await pause(100);
        }
      };
      try {
        await workers.start();
        await sim.start({ onMessage: deliver });
        const speakers = await residentSpeakers(sim);
        const chats = new Map((await sim.chats()).map((c) => [c.id, c]));

        // Before: residents post through the sim. Its transcript (the platform's own record)
        // lives in the same PostgreSQL, so these posts all land before the stop.
        const BEFORE = 100;
        const first = burst(BEFORE, 6, async (i) => {
          const s = speakers[i % speakers.length]!;
          await sim.post(s.chat, { from: s.from, text: burstText(i) });
        });
        await eventually(async () => (await finishedInbound(database.sql)) >= BEFORE / 4, 45_000);
        await first.done;
        expect(await finishedInbound(database.sql)).toBeLessThan(BEFORE); // mid-burst
        await pg.stop(); // fast shutdown: open transactions roll back, committed data stays
        const stoppedAt = Date.now();

        // During: the platform keeps receiving and delivers what it got, each message twice at
        // once (two webhook deliveries racing, as behind a load balancer), until it is taken.
        const DURING = 24;
        const outage = Array.from({ length: DURING }, (_, i) => {
          const s = speakers[i % speakers.length]!;
          const chat = chats.get(s.chat)!;
          const person = chat.members.find((m) => m.id === s.from)!;
          const m: InboundMessage = {
            channel: 'sim',
            chatId: s.chat,
            chatKind: 'group',
            chatTitle: chat.title,
            messageId: `outage-${i}`,
            sender: { id: person.id, name: person.name },
            text: burstText(BEFORE + i),
            sentAt: new Date(),
          };
          return Promise.all([deliver(m), deliver({ ...m })]);
        });
        // Down for longer than a job's whole retry budget: not a blip the retries absorb.
        await pause(RETRY_BUDGET_MS + 500 - (Date.now() - stoppedAt));
        pg = await openEmbeddedPostgres({ dataDir: dir, port, longRunning: true });
        expect(pg.url).toBe(url);
        await Promise.all(outage);
        expect(redeliveries).toBeGreaterThan(0);

        // The sim's transcript is in the PostgreSQL that stopped: a send it took just as the
        // connection was cut got no answer and is sent again under its key (shown once). At most
        // the sends then in flight: the direct sends and the send jobs.
        await expectAllAccountedFor(database.sql, { residentMessages: BEFORE + DURING, timeoutMs: 45_000, resentAtMost: DEFAULT_DIRECT_SENDS + 4 });
        // Each message the platform delivered during the outage is stored once.
        const [outageRows] = await database.sql<{ n: number; distinct: number }[]>`
          select count(*)::int as n, count(distinct platform_message_id)::int as distinct from inbound_messages where platform_message_id like 'outage-%'`;
        expect(outageRows).toEqual({ n: DURING, distinct: DURING });
      } finally {
        await sim.stop();
        await queues.close();
        await database.close();
        await pg.stop();
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});
