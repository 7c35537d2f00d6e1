import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { SimChannel } from '../../bot/sim/sim-channel.js';
import { createKeywordClassifier } from '../../core/classification/keyword-classifier.js';
import type { CaseTimeline } from '../../core/reports/metrics.js';
import type { Db } from '../../db/client.js';
import { createSimRepository } from '../../db/repositories/sim-repository.js';
import { caseEvents, caseRatings, cases, chats, orgNodes, people } from '../../db/schema.js';
import { seedDemo } from '../../db/seed-demo.js';
import { loadTaxonomy } from '../../app/load-taxonomy.js';
import { createWorkers } from '../../workers/create-workers.js';
import { createQueueBackend } from '../../workers/queue-backend.js';
import type { ReportOptions } from '../../workers/reports/report-service.js';
import { silentLogger } from '../support/pipeline.js';
import { createTestDatabase } from '../support/test-database.js';

/** The pipeline with a fake clock and report options (test/support/pipeline.ts has neither). */
export async function startReportPipeline(opts: { redisUrl?: string; now: () => Date; reports?: ReportOptions }) {
  const database = await createTestDatabase();
  await seedDemo(database.db);
  const queues = await createQueueBackend({ redisUrl: opts.redisUrl, databaseUrl: database.url, prefix: `t${randomBytes(4).toString('hex')}`, pgPoolSize: 15 });
  const sim = new SimChannel(createSimRepository(database.db));
  const taxonomy = await loadTaxonomy();
  const workers = createWorkers({
    database,
    queues,
    channels: new Map([['sim', sim]]),
    classifier: createKeywordClassifier(taxonomy),
    taxonomy,
    logger: silentLogger,
    concurrency: 4,
    retryDelayMs: 50,
    now: opts.now,
    reports: opts.reports,
  });
  await workers.start();
  await sim.start({ onMessage: async (m) => void (await workers.ingest.receive(m)) });
  const db = database.db;
  return {
    database,
    db,
    queues,
    sim,
    workers,
    nodeId: async (code: string) => (await db.select().from(orgNodes).where(eq(orgNodes.code, code)))[0]!.id,
    personId: async (name: string) => (await db.select().from(people).where(eq(people.displayName, name)))[0]!.id,
    chatId: async (platformChatId: string) => (await db.select().from(chats).where(eq(chats.platformChatId, platformChatId)))[0]!.id,
    async stop() {
      await sim.stop();
      await queues.close();
      await database.drop();
    },
  };
}

/**
 * Writes a case timeline as the loop would have left it: the case row, its events (report,
 * dispatch, sign, resolve, escalate, reopen, close or cancel) and the reporter's ratings.
 */
export async function insertTimeline(db: Db, t: CaseTimeline, at: { nodeId: number; handlerId: number; reporterId: number }): Promise<number> {
  const times = [t.createdAt, t.dispatchedAt, t.signedAt, t.resolvedAt, t.closedAt, t.cancelledAt, t.supervisedAt, ...t.reopenedAt, ...t.ratings.map((r) => r.at)].filter((x): x is Date => !!x);
  const last = new Date(Math.max(...times.map((x) => x.getTime())));
  const [row] = await db
    .insert(cases)
    .values({
      number: t.number + NUMBER_OFFSET,
      type: t.type,
      level: t.level,
      status: t.status,
      summary: `测试工单 ${t.number}`,
      description: `测试工单 ${t.number}`,
      location: t.place ? { building: t.place } : {},
      nodeId: at.nodeId,
      handlerPersonId: at.handlerId,
      reporterPersonId: at.reporterId,
      supervised: t.supervisedAt !== null,
      dispatchedAt: t.dispatchedAt,
      signDueAt: t.signDueAt,
      signedAt: t.signedAt,
      resolveDueAt: t.resolveDueAt,
      resolvedAt: t.resolvedAt,
      closedAt: t.closedAt ?? t.cancelledAt,
      reopenCount: t.reopenedAt.length,
      createdAt: t.createdAt,
      updatedAt: last,
    })
    .returning({ id: cases.id });
  const caseId = row!.id;
  const ev = (action: string, when: Date | null, actor: number | null = at.handlerId) =>
    when ? [{ caseId, action, at: when, actorKind: actor ? 'person' : 'system', actorPersonId: actor }] : [];
  const events = [
    ...ev('report', t.createdAt, at.reporterId),
    ...ev('dispatch', t.dispatchedAt, null),
    ...ev('sign', t.signedAt),
    ...ev('escalate', t.supervisedAt, null),
    ...ev('resolve', t.resolvedAt),
    ...t.reopenedAt.flatMap((r) => ev('rate_unsatisfied', r, at.reporterId)),
    ...ev('rate_satisfied', t.closedAt, at.reporterId),
    ...ev('cancel', t.cancelledAt),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  if (events.length) await db.insert(caseEvents).values(events);
  for (const r of t.ratings) {
    await db.insert(caseRatings).values({ caseId, personId: at.reporterId, round: r.round, fixed: r.fixed, satisfaction: r.satisfaction, at: r.at });
  }
  return caseId;
}

/** Inserted cases get numbers far from the sequence real cases take (1001 on). */
export const NUMBER_OFFSET = 8000;
