import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimChannel } from '../../bot/sim/sim-channel.js';
import { ChannelSendError, type ChatChannel, type InboundMessage } from '../../core/messaging/channel.js';
import { caseEvents, cases, inboundMessages, outboundMessages } from '../../db/schema.js';
import { createInboxRepository } from '../../db/repositories/inbox-repository.js';
import { startPipeline } from '../support/pipeline.js';
import { eachQueueBackend, eventually } from '../support/test-database.js';
import { sendQueueName } from '../../workers/jobs.js';

const GROUP = 'g-hp-xf-01';
const RESIDENT = { id: '11', name: '胡晓梅' };

function message(id: string, text: string, sender = RESIDENT): InboundMessage {
  return { channel: 'sim', chatId: GROUP, chatKind: 'group', messageId: id, sender, text, sentAt: new Date() };
}

/** Fails the first `failures` sends of case-received replies with the given error, then behaves as the sim channel. */
function flaky(sim: SimChannel, failures: number, error: () => Error): ChatChannel {
  let left = failures;
  const targeted = (text: string) => text.includes('已受理');
  return {
    name: sim.name,
    capabilities: sim.capabilities,
    start: (h) => sim.start(h),
    stop: () => sim.stop(),
    edit: (c, m, o) => sim.edit(c, m, o),
    async send(m) {
      if (targeted(m.text) && left-- > 0) throw error();
      return sim.send(m);
    },
  };
}

