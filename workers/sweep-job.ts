import type { JobsOptions } from 'bullmq';
import type { InboxRepository } from '../db/repositories/inbox-repository.js';
import type { OutboundRepository } from '../db/repositories/outbound-repository.js';
import type { JobQueue } from './queue-backend.js';
import type { OutboundRef } from './jobs.js';

interface Log {
  info(obj: object, msg?: string): void;
}

/**
 * The sweeper: re-queues stored messages that no job finished (a crash between store and
 * enqueue, a queue outage) and outbound rows still pending. Jobs are idempotent and their
 * ids deterministic, so a re-queue of something already in flight does no harm.
 */
export function createSweepProcessor(deps: {
  inbox: InboxRepository;
  outbound: OutboundRepository;
  enqueueIntake(inboundId: number): Promise<void>;
  enqueueSend(outbound: OutboundRef): Promise<void>;
  /** Only rows older than this are swept, so the normal path is left alone. */
  graceMs: number;
  now?: () => Date;
  /** Further sweeps (cases left undispatched, SLA timers missed), each returning what it did. */
  also?: { name: string; run: (before: Date) => Promise<number> }[];
  logger: Log;
}) {
  return async function sweep(): Promise<Record<string, number>> {
    const before = new Date((deps.now?.() ?? new Date()).getTime() - deps.graceMs);
    const inbound = await deps.inbox.unfinished(before);
    for (const id of inbound) await deps.enqueueIntake(id);
    // Rows carry the database's clock (created_at), so their age is measured on it too: an
    // application clock ahead of it (an injected one, a skewed host) must not sweep a reply
    // its job is about to queue.
    const outbound = await deps.outbound.stalePending(deps.graceMs);
    for (const o of outbound) await deps.enqueueSend(o);
    const result: Record<string, number> = { intake: inbound.length, send: outbound.length };
    for (const a of deps.also ?? []) result[a.name] = await a.run(before);
    if (Object.values(result).some((n) => n > 0)) deps.logger.info(result, 'sweeper acted');
    return result;
  };
}

/**
 * Queue a job for the sweeper. Added like any other; but when a job under that id has failed
 * for good although its row is still unfinished, the failure was never recorded (the database
 * was down for longer than the job's retries), and the kept failed job would make the add a
 * no-op for days: it is retried, with fresh attempts. A kept completed job under that id is
 * removed first, for the same reason. The normal path only adds.
 */
/** How many times the sweeper gives a failed job fresh attempts. */
export const MAX_REQUEUES = 5;

export async function requeue<T>(queue: JobQueue<T>, name: string, data: T, opts: JobsOptions & { jobId: string }): Promise<void> {
  const state = await queue.getJobState(opts.jobId);
  if (state === 'completed') {
    // Its row is unfinished although its job completed: the job found the row in another state
    // (a sweep that raced the job's last failure retried it just after the failure was
    // recorded, and it skipped), and the row changed since. The kept job would make the add a
    // no-op for an hour: it goes, and the job runs again (it does nothing if the row is done).
    await queue.remove(opts.jobId).catch(() => {});
  } else if (state === 'failed') {
    const job = await queue.getJob(opts.jobId);
    if (job) {
      // Not for ever: after MAX_REQUEUES rounds the job stays failed, for an operator to see
      // (jiesu_jobs_failed, the dashboard) instead of running again every sweep.
      const rounds = Number((job.data as { requeues?: unknown }).requeues ?? 0) || 0;
      if (rounds >= MAX_REQUEUES) return;
      await job.updateData({ ...job.data, requeues: rounds + 1 } as T).catch(() => {});
      // Another process's sweeper may have retried it first: then it is no longer failed.
      return job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true }).catch(() => {});
    }
  }
  await queue.add(name, data, opts);
}
