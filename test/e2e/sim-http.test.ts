import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningJiesu } from '../../app/start.js';
import { startTestApp } from '../support/test-app.js';
import { cases } from '../../db/schema.js';
import { createTestDatabase, eachQueueBackend, eventually } from '../support/test-database.js';

type Msg = { id: string; from: string; text: string; replyTo?: string; buttons?: { id: string; label: string }[] };

eachQueueBackend((backend) => {
  describe('the sim HTTP API, end to end', () => {
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    let app: RunningJiesu;
    const start = async () =>
      startTestApp(db, { REDIS_URL: backend.redisUrl });
    beforeAll(async () => {
      db = await createTestDatabase({ migrate: false });
      app = await start();
    });
    afterAll(async () => {
      await app?.stop();
      await db?.drop();
    });

    const api = async (method: string, p: string, body?: unknown, raw?: string) => {
      const res = await fetch(`${app.url}${p}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    /** The person id of a demo member, by name. */
    const who = async (name: string): Promise<string> => {
      const chats = (await api('GET', '/api/sim/chats')).body as { members: { id: string; name: string }[] }[];
      const m = chats.flatMap((c) => c.members).find((x) => x.name === name);
      if (!m) throw new Error(`no demo person ${name}`);
      return m.id;
    };
    const say = async (chat: string, fromName: string, text: string) => {
      const r = await api('POST', `/api/sim/chats/${chat}/messages`, { from: await who(fromName), text });
      expect(r.status).toBe(201);
      return r.body.id as string;
    };
    const replyTo = (chat: string, id: string) =>
      eventually(async () => ((await api('GET', `/api/sim/chats/${chat}/messages`)).body as Msg[]).find((m) => m.from === 'bot' && m.replyTo === id));

    it('lists the demo chats with their nodes, members and roles', async () => {
      const { status, body } = await api('GET', '/api/sim/chats');
      expect(status).toBe(200);
      const grid = body.find((c: any) => c.id === 'g-hp-xf-01');
      expect(grid).toMatchObject({ kind: 'group', node: { code: 'hp-xf-01', level: 'grid' } });
      expect(grid.members.some((m: any) => m.roles.some((r: any) => r.role === 'grid_worker' && r.node === 'hp-xf-01'))).toBe(true);
      expect(body.filter((c: any) => c.kind === 'direct').length).toBeGreaterThanOrEqual(20);
      const levels = new Set(body.filter((c: any) => c.node).map((c: any) => c.node.level));
      expect(levels).toEqual(new Set(['street', 'community', 'grid']));
      const roles = new Set(body.flatMap((c: any) => c.members.flatMap((m: any) => m.roles.map((r: any) => r.role))));
      for (const r of ['resident', 'household_leader', 'grid_worker', 'grid_leader', 'area_leader', 'street_chief', 'department', 'manager']) {
        expect(roles).toContain(r);
      }
    });

    it('answers a resident complaint in the group with one reply carrying #<number>', async () => {
      const id = await say('g-hp-yg-01', '曹阳', '阳光小区5栋楼下的井盖松了，踩上去晃得厉害，太危险了');
      const reply = await replyTo('g-hp-yg-01', id);
      expect(reply.text).toMatch(/#\d{4,}/);
      expect(reply.text).toContain('@曹阳');
      const n = Number(/#(\d+)/.exec(reply.text)![1]);
      expect(await db.db.select().from(cases).where(eq(cases.number, n))).toHaveLength(1);
      const all = (await api('GET', '/api/sim/chats/g-hp-yg-01/messages')).body as Msg[];
      expect(all.filter((m) => m.from === 'bot' && m.text.includes(`#${n}`))).toHaveLength(1);
    });

    it('ignores chatter: no case, no reply', async () => {
      const chatter: string[] = [];
      for (const t of ['收到', '谢谢', '😀😀😀']) chatter.push(await say('g-hp-yg-02', '谢娜', t));
      // A real report afterwards proves the pipeline has moved past the chatter.
      const id = await say('g-hp-yg-02', '谢娜', '小区门口有人乱停车把消防通道堵了');
      await replyTo('g-hp-yg-02', id);
      const after = (await api('GET', '/api/sim/chats/g-hp-yg-02/messages')).body as Msg[];
      expect(after.filter((m) => m.from === 'bot' && m.replyTo && chatter.includes(m.replyTo))).toHaveLength(0);
      const ignored = await eventually(async () => {
        const r = await db.sql`select count(*)::int as n from inbound_messages where platform_chat_id = 'g-hp-yg-02' and status = 'ignored' and outcome = 'chatter'`;
        return r[0]!.n === 3 ? r : undefined;
      });
      expect(ignored[0]!.n).toBe(3);
      const opened = await db.sql`select count(*)::int as n from cases c join inbound_messages i on i.id = c.inbound_message_id where i.platform_chat_id = 'g-hp-yg-02'`;
      expect(opened[0]!.n).toBe(1);
    });

    it('pages messages with after=', async () => {
      const all = (await api('GET', '/api/sim/chats/g-hp-yg-01/messages')).body as Msg[];
      const tail = (await api('GET', `/api/sim/chats/g-hp-yg-01/messages?after=${all[0]!.id}`)).body as Msg[];
      expect(tail.map((m) => m.id)).toEqual(all.slice(1).map((m) => m.id));
    });

    it('answers bad input with 4xx and a message', async () => {
      const cases400: [string, string, unknown, string?][] = [
        ['POST', '/api/sim/chats/g-hp-xf-01/messages', undefined, '{not json'],
        ['POST', '/api/sim/chats/g-hp-xf-01/messages', { text: '没有 from' }],
        ['POST', '/api/sim/chats/g-hp-xf-01/messages', { from: '11' }],
        ['POST', '/api/sim/chats/g-hp-xf-01/messages', { from: '11', text: 5 }],
        ['POST', '/api/sim/chats/g-hp-xf-01/messages', { from: '11', location: { lat: 'x', lng: 1 } }],
        ['POST', '/api/sim/chats/g-hp-xf-01/actions', { from: '11' }],
        ['GET', '/api/sim/chats/g-hp-xf-01/messages?after=abc', undefined],
      ];
      const xu = await who('许婷');
      const hu = await who('胡晓梅');
      cases400.push(['POST', `/api/sim/chats/d-${hu}/messages`, { from: xu, text: '冒充别人私聊' }]);
      for (const [method, p, body, raw] of cases400) {
        const r = await api(method, p, body, raw);
        expect(r.status, `${method} ${p} ${raw ?? JSON.stringify(body)}`).toBe(400);
        expect(typeof r.body.error).toBe('string');
      }
      expect((await api('POST', '/api/sim/chats/no-such-chat/messages', { from: hu, text: 'x' })).status).toBe(404);
      expect((await api('POST', '/api/sim/chats/g-hp-xf-01/messages', { from: '9999', text: 'x' })).status).toBe(404);
      expect((await api('GET', '/api/sim/chats/no-such-chat/messages')).status).toBe(404);
      expect((await api('POST', '/api/sim/chats/g-hp-xf-01/actions', { from: hu, messageId: '99999999', buttonId: 'x' })).status).toBe(404);
      expect((await api('GET', '/api/nothing')).status).toBe(404);
    });

    it('serves the chat page', async () => {
      const res = await fetch(`${app.url}/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain('app.js');
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    });

    it('keeps cases and the conversation across a restart', async () => {
      const id = await say('g-hp-xf-02', '许婷', '隔壁装修从早上七点就开始砸墙，噪音太大了');
      const reply = await replyTo('g-hp-xf-02', id);
      const n = /#(\d+)/.exec(reply.text)![1];
      await app.stop();
      app = await start();
      const q = await say('g-hp-xf-02', '许婷', `#${n}`);
      expect((await replyTo('g-hp-xf-02', q)).text).toContain(`工单 #${n}`);
      const numbers = await db.sql`select count(*)::int as n from cases where number = ${Number(n)}`;
      expect(numbers[0]!.n).toBe(1);
    });
  });
});
