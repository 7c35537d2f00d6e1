/**
 * Queue names, job payloads (validated with zod when a job runs) and deterministic job ids.
 */
import { z } from 'zod';
import type { JobsOptions } from 'bullmq';
import type { QueueBackendName } from './queue-backend.js';
import type { OutboundRow } from '../db/repositories/outbound-repository.js';

export const QUEUES = {
  intake: 'intake',
  maintenance: 'maintenance',
} as const;

/**
 * send: one queue per channel (`send-telegram`, `send-wechat`, `send-sim`), worked only by
 * processes that have that channel: a WeChat login lives in exactly one process, while any
 * process may send to Telegram.
 */
export const sendQueueName = (channel: string) => `send-${channel}`;

/** What a send job is queued for: the outbound row and the channel whose queue takes it. */
export interface OutboundRef {
  id: number;
  channel: string;
  /** The row as just inserted, when the caller has it: a direct send then needs no read. Never queued. */
  inserted?: OutboundRow;
}

/**
 * Intake jobs one process runs at once. They are short and wait mostly on the database, and
 * the repositories merge the statements of the jobs in flight (see db/repositories/batcher.ts),
 * so more of them at once means fewer statements per message: on the bench, 32 opens ~1.3–1.4×
 * the cases per second of 8, with less CPU per message.
 */
export const DEFAULT_INTAKE_CONCURRENCY = 32;

/** intake: classify one stored inbound message and act on it. */
export const intakeJobSchema = z.object({ inboundId: z.number().int().positive() });
export type IntakeJob = z.infer<typeof intakeJobSchema>;

/** send: deliver one recorded outbound message (send or edit) through its channel. */
export const sendJobSchema = z.object({ outboundId: z.number().int().positive() });
export type SendJob = z.infer<typeof sendJobSchema>;

/** maintenance: the sweeper that re-queues what no job took. */
export const sweepJobSchema = z.object({}).passthrough();

// BullMQ job ids must not contain ':'; the same logical job always gets the same id.
export const jobIds = {
  intake: (inboundId: number) => `intake-${inboundId}`,
  send: (outboundId: number) => `send-${outboundId}`,
};

/** Retries with back-off; finished jobs are kept a while so a re-add with the same id is a no-op. */
export const defaultJobOptions: JobsOptions = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 20000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * The job options on a backend. On PostgreSQL completed jobs are kept by age alone: its
 * backend trims by count with a sorted scan of every kept job at each completion (2–4 ms per
 * job with a few thousand kept, the largest cost of a job there, `npm run bench -- --pg-stats`),
 * while its trim by age is an index range scan. Redis trims a sorted set either way; the count
 * there bounds its memory after a burst.
 */
export function jobOptionsFor(backend: QueueBackendName): JobsOptions {
  return backend === 'postgres' ? { ...defaultJobOptions, removeOnComplete: { age: 3600 } } : defaultJobOptions;
}

// Broadcast notices: one fan-out job per notice, then one paced delivery job per target chat on
// its channel's queue (the queue's limiter is the channel's pace).
export const NOTICE_QUEUES = {
  fanout: 'notice-fanout',
  /** One queue per channel, so each channel gets its own rate limit. */
  deliver: (channel: string) => `notice-send-${channel}`,
} as const;

/** notice-fanout: resolve the targets once and queue one delivery per chat. */
export const noticeFanoutJobSchema = z.object({ noticeId: z.number().int().positive() });
export type NoticeFanoutJob = z.infer<typeof noticeFanoutJobSchema>;

/** notice-send-<channel>: the notice itself, or a reminder round (keyed by the 提醒 message). */
export const noticeDeliverJobSchema = z.object({
  noticeId: z.number().int().positive(),
  chatId: z.number().int().positive(),
  kind: z.enum(['notice', 'remind']),
  round: z.number().int().positive().optional(),
});
export type NoticeDeliverJob = z.infer<typeof noticeDeliverJobSchema>;

export const noticeJobIds = {
  fanout: (noticeId: number) => `notice-fanout-${noticeId}`,
  deliver: (j: NoticeDeliverJob) =>
    j.kind === 'notice' ? `notice-${j.noticeId}-chat-${j.chatId}` : `notice-${j.noticeId}-remind-${j.round}-chat-${j.chatId}`,
};
