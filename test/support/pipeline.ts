import { randomBytes } from 'node:crypto';
import { SimChannel } from '../../bot/sim/sim-channel.js';
import { createKeywordClassifier } from '../../core/classification/keyword-classifier.js';
import type { Classifier } from '../../core/classification/types.js';
import type { ChatChannel } from '../../core/messaging/channel.js';
import { createSimRepository } from '../../db/repositories/sim-repository.js';
import { seedDemo } from '../../db/seed-demo.js';
import { loadTaxonomy } from '../../app/load-taxonomy.js';
import { createWorkers } from '../../workers/create-workers.js';
import { createQueueBackend } from '../../workers/queue-backend.js';
import { createTestDatabase } from './test-database.js';

export const silentLogger = { info() {}, warn() {}, error() {}, debug() {} };

/** The real pipeline (database, queues, sim channel, workers) on a fresh database. */
export async function startPipeline(opts: {
  redisUrl?: string;
  wrapChannel?: (sim: SimChannel) => ChatChannel;
  sweepGraceMs?: number;
  /** The keyword classifier unless given (it gets the taxonomy). */
  classifier?: (taxonomy: Awaited<ReturnType<typeof loadTaxonomy>>) => Classifier;
}) {
  const database = await createTestDatabase();
  await seedDemo(database.db);
  const queues = await createQueueBackend({
    redisUrl: opts.redisUrl,
    databaseUrl: database.url,
    prefix: `t${randomBytes(4).toString('hex')}`,
    pgPoolSize: 15,
  });
  const sim = new SimChannel(createSimRepository(database.db));
  const channel = opts.wrapChannel ? opts.wrapChannel(sim) : sim;
  const taxonomy = await loadTaxonomy();
  const workers = createWorkers({
    database,
    queues,
    channels: new Map([['sim', channel]]),
    classifier: opts.classifier ? opts.classifier(taxonomy) : createKeywordClassifier(taxonomy),
    taxonomy,
    logger: silentLogger,
    concurrency: 4,
    sweepGraceMs: opts.sweepGraceMs ?? 60_000,
    retryDelayMs: 50,
  });
  await workers.start();
  await sim.start({ onMessage: async (m) => void (await workers.ingest.receive(m)) });
  return {
    database,
    queues,
    sim,
    workers,
    async stop() {
      await workers.drainDirectSends();
      await sim.stop();
      await queues.close();
      await database.drop();
    },
  };
}
