import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { outboundMessages, type OutboundPayload } from '../schema.js';
import { createBatcher } from './batcher.js';
import { preparedOnce } from './prepared.js';

export type OutboundRow = typeof outboundMessages.$inferSelect;
/** What a caller records: the message and where it goes (status, attempts and times are the table's). */
export type NewOutbound = Pick<typeof outboundMessages.$inferInsert, 'dedupeKey' | 'channel' | 'chatId' | 'platformChatId' | 'kind' | 'editsOutboundId' | 'payload' | 'caseId' | 'noticeId'>;

/** Queue-independent record of what Jiesu sends, keyed by a deterministic dedupe key. */
export function createOutboundRepository(db: Db) {
  // Send jobs running side by side read and record their rows in one statement each, built
  // once for any number of rows (see prepared.ts).
  const getMany = preparedOnce(() =>
    db
      .select()
      .from(outboundMessages)
      .where(sql`${outboundMessages.id} = any(${sql.placeholder('ids')}::bigint[])`)
      .prepare('outbound_get_many'),
  );
  const getBatched = createBatcher<number, OutboundRow | undefined>(async (ids) => {
    const rows = await getMany({ ids: [...new Set(ids)] });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id));
  });
  const markSentMany = preparedOnce(() =>
    db
      .update(outboundMessages)
      // Rows found by `id = any(…)` (an index lookup whatever the planner guesses of the array's
      // length; a join with `unnest` could be planned as a hash join over the whole table), each
      // row's value picked by its position in the arrays.
      .set({
        status: 'sent',
        platformMessageId: sql`(${sql.placeholder('pids')}::text[])[array_position(${sql.placeholder('ids')}::bigint[], ${outboundMessages.id})]`,
        sentAt: sql`${sql.placeholder('at')}::timestamptz`,
        attempts: sql`${outboundMessages.attempts} + 1`,
      })
      .where(sql`${outboundMessages.id} = any(${sql.placeholder('ids')}::bigint[])`)
      .prepare('outbound_mark_sent_many'),
  );
  const markSentBatched = createBatcher<{ id: number; platformMessageId: string }, void>(async (items) => {
    const byId = new Map(items.map((i) => [i.id, i.platformMessageId]));
    await markSentMany({ ids: [...byId.keys()], pids: [...byId.values()], at: new Date().toISOString() });
    return items.map(() => undefined);
  });
  const amendPrepared = preparedOnce(() =>
    db
      .update(outboundMessages)
      .set({ payload: sql`jsonb_set(${outboundMessages.payload}, '{text}', to_jsonb(${sql.placeholder('text')}::text))` })
      .where(and(eq(outboundMessages.id, sql.placeholder('id')), eq(outboundMessages.status, 'pending')))
      .returning({ id: outboundMessages.id })
      .prepare('outbound_amend_pending_text'),
  );
  // Every reply and notification: built once (see prepared.ts).
  const insertPrepared = preparedOnce(() =>
    db
      .insert(outboundMessages)
      .values({
        dedupeKey: sql.placeholder('dedupeKey'),
        channel: sql.placeholder('channel'),
        chatId: sql.placeholder('chatId'),
        platformChatId: sql.placeholder('platformChatId'),
        kind: sql.placeholder('kind'),
        editsOutboundId: sql.placeholder('editsOutboundId'),
        payload: sql.placeholder('payload'),
        caseId: sql.placeholder('caseId'),
        noticeId: sql.placeholder('noticeId'),
      })
      .onConflictDoNothing({ target: outboundMessages.dedupeKey })
      .returning()
      .prepare('outbound_record'),
  );
  async function record(row: NewOutbound & { payload: OutboundPayload }): Promise<{ id: number; inserted?: OutboundRow }> {
    const [ins] = await insertPrepared({
      dedupeKey: row.dedupeKey,
      channel: row.channel,
      chatId: row.chatId ?? null,
      platformChatId: row.platformChatId,
      kind: row.kind ?? 'send',
      editsOutboundId: row.editsOutboundId ?? null,
      payload: row.payload,
      caseId: row.caseId ?? null,
      noticeId: row.noticeId ?? null,
    });
    if (ins) return { id: ins.id, inserted: ins };
    const [existing] = await db
      .select({ id: outboundMessages.id })
      .from(outboundMessages)
      .where(eq(outboundMessages.dedupeKey, row.dedupeKey));
    return { id: existing!.id };
  }

  return {
    /** Insert once per dedupe key; returns the row id either way. */
    async enqueue(row: NewOutbound & { payload: OutboundPayload }): Promise<number> {
      return (await record(row)).id;
    },

    record,

    get(id: number): Promise<OutboundRow | undefined> {
      return getBatched(id);
    },

    /** Replace the text of a message not yet handed to a send job; false when it is no longer pending. */
    async amendPendingText(id: number, text: string): Promise<boolean> {
      const rows = await amendPrepared({ id, text });
      return rows.length > 0;
    },

    markSent(id: number, platformMessageId: string): Promise<void> {
      return markSentBatched({ id, platformMessageId });
    },

    /** Keep the error on the row; `final` marks it failed for good. */
    async recordError(id: number, error: string, final: boolean): Promise<void> {
      await db
        .update(outboundMessages)
        .set({ error: error.replace(/\u0000/g, ''), attempts: sql`${outboundMessages.attempts} + 1`, ...(final ? { status: 'failed' as const } : {}) })
        .where(eq(outboundMessages.id, id));
    },

    /**
     * Pending rows older than `graceMs` by the database's clock (a crash between commit and enqueue): re-queued by the
     * sweeper. Notice deliveries are left to the notice service, which paces and recovers them.
     */
    async stalePending(graceMs: number, limit = 500): Promise<{ id: number; channel: string }[]> {
      return db
        .select({ id: outboundMessages.id, channel: outboundMessages.channel })
        .from(outboundMessages)
        .where(and(eq(outboundMessages.status, 'pending'), lt(outboundMessages.createdAt, sql`now() - make_interval(secs => ${graceMs / 1000})`), isNull(outboundMessages.noticeId)))
        .orderBy(outboundMessages.id)
        .limit(limit);
    },
  };
}

export type OutboundRepository = ReturnType<typeof createOutboundRepository>;
