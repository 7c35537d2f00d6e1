import { UnrecoverableError } from 'bullmq';
import type { OutboundRef } from './jobs.js';

interface Log {
  warn(obj: object, msg?: string): void;
}

/** Direct sends in flight in one process before further messages go through the send queue. */
export const DEFAULT_DIRECT_SENDS = 32;

/**
 * Sending without a queue hop. A recorded outbound message is sent at once, in this process,
 * when this process has its channel and fewer than `limit` direct sends are under way;
 * otherwise, and whenever the direct attempt fails (a platform error, a rate limit, the
 * database away), it gets its send job as before, with the job's retries and back-off. A crash
 * mid-send leaves the row pending, and the sweeper queues it. Most messages so cost no job at
 * all: a new case's receipt and task card went out as three queue jobs, on top of its intake.
 *
 * A send job for a row that is being sent directly here waits (see `sendingDirectly`), so a
 * sweeper's re-queue of a slow send cannot send it twice in this process. In another process it
 * could: the sweeper's grace period (60 s by default) is longer than Telegram's limiter waits
 * (10 s), and a WeChat send, whose pacer may wait up to 60 s, has only the one process with the
 * login to run its job, where it waits.
 */
export function createDirectSender(deps: {
  /** Which channels this process can send on (and runs the send processors of). */
  channels: ReadonlySet<string>;
  /** The send processor's work for one row, as an attempt that has retries left. */
  sendNow(outbound: OutboundRef): Promise<unknown>;
  /** The send job. */
  enqueue(outbound: OutboundRef): Promise<void>;
  /** 0 disables direct sends: every message gets its job. */
  limit: number;
  logger: Log;
}) {
  const inFlight = new Map<number, Promise<void>>();
  let closed = false;

  async function attempt(o: OutboundRef): Promise<void> {
    try {
      await deps.sendNow(o);
      return;
    } catch (err) {
      // Recorded on the row as failed for good (a channel refusing the message): no job either.
      if (err instanceof UnrecoverableError) return;
    } finally {
      inFlight.delete(o.id);
    }
    await deps.enqueue({ id: o.id, channel: o.channel }).catch((err) => deps.logger.warn({ outboundId: o.id, err }, 'direct send failed and its job was not queued; the sweeper will queue it'));
  }

  return {
    /** Send `o` now when possible, else queue its job. Resolves once it is under way or queued. */
    async submit(o: OutboundRef): Promise<void> {
      if (closed || inFlight.size >= deps.limit || !deps.channels.has(o.channel) || inFlight.has(o.id)) return deps.enqueue({ id: o.id, channel: o.channel });
      inFlight.set(o.id, attempt(o));
    },
    /** Whether this process is sending that row directly right now. */
    sendingDirectly: (outboundId: number) => inFlight.has(outboundId),
    /** No new direct sends; resolves when those under way have finished (sent or queued). */
    async drain(): Promise<void> {
      closed = true;
      while (inFlight.size) await Promise.allSettled([...inFlight.values()]);
    },
  };
}
