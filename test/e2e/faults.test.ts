/**
 * Fault tolerance with real processes: two worker processes on the same queues take one burst
 * (scale-out); one of them is killed with SIGKILL in the middle and another started in its
 * place. The burst ends with every message accounted for: one processed or ignored record per
 * inbound message, at most one case per message, every reply recorded once and delivered —
 * once, except a send the killed process had handed to the platform but not yet recorded.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SimChannel } from '../../bot/sim/sim-channel.js';
import { createKeywordClassifier } from '../../core/classification/keyword-classifier.js';
import { loadTaxonomy } from '../../app/load-taxonomy.js';
import { createSimRepository } from '../../db/repositories/sim-repository.js';
import { seedDemo } from '../../db/seed-demo.js';
import { createWorkers } from '../../workers/create-workers.js';
import { DEFAULT_DIRECT_SENDS } from '../../workers/direct-send.js';
import { createQueueBackend } from '../../workers/queue-backend.js';
import { silentLogger } from '../support/pipeline.js';
import { BURST_TEXTS, expectTranscriptMatchesSent } from '../support/faults.js';
import { startWorkerProcess, stopProcess } from '../support/spawn-worker.js';
import { createTestDatabase, eachQueueBackend, eventually } from '../support/test-database.js';

const children: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => stopProcess(c)));
});

eachQueueBackend((backend) => {
  describe('faults with real worker processes', () => {
    it('two worker processes share a burst; one is killed -9 mid-way and replaced; every message is accounted for', { timeout: 240_000 }, async () => {
      const database = await createTestDatabase();
      await seedDemo(database.db);
      const prefix = `f${randomBytes(4).toString('hex')}`;
      // This process only receives: it stores messages and queues their intake jobs.
      const queues = await createQueueBackend({ redisUrl: backend.redisUrl, databaseUrl: database.url, prefix, pgPoolSize: 5 });
      const taxonomy = await loadTaxonomy();
      const sim = new SimChannel(createSimRepository(database.db));
      const front = createWorkers({ database, queues, channels: new Map([['sim', sim]]), classifier: createKeywordClassifier(taxonomy), taxonomy, logger: silentLogger, runProcessors: false });
      await sim.start({ onMessage: async (m) => void (await front.ingest.receive(m)) });
      const env = { DATABASE_URL: database.url, QUEUE_PREFIX: prefix, REDIS_URL: backend.redisUrl ?? '' };
      try {
        const [w1, w2] = await Promise.all([startWorkerProcess(env), startWorkerProcess(env)]);
        children.push(w1!, w2!);

        const chats = (await sim.chats()).filter((c) => c.kind === 'group' && c.id.startsWith('g-hp-'));
        const speakers = chats.flatMap((c) => c.members.filter((m) => m.roles.some((r) => r.role === 'resident')).map((m) => ({ chat: c.id, from: m.id })));
        const N = 160;
        let next = 0;
        const burst = Promise.all(
          Array.from({ length: 8 }, async () => {
            while (next < N) {
              const i = next++;
              const s = speakers[i % speakers.length]!;
              await sim.post(s.chat, { from: s.from, text: `${BURST_TEXTS[i % BURST_TEXTS.length]}（${i + 1}号楼）` });
            }
          }),
        );
        const done = async () => {
          const [r] = await database.sql<{ n: number }[]>`select count(*)::int as n from inbound_messages where status in ('processed', 'ignored')`;
          return r!.n;
        };
        // Kill one worker once a good part of the burst is through, mid-job most likely.
        await eventually(async () => (await done()) >= N / 4, 60_000);
        w1!.kill('SIGKILL');
        await new Promise((r) => w1!.once('exit', r));
        const killedAt = await done();
        expect(killedAt).toBeLessThan(N);
        const w3 = await startWorkerProcess(env);
        children.push(w3);
        await burst;

        // Every message ends as exactly one processed or ignored record (stalled jobs included).
        await eventually(async () => (await done()) === N, 180_000);
        const statuses = await database.sql<{ status: string; n: number }[]>`select status::text as status, count(*)::int as n from inbound_messages group by status`;
        expect(statuses.reduce((s, r) => s + r.n, 0)).toBe(N);
        expect(statuses.filter((r) => !['processed', 'ignored'].includes(r.status))).toEqual([]);
        const [dupCase] = await database.sql<{ n: number }[]>`select count(*)::int as n from (select 1 from cases where inbound_message_id is not null group by inbound_message_id having count(*) > 1) d`;
        expect(dupCase!.n).toBe(0);
        const [caseless] = await database.sql<{ n: number }[]>`select count(*)::int as n from inbound_messages where outcome in ('case_opened', 'case_merged') and case_id is null`;
        expect(caseless!.n).toBe(0);
        const [opened] = await database.sql<{ n: number }[]>`select count(*)::int as n from inbound_messages where outcome in ('case_opened', 'case_merged')`;
        expect(opened!.n).toBeGreaterThan(N / 2);

        // Every case dispatched and announced: a dispatch the killed process cut off half-way is
        // finished by the sweeper, whose messages must be sent before the transcript is counted
        // (counted earlier, a send could land between the transcript and its record).
        await eventually(async () => {
          const [c] = await database.sql<{ n: number }[]>`select count(*)::int as n from cases where status = 'reported' or (status = 'dispatched' and announced_at is null)`;
          return c!.n === 0;
        }, 120_000);
        // Every reply recorded once and delivered once.
        await eventually(async () => {
          const [p] = await database.sql<{ n: number }[]>`select count(*)::int as n from outbound_messages where status = 'pending'`;
          return p!.n === 0;
        }, 120_000);
        const [dupOut] = await database.sql<{ n: number }[]>`select count(*)::int as n from (select 1 from outbound_messages group by dedupe_key having count(*) > 1) d`;
        expect(dupOut!.n).toBe(0);
        const [failed] = await database.sql<{ n: number }[]>`select count(*)::int as n from outbound_messages where status = 'failed'`;
        expect(failed!.n).toBe(0);
        // Each new case got its "received" reply, each merged report its own reply: once each.
        const [replies] = await database.sql<{ n: number }[]>`
          select count(*)::int as n from inbound_messages i
          where (i.outcome = 'case_opened' and exists (select 1 from outbound_messages o where o.dedupe_key = 'case-received:' || i.case_id))
             or (i.outcome = 'case_merged' and exists (select 1 from outbound_messages o where o.dedupe_key = 'reply:' || i.id))`;
        expect(replies!.n).toBe(opened!.n);
        // One transcript message per sent outbound message (edits change a message in place).
        // The sends the killed process had in flight may have been taken by the platform before
        // it died unrecorded; their retries send them again under the same key, which the sim
        // shows once (at-least-once on Telegram). At most what one process has in flight: its
        // direct sends and its send jobs.
        await expectTranscriptMatchesSent(database.sql, DEFAULT_DIRECT_SENDS + 4);
      } finally {
        await sim.stop();
        await queues.close();
        await database.drop();
      }
    });
  });
});
