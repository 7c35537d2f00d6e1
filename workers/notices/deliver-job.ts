/**
 * The delivery job: one notice (or one reminder round) to one chat, paced. The message is an
 * outbound row with a deterministic dedupe key, sent by the same code as every other message,
 * so a job that runs again after a restart finds the row sent and sends nothing.
 */
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { ChannelSendError } from '../../core/messaging/channel.js';
import { noticeMessageButtons, noticeMessageText } from '../../core/notices/flow.js';
import { reminderText } from '../../core/notices/texts.js';
import type { NoticeRepository, NoticeRow } from '../../db/repositories/notice-repository.js';
import type { OutboundRepository } from '../../db/repositories/outbound-repository.js';
import type { OutboundPayload } from '../../db/schema.js';
import { noticeDeliverJobSchema, type NoticeDeliverJob, type SendJob } from '../jobs.js';
import type { NoticeGate } from './gate.js';
import { acksByChat } from './recipients.js';

interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export const noticeDedupeKeys = {
  notice: (noticeId: number, chatId: number) => `notice:${noticeId}:chat:${chatId}`,
  remind: (noticeId: number, round: number, chatId: number) => `notice:${noticeId}:remind:${round}:chat:${chatId}`,
  done: (noticeId: number) => `notice:${noticeId}:done`,
};

export type SendProcessor = (job: Pick<Job<SendJob>, 'data' | 'attemptsMade' | 'opts'>) => Promise<'sent' | 'skipped'>;

