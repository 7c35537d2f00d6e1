/**
 * The repository calls that concurrent jobs share statements for (see db/repositories/batcher.ts):
 * each caller must get exactly what a call of its own would have given.
 */
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../core/messaging/channel.js';
import { createInboxRepository } from '../../db/repositories/inbox-repository.js';
import { createOutboundRepository } from '../../db/repositories/outbound-repository.js';
import { createSimRepository } from '../../db/repositories/sim-repository.js';
import { inboundMessages, outboundMessages } from '../../db/schema.js';
import { createTestDatabase } from '../support/test-database.js';

const message = (id: string, text = `消息 ${id}`): InboundMessage => ({
  channel: 'sim',
  chatId: 'g-batch',
  chatKind: 'group',
  messageId: id,
  sender: { id: 'u1', name: '王阿姨' },
  text,
  sentAt: new Date('2026-11-20T08:00:00Z'),
});

describe('batched repository calls', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());

  it('stores messages arriving together once each; a duplicate in the same batch is not created twice', async () => {
    const inbox = createInboxRepository(db.db);
    const before = await inbox.store(message('0'));
    const [a, aAgain, b, old] = await Promise.all([inbox.store(message('1')), inbox.store(message('1')), inbox.store(message('2', '路灯坏了')), inbox.store(message('0'))]);
    expect(a.created).toBe(true);
    expect(aAgain).toEqual({ id: a.id, status: 'received', created: false });
    expect(b.created).toBe(true);
    expect(b.id).not.toBe(a.id);
    expect(old).toEqual({ id: before.id, status: 'received', created: false });
    const rows = await db.db.select().from(inboundMessages).where(inArray(inboundMessages.id, [a.id, b.id]));
    expect(rows.map((r) => [r.id, r.text]).sort()).toEqual([[a.id, '消息 1'], [b.id, '路灯坏了']].sort());
  });

  it('reads and finishes messages together, each with its own outcome', async () => {
    const inbox = createInboxRepository(db.db);
    const [x, y] = await Promise.all([inbox.store(message('10')), inbox.store(message('11'))]);
    const [vx, vy, none] = await Promise.all([inbox.getForIntake(x.id), inbox.getForIntake(y.id), inbox.getForIntake(99_999_999)]);
    expect(vx?.row.platformMessageId).toBe('10');
    expect(vy?.row.platformMessageId).toBe('11');
    expect(vx?.known).toBeNull(); // chat and sender not known yet
    expect(none).toBeUndefined();
    await db.db.update(inboundMessages).set({ error: 'earlier failure' }).where(eq(inboundMessages.id, y.id));
    await Promise.all([
      inbox.finish(x.id, { status: 'ignored', outcome: 'chatter', classification: { actionable: false, engine: 'offline' } }),
      inbox.finish(y.id, { status: 'processed', outcome: 'command' }),
    ]);
    const [rx] = await db.db.select().from(inboundMessages).where(eq(inboundMessages.id, x.id));
    const [ry] = await db.db.select().from(inboundMessages).where(eq(inboundMessages.id, y.id));
    expect(rx).toMatchObject({ status: 'ignored', outcome: 'chatter', classification: { actionable: false, engine: 'offline' }, caseId: null, error: null });
    expect(ry).toMatchObject({ status: 'processed', outcome: 'command', classification: null, error: null });
    expect(rx!.processedAt).toBeInstanceOf(Date);
  });

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

  it('adds a sim message with a send key once, however often and however batched it is sent; unkeyed messages keep their order around it', async () => {
    const sim = createSimRepository(db.db);
    const first = await sim.insert({ chatId: 'g-keys', fromId: 'bot', text: '回执', sendKey: 'outbound-1' });
    // A retry of the same send (its answer was lost) alongside new messages and a duplicate in the same batch.
    const rows = await Promise.all([
      sim.insert({ chatId: 'g-keys', fromId: 'u1', text: '甲' }),
      sim.insert({ chatId: 'g-keys', fromId: 'bot', text: '回执', sendKey: 'outbound-1' }),
      sim.insert({ chatId: 'g-keys', fromId: 'bot', text: '任务卡', sendKey: 'outbound-2' }),
      sim.insert({ chatId: 'g-keys', fromId: 'u1', text: '乙' }),
      sim.insert({ chatId: 'g-keys', fromId: 'bot', text: '任务卡', sendKey: 'outbound-2' }),
    ]);
    expect(rows.map((r) => r.text)).toEqual(['甲', '回执', '任务卡', '乙', '任务卡']);
    expect(rows[1]!.id).toBe(first.id);
    expect(rows[4]!.id).toBe(rows[2]!.id);
    expect(rows[3]!.id).toBeGreaterThan(rows[0]!.id);
    const transcript = await sim.list('g-keys', 0);
    expect(transcript.map((r) => [r.text, r.deliveries])).toEqual([['回执', 2], ['甲', 1], ['任务卡', 2], ['乙', 1]]);
  });
});
