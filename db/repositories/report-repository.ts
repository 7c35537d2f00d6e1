import { and, asc, eq, gte, inArray, isNotNull, lt, or } from 'drizzle-orm';
import type { CaseTimeline, Satisfaction, TimelineStatus } from '../../core/reports/metrics.js';
import type { Db } from '../client.js';
import { caseEvents, caseRatings, cases, chats, orgNodes, people } from '../schema.js';

export type ReportNode = Pick<typeof orgNodes.$inferSelect, 'id' | 'code' | 'name' | 'level' | 'parentId'>;
export type ReportChat = Pick<typeof chats.$inferSelect, 'id' | 'channel' | 'platformChatId' | 'purpose' | 'title'> & { nodeId: number };

const placeOf = (location: unknown): string | null => {
  const l = (location ?? {}) as Record<string, unknown>;
  const pick = [l.building, l.street, l.landmark].find((x) => typeof x === 'string' && x.trim());
  return typeof pick === 'string' ? pick.trim() : null;
};

/** What the reports read: cases as timelines (from the cases, their event log and ratings), names, target chats. */
export function createReportRepository(db: Db) {
  return {
    async nodes(): Promise<ReportNode[]> {
      return db.select({ id: orgNodes.id, code: orgNodes.code, name: orgNodes.name, level: orgNodes.level, parentId: orgNodes.parentId }).from(orgNodes).orderBy(asc(orgNodes.id));
    },

    /**
     * Every case under these nodes (null: all cases) that may count in [start, end): received
     * before the end, and still open or changed since the start.
     *
     * Reads the nodes' whole history (through cases_node_idx; all of `cases` for a street or for
     * null), however short the period: no index answers "changed since the start or still
     * open". Accepted: a report runs a few times a day (the daily, weekly and monthly schedules,
     * 日报 on demand), not on every message; an index on updated_at would instead be written by
     * every case transition, many times a day.
     */
    async timelines(nodeIds: number[] | null, start: Date, end: Date): Promise<CaseTimeline[]> {
      if (nodeIds && !nodeIds.length) return [];
      const rows = await db
        .select()
        .from(cases)
        .where(
          and(
            lt(cases.createdAt, end),
            or(gte(cases.updatedAt, start), inArray(cases.status, ['reported', 'dispatched', 'signed', 'in_progress', 'returned', 'resolved'])),
            nodeIds ? inArray(cases.nodeId, nodeIds) : undefined,
          ),
        )
        .orderBy(asc(cases.id));
      if (!rows.length) return [];
      const ids = rows.map((r) => r.id);
      const events = await db
        .select({ caseId: caseEvents.caseId, action: caseEvents.action, actor: caseEvents.actorPersonId, at: caseEvents.at })
        .from(caseEvents)
        .where(and(inArray(caseEvents.caseId, ids), inArray(caseEvents.action, ['dispatch', 'escalate', 'rate_unsatisfied', 'rate_satisfied'])))
        .orderBy(asc(caseEvents.id));
      const ratings = await db
        .select({ caseId: caseRatings.caseId, personId: caseRatings.personId, round: caseRatings.round, fixed: caseRatings.fixed, satisfaction: caseRatings.satisfaction, at: caseRatings.at })
        .from(caseRatings)
        .where(inArray(caseRatings.caseId, ids));
      // A rating's time is its event's (rate_satisfied / rate_unsatisfied by the same reporter in the same
      // round: the round is the number of reopenings before the event), which follows the loop's clock;
      // a rating that decided nothing has no event and keeps its own timestamp.
      const ratingEventAt = new Map<string, Date>();
      const reopens = new Map<number, number>();
      for (const e of events) {
        if (e.action !== 'rate_satisfied' && e.action !== 'rate_unsatisfied') continue;
        const round = reopens.get(e.caseId) ?? 0;
        if (e.actor !== null) ratingEventAt.set(`${e.caseId}:${e.actor}:${round}`, e.at);
        if (e.action === 'rate_unsatisfied') reopens.set(e.caseId, round + 1);
      }
      const first = (caseId: number, action: string) => events.find((e) => e.caseId === caseId && e.action === action)?.at ?? null;
      return rows.map((c) => ({
        id: c.id,
        number: c.number,
        type: c.type,
        level: c.level,
        nodeId: c.nodeId,
        handlerId: c.handlerPersonId,
        place: placeOf(c.location),
        status: c.status as TimelineStatus,
        createdAt: c.createdAt,
        dispatchedAt: first(c.id, 'dispatch') ?? c.dispatchedAt,
        signDueAt: c.signDueAt,
        signedAt: c.signedAt,
        resolveDueAt: c.resolveDueAt,
        resolvedAt: c.status === 'resolved' || c.status === 'closed' ? c.resolvedAt : null,
        closedAt: c.status === 'closed' ? c.closedAt : null,
        cancelledAt: c.status === 'cancelled' ? c.closedAt : null,
        supervisedAt: first(c.id, 'escalate') ?? (c.supervised ? c.updatedAt : null),
        reopenedAt: events.filter((e) => e.caseId === c.id && e.action === 'rate_unsatisfied').map((e) => e.at),
        ratings: ratings
          .filter((r) => r.caseId === c.id)
          .map((r) => ({ at: ratingEventAt.get(`${r.caseId}:${r.personId}:${r.round}`) ?? r.at, round: r.round, fixed: r.fixed, satisfaction: r.satisfaction as Satisfaction })),
      }));
    },

    async peopleNames(ids: number[]): Promise<Record<number, string>> {
      if (!ids.length) return {};
      const rows = await db.select({ id: people.id, name: people.displayName }).from(people).where(inArray(people.id, ids));
      return Object.fromEntries(rows.map((r) => [r.id, r.name]));
    },

    /** Where scheduled reports go: managers' groups bound to a street or community, and communities' work groups. */
    async reportChats(): Promise<(ReportChat & { level: ReportNode['level'] })[]> {
      const rows = await db
        .select({ id: chats.id, channel: chats.channel, platformChatId: chats.platformChatId, purpose: chats.purpose, title: chats.title, nodeId: chats.nodeId, level: orgNodes.level })
        .from(chats)
        .innerJoin(orgNodes, eq(orgNodes.id, chats.nodeId))
        .where(
          and(
            eq(chats.kind, 'group'),
            isNotNull(chats.nodeId),
            or(
              and(eq(chats.purpose, 'managers'), inArray(orgNodes.level, ['street', 'community'])),
              and(eq(chats.purpose, 'work'), eq(orgNodes.level, 'community')),
            ),
          ),
        )
        .orderBy(asc(chats.id));
      return rows.map((r) => ({ ...r, nodeId: r.nodeId! }));
    },

  };
}

export type ReportRepository = ReturnType<typeof createReportRepository>;