eachQueueBackend((backend) => {
  describe('the intake pipeline', () => {
    let p: Awaited<ReturnType<typeof startPipeline>>;
    beforeAll(async () => {
      p = await startPipeline({ redisUrl: backend.redisUrl });
    });
    afterAll(async () => p?.stop());

    const botMessages = async (chatId = GROUP) => (await p.sim.messages(chatId)).filter((m) => m.from === 'bot');

    it('turns a resident complaint into exactly one case and one reply with its number', async () => {
      const before = (await botMessages()).length;
      const { id } = await p.sim.post(GROUP, { from: RESIDENT.id, text: '3号楼门口的垃圾堆了三天没人清运，臭得不行，麻烦处理一下' });
      const reply = await eventually(async () => (await botMessages()).find((m) => m.replyTo === id));
      expect(reply.text).toMatch(/^@胡晓梅 /);
      expect(reply.text).toMatch(/工单 #\d+（环境卫生）/);
      const number = Number(/#(\d+)/.exec(reply.text)![1]);
      const [row] = await p.database.db.select().from(cases).where(eq(cases.number, number));
      expect(row).toMatchObject({ type: 'sanitation', level: 'routine' });
      const events = await p.database.db.select().from(caseEvents).where(eq(caseEvents.caseId, row!.id)).orderBy(caseEvents.id);
      expect(events[0]).toMatchObject({ action: 'report', fromStatus: null, toStatus: 'reported', actorKind: 'person' });
      // Exactly one answer to the message itself (dispatch news follows as its own message).
      expect((await botMessages()).filter((m) => m.replyTo === id)).toHaveLength(1);
      expect((await botMessages()).length).toBeGreaterThan(before);
    });

    it('stores the same platform message once and opens one case for it', async () => {
      const m = message('dup-1', '小区东门路灯坏了一个星期了，晚上很黑');
      const results = await Promise.all([p.workers.ingest.receive(m), p.workers.ingest.receive(m), p.workers.ingest.receive(m)]);
      expect(new Set(results.map((r) => r.inboundId)).size).toBe(1);
      const inboundId = results[0]!.inboundId;
      const caseRows = await eventually(async () => {
        const rows = await p.database.db.select().from(cases).where(eq(cases.inboundMessageId, inboundId));
        return rows.length ? rows : undefined;
      });
      expect(caseRows).toHaveLength(1);
      await eventually(async () => {
        const out = await p.database.db.select().from(outboundMessages).where(eq(outboundMessages.dedupeKey, `case-received:${caseRows[0]!.id}`));
        return out.length === 1 && out[0]!.status === 'sent';
      });
      // A late redelivery after processing changes nothing either.
      const again = await p.workers.ingest.receive(m);
      expect(again).toEqual({ inboundId, duplicate: true });
    });

    it('ignores chatter, empty text and emoji without replying', async () => {
      const ids: number[] = [];
      for (const [i, text] of ['收到', '谢谢', '👍👍', '   ', '好的！'].entries()) {
        ids.push((await p.workers.ingest.receive(message(`chat-${i}`, text))).inboundId);
      }
      const rows = await eventually(async () => {
        const r = await Promise.all(ids.map((id) => createInboxRepository(p.database.db).get(id)));
        return r.every((x) => x?.status === 'ignored') ? r : undefined;
      });
      expect(rows.map((r) => r!.outcome)).toEqual(['chatter', 'chatter', 'chatter', 'empty', 'chatter']);
      const replies = await p.database.db
        .select()
        .from(outboundMessages)
        .where(and(eq(outboundMessages.platformChatId, GROUP), eq(outboundMessages.dedupeKey, `reply:${ids[0]}`)));
      expect(replies).toHaveLength(0);
    });

    it('answers a /command it cannot read (unknown, or known with wrong arguments), instead of triaging it', async () => {
      for (const [text, name] of [['/case 123', '/case'], ['/help me please', '/help']] as const) {
        const { id } = await p.sim.post(GROUP, { from: RESIDENT.id, text });
        const reply = await eventually(async () => (await botMessages()).find((m) => m.replyTo === id));
        expect(reply.text).toContain(`没有看懂「${name}」这条命令`);
        expect(reply.text).toContain('/help');
      }
    });

    it('answers a case number query from its reporter, and refuses an unknown number', async () => {
      const { id } = await p.sim.post(GROUP, { from: RESIDENT.id, text: '楼下有人占道经营摆摊，堵得车都过不去' });
      const reply = await eventually(async () => (await botMessages()).find((m) => m.replyTo === id));
      const n = /#(\d+)/.exec(reply.text)![1];
      const q = await p.sim.post(GROUP, { from: RESIDENT.id, text: `#${n}` });
      const status = await eventually(async () => (await botMessages()).find((m) => m.replyTo === q.id));
      expect(status.text).toContain(`工单 #${n}`);
      expect(status.text).toMatch(/已受理|已派单/);
      const other = await p.sim.post(GROUP, { from: '12', text: `#${n}` });
      expect((await eventually(async () => (await botMessages()).find((m) => m.replyTo === other.id))).text).toContain('不是您反映的');
      const unknown = await p.sim.post(GROUP, { from: RESIDENT.id, text: '#999999' });
      expect((await eventually(async () => (await botMessages()).find((m) => m.replyTo === unknown.id))).text).toContain('没有找到工单 #999999');
    });

    it('re-queues, through the sweeper, a message that was stored but never queued', async () => {
      const inbox = createInboxRepository(p.database.db);
      const stored = await inbox.store(message('swept-1', '单元门门禁坏了，外人随便进出'));
      expect(stored.created).toBe(true);
      const sweeper = (await import('../../workers/sweep-job.js')).createSweepProcessor({
        inbox,
        outbound: (await import('../../db/repositories/outbound-repository.js')).createOutboundRepository(p.database.db),
        enqueueIntake: async (id) => {
          await p.queues.queue('intake').add('intake', { inboundId: id }, { jobId: `intake-${id}` });
        },
        enqueueSend: async () => {},
        graceMs: 0,
        now: () => new Date(Date.now() + 1000),
        logger: { info() {} },
      });
      const swept = await sweeper();
      expect(swept.intake).toBeGreaterThanOrEqual(1);
      const row = await eventually(async () => {
        const r = await inbox.get(stored.id);
        return r?.status === 'processed' ? r : undefined;
      });
      expect(row.outcome).toBe('case_opened');
    });

    it('keeps the pipeline idempotent when a job runs twice', async () => {
      const { inboundId } = await p.workers.ingest.receive(message('twice-1', '电梯又坏了，老人上不了楼'));
      const c = await eventually(async () => (await p.database.db.select().from(cases).where(eq(cases.inboundMessageId, inboundId)))[0]);
      const out = await eventually(async () => {
        const [o] = await p.database.db.select().from(outboundMessages).where(eq(outboundMessages.dedupeKey, `case-received:${c.id}`));
        return o?.status === 'sent' ? o : undefined;
      });
      // Run both jobs again under fresh ids, as a redelivery after a crash would.
      await p.queues.queue('intake').add('intake', { inboundId }, { jobId: `intake-${inboundId}-again` });
      await p.queues.queue(sendQueueName('sim')).add('send', { outboundId: out.id }, { jobId: `send-${out.id}-again` });
      await eventually(async () => (await p.queues.queue(sendQueueName('sim')).getJobState(`send-${out.id}-again`)) === 'completed');
      await eventually(async () => (await p.queues.queue('intake').getJobState(`intake-${inboundId}-again`)) === 'completed');
      expect(await p.database.db.select().from(cases).where(eq(cases.inboundMessageId, inboundId))).toHaveLength(1);
      const botCopies = (await p.sim.messages(GROUP)).filter((m) => m.from === 'bot' && m.text.includes(`工单 #${c.number}（`) && m.text.includes('已受理'));
      expect(botCopies).toHaveLength(1);
    });

    it('refuses to rewrite the case event log', async () => {
      await expect(p.database.sql`update case_events set note = 'x'`).rejects.toThrow(/append-only/);
      await expect(p.database.sql`delete from case_events`).rejects.toThrow(/append-only/);
    });
  });

  describe('sending through a failing channel', () => {
    it('retries a retryable failure and keeps its error on the row', async () => {
      const p = await startPipeline({
        redisUrl: backend.redisUrl,
        wrapChannel: (sim) => flaky(sim, 2, () => new ChannelSendError('network timeout', true)),
      });
      try {
        const { inboundId } = await p.workers.ingest.receive(message('flaky-1', '小区里有人高空抛物，差点砸到人'));
        const row = await eventually(async () => {
          const [c] = await p.database.db.select().from(cases).where(eq(cases.inboundMessageId, inboundId));
          if (!c) return undefined;
          const [o] = await p.database.db.select().from(outboundMessages).where(eq(outboundMessages.dedupeKey, `case-received:${c.id}`));
          return o?.status === 'sent' ? o : undefined;
        });
        expect(row.attempts).toBe(3);
        expect(row.error).toBe('network timeout');
        expect((await p.sim.messages(GROUP)).filter((m) => m.from === 'bot' && m.text.includes('已受理'))).toHaveLength(1);
      } finally {
        await p.stop();
      }
    });

    it('records a permanent failure without retrying', async () => {
      const p = await startPipeline({
        redisUrl: backend.redisUrl,
        wrapChannel: (sim) => flaky(sim, 99, () => new ChannelSendError('bot was blocked by the user', false)),
      });
      try {
        const { inboundId } = await p.workers.ingest.receive(message('blocked-1', '楼道里电动车飞线充电，很危险'));
        const row = await eventually(async () => {
          const [c] = await p.database.db.select().from(cases).where(eq(cases.inboundMessageId, inboundId));
          if (!c) return undefined;
          const [o] = await p.database.db.select().from(outboundMessages).where(eq(outboundMessages.dedupeKey, `case-received:${c.id}`));
          return o?.status === 'failed' ? o : undefined;
        });
        expect(row.attempts).toBe(1);
        expect(row.error).toContain('blocked');
        const [inbound] = await p.database.db.select().from(inboundMessages).where(eq(inboundMessages.id, inboundId));
        expect(inbound!.status).toBe('processed');
      } finally {
        await p.stop();
      }
    });
  });
});
