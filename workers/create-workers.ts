/**
 * Wires every job processor to its queue: the one place that knows which processor serves
 * which queue. Channels, the classifier and the database are injected.
 */
import type { Job } from 'bullmq';
import type { Classifier, TaxonomyEntry } from '../core/classification/types.js';
import type { ChatChannel, ChatMove } from '../core/messaging/channel.js';
import type { Database } from '../db/client.js';
import { createCaseRepository } from '../db/repositories/case-repository.js';
import { createDirectoryRepository } from '../db/repositories/directory-repository.js';
import { createInboxRepository } from '../db/repositories/inbox-repository.js';
import { createOnboardingRepository } from '../db/repositories/onboarding-repository.js';
import { createOutboundRepository } from '../db/repositories/outbound-repository.js';
import { createIngest } from './ingest.js';
import { createCaseQueryHandler } from './intake/case-query-handler.js';
import { createOnboardingHandler } from './intake/onboarding-handler.js';
import { createUnknownCommandHandler } from './intake/unknown-command-handler.js';
import { createIntakeProcessor } from './intake/intake-job.js';
import { DEFAULT_INTAKE_CONCURRENCY, QUEUES, jobOptionsFor, jobIds, sendQueueName, type IntakeJob, type OutboundRef, type SendJob } from './jobs.js';
import type { QueueBackend } from './queue-backend.js';
import { createSendProcessor } from './send-job.js';
import { DEFAULT_DIRECT_SENDS, createDirectSender } from './direct-send.js';
import { createSweepProcessor, requeue } from './sweep-job.js';
import type { SlaPolicy } from '../core/cases/sla-policy.js';
import { defaultRoutingRules, defaultSlaPolicy } from './cases/default-policies.js';
import type { RoutingRules } from '../core/cases/routing.js';
import { findDuplicate, DUPLICATE_WINDOW_HOURS } from '../core/cases/duplicates.js';
import { createCaseLoopRepository } from '../db/repositories/case-loop-repository.js';
import { createCaseCommandHandler } from './cases/case-command-handler.js';
import { CASES_QUEUE, caseJobIds, createCaseJobProcessor } from './cases/case-jobs.js';
import { createCaseNotifier } from './cases/case-notifier.js';
import { createCaseService } from './cases/case-service.js';
import { createSlaService } from './cases/sla-service.js';
import { createNoticeService, type NoticeOptions } from './notices/notice-service.js';
import { createReportService, type ReportOptions } from './reports/report-service.js';

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
  /** Jobs at once per queue (8). */
  concurrency?: number;
  /** Intake jobs at once (DEFAULT_INTAKE_CONCURRENCY). */
  intakeConcurrency?: number;
  sweepIntervalMs?: number;
  /** Age after which a stored but unfinished message counts as missed. */
  sweepGraceMs?: number;
  /** Deadlines and the holiday calendar (config/sla.json by default). */
  sla?: SlaPolicy;
  /** Routing rules (config/routing.json by default). */
  routingRules?: RoutingRules;
  /** The clock; tests inject a fake one so deadlines pass in milliseconds. */
  now?: () => Date;
  /** First retry delay (doubling after each failure). */
  retryDelayMs?: number;
  /** How long receiving a message waits for the queue before answering anyway (stored either way). */
  enqueueWaitMs?: number;
  /**
   * Outbound messages sent directly (no send job) at most this many at a time; 0 sends every
   * message through its job (see workers/direct-send.ts). Default DEFAULT_DIRECT_SENDS.
   */
  directSends?: number;
  /** Run processors in this process (false: only produce jobs, e.g. a bot-only process). */
  runProcessors?: boolean;
  /** Broadcast notices: pace per channel, gates, clock (see workers/notices/notice-service.ts). */
  notices?: NoticeOptions;
  /** Reports: schedules, time zone, chart files (see workers/reports/report-service.ts). */
  reports?: ReportOptions;
}

/** Text, photos and a location sent by one person within this window form one report. */
const REPORT_WINDOW_MS = 10 * 60_000;

