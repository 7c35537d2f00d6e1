import { and, desc, eq, gte, inArray, isNotNull, isNull, or, sql } from 'drizzle-orm';
import type { DirectorySnapshot, NoticeScope } from '../../core/notices/scope.js';
import type { FlowStep } from '../../core/notices/flow.js';
import type { Db } from '../client.js';
import { chatMembers, chats, identities, noticeAcks, noticeDeliveries, notices, orgNodes, outboundMessages, people, roleAssignments } from '../schema.js';

export type NoticeRow = typeof notices.$inferSelect;
export type DeliveryRow = typeof noticeDeliveries.$inferSelect;
export type ChatRow = typeof chats.$inferSelect;

export interface DraftPatch {
  step?: FlowStep | null;
  text?: string;
  image?: string | null;
  scope?: NoticeScope;
  needsAck?: boolean;
  scheduledAt?: Date | null;
}

/** Notices: drafts of the guided flow, scheduled and sent notices, deliveries and acks. */
export function createNoticeRepository(db: Db) {
  return {
    async get(id: number): Promise<NoticeRow | undefined> {
      const [row] = await db.select().from(notices).where(eq(notices.id, id));
      return row;
    },

    /** The notice a given inbound message last moved (a re-run of that message replays). */
    async byLastInbound(inboundId: number): Promise<NoticeRow | undefined> {
      const [row] = await db.select().from(notices).where(eq(notices.lastInboundId, inboundId)).orderBy(desc(notices.id)).limit(1);
      return row;
    },

    /** The draft a person is composing in a chat, if it was touched since `since`. */
    async activeDraft(personId: number, chatId: number, since: Date): Promise<NoticeRow | undefined> {
      const [row] = await db
        .select()
        .from(notices)
        .where(
          and(
            eq(notices.authorPersonId, personId),
            eq(notices.draftChatId, chatId),
            eq(notices.status, 'draft'),
            isNotNull(notices.flowStep),
            gte(notices.updatedAt, since),
          ),
        )
        .orderBy(desc(notices.id))
        .limit(1);
      return row;
    },

    /** Start a new draft (any earlier unfinished draft of this person in this chat is dropped). */
    async createDraft(input: { authorPersonId: number; draftChatId: number; lastInboundId: number }): Promise<NoticeRow> {
      return db.transaction(async (tx) => {
        // A draft always has a step: `flow_step is not null` lets notices_draft_idx (partial on
        // it) find this person's drafts; without it every 发通知 read every notice ever sent.
        await tx
          .update(notices)
          .set({ status: 'cancelled', flowStep: null, cancelledAt: new Date(), updatedAt: new Date() })
          .where(
            and(
              eq(notices.authorPersonId, input.authorPersonId),
              eq(notices.draftChatId, input.draftChatId),
              eq(notices.status, 'draft'),
              isNotNull(notices.flowStep),
            ),
          );
        const [row] = await tx
          .insert(notices)
          .values({ ...input, text: '', scope: {}, status: 'draft', flowStep: 'text' })
          .returning();
        return row!;
      });
    },

    /** Store a flow step; only while the draft is still a draft at the expected step. */
    async saveDraft(id: number, expectedStep: FlowStep, patch: DraftPatch, lastInboundId: number): Promise<NoticeRow | undefined> {
      const { step, ...rest } = patch;
      const [row] = await db
        .update(notices)
        .set({ ...rest, ...(step !== undefined ? { flowStep: step } : {}), lastInboundId, updatedAt: new Date() })
        .where(and(eq(notices.id, id), eq(notices.status, 'draft'), eq(notices.flowStep, expectedStep)))
        .returning();
      return row;
    },

    async cancelDraft(id: number, lastInboundId: number): Promise<NoticeRow | undefined> {
      const [row] = await db
        .update(notices)
        .set({ status: 'cancelled', flowStep: null, cancelledAt: new Date(), updatedAt: new Date(), lastInboundId })
        .where(and(eq(notices.id, id), eq(notices.status, 'draft')))
        .returning();
      return row;
    },

    /** The manager confirmed the preview: the notice is scheduled (for now or later). */
    async confirm(id: number, scheduledAt: Date, lastInboundId: number): Promise<NoticeRow | undefined> {
      const [row] = await db
        .update(notices)
        .set({ status: 'scheduled', flowStep: null, scheduledAt, lastInboundId, updatedAt: new Date() })
        .where(and(eq(notices.id, id), eq(notices.status, 'draft'), eq(notices.flowStep, 'preview')))
        .returning();
      return row;
    },

    /** 撤回: only a notice whose fan-out has not started. */
    async cancelScheduled(id: number): Promise<NoticeRow | undefined> {
      const [row] = await db
        .update(notices)
        .set({ status: 'cancelled', cancelledAt: new Date(), updatedAt: new Date() })
        .where(and(eq(notices.id, id), eq(notices.status, 'scheduled')))
        .returning();
      return row;
    },

    /** The fan-out starts (or resumes after a restart). Undefined when cancelled or already done. */
    async startSending(id: number): Promise<NoticeRow | undefined> {
      const [row] = await db
        .update(notices)
        .set({ status: 'sending', updatedAt: new Date() })
        .where(and(eq(notices.id, id), or(eq(notices.status, 'scheduled'), eq(notices.status, 'sending'))))
        .returning();
      return row;
    },

    /**
     * Notices a restart must pick up: scheduled ones (their delayed job) and half-sent ones.
     * Reads every notice (no index on the status): once at start-up, and notices are few.
     */
    async unfinished(): Promise<Pick<NoticeRow, 'id' | 'status' | 'scheduledAt'>[]> {
      return db
        .select({ id: notices.id, status: notices.status, scheduledAt: notices.scheduledAt })
        .from(notices)
        .where(or(eq(notices.status, 'scheduled'), eq(notices.status, 'sending')))
        .orderBy(notices.id);
    },

    /**
     * Everything scope resolution needs: nodes, chats, members, roles. Reads every chat
     * membership, on purpose: once at a draft's scope step and once per fan-out, never per
     * message, and an area notice goes to those members anyway.
     */
    async snapshot(): Promise<DirectorySnapshot> {
      const [nodes, chatRows, members, roles] = await Promise.all([
        db.select({ id: orgNodes.id, code: orgNodes.code, name: orgNodes.name, parentId: orgNodes.parentId }).from(orgNodes),
        db
          .select({ id: chats.id, kind: chats.kind, nodeId: chats.nodeId, purpose: chats.purpose, personId: chats.personId, title: chats.title, channel: chats.channel })
          .from(chats)
          .where(or(isNotNull(chats.nodeId), and(eq(chats.kind, 'direct'), isNotNull(chats.personId))))
          .orderBy(chats.id),
        db.select({ chatId: chatMembers.chatId, personId: chatMembers.personId }).from(chatMembers),
        db.select({ personId: roleAssignments.personId, role: roleAssignments.role, nodeId: roleAssignments.nodeId }).from(roleAssignments),
      ]);
      return { nodes, chats: chatRows, members, roles };
    },

    async hasDeliveries(noticeId: number): Promise<boolean> {
      const [row] = await db.select({ id: noticeDeliveries.id }).from(noticeDeliveries).where(eq(noticeDeliveries.noticeId, noticeId)).limit(1);
      return Boolean(row);
    },

    /** The target list, fixed once: one pending delivery per chat (idempotent). */
    async insertDeliveries(noticeId: number, chatIds: number[]): Promise<void> {
      await db.transaction(async (tx) => {
        for (let i = 0; i < chatIds.length; i += 1000) {
          const batch = chatIds.slice(i, i + 1000).map((chatId) => ({ noticeId, chatId }));
          await tx.insert(noticeDeliveries).values(batch).onConflictDoNothing();
        }
      });
    },

    async pendingDeliveries(noticeId: number): Promise<{ chatId: number; channel: string }[]> {
      return db
        .select({ chatId: noticeDeliveries.chatId, channel: chats.channel })
        .from(noticeDeliveries)
        .innerJoin(chats, eq(chats.id, noticeDeliveries.chatId))
        .where(and(eq(noticeDeliveries.noticeId, noticeId), eq(noticeDeliveries.status, 'pending')))
        .orderBy(noticeDeliveries.id);
    },

    async delivery(noticeId: number, chatId: number): Promise<DeliveryRow | undefined> {
      const [row] = await db
        .select()
        .from(noticeDeliveries)
        .where(and(eq(noticeDeliveries.noticeId, noticeId), eq(noticeDeliveries.chatId, chatId)));
      return row;
    },

    async chat(chatId: number): Promise<ChatRow | undefined> {
      const [row] = await db.select().from(chats).where(eq(chats.id, chatId));
      return row;
    },

    async linkOutbound(noticeId: number, chatId: number, outboundId: number): Promise<void> {
      await db
        .update(noticeDeliveries)
        .set({ outboundMessageId: outboundId, updatedAt: new Date() })
        .where(and(eq(noticeDeliveries.noticeId, noticeId), eq(noticeDeliveries.chatId, chatId), isNull(noticeDeliveries.outboundMessageId)));
    },

    async markDelivery(noticeId: number, chatId: number, status: 'sent' | 'failed', error: string | null = null, outboundId?: number): Promise<void> {
      await db
        .update(noticeDeliveries)
        .set({ status, error, updatedAt: new Date(), ...(status === 'sent' ? { sentAt: new Date() } : {}), ...(outboundId ? { outboundMessageId: outboundId } : {}) })
        .where(and(eq(noticeDeliveries.noticeId, noticeId), eq(noticeDeliveries.chatId, chatId), eq(noticeDeliveries.status, 'pending')));
    },

    /** Mark the notice sent once no delivery is pending. True for the call that did it. */
    async finishIfDone(noticeId: number): Promise<boolean> {
      const rows = await db
        .update(notices)
        .set({ status: 'sent', sentAt: new Date(), updatedAt: new Date() })
        .where(
          and(
            eq(notices.id, noticeId),
            eq(notices.status, 'sending'),
            sql`not exists (select 1 from ${noticeDeliveries} where ${noticeDeliveries.noticeId} = ${noticeId} and ${noticeDeliveries.status} = 'pending')`,
          ),
        )
        .returning({ id: notices.id });
      return rows.length > 0;
    },

    async deliveryCounts(noticeId: number): Promise<{ pending: number; sent: number; failed: number }> {
      const rows = await db
        .select({ status: noticeDeliveries.status, n: sql<number>`count(*)::int` })
        .from(noticeDeliveries)
        .where(eq(noticeDeliveries.noticeId, noticeId))
        .groupBy(noticeDeliveries.status);
      const out = { pending: 0, sent: 0, failed: 0 };
      for (const r of rows) out[r.status] = r.n;
      return out;
    },

    /** Once per person per notice. True when this call recorded it. */
    async recordAck(noticeId: number, personId: number, chatId: number): Promise<boolean> {
      const rows = await db.insert(noticeAcks).values({ noticeId, personId, chatId }).onConflictDoNothing().returning({ p: noticeAcks.personId });
      return rows.length > 0;
    },

    async ackedBy(noticeId: number): Promise<Set<number>> {
      const rows = await db.select({ p: noticeAcks.personId }).from(noticeAcks).where(eq(noticeAcks.noticeId, noticeId));
      return new Set(rows.map((r) => r.p));
    },

    /**
     * The newest notice needing confirmation that reached this chat since `since`: through
     * notice_deliveries_chat_time_idx, only the chat's deliveries since then (migration 0011).
     */
    async latestAckable(chatId: number, since: Date): Promise<NoticeRow | undefined> {
      const [row] = await db
        .select({ n: notices })
        .from(noticeDeliveries)
        .innerJoin(notices, eq(notices.id, noticeDeliveries.noticeId))
        .where(and(eq(noticeDeliveries.chatId, chatId), eq(noticeDeliveries.status, 'sent'), eq(notices.needsAck, true), gte(noticeDeliveries.updatedAt, since)))
        .orderBy(desc(notices.id))
        .limit(1);
      return row?.n;
    },

    /**
     * The notice behind a bot message in a chat (a reply to it names the notice). Found by the
     * platform's own address of the message (outbound_platform_msg_idx): by the chat's id it
     * would read every message the bot ever sent in that chat, for each "1" replied there.
     */
    async noticeForMessage(chat: Pick<ChatRow, 'channel' | 'platformChatId'>, platformMessageId: string): Promise<number | undefined> {
      const [row] = await db
        .select({ id: outboundMessages.noticeId })
        .from(outboundMessages)
        .where(
          and(
            eq(outboundMessages.channel, chat.channel),
            eq(outboundMessages.platformChatId, chat.platformChatId),
            eq(outboundMessages.platformMessageId, platformMessageId),
            isNotNull(outboundMessages.noticeId),
          ),
        )
        .limit(1);
      return row?.id ?? undefined;
    },

    /** Deliveries with their chats, for the status report and reminders. */
    async deliveriesWithChats(noticeId: number) {
      return db
        .select({
          chatId: noticeDeliveries.chatId,
          status: noticeDeliveries.status,
          error: noticeDeliveries.error,
          title: chats.title,
          kind: chats.kind,
          personId: chats.personId,
          platformChatId: chats.platformChatId,
          channel: chats.channel,
        })
        .from(noticeDeliveries)
        .innerJoin(chats, eq(chats.id, noticeDeliveries.chatId))
        .where(eq(noticeDeliveries.noticeId, noticeId))
        .orderBy(noticeDeliveries.id);
    },

    async membersOf(chatIds: number[]): Promise<Map<number, number[]>> {
      const out = new Map<number, number[]>();
      for (let i = 0; i < chatIds.length; i += 5000) {
        const rows = await db
          .select({ chatId: chatMembers.chatId, personId: chatMembers.personId })
          .from(chatMembers)
          .where(inArray(chatMembers.chatId, chatIds.slice(i, i + 5000)));
        for (const r of rows) {
          const list = out.get(r.chatId) ?? [];
          list.push(r.personId);
          out.set(r.chatId, list);
        }
      }
      return out;
    },

    async names(personIds: number[]): Promise<Map<number, string>> {
      const out = new Map<number, string>();
      for (let i = 0; i < personIds.length; i += 5000) {
        const rows = await db.select({ id: people.id, n: people.displayName }).from(people).where(inArray(people.id, personIds.slice(i, i + 5000)));
        for (const r of rows) out.set(r.id, r.n);
      }
      return out;
    },

    /** The outbound row of a notice message, by its dedupe key. */
    async outboundByKey(dedupeKey: string): Promise<{ id: number; status: 'pending' | 'sent' | 'failed'; error: string | null } | undefined> {
      const [row] = await db
        .select({ id: outboundMessages.id, status: outboundMessages.status, error: outboundMessages.error })
        .from(outboundMessages)
        .where(eq(outboundMessages.dedupeKey, dedupeKey));
      return row;
    },

    /** People's accounts on a channel (for @mentions). */
    async platformIds(personIds: number[], channel: string): Promise<Map<number, string>> {
      const out = new Map<number, string>();
      if (!personIds.length) return out;
      const rows = await db
        .select({ p: identities.personId, u: identities.platformUserId })
        .from(identities)
        .where(and(inArray(identities.personId, personIds), eq(identities.channel, channel)));
      for (const r of rows) if (!out.has(r.p)) out.set(r.p, r.u);
      return out;
    },

    async roleHoldersData(): Promise<Pick<DirectorySnapshot, 'nodes' | 'roles'>> {
      const [nodes, roles] = await Promise.all([
        db.select({ id: orgNodes.id, code: orgNodes.code, name: orgNodes.name, parentId: orgNodes.parentId }).from(orgNodes),
        db.select({ personId: roleAssignments.personId, role: roleAssignments.role, nodeId: roleAssignments.nodeId }).from(roleAssignments),
      ]);
      return { nodes, roles };
    },
  };
}

export type NoticeRepository = ReturnType<typeof createNoticeRepository>;
