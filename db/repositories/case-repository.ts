import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Classification } from '../../core/classification/types.js';
import { OPEN_STATUSES } from '../../core/cases/case-status.js';
import type { Db } from '../client.js';
import { caseEvents, caseReporters, cases, inboundMessages, outboundMessages, type OutboundPayload } from '../schema.js';

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
  return {
    /**
     * Open a case for an inbound message, with its first event, its reporter and the reply to
     * send, in one transaction. Running it twice for the same message returns the first case.
     */
    async openFromInbound(input: OpenCaseInput): Promise<{ caseRow: CaseRow; outboundId: number; created: boolean }> {
      return db.transaction(async (tx) => {
        const c = input.classification;
        const [created] = await tx
          .insert(cases)
          .values({
            type: c.caseType ?? 'other',
            level: c.level,
            status: 'reported',
            summary: c.summary,
            description: input.description,
            location: c.location,
            classification: c,
            inboundMessageId: input.inboundMessageId,
            reporterPersonId: input.reporterPersonId,
            chatId: input.chatId,
            nodeId: input.nodeId,
            source: input.source ?? 'resident',
            ...(input.at ? { createdAt: input.at, updatedAt: input.at } : {}),
          })
          .onConflictDoNothing({ target: cases.inboundMessageId })
          .returning();
        const caseRow =
          created ?? (await tx.select().from(cases).where(eq(cases.inboundMessageId, input.inboundMessageId)))[0]!;
        // The rest depends only on the case row: sent together (postgres.js pipelines them on
        // the transaction's connection), one round trip instead of four.
        const reply = input.reply(caseRow.number);
        const dedupeKey = `case-received:${caseRow.id}`;
        const [, , [out]] = await Promise.all([
          created
            ? tx.insert(caseEvents).values({
                caseId: caseRow.id,
                actorPersonId: input.reporterPersonId,
                actorKind: 'person',
                action: input.source === 'patrol' ? 'patrol_report' : 'report',
                fromStatus: null,
                toStatus: 'reported',
                note: c.summary,
                data: { engine: c.engine, confidence: c.confidence, caseType: c.caseType, level: c.level },
                ...(input.at ? { at: input.at } : {}),
              })
            : undefined,
          created
            ? tx
                .insert(caseReporters)
                .values({ caseId: caseRow.id, personId: input.reporterPersonId, chatId: input.chatId, inboundMessageId: input.inboundMessageId, ...(input.at ? { joinedAt: input.at } : {}) })
                .onConflictDoNothing()
            : undefined,
          tx
            .insert(outboundMessages)
            .values({ dedupeKey, channel: reply.channel, chatId: input.chatId, platformChatId: reply.platformChatId, payload: reply.payload, caseId: caseRow.id })
            .onConflictDoNothing({ target: outboundMessages.dedupeKey })
            .returning({ id: outboundMessages.id }),
          tx
            .update(inboundMessages)
            .set({ status: 'processed', outcome: 'case_opened', caseId: caseRow.id, classification: c, processedAt: new Date(), error: null })
            .where(eq(inboundMessages.id, input.inboundMessageId)),
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
