import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { chatMembers, chats, orgNodes, people, roleAssignments, simMessages } from '../schema.js';
import { createBatcher } from './batcher.js';
import { preparedOnce } from './prepared.js';

export type SimMessageRow = typeof simMessages.$inferSelect;
/** A transcript line to add (its id and time are the table's). */
export type SimInsert = Pick<typeof simMessages.$inferInsert, 'chatId' | 'fromId' | 'text' | 'buttons' | 'photo' | 'location' | 'replyTo' | 'sendKey'>;

export interface SimChatView {
  id: string;
  kind: 'group' | 'direct';
  title: string;
  node: { code: string; name: string; level: string } | null;
  members: { id: string; name: string; roles: { role: string; node: string }[] }[];
}

/** The sim channel's storage: its transcript, and the directory read as a chat list. */
export function createSimRepository(db: Db) {
  // Messages written at the same moment (the bot's sends, residents posting) go in one insert.
  // Built once for any number of rows (see prepared.ts): one array per column, JSON as text.
  // A message with a send key the transcript has already is not added again: its row is
  // returned, with one more delivery counted (a sender that could not tell whether its send
  // was taken sends again; see OutboundMessage.idempotencyKey).
  const ph = sql.placeholder;
  const insertMany = preparedOnce(() =>
    db
      .insert(simMessages)
      .select(
        // Every column in the table's order; ids drawn over the rows in the arrays' order.
        sql`select nextval(pg_get_serial_sequence('sim_messages', 'id')), chat_id, from_id, text, buttons::jsonb, photo, location::jsonb, reply_to, null::timestamptz, now(), send_key, deliveries
          from (select * from unnest(${ph('chatIds')}::text[], ${ph('fromIds')}::text[], ${ph('texts')}::text[], ${ph('buttons')}::text[], ${ph('photos')}::text[], ${ph('locations')}::text[], ${ph('replyTos')}::bigint[], ${ph('sendKeys')}::text[], ${ph('deliveries')}::int[])
            with ordinality as u(chat_id, from_id, text, buttons, photo, location, reply_to, send_key, deliveries, ord) order by ord) v`,
      )
      .onConflictDoUpdate({ target: simMessages.sendKey, set: { deliveries: sql`sim_messages.deliveries + excluded.deliveries` } })
      .returning()
      .prepare('sim_insert_many'),
  );
  const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
  const insertBatched = createBatcher<SimInsert, SimMessageRow>(async (items) => {
    // One value row per send key (an upsert may touch a row once per statement).
    const rows: SimInsert[] = [];
    const deliveries: number[] = [];
    const byKey = new Map<string, number>();
    for (const r of items) {
      const at = r.sendKey ? byKey.get(r.sendKey) : undefined;
      if (at !== undefined) {
        deliveries[at]!++;
        continue;
      }
      if (r.sendKey) byKey.set(r.sendKey, rows.length);
      rows.push(r);
      deliveries.push(1);
    }
    const written = await insertMany({
      chatIds: rows.map((r) => r.chatId),
      fromIds: rows.map((r) => r.fromId),
      texts: rows.map((r) => r.text ?? ''),
      buttons: rows.map((r) => json(r.buttons)),
      photos: rows.map((r) => r.photo ?? null),
      locations: rows.map((r) => json(r.location)),
      replyTos: rows.map((r) => r.replyTo ?? null),
      sendKeys: rows.map((r) => r.sendKey ?? null),
      deliveries,
    });
    // Keyed rows are found by key (one may be an older row); the others were all inserted, and
    // their ids were drawn in the order of the arrays.
    const keyed = new Map(written.flatMap((w) => (w.sendKey ? [[w.sendKey, w] as const] : [])));
    const fresh = written.filter((w) => !w.sendKey).sort((a, b) => a.id - b.id);
    let next = 0;
    return items.map((r) => (r.sendKey ? keyed.get(r.sendKey) : fresh[next++])!);
  });
  return {
    async chats(): Promise<SimChatView[]> {
      const rows = await db
        .select({ chat: chats, node: orgNodes })
        .from(chats)
        .leftJoin(orgNodes, eq(orgNodes.id, chats.nodeId))
        .where(eq(chats.channel, 'sim'))
        .orderBy(asc(chats.kind), asc(chats.id));
      const chatIds = rows.map((r) => r.chat.id);
      const members = chatIds.length
        ? await db
            .select({ chatId: chatMembers.chatId, personId: people.id, name: people.displayName })
            .from(chatMembers)
            .innerJoin(people, eq(people.id, chatMembers.personId))
            .where(inArray(chatMembers.chatId, chatIds))
            .orderBy(asc(people.id))
        : [];
      const personIds = [...new Set([...members.map((m) => m.personId), ...rows.flatMap((r) => (r.chat.personId ? [r.chat.personId] : []))])];
      const names = personIds.length
        ? await db.select({ id: people.id, name: people.displayName }).from(people).where(inArray(people.id, personIds))
        : [];
      const nameOf = new Map(names.map((n) => [n.id, n.name]));
      const roles = personIds.length
        ? await db
            .select({ personId: roleAssignments.personId, role: roleAssignments.role, node: orgNodes.code })
            .from(roleAssignments)
            .innerJoin(orgNodes, eq(orgNodes.id, roleAssignments.nodeId))
            .where(inArray(roleAssignments.personId, personIds))
            .orderBy(asc(roleAssignments.id))
        : [];
      const rolesOf = new Map<number, { role: string; node: string }[]>();
      for (const r of roles) rolesOf.set(r.personId, [...(rolesOf.get(r.personId) ?? []), { role: r.role, node: r.node }]);
      const view = (personId: number) => ({ id: String(personId), name: nameOf.get(personId) ?? '', roles: rolesOf.get(personId) ?? [] });
      return rows.map(({ chat, node }) => ({
        id: chat.platformChatId,
        kind: chat.kind,
        title: chat.title ?? (chat.personId ? `与机器人私聊 · ${nameOf.get(chat.personId) ?? ''}` : chat.platformChatId),
        node: node ? { code: node.code, name: node.name, level: node.level } : null,
        members:
          chat.kind === 'direct' && chat.personId
            ? [view(chat.personId)]
            : members.filter((m) => m.chatId === chat.id).map((m) => view(m.personId)),
      }));
    },

    insert(row: SimInsert): Promise<SimMessageRow> {
      return insertBatched(row);
    },

    async get(id: number): Promise<SimMessageRow | undefined> {
      const [row] = await db.select().from(simMessages).where(eq(simMessages.id, id));
      return row;
    },

    async list(chatId: string, after: number, limit = 500): Promise<SimMessageRow[]> {
      return db
        .select()
        .from(simMessages)
        .where(and(eq(simMessages.chatId, chatId), gt(simMessages.id, after)))
        .orderBy(asc(simMessages.id))
        .limit(limit);
    },

    async edit(chatId: string, id: number, patch: { text: string; buttons: { id: string; label: string }[] | null; photo: string | null }): Promise<boolean> {
      const rows = await db
        .update(simMessages)
        .set({ ...patch, editedAt: new Date() })
        .where(and(eq(simMessages.chatId, chatId), eq(simMessages.id, id)))
        .returning({ id: simMessages.id });
      return rows.length > 0;
    },
  };
}

export type SimRepository = ReturnType<typeof createSimRepository>;
