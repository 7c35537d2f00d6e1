import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { InboundMessage } from '../../core/messaging/channel.js';
import type { Db } from '../client.js';
import { inboundMessages } from '../schema.js';

export type InboundRow = typeof inboundMessages.$inferSelect;

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

    async markQueued(id: number): Promise<void> {
      await db
        .update(inboundMessages)
        .set({ status: 'queued' })
        .where(and(eq(inboundMessages.id, id), eq(inboundMessages.status, 'received')));
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
          error,
          ...(final ? { status: 'failed' as const } : {}),
        })
        .where(eq(inboundMessages.id, id));
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
