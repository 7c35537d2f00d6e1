import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { InboundMessage } from '../../core/messaging/channel.js';
import type { Db } from '../client.js';
import { chats, identities, inboundMessages, people } from '../schema.js';
import { createBatcher } from './batcher.js';
import { preparedOnce } from './prepared.js';
import type { PersonRoles } from './directory-repository.js';

export type InboundRow = typeof inboundMessages.$inferSelect;

/** A stored message and, when its chat and sender are already known, who and where they are. */
export interface IntakeView {
  row: InboundRow;
  known: { chat: typeof chats.$inferSelect; personId: number; displayName: string; roles: PersonRoles['roles']; member: boolean } | null;
}

/** The inbox: every inbound message, stored before anything else happens. */
export function createInboxRepository(db: Db) {
  // Messages arriving, read and finished at the same moment share one statement each (see batcher.ts).
  const key = (channel: string, chatId: string, messageId: string) => `${channel}\u0000${chatId}\u0000${messageId}`;
  const storeBatched = createBatcher<{ m: InboundMessage; receivedAt?: Date }, { id: number; created: boolean; status: InboundRow['status'] }>(async (items) => {
    const inserted = await db
      .insert(inboundMessages)
      .values(
        items.map(({ m, receivedAt }) => ({
          channel: m.channel,
          platformChatId: m.chatId,
          platformMessageId: m.messageId,
          chatKind: m.chatKind,
          chatTitle: m.chatTitle ?? null,
          senderPlatformId: m.sender.id,
          senderName: m.sender.name,
          text: m.text,
          attachments: {
            ...(m.photos?.length ? { photos: m.photos } : {}),
            ...(m.location ? { location: m.location } : {}),
            ...(m.action ? { action: m.action } : {}),
          },
          replyToPlatformMessageId: m.replyToMessageId ?? null,
          sentAt: m.sentAt,
          ...(receivedAt ? { receivedAt } : {}),
        })),
      )
      // The same platform message twice (in this batch or before) is one row.
      .onConflictDoNothing({ target: [inboundMessages.channel, inboundMessages.platformChatId, inboundMessages.platformMessageId] })
      .returning({ id: inboundMessages.id, status: inboundMessages.status, channel: inboundMessages.channel, c: inboundMessages.platformChatId, p: inboundMessages.platformMessageId });
    const created = new Map(inserted.map((r) => [key(r.channel, r.c, r.p), r]));
    const missing = items.filter(({ m }) => !created.has(key(m.channel, m.chatId, m.messageId)));
    const existing = new Map<string, { id: number; status: InboundRow['status'] }>();
    if (missing.length) {
      const rows = await db
        .select({ id: inboundMessages.id, status: inboundMessages.status, channel: inboundMessages.channel, c: inboundMessages.platformChatId, p: inboundMessages.platformMessageId })
        .from(inboundMessages)
        .where(
          or(
            ...missing.map(({ m }) =>
              and(eq(inboundMessages.channel, m.channel), eq(inboundMessages.platformChatId, m.chatId), eq(inboundMessages.platformMessageId, m.messageId)),
            ),
          ),
        );
      for (const r of rows) existing.set(key(r.channel, r.c, r.p), { id: r.id, status: r.status });
    }
    // Only the first caller of a row this batch inserted created it.
    return items.map(({ m }) => {
      const k = key(m.channel, m.chatId, m.messageId);
      const mine = created.get(k);
      if (mine) {
        created.delete(k);
        existing.set(k, { id: mine.id, status: mine.status });
        return { id: mine.id, status: mine.status, created: true };
      }
      return { ...existing.get(k)!, created: false };
    });
  });

  // Wide (the message and its chat, every column): built once, for any number of ids (see prepared.ts).
  const intakeView = preparedOnce(() =>
    db
      .select({
        row: inboundMessages,
        chat: chats,
        personId: identities.personId,
        displayName: people.displayName,
        member: sql<boolean>`exists (select 1 from chat_members m where m.chat_id = ${chats.id} and m.person_id = ${identities.personId})`,
        roles: sql<PersonRoles['roles']>`(select coalesce(json_agg(json_build_object('role', r.role, 'nodeId', n.id, 'nodeCode', n.code, 'departmentId', r.department_id) order by r.id), '[]'::json) from role_assignments r join org_nodes n on n.id = r.node_id where r.person_id = ${identities.personId})`,
      })
      .from(inboundMessages)
      .leftJoin(chats, and(eq(chats.channel, inboundMessages.channel), eq(chats.platformChatId, inboundMessages.platformChatId)))
      .leftJoin(identities, and(eq(identities.channel, inboundMessages.channel), eq(identities.platformUserId, inboundMessages.senderPlatformId)))
      .leftJoin(people, eq(people.id, identities.personId))
      .where(sql`${inboundMessages.id} = any(${sql.placeholder('ids')}::bigint[])`)
      .prepare('inbox_intake_view'),
  );
  const intakeViewBatched = createBatcher<number, IntakeView | undefined>(async (ids) => {
    const rows = await intakeView({ ids: [...new Set(ids)] });
    const byId = new Map(
      rows.map((r) => [
        r.row.id,
        {
          row: r.row,
          known: r.chat && r.personId !== null && r.displayName !== null ? { chat: r.chat, personId: r.personId, displayName: r.displayName, roles: r.roles, member: r.member } : null,
        },
      ]),
    );
    return ids.map((id) => byId.get(id));
  });

  type Finish = { id: number; status: 'processed' | 'ignored'; outcome: string; classification?: unknown; caseId?: number; chatId?: number | null; personId?: number | null };
  // One array per column, built once for any number of rows (see prepared.ts). Rows found by
  // `id = any(…)` (an index lookup whatever the planner guesses of the array's length), each
  // row's values picked by its position in the arrays.
  const nth = (name: string, type: string) =>
    sql`(${sql.placeholder(name)}::${sql.raw(type)}[])[array_position(${sql.placeholder('ids')}::bigint[], ${inboundMessages.id})]`;
  const finishMany = preparedOnce(() =>
    db
      .update(inboundMessages)
      .set({
        status: sql`${nth('statuses', 'text')}::inbound_status`,
        outcome: nth('outcomes', 'text'),
        classification: sql`${nth('classifications', 'text')}::jsonb`,
        caseId: sql`coalesce(${nth('caseIds', 'int')}, ${inboundMessages.caseId})`,
        chatId: sql`coalesce(${nth('chatIds', 'int')}, ${inboundMessages.chatId})`,
        personId: sql`coalesce(${nth('personIds', 'int')}, ${inboundMessages.personId})`,
        processedAt: sql`${sql.placeholder('at')}::timestamptz`,
        error: null,
      })
      .where(sql`${inboundMessages.id} = any(${sql.placeholder('ids')}::bigint[])`)
      .prepare('inbox_finish_many'),
  );
  const finishBatched = createBatcher<Finish, void>(async (items) => {
    // Absent ids (case, chat, person) leave the column as it is.
    await finishMany({
      ids: items.map((f) => f.id),
      statuses: items.map((f) => f.status),
      outcomes: items.map((f) => f.outcome),
      classifications: items.map((f) => (f.classification === undefined || f.classification === null ? null : JSON.stringify(f.classification))),
      caseIds: items.map((f) => f.caseId ?? null),
      chatIds: items.map((f) => f.chatId ?? null),
      personIds: items.map((f) => f.personId ?? null),
      at: new Date().toISOString(),
    });
    return items.map(() => undefined);
  });

  return {
    /**
     * Store a message; the same platform message twice is one row.
     * Returns the row id and whether this call created it.
     */
    store(m: InboundMessage, receivedAt?: Date): Promise<{ id: number; created: boolean; status: InboundRow['status'] }> {
      return storeBatched({ m, receivedAt });
    },

    async get(id: number): Promise<InboundRow | undefined> {
      const [row] = await db.select().from(inboundMessages).where(eq(inboundMessages.id, id));
      return row;
    },

    /**
     * A stored message with what intake needs to know about it, in one round trip: the chat
     * and the sender's person (when already known), the sender's name and roles, and whether
     * they are already a member of the chat.
     */
    getForIntake(id: number): Promise<IntakeView | undefined> {
      return intakeViewBatched(id);
    },

    finish(
      id: number,
      result: {
        status: 'processed' | 'ignored';
        outcome: string;
        classification?: unknown;
        caseId?: number;
        chatId?: number | null;
        personId?: number | null;
      },
    ): Promise<void> {
      return finishBatched({ id, ...result });
    },

    async recordFailure(id: number, error: string, final: boolean): Promise<void> {
      await db
        .update(inboundMessages)
        .set({
          attempts: sql`${inboundMessages.attempts} + 1`,
          error: error.replace(/\u0000/g, ''),
          ...(final ? { status: 'failed' as const } : {}),
        })
        // A failure after the message was finished (e.g. queueing its reply) leaves it finished.
        .where(and(eq(inboundMessages.id, id), inArray(inboundMessages.status, ['received', 'queued'])));
    },

    /** Messages stored but not finished before `before`: the sweeper re-queues them. */
    async unfinished(before: Date, limit = 500): Promise<number[]> {
      const rows = await db
        .select({ id: inboundMessages.id })
        .from(inboundMessages)
        .where(and(inArray(inboundMessages.status, ['received', 'queued']), lt(inboundMessages.receivedAt, before)))
        .orderBy(inboundMessages.id)
        .limit(limit);
      return rows.map((r) => r.id);
    },
  };
}

export type InboxRepository = ReturnType<typeof createInboxRepository>;
