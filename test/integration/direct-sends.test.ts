/**
 * Direct sends (workers/direct-send.ts): an outbound message goes out from the job that
 * recorded it, without a send job, where the process has the channel; a failed attempt falls
 * back to the send job and its retries; a sweeper's re-queue of a send still under way waits
 * for it, so nothing is sent twice; with direct sends off every message takes its job.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadTaxonomy } from '../../app/load-taxonomy.js';
import { createKeywordClassifier } from '../../core/classification/keyword-classifier.js';
import { ChannelSendError, type ChatChannel, type OutboundMessage } from '../../core/messaging/channel.js';
import { createOutboundRepository } from '../../db/repositories/outbound-repository.js';
import { seedDemo } from '../../db/seed-demo.js';
import { createWorkers } from '../../workers/create-workers.js';
import { sendQueueName } from '../../workers/jobs.js';
import { createQueueBackend } from '../../workers/queue-backend.js';
import { silentLogger } from '../support/pipeline.js';
import { createTestDatabase, eachQueueBackend, eventually } from '../support/test-database.js';

/** A sim-named channel whose sends the test controls: fail the first n, or hold them until released. */
function controlledChannel() {
  const sent: OutboundMessage[] = [];
  let failures = 0;
  let gate: Promise<void> | null = null;
  let release = () => {};
  const channel: ChatChannel = {
    name: 'sim',
    capabilities: { buttons: true, edit: false, photos: true, maxTextLength: 4000 },
    async start() {},
    async stop() {},
    async send(m) {
      if (failures > 0) {
        failures--;
        throw new ChannelSendError('network down for a moment', true);
      }
      if (gate) await gate;
      sent.push(m);
      return { messageId: `m-${sent.length}` };
    },
    async edit() {},
  };
  return {
    channel,
    sent,
    failNext(n: number) {
      failures = n;
    },
    hold() {
      gate = new Promise((r) => (release = r));
    },
    release() {
      gate = null;
      release();
    },
  };
}

