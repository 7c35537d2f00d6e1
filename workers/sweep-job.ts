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
  /** Further sweeps (cases left undispatched, SLA timers missed), each returning what it did. */
  also?: { name: string; run: (before: Date) => Promise<number> }[];
  logger: Log;
}) {
  return async function sweep(): Promise<Record<string, number>> {
    const before = new Date((deps.now?.() ?? new Date()).getTime() - deps.graceMs);
    const inbound = await deps.inbox.unfinished(before);
    for (const id of inbound) await deps.enqueueIntake(id);
    const outbound = await deps.outbound.stalePending(before);
    for (const id of outbound) await deps.enqueueSend(id);
    const result: Record<string, number> = { intake: inbound.length, send: outbound.length };
    for (const a of deps.also ?? []) result[a.name] = await a.run(before);
    if (Object.values(result).some((n) => n > 0)) deps.logger.info(result, 'sweeper acted');
    return result;
  };
}
