/**
 * Fault tolerance at the edges the pipeline talks to, under a burst:
 *
 * - the LLM endpoint (llm engine) times out, answers 500 or 429, drops the connection, or
 *   answers garbage (not JSON, or JSON that breaks the schema): every message falls back to
 *   the offline answer and is accounted for;
 * - the chat platform answers a share of sends with 429 (retry after …) and transient
 *   network errors: every reply is delivered exactly once and nothing is marked failed.
 *
 * Each ends with every message accounted for (see test/support/faults.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLlmClassifier, type LlmClassifier } from '../../app/classifier/llm-classifier.js';
import { createKeywordClassifier } from '../../core/classification/keyword-classifier.js';
import { prepareText } from '../../core/intake/prepare-text.js';
import { loadTaxonomy } from '../../app/load-taxonomy.js';
import { ChannelSendError, type ChatChannel, type OutboundMessage } from '../../core/messaging/channel.js';
import { startFakeOpenAi, type FakeOpenAiBehaviour } from '../support/fake-openai.js';
import { burst, burstText, expectAllAccountedFor, residentSpeakers } from '../support/faults.js';
import { startPipeline } from '../support/pipeline.js';
import { eachQueueBackend } from '../support/test-database.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Every way the endpoint misbehaves, in turn. */
const MISBEHAVIOURS: FakeOpenAiBehaviour[] = ['timeout', '500', 'invalid_json', 'schema', 'reset', '429'];
const LLM_TIMEOUT_MS = 300;

eachQueueBackend((backend) => {
  describe('faults at the LLM endpoint and the chat platform', () => {
    it('the LLM endpoint times out, fails and answers garbage under a burst: every message gets the offline answer, once', { timeout: 60_000 }, async () => {
      // Each message meets one kind of failure, on its retry too (so its final failure reason
      // is that kind, whatever order the concurrent requests arrive in): message i+1号楼 → i mod 6.
      const misbehaviourFor = (body: { messages?: { role: string; content: string }[] }) => {
        const text = body.messages?.find((m) => m.role === 'user')?.content ?? '';
        const n = Number(/（(\d+)号楼）/.exec(text)?.[1] ?? 1);
        return MISBEHAVIOURS[(n - 1) % MISBEHAVIOURS.length]!;
      };
      const fake = await startFakeOpenAi({ behaviour: (body) => misbehaviourFor(body), slowMs: 5_000 });
      cleanups.push(() => fake.close());
      const taxonomy = await loadTaxonomy();
      const offline = createKeywordClassifier(taxonomy);
      let llm!: LlmClassifier;
      const p = await startPipeline({
        redisUrl: backend.redisUrl,
        classifier: (t) =>
          (llm = createLlmClassifier({
            taxonomy: t,
            offline,
            mode: 'llm',
            // Short timeouts; one retry each, so a retried request meets another failure.
            llm: { baseURL: fake.baseURL, model: 'fake', timeoutMs: LLM_TIMEOUT_MS, maxRetries: 1 },
          })),
      });
      cleanups.push(() => p.stop());
      const speakers = await residentSpeakers(p.sim);

      const N = 48;
      await burst(N, 6, async (i) => {
        const s = speakers[i % speakers.length]!;
        await p.sim.post(s.chat, { from: s.from, text: burstText(i) });
      }).done;

      const account = await expectAllAccountedFor(p.database.sql, { residentMessages: N, timeoutMs: 45_000 });
      expect(account.opened).toBeGreaterThan(0);
      expect(account.ignored).toBeGreaterThan(0);

      // Every message was put to the LLM, none got an answer from it, each fell back.
      const stats = llm.stats();
      expect(stats.sentToLlm).toBe(N);
      expect(stats.llmAnswers).toBe(0);
      expect(stats.fallbacks).toBe(N);
      for (const reason of ['timeout', 'http_500', 'http_429', 'invalid_json', 'schema', 'connection']) {
        expect(stats.failures, reason).toHaveProperty(reason);
      }
      // …and the stored classification of each is exactly the offline engine's answer.
      const rows = await p.database.sql<{ text: string; classification: { engine: string } }[]>`select text, classification from inbound_messages order by id`;
      expect(rows).toHaveLength(N);
      for (const r of rows) {
        expect(r.classification.engine).not.toBe('llm');
        expect(r.classification, r.text).toEqual(await offline.classify(prepareText(r.text)));
      }
    });

    it('the platform answers 429 (retry after) and transient network errors under a burst: every reply is delivered exactly once, none marked failed', { timeout: 60_000 }, async () => {
      const platform = { rateLimited: 0, transient: 0, delivered: 0 };
      const p = await startPipeline({
        redisUrl: backend.redisUrl,
        wrapChannel: (sim) => flakyPlatform(sim, platform),
      });
      cleanups.push(() => p.stop());
      const speakers = await residentSpeakers(p.sim);

      const N = 80;
      await burst(N, 6, async (i) => {
        const s = speakers[i % speakers.length]!;
        await p.sim.post(s.chat, { from: s.from, text: burstText(i) });
      }).done;

      await expectAllAccountedFor(p.database.sql, { residentMessages: N, timeoutMs: 45_000 });
      // The faults did happen, and were ridden out.
      expect(platform.rateLimited).toBeGreaterThan(0);
      expect(platform.transient).toBeGreaterThan(0);
      const [retried] = await p.database.sql<{ n: number }[]>`select count(*)::int as n from outbound_messages where status = 'sent' and attempts > 1`;
      expect(retried!.n).toBeGreaterThan(0);
      const [sent] = await p.database.sql<{ n: number }[]>`select count(*)::int as n from outbound_messages where status = 'sent'`;
      expect(platform.delivered).toBe(sent!.n);
    });
  });
});

/**
 * The sim as a platform under load: it allows RATE sends per WINDOW_MS and answers the rest
 * with 429 and a retry-after; and it fails the first 0-2 tries of a message (fixed per
 * message) with a network error before taking it — refused connections and resets, not
 * timeouts after delivery, which no sender can tell from a lost message.
 */
function flakyPlatform(sim: ChatChannel, counts: { rateLimited: number; transient: number; delivered: number }): ChatChannel {
  const RATE = 8;
  const WINDOW_MS = 250;
  const recent: number[] = [];
  const tries = new Map<string, number>();
  const hash = (s: string) => [...s].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  const gate = (key: string) => {
    const now = Date.now();
    while (recent.length && recent[0]! <= now - WINDOW_MS) recent.shift();
    if (recent.length >= RATE) {
      counts.rateLimited++;
      throw new ChannelSendError('429 Too Many Requests', true, recent[0]! + WINDOW_MS - now + 20);
    }
    const n = (tries.get(key) ?? 0) + 1;
    tries.set(key, n);
    if (n <= hash(key) % 3) {
      counts.transient++;
      throw n % 2 ? new ChannelSendError('connect ECONNREFUSED', true) : Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    }
    recent.push(now);
  };
  const keyOf = (m: OutboundMessage, edits = '') => `${m.chatId}\n${edits}\n${m.text}`;
  return {
    name: sim.name,
    capabilities: sim.capabilities,
    start: (h) => sim.start(h),
    stop: () => sim.stop(),
    async send(m) {
      gate(keyOf(m));
      const r = await sim.send(m);
      counts.delivered++;
      return r;
    },
    async edit(chatId, messageId, m) {
      gate(keyOf(m, messageId));
      await sim.edit(chatId, messageId, m);
      counts.delivered++;
    },
  };
}
