/**
 * Wires every job processor to its queue: the one place that knows which processor serves
 * which queue. Channels, the classifier and the database are injected.
 */
import type { Job } from 'bullmq';
import type { Classifier, TaxonomyEntry } from '../core/classification/types.js';
import type { ChatChannel } from '../core/messaging/channel.js';
import type { Database } from '../db/client.js';
import { createCaseRepository } from '../db/repositories/case-repository.js';
import { createDirectoryRepository } from '../db/repositories/directory-repository.js';
import { createInboxRepository } from '../db/repositories/inbox-repository.js';
import { createOutboundRepository } from '../db/repositories/outbound-repository.js';
import { createIngest } from './ingest.js';
import { createCaseQueryHandler } from './intake/case-query-handler.js';
import { createIntakeProcessor } from './intake/intake-job.js';
import { QUEUES, defaultJobOptions, jobIds, type IntakeJob, type SendJob } from './jobs.js';
import type { QueueBackend } from './queue-backend.js';
import { createSendProcessor } from './send-job.js';
import { createSweepProcessor } from './sweep-job.js';

interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface WorkersOptions {
  database: Database;
  queues: QueueBackend;
  channels: ReadonlyMap<string, ChatChannel>;
  classifier: Classifier;
  taxonomy: TaxonomyEntry[];
  logger: Log;
  concurrency?: number;
  sweepIntervalMs?: number;
  /** Age after which a stored but unfinished message counts as missed. */
  sweepGraceMs?: number;
  /** First retry delay (doubling after each failure). */
  retryDelayMs?: number;
  /** Run processors in this process (false: only produce jobs, e.g. a bot-only process). */
  runProcessors?: boolean;
}

export function createWorkers(opts: WorkersOptions) {
  const { database, queues, logger } = opts;
  const inbox = createInboxRepository(database.db);
  const outbound = createOutboundRepository(database.db);
  const directory = createDirectoryRepository(database.db);
  const cases = createCaseRepository(database.db);

  const intakeQueue = queues.queue<IntakeJob>(QUEUES.intake);
  const sendQueue = queues.queue<SendJob>(QUEUES.send);
  const maintenanceQueue = queues.queue(QUEUES.maintenance);

  const jobOptions = { ...defaultJobOptions, backoff: { type: 'exponential', delay: opts.retryDelayMs ?? 1000 } };
  const enqueueIntake = async (inboundId: number) => {
    await intakeQueue.add('intake', { inboundId }, { ...jobOptions, jobId: jobIds.intake(inboundId) });
  };
  const enqueueSend = async (outboundId: number) => {
    await sendQueue.add('send', { outboundId }, { ...jobOptions, jobId: jobIds.send(outboundId) });
  };

  const ingest = createIngest({ inbox, enqueueIntake, logger });
  const intake = createIntakeProcessor({
    inbox,
    directory,
    cases,
    outbound,
    classifier: opts.classifier,
    taxonomy: opts.taxonomy,
    // Order matters: the first handler that takes a message consumes it.
    handlers: [createCaseQueryHandler({ cases, directory, taxonomy: opts.taxonomy })],
    enqueueSend,
    logger,
  });
  const send = createSendProcessor({ outbound, channels: opts.channels, logger });
  const sweep = createSweepProcessor({
    inbox,
    outbound,
    enqueueIntake,
    enqueueSend,
    graceMs: opts.sweepGraceMs ?? 60_000,
    logger,
  });

  return {
    ingest,
    sweep,
    /** Start processing (and schedule the sweeper) in this process. */
    async start() {
      if (opts.runProcessors === false) return;
      const concurrency = opts.concurrency ?? 8;
      queues.worker<IntakeJob>(
        QUEUES.intake,
        async (job: Job<IntakeJob>) => {
          try {
            return await intake(job);
          } catch (err) {
            const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
            const id = Number(job.data?.inboundId);
            if (Number.isInteger(id) && id > 0) await inbox.recordFailure(id, String(err), final).catch(() => {});
            logger.error({ inboundId: job.data?.inboundId, err }, 'intake failed');
            throw err;
          }
        },
        { concurrency },
      );
      queues.worker<SendJob>(QUEUES.send, (job: Job<SendJob>) => send(job), { concurrency });
      queues.worker(QUEUES.maintenance, () => sweep(), { concurrency: 1 });
      await maintenanceQueue.upsertJobScheduler('sweeper', { every: opts.sweepIntervalMs ?? 30_000 }, { name: 'sweep' });
      // One sweep at start-up catches what a crash left behind.
      await maintenanceQueue.add('sweep', {}, { jobId: `sweep-start-${Date.now()}`, removeOnComplete: true, removeOnFail: 100 });
    },
  };
}

export type Workers = ReturnType<typeof createWorkers>;
