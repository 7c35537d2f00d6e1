import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../app/config.js';
import type { RunningJiesu } from '../../app/start.js';
import { startTestApp } from '../support/test-app.js';
import { simClient } from '../support/sim-client.js';
import { createTestDatabase, eachQueueBackend, eventually } from '../support/test-database.js';

const TOKEN = 'test-admin-token-0123456789abcdef';

/** One metric sample from the Prometheus text, e.g. value('jiesu_cases', { status: 'dispatched' }). */
function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

eachQueueBackend((backend) => {
  describe('operations: /healthz, /metrics and the queue dashboard', () => {
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    let app: RunningJiesu;
    const sim = simClient(() => app.url);
    beforeAll(async () => {
      db = await createTestDatabase({ migrate: false });
      app = await startTestApp(db, { REDIS_URL: backend.redisUrl, ADMIN_TOKEN: TOKEN });
    });
    afterAll(async () => {
      await app?.stop();
      await db?.drop();
    });

    it('GET /healthz reports the database and the queue', async () => {
      const res = await fetch(`${app.url}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true, checks: { database: 'ok', queue: 'ok' } });
    });

    it('GET /metrics needs the token, then serves Prometheus text counted on scrape', async () => {
      expect((await fetch(`${app.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${app.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
      expect((await fetch(`${app.url}/metrics?token=nope`)).status).toBe(401);

      // One case, so the counts have something to show.
      const G = 'g-hp-xf-01';
      const id = await sim.say(G, '胡晓梅', '5号楼门口的垃圾堆了三天没人清运，臭得很');
      const answer = await sim.answerTo(G, id);
      expect(answer.text).toMatch(/#\d+/);

      const scrape = async (init?: RequestInit, q = '') => {
        const res = await fetch(`${app.url}/metrics${q}`, init);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toContain('text/plain');
        return res.text();
      };
      const text = await eventually(async () => {
        const t = await scrape({ headers: { authorization: `Bearer ${TOKEN}` } });
        const cases = ['reported', 'dispatched'].reduce((s, st) => s + (value(t, 'jiesu_cases', { status: st }) ?? 0), 0);
        // The case row is written before its intake job is marked completed: wait for both.
        const done = (value(t, 'jiesu_queue_jobs', { queue: 'intake', state: 'completed' }) ?? 0) >= 1;
        const processed = (value(t, 'jiesu_inbound_messages', { status: 'processed' }) ?? 0) >= 1;
        return cases >= 1 && done && processed ? t : undefined;
      });
      expect(text).toContain('# TYPE jiesu_queue_jobs gauge');
      for (const q of ['intake', 'send-sim', 'cases', 'maintenance']) {
        expect(value(text, 'jiesu_queue_jobs', { queue: q, state: 'waiting' }), q).toBeTypeOf('number');
        expect(value(text, 'jiesu_jobs_failed', { queue: q }), q).toBe(0);
      }
      expect(value(text, 'jiesu_queue_jobs', { queue: 'intake', state: 'completed' })).toBeGreaterThanOrEqual(1);
      expect(value(text, 'jiesu_inbound_messages', { status: 'processed' })).toBeGreaterThanOrEqual(1);
      expect(text).toContain('# TYPE jiesu_sends_failed gauge');
      expect(value(text, 'jiesu_sends_failed', { channel: 'sim' })).toBeUndefined();
      expect(text).toContain('jiesu_process_resident_memory_bytes');
      // ?token= works as well.
      expect(await scrape(undefined, `?token=${TOKEN}`)).toContain('jiesu_cases');
    });

    it('serves the bull-board dashboard only with the token', async () => {
      const plain = await fetch(`${app.url}/admin/queues`);
      expect(plain.status).toBe(401);
      expect(plain.headers.get('www-authenticate')).toContain('Bearer');
      expect((await plain.json()).error).toContain('ADMIN_TOKEN');
      expect((await fetch(`${app.url}/admin/queues/api/queues`)).status).toBe(401);
      expect((await fetch(`${app.url}/admin/queues`, { headers: { authorization: 'Bearer not-the-token-at-all' } })).status).toBe(401);

      const page = await fetch(`${app.url}/admin/queues`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toContain('<div id="root">');

      const api = await fetch(`${app.url}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(api.status).toBe(200);
      const body = (await api.json()) as { queues: { name: string }[] };
      expect(body.queues.map((q) => q.name)).toEqual(expect.arrayContaining(['intake', 'send-sim', 'cases']));

      // ?token= opens it in a browser: the cookie it sets carries the page's own requests.
      const viaQuery = await fetch(`${app.url}/admin/queues?token=${encodeURIComponent(TOKEN)}`);
      expect(viaQuery.status).toBe(200);
      const cookie = viaQuery.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^jiesu_admin=[0-9a-f]{64}; Path=\/admin\/queues; HttpOnly/);
      expect(cookie).not.toContain(TOKEN);
      const withCookie = await fetch(`${app.url}/admin/queues/api/queues`, { headers: { cookie: cookie.split(';')[0]! } });
      expect(withCookie.status).toBe(200);
      expect((await fetch(`${app.url}/admin/queues/api/queues`, { headers: { cookie: 'jiesu_admin=forged' } })).status).toBe(401);
    });
  });
});

describe('operations without ADMIN_TOKEN', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let app: RunningJiesu;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    app = await startTestApp(db);
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it('keeps the dashboard off (401, saying how to turn it on) and /metrics open on the local server', async () => {
    const res = await fetch(`${app.url}/admin/queues?token=anything-at-all-here`);
    expect(res.status).toBe(401);
    expect((await res.json()).error).toContain('ADMIN_TOKEN');
    const metrics = await fetch(`${app.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('jiesu_queue_jobs');
  });

  it('refuses a too short ADMIN_TOKEN at start-up', () => {
    expect(() => parseConfig({ ADMIN_TOKEN: 'short' })).toThrow(/ADMIN_TOKEN/);
  });
});
