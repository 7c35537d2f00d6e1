import type { InboundMessage } from '../core/messaging/channel.js';
import type { InboxRepository } from '../db/repositories/inbox-repository.js';

interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const stripNul = (s: string) => s.replace(/\u0000/g, '');

/**
 * The front of the pipeline: store the message (idempotently), then queue its intake job.
 * Once `receive` resolves the message cannot be lost: if queueing fails the sweeper
 * re-queues it later.
 */
/** How long receiving waits for the queue before answering anyway. */
export const ENQUEUE_WAIT_MS = 2000;

export function createIngest(deps: { inbox: InboxRepository; enqueueIntake(inboundId: number): Promise<void>; now?: () => Date; logger: Log; enqueueWaitMs?: number }) {
  return {
    async receive(received: InboundMessage): Promise<{ inboundId: number; duplicate: boolean }> {
      // PostgreSQL text cannot hold NUL: dropped from whatever a platform let through.
      const m: InboundMessage = received.text.includes('\u0000') || received.sender.name.includes('\u0000') || received.chatTitle?.includes('\u0000')
        ? { ...received, text: stripNul(received.text), sender: { ...received.sender, name: stripNul(received.sender.name) }, chatTitle: received.chatTitle === undefined ? undefined : stripNul(received.chatTitle) }
        : received;
      const stored = await deps.inbox.store(m, deps.now?.());
      if (!stored.created && stored.status !== 'received') {
        deps.logger.info({ inboundId: stored.id, channel: m.channel }, 'duplicate delivery ignored');
        return { inboundId: stored.id, duplicate: true };
      }
      // The row stays 'received' until its intake job finishes it: the sweeper re-queues any
      // such row older than its grace period, so no status write is needed here.
      // A queue that does not answer (Redis down) must not hold the platform's webhook or poll:
      // the message is stored, so after a short wait the answer is given and the sweeper (or
      // the add itself, once the queue is back) queues it.
      let timer: NodeJS.Timeout | undefined;
      const waitMs = deps.enqueueWaitMs ?? ENQUEUE_WAIT_MS;
      try {
        await Promise.race([
          deps.enqueueIntake(stored.id),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`queue did not answer within ${waitMs} ms`)), waitMs);
          }),
        ]);
      } catch (err) {
        deps.logger.warn({ inboundId: stored.id, err }, 'stored but not queued; the sweeper will queue it');
      } finally {
        clearTimeout(timer);
      }
      return { inboundId: stored.id, duplicate: !stored.created };
    },
  };
}

export type Ingest = ReturnType<typeof createIngest>;
