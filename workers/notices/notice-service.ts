/**
 * Broadcast notices, wired: the chat handler, the fan-out queue and one paced delivery queue
 * per channel. `createWorkers` builds one of these and registers its handler and workers.
 *
 * Pace: each channel's delivery queue has a BullMQ limiter (`max` per `duration`, from the
 * channel's ChannelPace), which holds across every process on the same queue backend and
 * across restarts; a per-channel gate adds per-chat limits and jitter, and can be replaced
 * (`gates`) by a channel with its own pacing (the WeChat paced queue).
 */
import type { JobsOptions } from 'bullmq';
import type { ChatChannel } from '../../core/messaging/channel.js';
import { concurrencyFor, limiterFor, paceFor, type ChannelPace } from '../../core/notices/pacing.js';
import { DEFAULT_TIMEZONE } from '../../core/notices/send-time.js';
import { noticeTexts } from '../../core/notices/texts.js';
import type { Database } from '../../db/client.js';
import { createNoticeRepository } from '../../db/repositories/notice-repository.js';
import type { OutboundRepository } from '../../db/repositories/outbound-repository.js';
import { type OutboundRef, NOTICE_QUEUES, noticeJobIds, type NoticeDeliverJob, type NoticeFanoutJob } from '../jobs.js';
import type { JobQueue, JobWorker, QueueBackend } from '../queue-backend.js';
import { createSendProcessor } from '../send-job.js';
import { createNoticeDeliverProcessor, noticeDedupeKeys } from './deliver-job.js';
import { createNoticeFanoutProcessor } from './fanout-job.js';
import { createPaceGate, type NoticeGate } from './gate.js';
import { createNoticeHandler } from './notice-handler.js';

interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Everything about notices that a deployment (or a test, or the benchmark) may tune. */
export interface NoticeOptions {
  /** Per-channel pace overrides, e.g. `{ sim: { ratePerSecond: 200 } }` (see DEFAULT_PACES). */
  pace?: Record<string, Partial<ChannelPace>>;
  /** A channel's own gate instead of the pace gate (e.g. the WeChat paced queue). */
  gates?: Record<string, NoticeGate>;
  /** The clock for scheduling (tests inject one). */
  now?: () => Date;
  timezone?: string;
  draftTtlMs?: number;
  ackWindowMs?: number;
}

