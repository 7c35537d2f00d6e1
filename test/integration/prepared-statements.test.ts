/**
 * Statements built once (db/repositories/prepared.ts) must store exactly what the query builder
 * stored: run inside its transaction (rolled back with it), SQL NULL where nothing was given,
 * JSON as objects, the database's clock where no time was given.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseConflictError, createCaseLoopRepository } from '../../db/repositories/case-loop-repository.js';
import { createCaseRepository } from '../../db/repositories/case-repository.js';
import { createInboxRepository } from '../../db/repositories/inbox-repository.js';
import { preparedOnceInTx, PreparedInTransactionError } from '../../db/repositories/prepared.js';
import { caseEvents, orgNodes, people } from '../../db/schema.js';
import { createTestDatabase } from '../support/test-database.js';

describe('prepared statements', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());

  it('a statement prepared on the pool runs on the transaction\'s connection: rolled back with it', async () => {
    const insert = preparedOnceInTx(() => db.db.insert(people).values({ displayName: sql.placeholder('name') }).returning({ id: people.id }).prepare('test_people_insert'));
    await expect(
      db.db.transaction(async (tx) => {
        await insert(tx, { name: '回滚的人' });
        // Seen inside the transaction, then undone with it.
        expect(await tx.select().from(people).where(eq(people.displayName, '回滚的人'))).toHaveLength(1);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await db.db.select().from(people).where(eq(people.displayName, '回滚的人'))).toHaveLength(0);
    const [kept] = await insert(db.db, { name: '留下的人' });
    expect(await db.db.select().from(people).where(eq(people.id, kept!.id))).toHaveLength(1);
    await expect(insert({}, { name: 'x' })).rejects.toThrow(PreparedInTransactionError);
  });

  it('a case opened and its events: JSON stored as objects, nothing given stays NULL, no time given is the database\'s', async () => {
    const [node] = await db.db.insert(orgNodes).values({ code: 'p-1', name: '测试网格', level: 'grid' }).returning();
    const [person] = await db.db.insert(people).values({ displayName: '张阿姨' }).returning();
    const inbox = createInboxRepository(db.db);
    const stored = await inbox.store({ channel: 'sim', chatId: 'g-p', chatKind: 'group', messageId: 'p1', sender: { id: 'u-p', name: '张阿姨' }, text: '楼道灯坏了', sentAt: new Date() });
    const cases = createCaseRepository(db.db);
    const classification = { actionable: true, caseType: 'facility', level: 'routine' as const, summary: '楼道灯坏了', location: {}, confidence: 0.9, engine: 'offline' as const };
    const { caseRow, created } = await cases.openFromInbound({
      inboundMessageId: stored.id,
      classification: { ...classification, location: undefined } as never,
      description: '楼道灯坏了',
      reporterPersonId: person!.id,
      chatId: null as never,
      nodeId: node!.id,
      reply: () => ({ channel: 'sim', platformChatId: 'g-p', payload: { text: '收到' } }),
    });
    expect(created).toBe(true);
    const [row] = await db.sql<{ location: unknown; loc_type: string; cls_type: string; created_at: Date; db_now: Date }[]>`
      select c.location, jsonb_typeof(c.location) as loc_type, jsonb_typeof(i.classification) as cls_type, c.created_at, now() as db_now
      from cases c join inbound_messages i on i.id = c.inbound_message_id where c.id = ${caseRow.id}`;
    expect(row).toMatchObject({ location: {}, loc_type: 'object', cls_type: 'object' });
    expect(Math.abs(new Date(row!.created_at).getTime() - new Date(row!.db_now).getTime())).toBeLessThan(60_000);
    const [opened] = await db.db.select().from(caseEvents).where(eq(caseEvents.caseId, caseRow.id));
    expect(opened!.data).toMatchObject({ engine: 'offline', caseType: 'facility' });

    const loop = createCaseLoopRepository(db.db);
    const noData = await loop.logEvent({ caseId: caseRow.id, actorPersonId: null, action: 'attach', status: 'reported', at: new Date('2026-11-20T08:00:00Z') });
    const withData = await loop.logEvent({ caseId: caseRow.id, actorPersonId: person!.id, action: 'attach', status: 'reported', data: { inboundId: 7 }, at: new Date('2026-11-20T08:00:00Z') });
    const rows = await db.sql<{ id: number; data_is_null: boolean; data: unknown; actor_kind: string; at: Date }[]>`
      select id::int, data is null as data_is_null, data, actor_kind, at from case_events where id in (${noData}, ${withData}) order by id`;
    expect(rows.map((r) => [r.data_is_null, r.data, r.actor_kind])).toEqual([
      [true, null, 'system'],
      [false, { inboundId: 7 }, 'person'],
    ]);
    expect(new Date(rows[0]!.at).toISOString()).toBe('2026-11-20T08:00:00.000Z');

    // A transition sets exactly the patched columns (times, nulls, numbers) and checks status and version.
    const due = new Date('2026-11-21T10:00:00Z');
    const { caseRow: moved } = await loop.transition({ caseId: caseRow.id, from: 'reported', to: 'dispatched', action: 'dispatch', actorPersonId: null, patch: { handlerPersonId: person!.id, signDueAt: due, leadDepartmentId: null, priority: 3, summary: undefined }, at: due, version: caseRow.version });
    expect(moved).toMatchObject({ status: 'dispatched', handlerPersonId: person!.id, signDueAt: due, leadDepartmentId: null, priority: 3, summary: '楼道灯坏了', version: caseRow.version + 1, updatedAt: due });
    await expect(loop.transition({ caseId: caseRow.id, from: 'reported', to: 'dispatched', action: 'dispatch', actorPersonId: null, at: due })).rejects.toThrow(CaseConflictError);
    await expect(loop.transition({ caseId: caseRow.id, from: 'dispatched', to: 'signed', action: 'sign', actorPersonId: null, at: due, version: caseRow.version })).rejects.toThrow(CaseConflictError);
    const [events] = await db.sql<{ n: number }[]>`select count(*)::int as n from case_events where case_id = ${caseRow.id} and action = 'dispatch'`;
    expect(events!.n).toBe(1); // the conflicting transitions' events were rolled back
  });
});
