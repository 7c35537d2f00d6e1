/**
 * The fan-out job: when a notice is due, fix its target list once (one delivery row per chat)
 * and queue one paced delivery job per pending chat, with deterministic ids. Running it again
 * (a restart, the start-up recovery) re-queues only what is still pending, and a job id that
 * exists already is not added twice.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import { resolveParsedScope, type NoticeScope } from '../../core/notices/scope.js';
import type { NoticeRepository } from '../../db/repositories/notice-repository.js';
import { noticeFanoutJobSchema, type NoticeDeliverJob, type NoticeFanoutJob } from '../jobs.js';

interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export function createNoticeFanoutProcessor(deps: {
  notices: NoticeRepository;
  /** Queue delivery jobs on the chat's channel queue; false when the channel is not running here. */
  enqueueDeliveries(channel: string, jobs: NoticeDeliverJob[]): Promise<boolean>;
  onNoticeFinished(noticeId: number): Promise<void>;
  /** Tell the author something went wrong with their notice. */
  tellAuthor(noticeId: number, text: string, dedupeKey: string): Promise<void>;
  logger: Log;
}) {
  /** Queue every pending delivery of a notice (also used by the start-up recovery). */
  async function enqueuePending(noticeId: number): Promise<number> {
    const pending = await deps.notices.pendingDeliveries(noticeId);
    const byChannel = new Map<string, number[]>();
    for (const p of pending) byChannel.set(p.channel, [...(byChannel.get(p.channel) ?? []), p.chatId]);
    for (const [channel, chatIds] of byChannel) {
      const ok = await deps.enqueueDeliveries(
        channel,
        chatIds.map((chatId) => ({ noticeId, chatId, kind: 'notice' as const })),
      );
      if (!ok) for (const chatId of chatIds) await deps.notices.markDelivery(noticeId, chatId, 'failed', `渠道 ${channel} 未启用`);
    }
    if (await deps.notices.finishIfDone(noticeId)) await deps.onNoticeFinished(noticeId);
    return pending.length;
  }

  async function processFanout(job: Pick<Job<NoticeFanoutJob>, 'data'>): Promise<string> {
    const parsed = noticeFanoutJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid notice fan-out job: ${parsed.error.message}`);
    const { noticeId } = parsed.data;
    const notice = await deps.notices.get(noticeId);
    if (!notice) throw new UnrecoverableError(`notice ${noticeId} does not exist`);
    if (notice.status === 'draft') throw new UnrecoverableError(`notice ${noticeId} was never confirmed`);
    if (notice.status === 'cancelled') return 'cancelled';
    if (notice.status === 'sent') return 'already_sent';
    // Wins or loses against 撤回 atomically: only a scheduled (or resuming) notice starts.
    const started = await deps.notices.startSending(noticeId);
    if (!started) return 'cancelled';

    if (!(await deps.notices.hasDeliveries(noticeId))) {
      const scope = notice.scope as NoticeScope;
      const snapshot = await deps.notices.snapshot();
      const r = resolveParsedScope(scope, snapshot, { personId: notice.authorPersonId ?? 0, roots: scope.areaRoots ?? [] });
      if (!r.ok || !r.chatIds.length) {
        const why = r.ok ? '范围内已没有可发送的会话' : r.message;
        deps.logger.warn({ noticeId, why }, 'notice has no targets');
        await deps.tellAuthor(noticeId, `通知 #${noticeId} 未能发送：${why}。`, `notice:${noticeId}:no-targets`);
      } else {
        await deps.notices.insertDeliveries(noticeId, r.chatIds);
      }
    }
    const queued = await enqueuePending(noticeId);
    deps.logger.info({ noticeId, queued }, 'notice fan-out queued');
    return `queued:${queued}`;
  }

  return { processFanout, enqueuePending };
}