export function createNoticeDeliverProcessor(deps: {
  notices: NoticeRepository;
  outbound: OutboundRepository;
  send: SendProcessor;
  gate(channel: string): NoticeGate;
  /** Called when the last pending delivery of a notice is done. */
  onNoticeFinished(noticeId: number): Promise<void>;
  logger: Log;
}) {
  const finish = async (noticeId: number) => {
    if (await deps.notices.finishIfDone(noticeId)) await deps.onNoticeFinished(noticeId);
  };

  /** The reminder text for the people in this chat who have not confirmed yet (null: nobody left). */
  const reminderPayload = async (noticeId: number, chat: { id: number; kind: 'group' | 'direct'; personId: number | null; channel: string }) => {
    const notice = (await deps.notices.get(noticeId))!;
    const acks = (await acksByChat(deps.notices, notice, [{ chatId: chat.id, kind: chat.kind, personId: chat.personId }])).get(chat.id)!;
    if (!acks.unconfirmed.length) return null;
    const [names, ids] = await Promise.all([deps.notices.names(acks.unconfirmed), deps.notices.platformIds(acks.unconfirmed, chat.channel)]);
    const people = acks.unconfirmed.map((p) => ({ name: names.get(p) ?? '居民', platformUserId: ids.get(p) }));
    return {
      text: reminderText(notice, people.map((p) => p.name)),
      buttons: noticeMessageButtons({ id: noticeId, needsAck: true }),
      mentions: people.filter((p) => p.platformUserId).map((p) => ({ platformUserId: p.platformUserId!, name: p.name })),
    } satisfies OutboundPayload;
  };

  // Thousands of deliveries read the same notice: keep it (and its author's name) for a few seconds.
  const noticeCache = new Map<number, { at: number; value: Promise<(NoticeRow & { authorName: string | null }) | undefined> }>();
  const cachedNotice = (noticeId: number) => {
    const hit = noticeCache.get(noticeId);
    if (hit && Date.now() - hit.at < 5000) return hit.value;
    const value = deps.notices.get(noticeId).then(async (n) => {
      if (!n) return undefined;
      const authorName = n.authorPersonId ? ((await deps.notices.names([n.authorPersonId])).get(n.authorPersonId) ?? null) : null;
      return { ...n, authorName };
    });
    value.catch(() => noticeCache.delete(noticeId));
    if (noticeCache.size > 100) noticeCache.clear();
    noticeCache.set(noticeId, { at: Date.now(), value });
    return value;
  };

  return async function processNoticeDelivery(
    job: Job<NoticeDeliverJob>,
    token: string | undefined,
    rateLimit: (ms: number) => Promise<void>,
  ): Promise<string> {
    const parsed = noticeDeliverJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid notice delivery job: ${parsed.error.message}`);
    const { noticeId, chatId, kind } = parsed.data;
    const isNotice = kind === 'notice';
    if (!isNotice && !parsed.data.round) throw new UnrecoverableError('a reminder job needs its round');
    const dedupeKey = isNotice ? noticeDedupeKeys.notice(noticeId, chatId) : noticeDedupeKeys.remind(noticeId, parsed.data.round!, chatId);

    let deliveryOutboundId: number | null = null;
    if (isNotice) {
      const d = await deps.notices.delivery(noticeId, chatId);
      if (!d) throw new UnrecoverableError(`notice ${noticeId} has no delivery to chat ${chatId}`);
      if (d.status !== 'pending') return `already_${d.status}`;
      deliveryOutboundId = d.outboundMessageId;
    }
    let outboundId: number | undefined;
    const record = async (status: 'sent' | 'failed', error: string | null = null): Promise<string> => {
      if (isNotice) {
        await deps.notices.markDelivery(noticeId, chatId, status, error, outboundId);
        await finish(noticeId);
      }
      return status;
    };

    // Sent before a restart (or by an earlier run of this job): record it, send nothing.
    const existing = deliveryOutboundId ? await deps.outbound.get(deliveryOutboundId) : await deps.notices.outboundByKey(dedupeKey);
    if (existing?.status === 'sent') return record('sent');
    if (existing?.status === 'failed') return record('failed', existing.error);

    const notice = await cachedNotice(noticeId);
    const chat = await deps.notices.chat(chatId);
    if (!notice || !chat) throw new UnrecoverableError(`notice ${noticeId} or chat ${chatId} does not exist`);

    outboundId = existing?.id;
    if (!outboundId) {
      let payload: OutboundPayload;
      if (isNotice) {
        const authorName = notice.authorName;
        payload = {
          text: noticeMessageText({ id: notice.id, text: notice.text, needsAck: notice.needsAck, authorName }),
          ...(notice.image ? { photo: notice.image } : {}),
          ...(notice.needsAck ? { buttons: noticeMessageButtons(notice) } : {}),
        };
      } else {
        const p = await reminderPayload(noticeId, chat);
        if (!p) return 'nobody_to_remind';
        payload = p;
      }
      // The dedupe key makes this the same row on every run; the delivery is linked to it when recorded.
      outboundId = await deps.outbound.enqueue({ dedupeKey, channel: chat.channel, chatId, platformChatId: chat.platformChatId, payload, noticeId });
    }
    const sendingId = outboundId;

    // The pace: as close to the send as possible, so the platform sees evenly spaced messages.
    const wait = await deps.gate(chat.channel).beforeSend({ channel: chat.channel, platformChatId: chat.platformChatId });
    if (wait && wait.retryAt > Date.now()) {
      await job.moveToDelayed(wait.retryAt, token);
      throw new DelayedError();
    }

    let outcome: 'sent' | 'skipped';
    try {
      outcome = await deps.send({ data: { outboundId: sendingId }, attemptsMade: job.attemptsMade, opts: job.opts });
    } catch (err) {
      if (err instanceof ChannelSendError && err.retryable && err.retryAfterMs) {
        // The platform says slow down: hold the whole channel queue, not just this chat.
        deps.logger.warn({ noticeId, chatId, retryAfterMs: err.retryAfterMs }, 'notice delivery rate-limited by the platform');
        await rateLimit(err.retryAfterMs);
        throw Worker.RateLimitError();
      }
      const final = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (final) await record('failed', err instanceof Error ? err.message : String(err));
      throw err;
    }
    if (outcome === 'sent') return record('sent');
    const row = await deps.outbound.get(sendingId);
    if (row?.status === 'sent') return record('sent');
    if (row?.status === 'failed') return record('failed', row.error);
    throw new Error(`notice ${noticeId} to chat ${chatId}: message still pending after sending`);
  };
}