eachQueueBackend((backend) => {
  describe(`direct sends (${backend.name})`, () => {
    async function setUp(opts: { directSends?: number; sweepGraceMs?: number } = {}) {
      const database = await createTestDatabase();
      await seedDemo(database.db);
      const taxonomy = await loadTaxonomy();
      const queues = await createQueueBackend({ redisUrl: backend.redisUrl, databaseUrl: database.url, prefix: `ds${randomBytes(4).toString('hex')}`, pgPoolSize: 10 });
      const ctl = controlledChannel();
      const workers = createWorkers({
        database,
        queues,
        channels: new Map([['sim', ctl.channel]]),
        classifier: createKeywordClassifier(taxonomy),
        taxonomy,
        logger: silentLogger,
        concurrency: 2,
        retryDelayMs: 50,
        sweepIntervalMs: 3_600_000,
        sweepGraceMs: opts.sweepGraceMs,
        directSends: opts.directSends,
      });
      await workers.start();
      const outbound = createOutboundRepository(database.db);
      const sendJobs = () => queues.queue(sendQueueName('sim')).getJobCountByTypes('waiting', 'active', 'delayed', 'completed', 'failed');
      const record = (key: string) => outbound.enqueue({ dedupeKey: key, channel: 'sim', platformChatId: 'g-room', payload: { text: key } });
      return {
        database,
        workers,
        outbound,
        ctl,
        sendJobs,
        record,
        async stop() {
          await workers.drainDirectSends();
          await queues.close();
          await database.drop();
        },
      };
    }

    it('a resident\'s report: its receipt and the task card go out with no send job', { timeout: 60_000 }, async () => {
      const t = await setUp();
      try {
        const [who] = await t.database.sql<{ id: string }[]>`select platform_user_id as id from identities where display_name = '胡晓梅' and channel = 'sim'`;
        await t.workers.ingest.receive({
          channel: 'sim',
          chatId: 'g-hp-xf-01',
          chatKind: 'group',
          messageId: 'm1',
          sender: { id: who!.id, name: '胡晓梅' },
          text: '3号楼楼道的灯坏了好几天了，晚上很黑',
          sentAt: new Date(),
        });
        await eventually(async () => {
          const [r] = await t.database.sql<{ pending: number; sent: number }[]>`select count(*) filter (where status = 'pending')::int as pending, count(*) filter (where status = 'sent')::int as sent from outbound_messages`;
          return r!.pending === 0 && r!.sent >= 2;
        });
        const texts = t.ctl.sent.map((m) => m.text);
        expect(texts.some((x) => x.includes('工单 #') && x.includes('李建国'))).toBe(true); // the receipt, naming the handler
        expect(texts.some((x) => x.includes('签收'))).toBe(true);
        expect(await t.sendJobs()).toBe(0);
      } finally {
        await t.stop();
      }
    });

    it('sends at once without a send job, and falls back to the job and its retries when the attempt fails', { timeout: 60_000 }, async () => {
      const t = await setUp();
      try {
        const first = await t.record('hello');
        await t.workers.sendRecorded({ id: first, channel: 'sim' });
        await eventually(async () => (await t.outbound.get(first))?.status === 'sent');
        expect(t.ctl.sent.map((m) => m.text)).toEqual(['hello']);
        expect(await t.sendJobs()).toBe(0);

        t.ctl.failNext(2); // the direct attempt and the job's first attempt
        const second = await t.record('retry me');
        await t.workers.sendRecorded({ channel: 'sim', id: second });
        await eventually(async () => (await t.outbound.get(second))?.status === 'sent');
        expect(t.ctl.sent.map((m) => m.text)).toEqual(['hello', 'retry me']);
        expect(await t.sendJobs()).toBe(1);
        expect(await t.outbound.get(second)).toMatchObject({ status: 'sent', attempts: 3 });
      } finally {
        await t.stop();
      }
    });

    it('a sweeper re-queue of a message still being sent directly waits for it: sent once', { timeout: 60_000 }, async () => {
      const t = await setUp({ sweepGraceMs: 0 });
      try {
        t.ctl.hold();
        const id = await t.record('slow platform');
        await t.workers.sendRecorded({ channel: 'sim', id });
        // The row is pending and older than the (zero) grace: the sweeper queues its job.
        await new Promise((r) => setTimeout(r, 50));
        expect((await t.workers.sweep()).send).toBeGreaterThanOrEqual(1);
        await new Promise((r) => setTimeout(r, 500)); // the job has had time to run (and wait)
        expect(t.ctl.sent).toHaveLength(0);
        t.ctl.release();
        await eventually(async () => (await t.outbound.get(id))?.status === 'sent');
        await new Promise((r) => setTimeout(r, 1500)); // the job's retry after its wait
        expect(t.ctl.sent.map((m) => m.text)).toEqual(['slow platform']);
      } finally {
        await t.stop();
      }
    });

    it('the sweeper runs again a send job that completed while its row was in another state', { timeout: 60_000 }, async () => {
      const t = await setUp({ directSends: 0, sweepGraceMs: 0 });
      try {
        const id = await t.record('once more');
        // The job finds the row failed (a sweep raced its last failure) and completes without sending.
        await t.database.sql`update outbound_messages set status = 'failed' where id = ${id}`;
        await t.workers.sendRecorded({ id, channel: 'sim' });
        await eventually(async () => (await t.sendJobs()) === 1 && (await t.outbound.get(id))?.status === 'failed');
        await new Promise((r) => setTimeout(r, 300));
        expect(t.ctl.sent).toHaveLength(0);
        // The row is pending again (the failure was never recorded, in the case the sweeper is for).
        await t.database.sql`update outbound_messages set status = 'pending' where id = ${id}`;
        await new Promise((r) => setTimeout(r, 50));
        await t.workers.sweep();
        await eventually(async () => (await t.outbound.get(id))?.status === 'sent');
        expect(t.ctl.sent.map((m) => m.text)).toEqual(['once more']);
      } finally {
        await t.stop();
      }
    });

    it('with direct sends off every message takes its send job', { timeout: 60_000 }, async () => {
      const t = await setUp({ directSends: 0 });
      try {
        const id = await t.record('queued');
        await t.workers.sendRecorded({ channel: 'sim', id });
        await eventually(async () => (await t.outbound.get(id))?.status === 'sent');
        expect(await t.sendJobs()).toBe(1);
      } finally {
        await t.stop();
      }
    });
  });
});
