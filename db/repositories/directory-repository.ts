import { and, asc, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { preparedOnce } from './prepared.js';
import { cachedByKey } from './reference-cache.js';
import { chatMembers, chats, identities, inboundMessages, orgNodes, outboundMessages, people, roleAssignments } from '../schema.js';

export type ChatRow = typeof chats.$inferSelect;
export type NodeRow = typeof orgNodes.$inferSelect;
export type RoleName = (typeof roleAssignments.$inferSelect)['role'];

export interface PersonRoles {
  personId: number;
  displayName: string;
  roles: { role: RoleName; nodeId: number; nodeCode: string; departmentId: number | null }[];
}

/** People, their accounts and roles, chats and their bindings. */
export function createDirectoryRepository(db: Db) {
  // On every task card's work-group notice: built once (see prepared.ts).
  const identitiesOfQuery = preparedOnce(() =>
    db
      .select({ personId: identities.personId, platformUserId: identities.platformUserId, displayName: identities.displayName })
      .from(identities)
      .where(and(sql`${identities.personId} = any(${sql.placeholder('personIds')}::int[])`, eq(identities.channel, sql.placeholder('channel'))))
      .prepare('directory_identities_of'),
  );
  const nameOf = cachedByKey(async (personId: number) => (await db.select({ n: people.displayName }).from(people).where(eq(people.id, personId)))[0]?.n);
  return {
    /**
     * A chat's new platform id (a Telegram group upgraded to a supergroup): the chat keeps its
     * row, so its binding, members, cases and history; messages not yet sent go to the new id.
     * A row the new id already got (messages there before the move was seen: an unbound chat)
     * is set aside, and the messages it ignored as unbound are handed back for intake.
     * Returns those messages' ids; nothing happens when the old id is unknown or already moved.
     */
    async moveChat(channel: string, fromChatId: string, toChatId: string): Promise<{ moved: boolean; reprocess: number[] }> {
      return db.transaction(async (tx) => {
        const [old] = await tx.select().from(chats).where(and(eq(chats.channel, channel), eq(chats.platformChatId, fromChatId))).for('update');
        if (!old || fromChatId === toChatId) return { moved: false, reprocess: [] };
        await tx
          .update(chats)
          .set({ platformChatId: `${toChatId}#superseded-by-${old.id}` })
          .where(and(eq(chats.channel, channel), eq(chats.platformChatId, toChatId)));
        await tx.update(chats).set({ platformChatId: toChatId }).where(eq(chats.id, old.id));
        await tx
          .update(outboundMessages)
          .set({ platformChatId: toChatId, chatId: old.id })
          .where(and(eq(outboundMessages.channel, channel), eq(outboundMessages.platformChatId, fromChatId), eq(outboundMessages.status, 'pending')));
        const again = await tx
          .update(inboundMessages)
          .set({ status: 'received', outcome: null, processedAt: null })
          .where(and(eq(inboundMessages.channel, channel), eq(inboundMessages.platformChatId, toChatId), eq(inboundMessages.status, 'ignored'), eq(inboundMessages.outcome, 'unbound_chat')))
          .returning({ id: inboundMessages.id });
        return { moved: true, reprocess: again.map((r) => r.id) };
      });
    },

    /** The chat row for a platform chat, created on first sight (unbound). */
    async ensureChat(input: {
      channel: string;
      platformChatId: string;
      kind: 'group' | 'direct';
      title?: string;
      personId?: number;
    }): Promise<ChatRow> {
      // Nearly every message comes from a known chat: one read, and the insert only on first sight.
      const [known] = await db
        .select()
        .from(chats)
        .where(and(eq(chats.channel, input.channel), eq(chats.platformChatId, input.platformChatId)));
      if (known) return known;
      const [ins] = await db
        .insert(chats)
        .values({
          channel: input.channel,
          platformChatId: input.platformChatId,
          kind: input.kind,
          title: input.title ?? null,
          personId: input.personId ?? null,
        })
        .onConflictDoNothing({ target: [chats.channel, chats.platformChatId] })
        .returning();
      if (ins) return ins;
      const [row] = await db
        .select()
        .from(chats)
        .where(and(eq(chats.channel, input.channel), eq(chats.platformChatId, input.platformChatId)));
      return row!;
    },

    /** The person behind a platform account; a new account becomes a new person. */
    async ensurePerson(channel: string, platformUserId: string, displayName: string): Promise<number> {
      const [found] = await db
        .select({ personId: identities.personId })
        .from(identities)
        .where(and(eq(identities.channel, channel), eq(identities.platformUserId, platformUserId)));
      if (found) return found.personId;
      return db.transaction(async (tx) => {
        const [p] = await tx.insert(people).values({ displayName: displayName || '居民' }).returning({ id: people.id });
        const [ident] = await tx
          .insert(identities)
          .values({ personId: p!.id, channel, platformUserId, displayName })
          .onConflictDoNothing({ target: [identities.channel, identities.platformUserId] })
          .returning({ personId: identities.personId });
        if (ident) return ident.personId;
        // Lost a race with another worker: use theirs, drop ours with the transaction.
        const [again] = await tx
          .select({ personId: identities.personId })
          .from(identities)
          .where(and(eq(identities.channel, channel), eq(identities.platformUserId, platformUserId)));
        await tx.delete(people).where(eq(people.id, p!.id));
        return again!.personId;
      });
    },

    async addMember(chatId: number, personId: number): Promise<void> {
      await db.insert(chatMembers).values({ chatId, personId }).onConflictDoNothing();
    },

    async node(id: number): Promise<NodeRow | undefined> {
      const [row] = await db.select().from(orgNodes).where(eq(orgNodes.id, id));
      return row;
    },

    async nodeByCode(code: string): Promise<NodeRow | undefined> {
      const [row] = await db.select().from(orgNodes).where(eq(orgNodes.code, code));
      return row;
    },

    async allNodes(): Promise<NodeRow[]> {
      return db.select().from(orgNodes).orderBy(asc(orgNodes.id));
    },

    async rolesOf(personIds: number[]): Promise<Map<number, PersonRoles>> {
      const out = new Map<number, PersonRoles>();
      if (!personIds.length) return out;
      const ps = await db.select().from(people).where(inArray(people.id, personIds));
      for (const p of ps) out.set(p.id, { personId: p.id, displayName: p.displayName, roles: [] });
      const rs = await db
        .select({ personId: roleAssignments.personId, role: roleAssignments.role, nodeId: orgNodes.id, nodeCode: orgNodes.code, departmentId: roleAssignments.departmentId })
        .from(roleAssignments)
        .innerJoin(orgNodes, eq(orgNodes.id, roleAssignments.nodeId))
        .where(inArray(roleAssignments.personId, personIds))
        .orderBy(asc(roleAssignments.id));
      for (const r of rs) out.get(r.personId)?.roles.push({ role: r.role, nodeId: r.nodeId, nodeCode: r.nodeCode, departmentId: r.departmentId });
      return out;
    },

    /** The accounts of these people on one channel (for mentions). */
    async identitiesOf(personIds: number[], channel: string): Promise<{ personId: number; platformUserId: string; displayName: string | null }[]> {
      if (!personIds.length) return [];
      return identitiesOfQuery({ personIds, channel });
    },

    /** The node of the bound group this person most recently joined (where a resident lives). */
    async homeNode(personId: number): Promise<number | null> {
      const [row] = await db
        .select({ nodeId: chats.nodeId })
        .from(chatMembers)
        .innerJoin(chats, eq(chats.id, chatMembers.chatId))
        .where(and(eq(chatMembers.personId, personId), eq(chats.kind, 'group'), eq(chats.purpose, 'residents'), isNotNull(chats.nodeId)))
        .orderBy(desc(chatMembers.joinedAt))
        .limit(1);
      return row?.nodeId ?? null;
    },

    /** A person's display name (never changed once set, so kept once read). */
    displayName: async (personId: number): Promise<string> => (await nameOf(personId)) ?? '居民',
  };
}

export type DirectoryRepository = ReturnType<typeof createDirectoryRepository>;
