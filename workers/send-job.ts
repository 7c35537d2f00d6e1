import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { ChannelSendError, type ChatChannel } from '../core/messaging/channel.js';
import type { OutboundRepository, OutboundRow } from '../db/repositories/outbound-repository.js';
import { sendJobSchema, type SendJob } from './jobs.js';

interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** How long a send job waits for a direct send of its row under way in this process. */
const DIRECT_SEND_WAIT_MS = 1000;

/**
 * The send job: deliver one recorded outbound message through its channel and record the
 * result on the row. A sent row is never sent again, however often the job runs.
 * A channel that asks to wait (`ChannelSendError.retryAfterMs`: a platform's rate limit, the
 * WeChat paced queue's caps and back-offs) gets the job moved to delayed until then, without
 * using up an attempt, when the worker passes its token. A channel without edits (WeChat)
 * gets an edit as a new message.
 */
export function createSendProcessor(deps: {
  outbound: OutboundRepository;
  channels: ReadonlyMap<string, ChatChannel>;
  /** A row this process is sending directly (workers/direct-send.ts): its job waits. */
  sendingDirectly?(outboundId: number): boolean;
  logger: Log;
}) {
  // Sends the platform took whose record failed (the database went away between the two):
  // a retry in this process records them instead of sending them again. A retry that another
  // process runs cannot know, and sends again (delivery stays at-least-once there). Entries are
  // dropped when their row is seen again; the cap bounds what retries elsewhere leave behind.
  const unrecorded = new Map<number, string>();
  const UNRECORDED_LIMIT = 10_000;
  return async function processSend(
    job: Pick<Job<SendJob>, 'data' | 'attemptsMade' | 'opts'> & Partial<Pick<Job<SendJob>, 'moveToDelayed'>>,
    token?: string,
    how: { direct?: boolean; row?: OutboundRow } = {},
  ): Promise<'sent' | 'skipped'> {
    const parsed = sendJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid send job: ${parsed.error.message}`);
    // A direct send of a row just inserted has it already (still pending: nothing else knows its id yet).
    const row = how.row?.id === parsed.data.outboundId ? how.row : await deps.outbound.get(parsed.data.outboundId);
    if (!row) throw new UnrecoverableError(`outbound message ${parsed.data.outboundId} does not exist`);
    if (row.status !== 'pending') {
      unrecorded.delete(row.id);
      return 'skipped';
    }
    if (!how.direct && deps.sendingDirectly?.(row.id)) {
      // A re-queue (the sweeper's) of a row whose direct send is still under way here.
      if (token === undefined || !job.moveToDelayed) throw new Error(`outbound message ${row.id} is being sent directly`);
      await job.moveToDelayed(Date.now() + DIRECT_SEND_WAIT_MS, token);
      throw new DelayedError();
    }
    const taken = unrecorded.get(row.id);
    if (taken !== undefined) {
      await deps.outbound.markSent(row.id, taken);
      unrecorded.delete(row.id);
      return 'sent';
    }
    const channel = deps.channels.get(row.channel);
    if (!channel) {
      await deps.outbound.recordError(row.id, `channel ${row.channel} is not configured`, true);
      throw new UnrecoverableError(`channel ${row.channel} is not configured`);
    }
    const message = {
      chatId: row.platformChatId,
      text: row.payload.text,
      buttons: row.payload.buttons,
      photo: row.payload.photo,
      replyToMessageId: row.payload.replyToPlatformMessageId,
      mentions: row.payload.mentions?.map((m) => ({ id: m.platformUserId, name: m.name })),
      answersAction: row.payload.answersAction && { messageId: row.payload.answersAction.platformMessageId, alert: row.payload.answersAction.alert },
      idempotencyKey: `outbound-${row.id}`,
    };
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    try {
      if (row.kind === 'edit' && channel.capabilities.edit) {
        const target = row.editsOutboundId ? await deps.outbound.get(row.editsOutboundId) : undefined;
        if (!target?.platformMessageId) throw new ChannelSendError('the message to edit was never sent', !lastAttempt);
        await channel.edit(row.platformChatId, target.platformMessageId, message);
        await deps.outbound.markSent(row.id, target.platformMessageId);
      } else {
        const result = await channel.send(message);
        if (unrecorded.size >= UNRECORDED_LIMIT) unrecorded.delete(unrecorded.keys().next().value!);
        unrecorded.set(row.id, result.messageId);
        await deps.outbound.markSent(row.id, result.messageId);
        unrecorded.delete(row.id);
      }
      deps.logger.info({ outboundId: row.id, caseId: row.caseId, channel: row.channel }, 'message sent');
      return 'sent';
    } catch (err) {
      if (unrecorded.has(row.id)) throw err; // sent, not recorded: the retry records it
      const retryable = err instanceof ChannelSendError ? err.retryable : true;
      const text = err instanceof Error ? err.message : String(err);
      const retryAfterMs = err instanceof ChannelSendError && retryable && err.retryAfterMs && err.retryAfterMs > 0 ? err.retryAfterMs : undefined;
      const delay = retryAfterMs !== undefined && token !== undefined && job.moveToDelayed ? retryAfterMs : undefined;
      await deps.outbound.recordError(row.id, text, !retryable || (lastAttempt && delay === undefined));
      deps.logger.warn({ outboundId: row.id, caseId: row.caseId, channel: row.channel, retryable, retryAfterMs, err: text }, 'send failed');
      if (!retryable) throw new UnrecoverableError(text);
      if (delay !== undefined) {
        await job.moveToDelayed!(Date.now() + delay, token);
        throw new DelayedError();
      }
      throw err;
    }
  };
}