export function createWorkers(opts: WorkersOptions) {
  const { database, queues, logger } = opts;
  const inbox = createInboxRepository(database.db);
  const outbound = createOutboundRepository(database.db);
  const directory = createDirectoryRepository(database.db);
  const cases = createCaseRepository(database.db);

  const intakeQueue = queues.queue<IntakeJob>(QUEUES.intake);
  const sendQueue = (channel: string) => queues.queue<SendJob>(sendQueueName(channel));
  const maintenanceQueue = queues.queue(QUEUES.maintenance);

  const jobOptions = { ...jobOptionsFor(queues.name), backoff: { type: 'exponential', delay: opts.retryDelayMs ?? 1000 } };
  const enqueueIntake = async (inboundId: number) => {
    await intakeQueue.add('intake', { inboundId }, { ...jobOptions, jobId: jobIds.intake(inboundId) });
  };
  const queueSend = async (o: OutboundRef) => {
    await sendQueue(o.channel).add('send', { outboundId: o.id }, { ...jobOptions, jobId: jobIds.send(o.id) });
  };
  // Sent at once where this process works that channel's sends, else (and on failure) queued.
  const direct = createDirectSender({
    channels: new Set(opts.runProcessors === false ? [] : opts.channels.keys()),
    sendNow: (o) => send({ data: { outboundId: o.id }, attemptsMade: 0, opts: { attempts: jobOptions.attempts } }, undefined, { direct: true, row: o.inserted }),
    enqueue: queueSend,
    limit: opts.directSends ?? DEFAULT_DIRECT_SENDS,
    logger,
  });
  const enqueueSend = direct.submit;
  const send = createSendProcessor({ outbound, channels: opts.channels, sendingDirectly: direct.sendingDirectly, logger });

  const ingest = createIngest({ inbox, enqueueIntake, now: opts.now, logger, enqueueWaitMs: opts.enqueueWaitMs });

  // The closed loop: dispatch, handling, supervision, evaluation.
  const now = opts.now ?? (() => new Date());
  const loop = createCaseLoopRepository(database.db);
  const slaPolicy = opts.sla ?? defaultSlaPolicy();
  const casesQueue = queues.queue(CASES_QUEUE);
  const scheduleDispatch = async (caseId: number, key: string) => {
    await casesQueue.add('dispatch', { caseId }, { ...jobOptions, jobId: caseJobIds.dispatch(caseId, key) });
  };
  const notifier = createCaseNotifier({ loop, outbound, directory, enqueueSend, logger });
  const slaService = createSlaService({
    loop,
    directory,
    notify: notifier,
    sla: slaPolicy,
    typeName: (code) => opts.taxonomy.find((t) => t.code === code)?.name ?? '其他',
    scheduleCheck: async (caseId, at) => {
      await casesQueue.add('sla-check', { caseId }, { ...jobOptions, jobId: caseJobIds.slaCheck(caseId, at), delay: Math.max(0, at.getTime() - now().getTime()) });
    },
    now,
    logger,
  });
  const caseService = createCaseService({
    loop,
    directory,
    notify: notifier,
    taxonomy: opts.taxonomy,
    sla: slaPolicy,
    rules: opts.routingRules ?? defaultRoutingRules(),
    scheduleTimers: (c) => slaService.schedule(c),
    scheduleDispatch,
    now,
    logger,
  });
  const notices = createNoticeService({ database, queues, channels: opts.channels, outbound, enqueueSend, jobOptions, logger, options: { now: opts.now, ...opts.notices } });
  const reports = createReportService({ db: database.db, queues, outbound, enqueueSend, taxonomy: opts.taxonomy, calendar: slaPolicy.calendar, logger, options: { now: opts.now, ...opts.reports } });
  const intake = createIntakeProcessor({
    inbox,
    directory,
    cases,
    outbound,
    classifier: opts.classifier,
    taxonomy: opts.taxonomy,
    // Order matters: the first handler that takes a message consumes it.
    handlers: [
      createOnboardingHandler({ onboarding: createOnboardingRepository(database.db), directory, logger }),
      createCaseQueryHandler({ cases, directory, loop, taxonomy: opts.taxonomy }),
      // Before the case commands: `/report day|week|month` is a report, `/report <text>` a patrol report.
      reports.handler,
      createCaseCommandHandler({
        service: caseService,
        loop,
        cases,
        classifier: opts.classifier,
        scheduleDispatch,
        enqueueSend,
        now,
        ratingLookbackMs: (slaPolicy.config.ratingGraceDays + 1) * 24 * 3600_000,
      }),
      notices.handler,
      // Last: a `/command` none of the above knew.
      createUnknownCommandHandler(),
    ],
    enqueueSend,
    now,
    loopHooks: {
      async duplicateOf(nodeId, type, text, inboundId) {
        const since = new Date(now().getTime() - DUPLICATE_WINDOW_HOURS * 3600_000);
        return findDuplicate(text, await loop.openSimilar(nodeId, type, since, inboundId)) ?? null;
      },
      merge: (c, personId, chatId, inboundId) => caseService.merge(c, personId, chatId, inboundId),
      // Dispatched in the intake job itself (one job and one read of the case less per case);
      // if that fails the dispatch job takes over, with its retries.
      async opened(c, receipt) {
        try {
          await caseService.dispatch(c.id, { receipt, opened: c });
        } catch (err) {
          logger.warn({ caseId: c.id, err }, 'dispatch in intake failed; queued as a dispatch job');
          await scheduleDispatch(c.id, 'new');
        }
      },
      async attachMedia(personId, chatId, inboundId) {
        const c = await loop.recentCaseReportedIn(personId, chatId, new Date(now().getTime() - REPORT_WINDOW_MS));
        if (!c || !['reported', 'dispatched', 'signed', 'in_progress'].includes(c.status)) return null;
        await loop.logEvent({ caseId: c.id, actorPersonId: personId, action: 'attach', status: c.status, data: { inboundId }, at: now() });
        return c;
      },
      async linkRecentMedia(personId, chatId, caseId) {
        await loop.linkRecentMedia(personId, chatId, caseId, new Date(now().getTime() - REPORT_WINDOW_MS));
      },
    },
    logger,
  });
  const sweep = createSweepProcessor({
    inbox,
    outbound,
    enqueueIntake: (id) => requeue(intakeQueue, 'intake', { inboundId: id }, { ...jobOptions, jobId: jobIds.intake(id) }),
    enqueueSend: (o) => requeue(sendQueue(o.channel), 'send', { outboundId: o.id }, { ...jobOptions, jobId: jobIds.send(o.id) }),
    graceMs: opts.sweepGraceMs ?? 60_000,
    now,
    also: [
      {
        name: 'dispatch',
        run: async (before) => {
          const ids = await loop.awaitingDispatch(before);
          for (const id of ids) await caseService.dispatch(id);
          return ids.length;
        },
      },
      { name: 'sla', run: () => slaService.sweep() },
    ],
    logger,
  });

  return {
    ingest,
    sweep,
    /** The closed loop, for tests and tools: actions, and the SLA check a timer would run. */
    cases: { service: caseService, sla: slaService, dispatch: scheduleDispatch },
    notices,
    reports,
    /**
     * A platform moved a chat to a new id (a Telegram group upgraded to a supergroup): the chat
     * keeps its binding; what arrived under the new id and was ignored as unbound is taken in again.
     */
    async moveChat(move: ChatMove): Promise<void> {
      const { moved, reprocess } = await directory.moveChat(move.channel, move.fromChatId, move.toChatId);
      if (!moved) return;
      logger.info({ ...move, reprocess: reprocess.length }, 'chat moved to a new id');
      // Their first intake jobs finished (as ignored): new job ids, so the queue takes them again.
      for (const id of reprocess) await intakeQueue.add('intake', { inboundId: id }, { ...jobOptions, jobId: `${jobIds.intake(id)}-moved` });
    },
    /** Hand a recorded outbound message over for sending: at once where possible, else its send job. */
    sendRecorded: enqueueSend,
    /** Stop sending directly; resolves when the direct sends under way have finished (sent or queued). */
    drainDirectSends: () => direct.drain(),
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
        { concurrency: opts.intakeConcurrency ?? DEFAULT_INTAKE_CONCURRENCY },
      );
      // Sends only for the channels this process has (see sendQueueName).
      for (const channel of opts.channels.keys()) {
        sendQueue(channel); // opened here too, so metrics and the dashboard list it from the start
        queues.worker<SendJob>(sendQueueName(channel), (job: Job<SendJob>, token?: string) => send(job, token), { concurrency });
      }
      queues.worker(QUEUES.maintenance, () => sweep(), { concurrency: 1 });
      queues.worker(CASES_QUEUE, createCaseJobProcessor({ service: caseService, sla: slaService }), { concurrency });
      await notices.start();
      await reports.start();
      await maintenanceQueue.upsertJobScheduler('sweeper', { every: opts.sweepIntervalMs ?? 30_000 }, { name: 'sweep' });
      // One sweep at start-up catches what a crash left behind.
      await maintenanceQueue.add('sweep', {}, { jobId: `sweep-start-${Date.now()}`, removeOnComplete: true, removeOnFail: 100 });
    },
  };
}

export type Workers = ReturnType<typeof createWorkers>;
