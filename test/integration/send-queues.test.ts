/**
 * One send queue per channel: a process sends only through the channels it has. A WeChat
 * message queued while the only process with the WeChat login is away waits for it, instead
 * of being taken (and failed as "not configured") by another worker process.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadTaxonomy } from '../../app/load-taxonomy.js';
import { createKeywordClassifier } from '../../core/classification/keyword-classifier.js';
import type { ChatChannel, OutboundMessage } from '../../core/messaging/channel.js';
import { createOutboundRepository } from '../../db/repositories/outbound-repository.js';
import { outboundMessages } from '../../db/schema.js';
import { seedDemo } from '../../db/seed-demo.js';
import { createWorkers } from '../../workers/create-workers.js';
import { sendQueueName } from '../../workers/jobs.js';
import { createQueueBackend } from '../../workers/queue-backend.js';
import { silentLogger } from '../support/pipeline.js';
import { createTestDatabase, eachQueueBackend, eventually } from '../support/test-database.js';

function recordingChannel(name: 'sim' | 'wechat'): ChatChannel & { sent: OutboundMessage[] } {
  const sent: OutboundMessage[] = [];
  return {
    name,
    sent,
    capabilities: { buttons: false, edit: false, photos: true, maxTextLength: 4000 },
    async start() {},
    async stop() {},
    async send(m) {
      sent.push(m);
      return { messageId: `${name}-${sent.length}` };
    },
    async edit() {},
  };
}

eachQueueBackend((backend) => {
  describe(`send queues per channel (${backend.name})`, () => {
    it('leaves a WeChat send to the process with WeChat, and sends it once that process runs', { timeout: 60_000 }, async () => {
      const database = await createTestDatabase();
      await seedDemo(database.db);
      const taxonomy = await loadTaxonomy();
      const prefix = `sq${randomBytes(4).toString('hex')}`;
      const workersIn = async (channels: ChatChannel[]) => {
        const queues = await createQueueBackend({ redisUrl: backend.redisUrl, databaseUrl: database.url, prefix, pgPoolSize: 10 });
        const w = createWorkers({
          database,
          queues,
          channels: new Map(channels.map((c) => [c.name, c])),
          classifier: createKeywordClassifier(taxonomy),
          taxonomy,
          logger: silentLogger,
          concurrency: 2,
          retryDelayMs: 50,
        });
        await w.start();
        return { queues };
      };
      const simOnly = recordingChannel('sim');
      const first = await workersIn([simOnly]);
      const wechat = recordingChannel('wechat');
      let second: Awaited<ReturnType<typeof workersIn>> | undefined;
      try {
        const outbound = createOutboundRepository(database.db);
        const enqueue = async (channel: 'sim' | 'wechat', key: string) => {
          const id = await outbound.enqueue({ dedupeKey: key, channel, platformChatId: `${channel}-room`, payload: { text: key } });
          await first.queues.queue(sendQueueName(channel)).add('send', { outboundId: id }, { jobId: `send-${id}` });
          return id;
        };
        const simId = await enqueue('sim', 'to-sim');
        const wechatId = await enqueue('wechat', 'to-wechat');

        // The sim-only process sends its own message and leaves the WeChat one alone.
        await eventually(async () => (await outbound.get(simId))?.status === 'sent');
        await new Promise((r) => setTimeout(r, 300));
        const waiting = await outbound.get(wechatId);
        expect(waiting).toMatchObject({ status: 'pending', attempts: 0, error: null });
        expect(await first.queues.queue(sendQueueName('wechat')).getJobState(`send-${wechatId}`)).not.toBe('failed');
        expect(simOnly.sent.map((m) => m.text)).toEqual(['to-sim']);

        // The process with the WeChat login comes up and takes it.
        second = await workersIn([wechat]);
        await eventually(async () => (await outbound.get(wechatId))?.status === 'sent');
        expect(wechat.sent.map((m) => m.text)).toEqual(['to-wechat']);
        expect(simOnly.sent).toHaveLength(1);
        const rows = await database.db.select().from(outboundMessages);
        expect(rows.every((r) => r.status === 'sent')).toBe(true);
      } finally {
        await second?.queues.close();
        await first.queues.close();
        await database.drop();
      }
    });
  });
});
