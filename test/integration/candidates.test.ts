/**
 * Who may take a case, with their load: open cases held and when they last got one (what fair
 * assignment weighs), read per role holder from the cases table.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaseLoopRepository } from '../../db/repositories/case-loop-repository.js';
import { cases, people } from '../../db/schema.js';
import { seedDemo } from '../../db/seed-demo.js';
import { createTestDatabase } from '../support/test-database.js';

describe('dispatch candidates', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
    await seedDemo(db.db);
  });
  afterAll(async () => db.drop());

  it('counts each role holder\'s open cases and their latest assignment, and nothing for others', async () => {
    const [li] = await db.db.select().from(people).where(eq(people.displayName, '李建国'));
    const [chen] = await db.db.select().from(people).where(eq(people.displayName, '陈静'));
    const base = { type: 'sanitation', level: 'routine' as const, summary: 's', description: 'd' };
    const at = (h: number) => new Date(Date.UTC(2026, 10, 20, h));
    await db.db.insert(cases).values([
      { ...base, status: 'dispatched', handlerPersonId: li!.id, dispatchedAt: at(1) },
      { ...base, status: 'in_progress', handlerPersonId: li!.id, dispatchedAt: at(3) },
      { ...base, status: 'closed', handlerPersonId: li!.id, dispatchedAt: at(5) },
      { ...base, status: 'resolved', handlerPersonId: chen!.id, dispatchedAt: at(2) },
      { ...base, status: 'reported' },
    ]);
    const all = await createCaseLoopRepository(db.db).candidates();
    const of = (id: number) => all.find((c) => c.personId === id)!;
    expect(of(li!.id)).toMatchObject({ openCases: 2, lastAssignedAt: at(5) });
    expect(of(li!.id).roles.map((r) => r.role)).toContain('grid_worker');
    expect(of(chen!.id)).toMatchObject({ openCases: 0, lastAssignedAt: at(2) });
    const others = all.filter((c) => c.personId !== li!.id && c.personId !== chen!.id);
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((c) => c.openCases === 0 && c.lastAssignedAt === null)).toBe(true);
    // One entry per person, with every role they hold.
    expect(new Set(all.map((c) => c.personId)).size).toBe(all.length);
  });
});
