/** A restartable pipeline for the notice tests: real database, queues, sim channel, workers. */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { SimChannel, type SimMessageView } from '../../bot/sim/sim-channel.js';
import { createKeywordClassifier } from '../../core/classification/keyword-classifier.js';
import type { ChatChannel } from '../../core/messaging/channel.js';
import { loadTaxonomy } from '../../app/load-taxonomy.js';
import { createSimRepository } from '../../db/repositories/sim-repository.js';
import { people } from '../../db/schema.js';
import { seedDemo } from '../../db/seed-demo.js';
import { createWorkers, type Workers } from '../../workers/create-workers.js';
import type { NoticeOptions } from '../../workers/notices/notice-service.js';
import { createQueueBackend, type QueueBackend } from '../../workers/queue-backend.js';
import { silentLogger } from '../support/pipeline.js';
import { createTestDatabase, eventually } from '../support/test-database.js';

export async function startNoticePipeline(opts: { redisUrl?: string; notices?: NoticeOptions; wrapChannel?: (sim: SimChannel) => ChatChannel }) {
  const database = await createTestDatabase();
  await seedDemo(database.db);
  const prefix = `n${randomBytes(4).toString('hex')}`;
  const sim = new SimChannel(createSimRepository(database.db));
  const channel = opts.wrapChannel ? opts.wrapChannel(sim) : sim;
  const taxonomy = await loadTaxonomy();
  let queues!: QueueBackend;
  let workers!: Workers;
  const boot = async () => {
    queues = await createQueueBackend({ redisUrl: opts.redisUrl, databaseUrl: database.url, prefix, pgPoolSize: 15 });
    workers = createWorkers({
      database,
      queues,
      channels: new Map([['sim', channel]]),
      classifier: createKeywordClassifier(taxonomy),
      taxonomy,
      logger: silentLogger,
      concurrency: 4,
      retryDelayMs: 50,
      notices: opts.notices,
    });
    await workers.start();
    await sim.start({ onMessage: async (m) => void (await workers.ingest.receive(m)) });
  };
  await boot();

  const personId = async (name: string) => {
    const [p] = await database.db.select({ id: people.id }).from(people).where(eq(people.displayName, name));
    if (!p) throw new Error(`no demo person ${name}`);
    return String(p.id);
  };
  const bot = async (chat: string) => (await sim.messages(chat)).filter((m) => m.from === 'bot');
  /** Speak, then wait for the bot's next message in that chat. */
  const ask = async (chat: string, name: string, text: string): Promise<SimMessageView> => {
    const before = (await bot(chat)).length;
    const { id } = await sim.post(chat, { from: await personId(name), text });
    return eventually(async () => (await bot(chat)).slice(before).find((m) => m.replyTo === id));
  };
  /** Press a button, then wait for the bot's next message there (that `match` accepts). */
  const press = async (chat: string, name: string, messageId: string, buttonId: string, match: (m: SimMessageView) => boolean = () => true) => {
    const before = (await bot(chat)).length;
    await sim.press(chat, { from: await personId(name), messageId, buttonId });
    return eventually(async () => (await bot(chat)).slice(before).find(match));
  };

  return {
    database,
    sim,
    get queues() {
      return queues;
    },
    get workers() {
      return workers;
    },
    personId,
    bot,
    ask,
    press,
    /** Stop the workers and queues (letting running jobs finish) and start fresh ones. */
    async restart() {
      await sim.stop();
      await queues.close();
      await boot();
    },
    async stop() {
      await sim.stop();
      await queues.close();
      await database.drop();
    },
  };
}

export type NoticePipeline = Awaited<ReturnType<typeof startNoticePipeline>>;
