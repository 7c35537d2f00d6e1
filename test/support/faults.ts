/**
 * Shared parts of the fault tests: a burst of residents' messages through the sim channel,
 * and the final account — every inbound message ends as one processed or ignored record,
 * at most one case each, every reply recorded once and delivered exactly once.
 */
import { expect } from 'vitest';
import type postgres from 'postgres';
import type { SimChannel } from '../../bot/sim/sim-channel.js';
import type { QueueBackend } from '../../workers/queue-backend.js';
import { eventually } from './test-database.js';

/** Complaints and chatter in the proportions of a busy group. */
export const BURST_TEXTS = [
  '楼下垃圾桶满了没人清运',
  '小区门口路灯不亮了',
  '隔壁装修半夜还在电钻',
  '楼道里堆满了杂物，走不了人',
  '单元门门禁坏了刷不开',
  '井盖丢了一个，很危险',
  '收到，谢谢',
  '好的👍',
  '下水道堵了，污水漫出来了',
  '消防通道被私家车堵死了',
];

export const burstText = (i: number) => `${BURST_TEXTS[i % BURST_TEXTS.length]}（${i + 1}号楼）`;

/** Every resident of every grid residents' group of the demo seed, as (chat, person). */
export async function residentSpeakers(sim: SimChannel): Promise<{ chat: string; from: string }[]> {
  const chats = (await sim.chats()).filter((c) => c.kind === 'group' && c.id.startsWith('g-hp-'));
  return chats.flatMap((c) => c.members.filter((m) => m.roles.some((r) => r.role === 'resident')).map((m) => ({ chat: c.id, from: m.id })));
}

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Posts `n` messages from `parallel` concurrent posters. `post` is called with the message
 * index; the returned promise resolves when all are posted. `sent` counts those done.
 */
export function burst(n: number, parallel: number, post: (i: number) => Promise<void>): { done: Promise<void>; sent: () => number } {
  let next = 0;
  let sent = 0;
  const done = Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < n) {
        const i = next++;
        await post(i);
        sent++;
      }
    }),
  ).then(() => undefined);
  return { done, sent: () => sent };
}

const count = async (sql: postgres.Sql, query: Promise<{ n: number }[]>) => (await query)[0]!.n;

/** Inbound messages that reached their end (processed or ignored). */
export async function finishedInbound(sql: postgres.Sql): Promise<number> {
  return count(sql, sql<{ n: number }[]>`select count(*)::int as n from inbound_messages where status in ('processed', 'ignored')`);
}

/**
 * Waits until the pipeline has settled (every inbound message finished, no outbound message
 * pending), then checks the account. `residentMessages` is how many distinct messages residents
 * sent (through the sim transcript or delivered straight to ingest); each must be one inbound
 * row, and each in the sim transcript its own. The bot's transcript has exactly one message per
 * sent outbound row — no reply shown twice, none without its row. `resentAtMost` (default 0): how
 * many sends may have been repeated under their key (see OutboundMessage.idempotencyKey).
 */
export async function expectAllAccountedFor(
  sql: postgres.Sql,
  opts: { residentMessages: number; timeoutMs?: number; resentAtMost?: number },
): Promise<{ opened: number; merged: number; ignored: number }> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const N = opts.residentMessages;
  await eventually(async () => (await finishedInbound(sql)) >= N, timeoutMs).catch(async (err) => {
    const statuses = await sql`select status::text, count(*)::int as n, max(error) as error from inbound_messages group by status`;
    throw new Error(`not every message was processed: ${JSON.stringify(statuses)}`, { cause: err });
  });
  // Every case dispatched and everyone told (a dispatch cut off half-way is finished by the sweeper).
  await eventually(
    async () => (await count(sql, sql<{ n: number }[]>`select count(*)::int as n from cases where status = 'reported' or (status = 'dispatched' and announced_at is null)`)) === 0,
    timeoutMs,
  ).catch(async (err) => {
    const left = await sql`select id, status::text, announced_at from cases where status = 'reported' or (status = 'dispatched' and announced_at is null) limit 5`;
    throw new Error(`cases not dispatched or not announced: ${JSON.stringify(left)}`, { cause: err });
  });
  await eventually(async () => (await count(sql, sql<{ n: number }[]>`select count(*)::int as n from outbound_messages where status = 'pending'`)) === 0, timeoutMs).catch(
    async (err) => {
      const pending = await sql`select id, dedupe_key, attempts, error from outbound_messages where status = 'pending' order by id limit 5`;
      throw new Error(`outbound messages still pending: ${JSON.stringify(pending)}`, { cause: err });
    },
  );

  // One inbound row per message a resident posted, each finished.
  const statuses = await sql<{ status: string; n: number }[]>`select status::text as status, count(*)::int as n from inbound_messages group by status`;
  expect(statuses.reduce((s, r) => s + r.n, 0)).toBe(N);
  expect(statuses.filter((r) => !['processed', 'ignored'].includes(r.status))).toEqual([]);
  // The sim transcript is the platform: each resident's message there has exactly one inbound row.
  const [unmatched] = await sql<{ n: number }[]>`
    select count(*)::int as n from sim_messages s
    where s.from_id <> 'bot'
      and (select count(*) from inbound_messages i where i.channel = 'sim' and i.platform_chat_id = s.chat_id and i.platform_message_id = s.id::text) <> 1`;
  expect(unmatched!.n).toBe(0);

  // At most one case per message; every case outcome names its case.
  const [dupCase] = await sql<{ n: number }[]>`select count(*)::int as n from (select 1 from cases where inbound_message_id is not null group by inbound_message_id having count(*) > 1) d`;
  expect(dupCase!.n).toBe(0);
  const [caseless] = await sql<{ n: number }[]>`select count(*)::int as n from inbound_messages where outcome in ('case_opened', 'case_merged') and case_id is null`;
  expect(caseless!.n).toBe(0);
  const outcomes = await sql<{ outcome: string; n: number }[]>`select outcome, count(*)::int as n from inbound_messages group by outcome`;
  const of = (o: string) => outcomes.find((r) => r.outcome === o)?.n ?? 0;

  // Nothing failed; each new case got its "received" reply, each merged report its own reply.
  const [failed] = await sql<{ n: number }[]>`select count(*)::int as n from outbound_messages where status = 'failed'`;
  expect(failed!.n).toBe(0);
  const [replies] = await sql<{ n: number }[]>`
    select count(*)::int as n from inbound_messages i
    where (i.outcome = 'case_opened' and exists (select 1 from outbound_messages o where o.dedupe_key = 'case-received:' || i.case_id and o.status = 'sent'))
       or (i.outcome = 'case_merged' and exists (select 1 from outbound_messages o where o.dedupe_key = 'reply:' || i.id and o.status = 'sent'))`;
  expect(replies!.n).toBe(of('case_opened') + of('case_merged'));
  // Every case opened was dispatched and everyone told (a dispatch cut off half-way is finished
  // by the sweeper): its handler's task card went out.
  const [cardless] = await sql<{ n: number }[]>`
    select count(*)::int as n from cases c
    where c.handler_person_id is not null
      and not exists (select 1 from outbound_messages o where o.case_id = c.id and o.dedupe_key like 'card:' || c.id || ':%' and o.status = 'sent')`;
  expect(cardless!.n).toBe(0);

  await expectTranscriptMatchesSent(sql, opts.resentAtMost ?? 0);
  return { opened: of('case_opened'), merged: of('case_merged'), ignored: statuses.find((r) => r.status === 'ignored')?.n ?? 0 };
}