export function createNoticeService(deps: {
  database: Database;
  queues: QueueBackend;
  channels: ReadonlyMap<string, ChatChannel>;
  outbound: OutboundRepository;
  enqueueSend(outbound: OutboundRef): Promise<void>;
  jobOptions: JobsOptions;
  logger: Log;
  options?: NoticeOptions;
}) {
  const opts = deps.options ?? {};
  const now = opts.now ?? (() => new Date());
  const notices = createNoticeRepository(deps.database.db);
  const fanoutQueue = deps.queues.queue<NoticeFanoutJob>(NOTICE_QUEUES.fanout);
  const deliverQueue = (channel: string): JobQueue<NoticeDeliverJob> => deps.queues.queue<NoticeDeliverJob>(NOTICE_QUEUES.deliver(channel));
  const pace = (channel: string) => paceFor(channel, opts.pace);
  const gates = new Map<string, NoticeGate>();
  const gate = (channel: string) => {
    let g = gates.get(channel) ?? opts.gates?.[channel];
    if (!g) g = createPaceGate(pace(channel));
    gates.set(channel, g);
    return g;
  };

  /** A direct message to the notice's author in the chat they composed it in. */
  const tellAuthor = async (noticeId: number, text: string, key: string) => {
    const n = await notices.get(noticeId);
    if (!n?.draftChatId) return;
    const chat = await notices.chat(n.draftChatId);
    if (!chat) return;
    const id = await deps.outbound.enqueue({ dedupeKey: key, channel: chat.channel, chatId: chat.id, platformChatId: chat.platformChatId, payload: { text } });
    await deps.enqueueSend({ id, channel: chat.channel });
  };
  const onNoticeFinished = async (noticeId: number) => {
    const c = await notices.deliveryCounts(noticeId);
    deps.logger.info({ noticeId, ...c }, 'notice sent');
    if (c.sent + c.failed > 0) await tellAuthor(noticeId, noticeTexts.done(noticeId, c.sent, c.failed), noticeDedupeKeys.done(noticeId));
  };

  const addDeliveries = async (channel: string, jobs: NoticeDeliverJob[]) => {
    if (!deps.channels.has(channel)) return false;
    const q = deliverQueue(channel);
    for (let i = 0; i < jobs.length; i += 500) {
      await q.addBulk(jobs.slice(i, i + 500).map((data) => ({ name: data.kind, data, opts: { ...deps.jobOptions, jobId: noticeJobIds.deliver(data) } })));
    }
    return true;
  };

  const fanout = createNoticeFanoutProcessor({ notices, enqueueDeliveries: addDeliveries, onNoticeFinished, tellAuthor, logger: deps.logger });
  const deliver = createNoticeDeliverProcessor({
    notices,
    outbound: deps.outbound,
    send: createSendProcessor({ outbound: deps.outbound, channels: deps.channels, logger: { info() {}, warn: (o, m) => deps.logger.warn(o, m) } }),
    gate,
    onNoticeFinished,
    logger: deps.logger,
  });

  const enqueueFanout = async (noticeId: number, delayMs: number) => {
    await fanoutQueue.add('fanout', { noticeId }, { ...deps.jobOptions, jobId: noticeJobIds.fanout(noticeId), ...(delayMs > 0 ? { delay: delayMs } : {}) });
  };

  const handler = createNoticeHandler({
    notices,
    enqueueFanout,
    async removeFanout(noticeId) {
      const job = await fanoutQueue.getJob(noticeJobIds.fanout(noticeId));
      // An active job finds the notice cancelled and stops; only a waiting/delayed one is removed.
      await job?.remove().catch((err: unknown) => deps.logger.warn({ noticeId, err: String(err) }, 'could not remove the fan-out job'));
    },
    async enqueueReminders(jobs) {
      const byChannel = new Map<string, NoticeDeliverJob[]>();
      for (const { channel, ...j } of jobs) byChannel.set(channel, [...(byChannel.get(channel) ?? []), j]);
      for (const [channel, list] of byChannel) await addDeliveries(channel, list);
    },
    now,
    timezone: opts.timezone ?? DEFAULT_TIMEZONE,
    draftTtlMs: opts.draftTtlMs ?? 24 * 3600_000,
    ackWindowMs: opts.ackWindowMs ?? 7 * 24 * 3600_000,
  });

  const workers: JobWorker<any>[] = [];
  return {
    handler,
    repository: notices,
    fanoutQueue,
    deliverQueue,
    enqueueFanout,
    processFanout: fanout.processFanout,
    workers,
    /** Start the fan-out and the per-channel delivery workers, then pick up what a restart left. */
    async start() {
      workers.push(deps.queues.worker<NoticeFanoutJob>(NOTICE_QUEUES.fanout, (job) => fanout.processFanout(job), { concurrency: 2 }));
      for (const channel of deps.channels.keys()) {
        const p = pace(channel);
        const w: JobWorker<NoticeDeliverJob> = deps.queues.worker<NoticeDeliverJob>(
          NOTICE_QUEUES.deliver(channel),
          (job, token) => deliver(job, token, (ms) => w.rateLimit(ms)),
          { concurrency: concurrencyFor(p), limiter: limiterFor(p) },
        );
        workers.push(w);
      }
      await this.recover();
    },
    /** Scheduled notices get their delayed fan-out back; half-sent ones their pending deliveries. */
    async recover() {
      for (const n of await notices.unfinished()) {
        try {
          if (n.status === 'scheduled') await enqueueFanout(n.id, Math.max(0, (n.scheduledAt?.getTime() ?? 0) - now().getTime()));
          else if (await notices.hasDeliveries(n.id)) await fanout.enqueuePending(n.id);
          else await enqueueFanout(n.id, 0);
        } catch (err) {
          deps.logger.error({ noticeId: n.id, err }, 'notice recovery failed');
        }
      }
    },
  };
}

export type NoticeService = ReturnType<typeof createNoticeService>;
