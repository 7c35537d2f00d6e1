import { and, desc, eq, gte, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { CaseAction } from '../../core/cases/case-actions.js';
import { OPEN_STATUSES, type CaseStatus } from '../../core/cases/case-status.js';
import type { Candidate } from '../../core/cases/routing.js';
import { OrgTree, type RoleOnNode } from '../../core/org/org-tree.js';
import type { Db } from '../client.js';
import {
  caseCoHandlers,
  caseEvents,
  caseRatings,
  caseReporters,
  cases,
  chats,
  departments,
  identities,
  inboundMessages,
  orgNodes,
  outboundMessages,
  roleAssignments,
  slaMarks,
} from '../schema.js';
import { preparedOnce, preparedOnceInTx } from './prepared.js';
import { cachedByKeyFor, cachedFor, REFERENCE_TTL_MS } from './reference-cache.js';

export type CaseRow = typeof cases.$inferSelect;
type CasePatch = Partial<Omit<typeof cases.$inferInsert, 'id' | 'number' | 'status'>>;
type PatchKey = keyof CasePatch;

export class CaseConflictError extends Error {
  override name = 'CaseConflictError';
}

/** One row of the append-only log: who (a person, or the system), what, from → to, why. */
function eventRow(e: {
  caseId: number;
  actorPersonId: number | null;
  action: CaseAction;
  fromStatus: CaseStatus;
  toStatus: CaseStatus;
  note?: string | null;
  data?: unknown;
  at: Date;
}): typeof caseEvents.$inferInsert {
  return {
    caseId: e.caseId,
    actorPersonId: e.actorPersonId,
    actorKind: e.actorPersonId ? 'person' : 'system',
    action: e.action,
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    note: e.note ?? null,
    data: e.data ?? null,
    at: e.at,
  };
}

/** Routing candidates: each role holder with their open load and last assignment (per person, through the handler indexes). */
const candidateColumns = {
  personId: roleAssignments.personId,
  role: roleAssignments.role,
  nodeId: roleAssignments.nodeId,
  departmentId: roleAssignments.departmentId,
  open: sql<number>`(select count(*)::int from ${cases} c where c.handler_person_id = ${roleAssignments.personId} and c.status in ('dispatched', 'signed', 'in_progress'))`,
  last: sql<string | null>`(select max(c.dispatched_at) from ${cases} c where c.handler_person_id = ${roleAssignments.personId})`,
};

/** An event row as the prepared insert takes it: JSON as text, so null stays SQL NULL (a placeholder's column mapping would store JSON null). */
function eventValues(r: ReturnType<typeof eventRow>) {
  return { ...r, note: r.note ?? null, data: r.data === null || r.data === undefined ? null : JSON.stringify(r.data) };
}

/** Reads and writes for the closed loop: transitions with their events, people to route to. */
export function createCaseLoopRepository(db: Db) {
  // The statements of every new case and every merged report, built once (see prepared.ts for
  // how placeholders map values).
  const q = {
    byId: preparedOnce(() => db.select().from(cases).where(eq(cases.id, sql.placeholder('id'))).prepare('loop_by_id')),
    reporters: preparedOnce(() =>
      db.select({ personId: caseReporters.personId, chatId: caseReporters.chatId }).from(caseReporters).where(eq(caseReporters.caseId, sql.placeholder('caseId'))).prepare('loop_reporters'),
    ),
    reporterChats: preparedOnce(() =>
      db
        .select({ chat: chats, personId: caseReporters.personId, platformUserId: identities.platformUserId, displayName: identities.displayName })
        .from(caseReporters)
        .innerJoin(chats, eq(chats.id, caseReporters.chatId))
        .leftJoin(identities, and(eq(identities.personId, caseReporters.personId), eq(identities.channel, chats.channel)))
        .where(eq(caseReporters.caseId, sql.placeholder('caseId')))
        .orderBy(caseReporters.joinedAt, identities.id)
        .prepare('loop_reporter_chats'),
    ),
    addReporter: preparedOnce(() =>
      db
        .insert(caseReporters)
        .values({ caseId: sql.placeholder('caseId'), personId: sql.placeholder('personId'), chatId: sql.placeholder('chatId'), inboundMessageId: sql.placeholder('inboundMessageId'), joinedAt: sql.placeholder('at') })
        .onConflictDoNothing()
        .returning({ p: caseReporters.personId })
        .prepare('loop_add_reporter'),
    ),
    coHandlers: preparedOnce(() =>
      db.select({ departmentId: caseCoHandlers.departmentId, role: caseCoHandlers.role }).from(caseCoHandlers).where(eq(caseCoHandlers.caseId, sql.placeholder('caseId'))).prepare('loop_co_handlers'),
    ),
    openSimilar: preparedOnce(() =>
      db
        .select()
        .from(cases)
        .where(
          and(
            eq(cases.nodeId, sql.placeholder('nodeId')),
            eq(cases.type, sql.placeholder('type')),
            gte(cases.createdAt, sql.placeholder('since')),
            inArray(cases.status, [...OPEN_STATUSES]),
            sql`${cases.inboundMessageId} is distinct from ${sql.placeholder('excludeInboundId')}::bigint`,
          ),
        )
        .orderBy(cases.id)
        .prepare('loop_open_similar'),
    ),
    photoCount: preparedOnce(() =>
      db
        .select({ a: inboundMessages.attachments })
        .from(inboundMessages)
        // Two index lookups (inbound_case_idx, the reporters' key) joined by id: an `or` across
        // them read the whole message table, which grows by the day.
        .where(
          sql`${inboundMessages.id} in (select i.id from ${inboundMessages} i where i.case_id = ${sql.placeholder('caseId')}::bigint union select ${caseReporters.inboundMessageId} from ${caseReporters} where ${caseReporters.caseId} = ${sql.placeholder('caseId')}::bigint)`,
        )
        .prepare('loop_photo_count'),
    ),
    linkRecentMedia: preparedOnce(() =>
      db
        .update(inboundMessages)
        .set({ caseId: sql`${sql.placeholder('caseId')}::bigint` })
        .where(
          and(
            eq(inboundMessages.personId, sql.placeholder('personId')),
            eq(inboundMessages.chatId, sql.placeholder('chatId')),
            gte(inboundMessages.receivedAt, sql.placeholder('since')),
            // Written as inbound_media_pending_idx's condition is (a bound value would not match it).
            sql`outcome = 'media_only' and case_id is null`,
          ),
        )
        .returning({ id: inboundMessages.id })
        .prepare('loop_link_recent_media'),
    ),
    recentCaseReportedIn: preparedOnce(() =>
      db
        .select({ c: cases })
        .from(caseReporters)
        .innerJoin(cases, eq(cases.id, caseReporters.caseId))
        .where(and(eq(caseReporters.personId, sql.placeholder('personId')), eq(caseReporters.chatId, sql.placeholder('chatId')), gte(caseReporters.joinedAt, sql.placeholder('since'))))
        .orderBy(desc(caseReporters.joinedAt))
        .limit(1)
        .prepare('loop_recent_case_reported_in'),
    ),
    // On the pool (logEvent) or in a transition's transaction.
    insertEvent: preparedOnceInTx(() =>
      db
        .insert(caseEvents)
        .values({
          caseId: sql.placeholder('caseId'),
          actorPersonId: sql.placeholder('actorPersonId'),
          actorKind: sql.placeholder('actorKind'),
          action: sql.placeholder('action'),
          fromStatus: sql.placeholder('fromStatus'),
          toStatus: sql.placeholder('toStatus'),
          note: sql.placeholder('note'),
          data: sql`${sql.placeholder('data')}::jsonb`,
          at: sql.placeholder('at'),
        })
        .returning({ id: caseEvents.id })
        .prepare('loop_log_event'),
    ),
    groupChats: preparedOnce(() =>
      db
        .select()
        .from(chats)
        .where(and(eq(chats.kind, 'group'), sql`${chats.purpose} = ${sql.placeholder('purpose')}::chat_purpose`, sql`${chats.nodeId} = any(${sql.placeholder('nodeIds')}::int[])`))
        .prepare('loop_group_chats'),
    ),
    candidates: preparedOnce(() =>
      db
        .select(candidateColumns)
        .from(roleAssignments)
        .where(sql`${roleAssignments.nodeId} = any(${sql.placeholder('nodeIds')}::int[])`)
        .prepare('loop_candidates'),
    ),
    addCoHandler: preparedOnce(() =>
      db
        .insert(caseCoHandlers)
        .values({ caseId: sql.placeholder('caseId'), departmentId: sql.placeholder('departmentId'), role: sql.placeholder('role') })
        .onConflictDoNothing()
        .returning({ d: caseCoHandlers.departmentId })
        .prepare('loop_add_co_handler'),
    ),
    departmentPeople: preparedOnce(() =>
      db.select({ p: roleAssignments.personId }).from(roleAssignments).where(eq(roleAssignments.departmentId, sql.placeholder('departmentId'))).prepare('loop_department_people'),
    ),
    peopleWithRole: preparedOnce(() =>
      db
        .select({ p: roleAssignments.personId })
        .from(roleAssignments)
        .where(and(sql`${roleAssignments.nodeId} = any(${sql.placeholder('nodeIds')}::int[])`, sql`${roleAssignments.role}::text = any(${sql.placeholder('roles')}::text[])`))
        .prepare('loop_people_with_role'),
    ),
    raisePriority: preparedOnce(() => db.update(cases).set({ priority: sql`${cases.priority} + 1` }).where(eq(cases.id, sql.placeholder('caseId'))).prepare('loop_raise_priority')),
    markAnnounced: preparedOnce(() => db.update(cases).set({ announcedAt: sql`${sql.placeholder('at')}::timestamptz` }).where(eq(cases.id, sql.placeholder('caseId'))).prepare('loop_mark_announced')),
  };
  // A transition's update, built once per set of patched columns (a handful: dispatch, sign,
  // resolve…) and run in its transaction; each value as its column maps it, cast to its type.
  const transitionUpdates = new Map<string, (tx: unknown, values: Record<string, unknown>) => Promise<CaseRow[]>>();
  function transitionUpdate(keys: PatchKey[], withVersion: boolean) {
    const signature = `${keys.join(',')}|${withVersion}`;
    let run = transitionUpdates.get(signature);
    if (!run) {
      const name = `loop_transition_${transitionUpdates.size}`;
      run = preparedOnceInTx(() =>
        db
          .update(cases)
          .set({
            ...Object.fromEntries(keys.map((k) => [k, sql`${sql.placeholder(`p_${k}`)}::${sql.raw(cases[k].getSQLType())}`])),
            status: sql`${sql.placeholder('to')}::case_status`,
            updatedAt: sql`${sql.placeholder('at')}::timestamptz`,
            version: sql`${cases.version} + 1`,
          })
          .where(
            and(
              eq(cases.id, sql.placeholder('id')),
              sql`${cases.status} = ${sql.placeholder('from')}::case_status`,
              withVersion ? sql`${cases.version} = ${sql.placeholder('version')}::int` : undefined,
            ),
          )
          .returning()
          .prepare(name),
      );
      transitionUpdates.set(signature, run);
    }
    return run;
  }

  return {
    async byId(id: number): Promise<CaseRow | undefined> {
      const [row] = await q.byId({ id });
      return row;
    },

    async byNumber(n: number): Promise<CaseRow | undefined> {
      const [row] = await db.select().from(cases).where(eq(cases.number, n));
      return row;
    },

    /**
     * Move a case from `from` to `to` and log the event, atomically. Fails with
     * CaseConflictError when the case is no longer in `from` (a replayed button, a race).
     */
    async transition(input: {
      caseId: number;
      from: CaseStatus;
      to: CaseStatus;
      action: CaseAction;
      actorPersonId: number | null;
      note?: string | null;
      data?: unknown;
      patch?: CasePatch;
      at: Date;
      /** The version the actor saw: a case changed since (same status or not) is a conflict. */
      version?: number;
    }): Promise<{ caseRow: CaseRow; eventId: number }> {
      return db.transaction(async (tx) => {
        // Only the columns the patch sets (as the query builder would: undefined is no change), in
        // a fixed order, so the same set of columns is one statement whoever patches it.
        const patch = (Object.entries(input.patch ?? {}).filter(([k, v]) => v !== undefined && k !== 'updatedAt' && k !== 'version') as [PatchKey, unknown][]).sort(([a], [b]) => (a < b ? -1 : 1));
        const values: Record<string, unknown> = { id: input.caseId, from: input.from, to: input.to, at: input.at.toISOString(), version: input.version ?? null };
        for (const [k, v] of patch) values[`p_${k}`] = v === null ? null : cases[k].mapToDriverValue(v as never);
        // The update and the event go out together; if the update found nothing (a conflict)
        // the event is rolled back with the transaction.
        const [[updated], [ev]] = await Promise.all([
          transitionUpdate(
            patch.map(([k]) => k),
            input.version !== undefined,
          )(tx, values),
          q.insertEvent(tx, eventValues(eventRow({ ...input, fromStatus: input.from, toStatus: input.to }))),
        ]);
        if (!updated) throw new CaseConflictError(`case ${input.caseId} changed (expected ${input.from}, version ${input.version ?? 'any'})`);
        return { caseRow: updated, eventId: ev!.id };
      });
    },

    async reporters(caseId: number): Promise<{ personId: number; chatId: number | null }[]> {
      return q.reporters({ caseId });
    },

    /**
     * The chats a case's reporters wrote in, each with its reporters and their accounts on that
     * chat's channel (for mentions): one statement for what the notifier sends to residents.
     */
    async reporterChats(caseId: number): Promise<{ chat: typeof chats.$inferSelect; people: { personId: number; platformUserId: string | null; displayName: string | null }[] }[]> {
      const rows = await q.reporterChats({ caseId });
      const byChat = new Map<number, { chat: typeof chats.$inferSelect; people: { personId: number; platformUserId: string | null; displayName: string | null }[] }>();
      for (const r of rows) {
        const entry = byChat.get(r.chat.id) ?? { chat: r.chat, people: [] };
        entry.people.push({ personId: r.personId, platformUserId: r.platformUserId, displayName: r.displayName });
        byChat.set(r.chat.id, entry);
      }
      return [...byChat.values()];
    },

    /** Join a reporter to a case (merge); false when they already were one. */
    async addReporter(caseId: number, personId: number, chatId: number, inboundMessageId: number | null, at: Date): Promise<boolean> {
      const rows = await q.addReporter({ caseId, personId, chatId, inboundMessageId, at });
      return rows.length > 0;
    },

    async coHandlers(caseId: number): Promise<{ departmentId: number; role: string }[]> {
      return q.coHandlers({ caseId });
    },

    async addCoHandler(caseId: number, departmentId: number, role: 'lead' | 'support'): Promise<boolean> {
      const rows = await q.addCoHandler({ caseId, departmentId, role });
      return rows.length > 0;
    },

    /** Departments (reference data: re-read at most every REFERENCE_TTL_MS). */
    departments: cachedFor(REFERENCE_TTL_MS, () => db.select({ id: departments.id, code: departments.code, name: departments.name }).from(departments)),

    /** The org tree (reference data: re-read at most every REFERENCE_TTL_MS). */
    tree: cachedFor(REFERENCE_TTL_MS, async () => new OrgTree(await db.select({ id: orgNodes.id, code: orgNodes.code, name: orgNodes.name, level: orgNodes.level, parentId: orgNodes.parentId }).from(orgNodes))),

    /**
     * Everyone with a role, with how many open cases they hold and when they last got one;
     * `nodeIds`: only roles on those nodes (a case's grid, community and street: all that
     * routing looks at), not everyone in the organisation.
     */
    async candidates(nodeIds?: number[]): Promise<Candidate[]> {
      // Per role holder, through the (handler, status) and (handler, dispatched_at) indexes: a
      // few index lookups per person instead of aggregating every case ever handled.
      const rows = nodeIds ? await q.candidates({ nodeIds }) : await db.select(candidateColumns).from(roleAssignments);
      const byPerson = new Map<number, Candidate>();
      for (const r of rows) {
        const c = byPerson.get(r.personId) ?? { personId: r.personId, roles: [], openCases: r.open, lastAssignedAt: r.last ? new Date(r.last) : null };
        c.roles.push({ role: r.role, nodeId: r.nodeId, departmentId: r.departmentId });
        byPerson.set(r.personId, c);
      }
      return [...byPerson.values()];
    },

    async rolesOf(personId: number): Promise<RoleOnNode[]> {
      return db
        .select({ role: roleAssignments.role, nodeId: roleAssignments.nodeId, departmentId: roleAssignments.departmentId })
        .from(roleAssignments)
        .where(eq(roleAssignments.personId, personId));
    },

    /** The handlers this case was sent back from (退单, whoever pressed it): not chosen again. */
    async returnedBy(caseId: number): Promise<number[]> {
      const rows = await db
        .select({ p: sql<number | null>`coalesce((${caseEvents.data}->>'handlerPersonId')::int, ${caseEvents.actorPersonId})` })
        .from(caseEvents)
        .where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.action, 'return')));
      return rows.flatMap((r) => (r.p === null ? [] : [r.p]));
    },

    /** The person's direct chat with the bot (the most recent one, whatever the channel). */
    // Read for every task card and personal notice; a direct chat, once there, stays (a newer
    // one, on another channel, is seen within REFERENCE_TTL_MS).
    directChat: cachedByKeyFor(REFERENCE_TTL_MS, async (personId: number): Promise<typeof chats.$inferSelect | undefined> => {
      const [row] = await db
        .select()
        .from(chats)
        .where(and(eq(chats.kind, 'direct'), eq(chats.personId, personId)))
        .orderBy(desc(chats.id))
        .limit(1);
      return row;
    }),

    async chat(id: number): Promise<typeof chats.$inferSelect | undefined> {
      const [row] = await db.select().from(chats).where(eq(chats.id, id));
      return row;
    },

    /** Group chats of a purpose bound to any of these nodes. */
    async groupChats(purpose: 'managers' | 'work' | 'residents', nodeIds: number[]): Promise<(typeof chats.$inferSelect)[]> {
      if (!nodeIds.length) return [];
      return q.groupChats({ purpose, nodeIds });
    },

    /** The case a bot message was about (a reply to it, a button under it). */
    async caseOfMessage(channel: string, platformChatId: string, platformMessageId: string): Promise<number | null> {
      const [row] = await db
        .select({ caseId: outboundMessages.caseId })
        .from(outboundMessages)
        .where(
          and(
            eq(outboundMessages.channel, channel),
            eq(outboundMessages.platformChatId, platformChatId),
            eq(outboundMessages.platformMessageId, platformMessageId),
            isNotNull(outboundMessages.caseId),
          ),
        )
        .limit(1);
      return row?.caseId ?? null;
    },

    /** Open cases of the same type in the same grid since `since` (duplicate candidates). */
    async openSimilar(nodeId: number, type: string, since: Date, excludeInboundId: number): Promise<CaseRow[]> {
      return q.openSimilar({ nodeId, type, since: since.toISOString(), excludeInboundId });
    },

    /** Photos that came with the case's reports (the opening message and merged ones). */
    async photoCount(caseId: number): Promise<number> {
      const rows = await q.photoCount({ caseId });
      return rows.reduce((n, r) => n + (r.a.photos?.length ?? 0), 0);
    },

    /**
     * One report is what a person sends within a short window: photos or a location sent just
     * before the text join the case it opened.
     */
    async linkRecentMedia(personId: number, chatId: number, caseId: number, since: Date): Promise<number> {
      const rows = await q.linkRecentMedia({ caseId, personId, chatId, since: since.toISOString() });
      return rows.length;
    },

    /** The case this person reported most recently in this chat since `since` (photos sent after the text join it). */
    async recentCaseReportedIn(personId: number, chatId: number, since: Date): Promise<CaseRow | undefined> {
      const [row] = await q.recentCaseReportedIn({ personId, chatId, since: since.toISOString() });
      return row?.c;
    },

    /**
     * The case whose rating question is the bot's latest message to this person in this chat
     * (in a group: the latest one mentioning them), if it is one; null otherwise.
     */
    async ratingAskedIn(chatId: number, platformUserId: string | null, lookbackMs: number): Promise<number | null> {
      const [row] = await db
        .select({ key: outboundMessages.dedupeKey, caseId: outboundMessages.caseId })
        .from(outboundMessages)
        .where(
          and(
            eq(outboundMessages.chatId, chatId),
            // Only as far back as a rating question can still be open (on the database's clock,
            // which stamped the rows): through outbound_chat_idx, however long the chat's history.
            gte(outboundMessages.createdAt, sql`now() - make_interval(secs => ${lookbackMs / 1000})`),
            eq(outboundMessages.kind, 'send'),
            platformUserId ? sql`${outboundMessages.payload}->'mentions' @> ${JSON.stringify([{ platformUserId }])}::jsonb` : undefined,
          ),
        )
        .orderBy(desc(outboundMessages.id))
        .limit(1);
      return row?.key.startsWith('resolved:') ? row.caseId : null;
    },

    async hasMark(caseId: number, key: string): Promise<boolean> {
      const rows = await db.select({ k: slaMarks.key }).from(slaMarks).where(and(eq(slaMarks.caseId, caseId), eq(slaMarks.key, key)));
      return rows.length > 0;
    },

    /** Claim an SLA mark; true only for the first caller. */
    async claimMark(caseId: number, key: string): Promise<boolean> {
      const rows = await db.insert(slaMarks).values({ caseId, key }).onConflictDoNothing().returning({ k: slaMarks.key });
      return rows.length > 0;
    },

    /** Cases with a running clock (deadlines or the rating grace period): what the SLA sweeper looks at. */
    async withDeadlines(): Promise<CaseRow[]> {
      return db.select().from(cases).where(inArray(cases.status, ['dispatched', 'signed', 'in_progress', 'resolved']));
    },

    async recordRating(r: { caseId: number; personId: number; round: number; fixed: boolean; satisfaction: string; comment: string | null; at: Date }): Promise<boolean> {
      const rows = await db.insert(caseRatings).values(r).onConflictDoNothing().returning({ p: caseRatings.personId });
      return rows.length > 0;
    },

    async ratings(caseId: number, round: number) {
      return db.select().from(caseRatings).where(and(eq(caseRatings.caseId, caseId), eq(caseRatings.round, round)));
    },

    /** Log an event that does not change the state; returns its id. */
    async logEvent(e: { caseId: number; actorPersonId: number | null; action: CaseAction; status: CaseStatus; note?: string | null; data?: unknown; at: Date }): Promise<number> {
      const [row] = await q.insertEvent(db, eventValues(eventRow({ ...e, fromStatus: e.status, toStatus: e.status })));
      return row!.id;
    },

    /** One more "me too": raise the priority in place (concurrent merges all count). */
    async raisePriority(caseId: number): Promise<void> {
      await q.raisePriority({ caseId });
    },

    /** Clear a pending extension (moving the deadline when approved); false when already decided. */
    async decideExtension(caseId: number, resolveDueAt: Date | null | undefined): Promise<boolean> {
      const rows = await db
        .update(cases)
        .set({ pendingExtension: null, ...(resolveDueAt ? { resolveDueAt } : {}) })
        .where(and(eq(cases.id, caseId), isNotNull(cases.pendingExtension)))
        .returning({ id: cases.id });
      return rows.length > 0;
    },

    async patch(caseId: number, patch: CasePatch): Promise<void> {
      await db.update(cases).set(patch).where(eq(cases.id, caseId));
    },

    /** The latest task card sent to a person for this case (to edit it in place). */
    async cardOf(caseId: number, personId: number): Promise<number | null> {
      const [row] = await db
        .select({ id: outboundMessages.id })
        .from(outboundMessages)
        // Through the case's messages (outbound_case_idx): a `like 'prefix%'` alone uses an
        // index only where text sorts bytewise, which a database set up for Chinese does not.
        .where(and(eq(outboundMessages.caseId, caseId), sql`${outboundMessages.dedupeKey} like ${`card:${caseId}:${personId}:%`}`))
        .orderBy(desc(outboundMessages.id))
        .limit(1);
      return row?.id ?? null;
    },

    /** People holding a role on any of these nodes. */
    async peopleWithRole(roles: string[], nodeIds: number[]): Promise<number[]> {
      if (!nodeIds.length || !roles.length) return [];
      const rows = await q.peopleWithRole({ nodeIds, roles });
      return [...new Set(rows.map((r) => r.p))];
    },

    async departmentPeople(departmentId: number): Promise<number[]> {
      const rows = await q.departmentPeople({ departmentId });
      return [...new Set(rows.map((r) => r.p))];
    },

    /** Cases left in reported/returned (a crash before their dispatch job was queued). */
    /** Cases to (re)dispatch: not dispatched yet, or dispatched without everyone told (a crash mid-way). */
    async awaitingDispatch(before: Date): Promise<number[]> {
      const rows = await db
        .select({ id: cases.id })
        .from(cases)
        .where(
          or(
            and(inArray(cases.status, ['reported', 'returned']), lt(cases.updatedAt, before)),
            and(eq(cases.status, 'dispatched'), isNull(cases.announcedAt), lt(cases.dispatchedAt, before)),
          ),
        );
      return rows.map((r) => r.id);
    },

    /** Everyone was told of the case's current dispatch. */
    async markAnnounced(caseId: number, at: Date): Promise<void> {
      await q.markAnnounced({ caseId, at: at.toISOString() });
    },

    /** The case's latest event of one action (the dispatch whose messages are keyed by it). */
    async lastEventOf(caseId: number, action: CaseAction): Promise<{ id: number } | undefined> {
      const [row] = await db
        .select({ id: caseEvents.id })
        .from(caseEvents)
        .where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.action, action)))
        .orderBy(desc(caseEvents.id))
        .limit(1);
      return row;
    },

    /** The latest resolved case this person reported (the one a bare "1" rates). */
    async latestResolvedReportedBy(personId: number): Promise<CaseRow | undefined> {
      const [row] = await db
        .select({ c: cases })
        .from(caseReporters)
        .innerJoin(cases, eq(cases.id, caseReporters.caseId))
        .where(and(eq(caseReporters.personId, personId), eq(cases.status, 'resolved')))
        .orderBy(desc(cases.resolvedAt))
        .limit(1);
      return row?.c;
    },
  };
}

export type CaseLoopRepository = ReturnType<typeof createCaseLoopRepository>;
