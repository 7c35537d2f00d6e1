import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { InboundMessage } from '../../core/messaging/channel.js';
import type { Db } from '../client.js';
import { chats, identities, inboundMessages, people } from '../schema.js';
import type { PersonRoles } from './directory-repository.js';

export type InboundRow = typeof inboundMessages.$inferSelect;

/** A stored message and, when its chat and sender are already known, who and where they are. */
export interface IntakeView {
  row: InboundRow;
  known: { chat: typeof chats.$inferSelect; personId: number; displayName: string; roles: PersonRoles['roles']; member: boolean } | null;
}

/** The inbox: every inbound message, stored before anything else happens. */
export function createInboxRepository(db: Db) {
  return {
    /**
     * Store a message; the same platform message twice is one row.
     * Returns the row id and whether this call created it.
     */
    async store(m: InboundMessage, receivedAt?: Date): Promise<{ id: number; created: boolean; status: InboundRow['status'] }> {
      const inserted = await db
        .insert(inboundMessages)
        .values({
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
        })
        .onConflictDoNothing({
          target: [inboundMessages.channel, inboundMessages.platformChatId, inboundMessages.platformMessageId],
        })
        .returning({ id: inboundMessages.id, status: inboundMessages.status });
      if (inserted[0]) return { ...inserted[0], created: true };
      const [existing] = await db
        .select({ id: inboundMessages.id, status: inboundMessages.status })
        .from(inboundMessages)
        .where(
          and(
            eq(inboundMessages.channel, m.channel),
            eq(inboundMessages.platformChatId, m.chatId),
            eq(inboundMessages.platformMessageId, m.messageId),
          ),
        );
      return { ...existing!, created: false };
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
    async getForIntake(id: number): Promise<IntakeView | undefined> {
      const [r] = await db
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
        .where(eq(inboundMessages.id, id));
      if (!r) return undefined;
      const known = r.chat && r.personId !== null && r.displayName !== null ? { chat: r.chat, personId: r.personId, displayName: r.displayName, roles: r.roles, member: r.member } : null;
      return { row: r.row, known };
    },

    async finish(
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
      await db
        .update(inboundMessages)
        .set({
          status: result.status,
          outcome: result.outcome,
          classification: result.classification ?? null,
          caseId: result.caseId ?? undefined,
          chatId: result.chatId ?? undefined,
          personId: result.personId ?? undefined,
          processedAt: new Date(),
          error: null,
        })
        .where(eq(inboundMessages.id, id));
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
