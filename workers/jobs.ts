/**
 * Queue names, job payloads (validated with zod when a job runs) and deterministic job ids.
 */
import { z } from 'zod';
import type { JobsOptions } from 'bullmq';

export const QUEUES = {
  intake: 'intake',
  send: 'send',
  maintenance: 'maintenance',
} as const;

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