/**
 * Exactly one bot message in the sim transcript per sent outbound message, and each sent row
 * points at its own transcript message: nothing shown twice, nothing delivered without a
 * record. At most `resentAtMost` sends were repeated under their key: a send the platform took
 * whose answer never came (the sim shows it once; Telegram would show it twice), which only a
 * fault that cuts an answer off can cause.
 */
export async function expectTranscriptMatchesSent(sql: postgres.Sql, resentAtMost: number): Promise<void> {
  const [sent] = await sql<{ n: number }[]>`select count(*)::int as n from outbound_messages where status = 'sent' and kind = 'send'`;
  const [botSaid] = await sql<{ n: number }[]>`select count(*)::int as n from sim_messages where from_id = 'bot'`;
  if (botSaid!.n !== sent!.n) {
    // Name the messages on either side without a partner: what the next engineer needs to see.
    const unsent = await sql`
      select s.id, s.chat_id, s.send_key, s.deliveries, left(s.text, 40) as text, o.id as outbound_id, o.status::text, o.kind::text, o.dedupe_key
      from sim_messages s left join outbound_messages o on 'outbound-' || o.id = s.send_key
      where s.from_id = 'bot' and (o.id is null or o.status <> 'sent' or o.kind <> 'send') limit 5`;
    const unshown = await sql`
      select o.id, o.dedupe_key, o.platform_message_id from outbound_messages o
      where o.status = 'sent' and o.kind = 'send' and not exists (select 1 from sim_messages s where s.send_key = 'outbound-' || o.id) limit 5`;
    expect.fail(`bot messages in the transcript ${botSaid!.n}, sent outbound rows ${sent!.n}; shown without a sent row: ${JSON.stringify(unsent)}; sent rows not shown: ${JSON.stringify(unshown)}`);
  }
  const [linked] = await sql<{ n: number }[]>`
    select count(distinct o.platform_message_id)::int as n from outbound_messages o
    join sim_messages s on s.id::text = o.platform_message_id and s.chat_id = o.platform_chat_id and s.from_id = 'bot'
    where o.status = 'sent' and o.kind = 'send'`;
  expect(linked!.n).toBe(sent!.n);
  const [resent] = await sql<{ n: number }[]>`select coalesce(sum(deliveries - 1), 0)::int as n from sim_messages where from_id = 'bot'`;
  expect(resent!.n).toBeLessThanOrEqual(resentAtMost);
}

/**
 * The queue backend as the fault tests use it. BullMQ's connection errors, expected while a
 * store is down, are counted instead of printed (queues and workers without an 'error'
 * listener print each one). With `shortLocks`, its recovery clocks are shortened as the tests
 * shorten retry delays: a job whose worker lost its store mid-job is found stalled after ~5 s
 * instead of 30-60 s, and a worker whose fetch loop failed tries again after 0.5 s, not 15 s.
 */
export function underFaults(queues: QueueBackend, opts: { shortLocks?: boolean } = {}): QueueBackend & { errors(): number } {
  let errors = 0;
  const listened = new WeakSet<object>();
  const listen = <T extends { on(event: 'error', fn: (err: Error) => void): unknown }>(x: T): T => {
    if (!listened.has(x)) {
      listened.add(x);
      x.on('error', () => void errors++);
    }
    return x;
  };
  const clocks = opts.shortLocks ? { lockDuration: 4000, stalledInterval: 1000, runRetryDelay: 500 } : {};
  return {
    get name() {
      return queues.name;
    },
    queue: (n, d) => listen(queues.queue(n, d)),
    all: () => queues.all(),
    worker: (n, p, o = {}) => listen(queues.worker(n, p, { ...clocks, ...o })),
    close: () => queues.close(),
    errors: () => errors,
  };
}
