import type { InboxRepository } from '../db/repositories/inbox-repository.js';
import type { OutboundRepository } from '../db/repositories/outbound-repository.js';

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
  enqueueSend(outboundId: number): Promise<void>;
  /** Only rows older than this are swept, so the normal path is left alone. */
  graceMs: number;
  now?: () => Date;
  logger: Log;
}) {
  return async function sweep(): Promise<{ intake: number; send: number }> {
    const before = new Date((deps.now?.() ?? new Date()).getTime() - deps.graceMs);
    const inbound = await deps.inbox.unfinished(before);
    for (const id of inbound) await deps.enqueueIntake(id);
    const outbound = await deps.outbound.stalePending(before);
    for (const id of outbound) await deps.enqueueSend(id);
    if (inbound.length || outbound.length) deps.logger.info({ intake: inbound.length, send: outbound.length }, 'sweeper re-queued');
    return { intake: inbound.length, send: outbound.length };
  };
}
