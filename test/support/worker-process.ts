/**
 * A worker process for the fault tests and the scale-out benchmark: the real workers (sim
 * channel) on the database and queues named in the environment, nothing else. Prints "ready"
 * once its workers run; SIGTERM stops it gracefully, SIGKILL is the crash under test.
 *   DATABASE_URL, QUEUE_PREFIX, REDIS_URL (unset: the PostgreSQL queue backend)
 *   WORKER_CLASSIFIER: keyword (default, the tests) or offline (the bench; MODEL_CACHE_DIR holds
 *   the trained model), WORKER_CONCURRENCY (default 4), INTAKE_CONCURRENCY (default: WORKER_CONCURRENCY),
 *   SWEEP_INTERVAL_MS, SWEEP_GRACE_MS
 */
import { loadDefaultClassifier } from '../../app/classifier/load-default-classifier.js';
import { DEFAULT_PROMPTS_DIR, loadTaxonomy } from '../../app/load-taxonomy.js';
import { SimChannel } from '../../bot/sim/sim-channel.js';
import { createKeywordClassifier } from '../../core/classification/keyword-classifier.js';
import { connectDatabase } from '../../db/client.js';
import { createSimRepository } from '../../db/repositories/sim-repository.js';
import { createWorkers } from '../../workers/create-workers.js';
import { createQueueBackend } from '../../workers/queue-backend.js';

const silent = { info() {}, warn() {}, error() {}, debug() {} };
const database = connectDatabase(process.env.DATABASE_URL!);
const queues = await createQueueBackend({
  redisUrl: process.env.REDIS_URL || undefined,
  databaseUrl: database.url,
  prefix: process.env.QUEUE_PREFIX!,
  pgPoolSize: 8,
});
const sim = new SimChannel(createSimRepository(database.db));
const taxonomy = await loadTaxonomy();
const classifier =
  process.env.WORKER_CLASSIFIER === 'offline'
    ? await loadDefaultClassifier({ promptsDir: DEFAULT_PROMPTS_DIR, engine: 'offline', taxonomy, cacheDir: process.env.MODEL_CACHE_DIR })
    : createKeywordClassifier(taxonomy);
const workers = createWorkers({
  database,
  queues,
  channels: new Map([['sim', sim]]),
  classifier,
  taxonomy,
  logger: silent,
  concurrency: Number(process.env.WORKER_CONCURRENCY ?? 4),
  intakeConcurrency: Number(process.env.INTAKE_CONCURRENCY ?? process.env.WORKER_CONCURRENCY ?? 4),
  retryDelayMs: 100,
  sweepIntervalMs: Number(process.env.SWEEP_INTERVAL_MS ?? 2000),
  sweepGraceMs: Number(process.env.SWEEP_GRACE_MS ?? 3000),
});
await workers.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void workers
    .drainDirectSends()
    .then(() => queues.close())
    .then(() => database.close())
    .finally(() => process.exit(0));
});
