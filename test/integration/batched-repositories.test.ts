/**
 * The repository calls that concurrent jobs share statements for (see db/repositories/batcher.ts):
 * each caller must get exactly what a call of its own would have given.
 */
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundRepository } from '../../db/repositories/outbound-repository.js';
import { createSimRepository } from '../../db/repositories/sim-repository.js';
import { outboundMessages } from '../../db/schema.js';
import { createTestDatabase } from '../support/test-database.js';

describe('batched repository calls', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());

  it('reads and marks sent messages together, each with its own platform id', async () => {
    const outbound = createOutboundRepository(db.db);
    const ids = await Promise.all(
      ['a', 'b', 'c'].map((k) => outbound.enqueue({ dedupeKey: `batch:${k}`, channel: 'sim', platformChatId: 'g-batch', payload: { text: `回复 ${k}` } })),
    );
    const rows = await Promise.all(ids.map((id) => outbound.get(id)));
    expect(rows.map((r) => r?.payload.text)).toEqual(['回复 a', '回复 b', '回复 c']);
    expect(await outbound.get(99_999_999)).toBeUndefined();
    await Promise.all([outbound.markSent(ids[0]!, 'p-a'), outbound.markSent(ids[2]!, 'p-c')]);
    const after = await db.db.select().from(outboundMessages).where(inArray(outboundMessages.id, ids));
    const byId = new Map(after.map((r) => [r.id, r]));
    expect(byId.get(ids[0]!)).toMatchObject({ status: 'sent', platformMessageId: 'p-a', attempts: 1 });
    expect(byId.get(ids[1]!)).toMatchObject({ status: 'pending', platformMessageId: null, attempts: 0 });
    expect(byId.get(ids[2]!)).toMatchObject({ status: 'sent', platformMessageId: 'p-c', attempts: 1 });
  });

  it('writes sim messages sent together in order, each caller getting its own row', async () => {
    const sim = createSimRepository(db.db);
    const rows = await Promise.all(['一', '二', '三', '四'].map((t) => sim.insert({ chatId: 'g-batch', fromId: 'bot', text: t })));
    expect(rows.map((r) => r.text)).toEqual(['一', '二', '三', '四']);
    expect([...rows.map((r) => r.id)]).toEqual([...rows.map((r) => r.id)].sort((p, q) => p - q));
  });
});
