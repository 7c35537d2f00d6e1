import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Classification } from '../../core/classification/types.js';
import { OPEN_STATUSES } from '../../core/cases/case-status.js';
import type { Db } from '../client.js';
import { caseEvents, caseReporters, cases, inboundMessages, outboundMessages, type OutboundPayload } from '../schema.js';
import { preparedOnceInTx } from './prepared.js';

export type CaseRow = typeof cases.$inferSelect;
export type CaseEventRow = typeof caseEvents.$inferSelect;

export interface OpenCaseInput {
  inboundMessageId: number;
  classification: Classification;
  description: string;
  reporterPersonId: number;
  chatId: number;
  nodeId: number | null;
  /** resident (default) or patrol (自行发现 by a grid worker). */
  source?: 'resident' | 'patrol';
  /** When it was reported (the injected clock); the database's clock otherwise. */
  at?: Date;
  /** Builds the reply from the new case number; stored in the same transaction. */
  reply: (caseNumber: number) => {
    channel: string;
    platformChatId: string;
    payload: OutboundPayload;
  };
}

/** Cases and their append-only event log. */
export function createCaseRepository(db: Db) {
  // The statements of every new case, built once and run in its transaction (see prepared.ts).
  // Times go as ISO text or null (the database's clock then), nullable JSON as JSON text.
  const ph = sql.placeholder;
  const at = sql`coalesce(${ph('at')}::timestamptz, now())`;
  const q = {
    insertCase: preparedOnceInTx(() =>
      db
        .insert(cases)
        .values({
          type: ph('type'),
          level: ph('level'),
          status: 'reported',
          summary: ph('summary'),
          description: ph('description'),
          location: sql`coalesce(${ph('location')}::jsonb, '{}'::jsonb)`,
          classification: ph('classification'),
          inboundMessageId: ph('inboundMessageId'),
          reporterPersonId: ph('reporterPersonId'),
          chatId: ph('chatId'),
          nodeId: ph('nodeId'),
          source: ph('source'),
          createdAt: at,
          updatedAt: at,
        })
        .onConflictDoNothing({ target: cases.inboundMessageId })
        .returning()
        .prepare('open_case_insert'),
    ),
    insertEvent: preparedOnceInTx(() =>
      db
        .insert(caseEvents)
        .values({
          caseId: ph('caseId'),
          actorPersonId: ph('actorPersonId'),
          actorKind: 'person',
          action: ph('action'),
          fromStatus: null,
          toStatus: 'reported',
          note: ph('note'),
          data: ph('data'),
          at,
        })
        .prepare('open_case_event'),
    ),
    insertReporter: preparedOnceInTx(() =>
      db
        .insert(caseReporters)
        .values({ caseId: ph('caseId'), personId: ph('personId'), chatId: ph('chatId'), inboundMessageId: ph('inboundMessageId'), joinedAt: at })
        .onConflictDoNothing()
        .prepare('open_case_reporter'),
    ),
    insertReply: preparedOnceInTx(() =>
      db
        .insert(outboundMessages)
        .values({ dedupeKey: ph('dedupeKey'), channel: ph('channel'), chatId: ph('chatId'), platformChatId: ph('platformChatId'), payload: ph('payload'), caseId: ph('caseId') })
        .onConflictDoNothing({ target: outboundMessages.dedupeKey })
        .returning({ id: outboundMessages.id })
        .prepare('open_case_reply'),
    ),
    finishInbound: preparedOnceInTx(() =>
      db
        .update(inboundMessages)
        .set({ status: 'processed', outcome: 'case_opened', caseId: sql`${ph('caseId')}::int`, classification: sql`${ph('classification')}::jsonb`, processedAt: sql`${ph('at')}::timestamptz`, error: null })
        .where(eq(inboundMessages.id, ph('id')))
        .prepare('open_case_finish_inbound'),
    ),
  };
  return {
    /**
     * Open a case for an inbound message, with its first event, its reporter and the reply to
     * send, in one transaction. Running it twice for the same message returns the first case.
     */
    async openFromInbound(input: OpenCaseInput): Promise<{ caseRow: CaseRow; outboundId: number; created: boolean }> {
      return db.transaction(async (tx) => {
        const c = input.classification;
        const at = input.at ? input.at.toISOString() : null;
        const [created] = await q.insertCase(tx, {
          type: c.caseType ?? 'other',
          level: c.level,
          summary: c.summary,
          description: input.description,
          location: c.location === undefined ? null : JSON.stringify(c.location),
          classification: c,
          inboundMessageId: input.inboundMessageId,
          reporterPersonId: input.reporterPersonId,
          chatId: input.chatId,
          nodeId: input.nodeId,
          source: input.source ?? 'resident',
          at,
        });
        const caseRow =
          created ?? (await tx.select().from(cases).where(eq(cases.inboundMessageId, input.inboundMessageId)))[0]!;
        // The rest depends only on the case row: sent together (postgres.js pipelines them on
        // the transaction's connection), one round trip instead of four.
        const reply = input.reply(caseRow.number);
        const dedupeKey = `case-received:${caseRow.id}`;
        const [, , [out]] = await Promise.all([
          created
            ? q.insertEvent(tx, {
                caseId: caseRow.id,
                actorPersonId: input.reporterPersonId,
                action: input.source === 'patrol' ? 'patrol_report' : 'report',
                note: c.summary,
                data: { engine: c.engine, confidence: c.confidence, caseType: c.caseType, level: c.level },
                at,
              })
            : undefined,
          created ? q.insertReporter(tx, { caseId: caseRow.id, personId: input.reporterPersonId, chatId: input.chatId, inboundMessageId: input.inboundMessageId, at }) : undefined,
          q.insertReply(tx, { dedupeKey, channel: reply.channel, chatId: input.chatId, platformChatId: reply.platformChatId, payload: reply.payload, caseId: caseRow.id }),
          q.finishInbound(tx, { caseId: caseRow.id, classification: JSON.stringify(c), at: new Date().toISOString(), id: input.inboundMessageId }),
        ]);
        const outboundId =
          out?.id ?? (await tx.select({ id: outboundMessages.id }).from(outboundMessages).where(eq(outboundMessages.dedupeKey, dedupeKey)))[0]!.id;
        return { caseRow, outboundId, created: Boolean(created) };
      });
    },

    async byNumber(n: number): Promise<CaseRow | undefined> {
      const [row] = await db.select().from(cases).where(eq(cases.number, n));
      return row;
    },

    async events(caseId: number): Promise<CaseEventRow[]> {
      return db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId)).orderBy(asc(caseEvents.id));
    },

    /** Open cases a person reported (first reporter or merged). */
    async openReportedBy(personId: number): Promise<CaseRow[]> {
      const rows = await db
        .select({ c: cases })
        .from(caseReporters)
        .innerJoin(cases, eq(cases.id, caseReporters.caseId))
        .where(and(eq(caseReporters.personId, personId), inArray(cases.status, [...OPEN_STATUSES])))
        .orderBy(asc(cases.number));
      return rows.map((r) => r.c);
    },

    async isReporter(caseId: number, personId: number): Promise<boolean> {
      const rows = await db
        .select({ p: caseReporters.personId })
        .from(caseReporters)
        .where(and(eq(caseReporters.caseId, caseId), eq(caseReporters.personId, personId)));
      return rows.length > 0;
    },
  };
}

export type CaseRepository = ReturnType<typeof createCaseRepository>;
