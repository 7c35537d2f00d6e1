import type { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningJiesu } from '../../app/start.js';
import { eq } from 'drizzle-orm';
import { chats, orgNodes } from '../../db/schema.js';
import { startTestApp } from '../support/test-app.js';
import { createTestDatabase, eventually } from '../support/test-database.js';
import { TOKEN, apiRecorder, botMessages, startTelegramServer } from './telegram-support.js';

// Webhook mode does not depend on the queue backend: PostgreSQL only.
describe('Telegram in webhook mode, mounted on Jiesu’s HTTP server', () => {
  let tg: TelegramServer;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let app: RunningJiesu;
  const api = apiRecorder();
  const SECRET = 'e2e_webhook-secret';

  beforeAll(async () => {
    tg = await startTelegramServer();
    db = await createTestDatabase({ migrate: false });
    app = await startTestApp(db, { SIM_ENABLED: 'false', TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: tg.config.apiURL, TELEGRAM_WEBHOOK_URL: 'https://jiesu.example.test/telegram/webhook', TELEGRAM_WEBHOOK_SECRET: SECRET }, { telegram: { transformers: [api.transformer] } });
  });
  afterAll(async () => {
    await app?.stop();
    await tg?.stop();
    await db?.drop();
  });

  let updateId = 1;
  const post = (body: unknown, headers: Record<string, string> = {}, method = 'POST') =>
    fetch(`${app.url}/telegram/webhook`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: method === 'POST' ? JSON.stringify(body) : undefined,
    });
  const dm = (userId: number, text: string) => ({
    update_id: updateId++,
    message: { message_id: 10 + updateId, date: Math.floor(Date.now() / 1000), chat: { id: userId, type: 'private', first_name: '测试' }, from: { id: userId, is_bot: false, first_name: '测试' }, text },
  });

  it('registers the webhook with its secret and does not poll', () => {
    expect(app.telegram?.mode).toBe('webhook');
    const set = api.calls.find((c) => c.method === 'setWebhook');
    expect(set?.payload).toMatchObject({ url: 'https://jiesu.example.test/telegram/webhook', secret_token: SECRET });
  });

  it('refuses requests without the secret token', async () => {
    expect((await post(dm(700, '帮助'))).status).toBe(401);
    expect((await post(dm(700, '帮助'), { 'x-telegram-bot-api-secret-token': 'nope' })).status).toBe(401);
    expect((await post(undefined, {}, 'GET')).status).toBe(405);
    expect(botMessages(tg, 700)).toEqual([]);
  });

  describe('a group upgraded to a supergroup keeps its binding under its new id', () => {
    const headers = { 'x-telegram-bot-api-secret-token': SECRET };
    const resident = { id: 7101, is_bot: false, first_name: '彭丽' };
    const groupMessage = (chatId: number, extra: Record<string, unknown>) => ({
      update_id: updateId++,
      message: { message_id: 100 + updateId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: chatId < -1e12 ? 'supergroup' : 'group', title: '阳光社区一网格居民群' }, from: resident, ...extra },
    });
    const inbound = async (chatId: number) =>
      db.sql<{ status: string; outcome: string | null; case_id: number | null }[]>`select status, outcome, case_id from inbound_messages where channel = 'telegram' and platform_chat_id = ${String(chatId)} order by id`;
    const bindGroup = async (platformChatId: number) => {
      const [node] = await db.db.select().from(orgNodes).where(eq(orgNodes.code, 'hp-yg-01'));
      await db.db.insert(chats).values({ channel: 'telegram', platformChatId: String(platformChatId), kind: 'group', title: '阳光社区一网格居民群', nodeId: node!.id, purpose: 'residents', boundAt: new Date() });
      return node!.id;
    };

    it('on the service message: what was said in the new supergroup before it is taken in, and the chat stays bound', async () => {
      const OLD = -4001;
      const NEW = -1001000004001;
      const nodeId = await bindGroup(OLD);
      // Telegram delivers the supergroup's first messages and the service messages in any order.
      expect((await post(groupMessage(NEW, { text: '5号楼门口的路灯坏了，晚上很黑' }), headers)).status).toBe(200);
      await eventually(async () => (await inbound(NEW))[0]?.outcome === 'unbound_chat');
      expect((await post(groupMessage(OLD, { migrate_to_chat_id: NEW }), headers)).status).toBe(200);
      expect((await post(groupMessage(NEW, { migrate_from_chat_id: OLD }), headers)).status).toBe(200);

      const [early] = await eventually(async () => {
        const rows = await inbound(NEW);
        return rows[0]?.outcome === 'case_opened' ? rows : undefined;
      });
      expect(early!.case_id).not.toBeNull();
      const [moved] = await db.db.select().from(chats).where(eq(chats.platformChatId, String(NEW)));
      expect(moved).toMatchObject({ nodeId, purpose: 'residents' });
      expect(await db.db.select().from(chats).where(eq(chats.platformChatId, String(OLD)))).toHaveLength(0);
      const receipt = await eventually(async () => botMessages(tg, NEW).find((m) => /工单 #\d+/.test(m.text ?? '')));
      expect(receipt.text).toContain('彭丽');

      // And later messages there are cases of that grid as before.
      await post(groupMessage(NEW, { text: '小区东门的垃圾三天没人清运了，味道很大' }), headers);
      await eventually(async () => (await inbound(NEW)).filter((r) => r.outcome === 'case_opened').length === 2);
    });

    it('on a send refused as "upgraded to a supergroup": the chat moves and the message goes to the new id', async () => {
      const OLD = -4002;
      const NEW = -1001000004002;
      await bindGroup(OLD);
      // Nothing else on its way to Telegram: the refusal below is for this group's receipt.
      await eventually(async () => (await db.sql<{ n: number }[]>`select count(*)::int as n from outbound_messages where channel = 'telegram' and status = 'pending'`)[0]!.n === 0);
      api.failNext('sendMessage', { ok: false, error_code: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', parameters: { migrate_to_chat_id: NEW } });
      await post(groupMessage(OLD, { text: '7号楼的电梯坏了，老人上下楼很困难' }), headers);
      const receipt = await eventually(async () => botMessages(tg, NEW).find((m) => /工单 #\d+/.test(m.text ?? '')));
      expect(receipt.text).toContain('彭丽');
      expect(botMessages(tg, OLD)).toEqual([]);
      const [moved] = await db.db.select().from(chats).where(eq(chats.platformChatId, String(NEW)));
      expect(moved?.nodeId).not.toBeNull();
      // Recorded as sent (the Bot API answered before the record is written) under the new id.
      await eventually(async () => (await db.sql<{ n: number }[]>`select count(*)::int as n from outbound_messages where platform_chat_id = ${String(NEW)} and status = 'sent'`)[0]!.n === 1);
      const [atOld] = await db.sql<{ n: number }[]>`select count(*)::int as n from outbound_messages where platform_chat_id = ${String(OLD)}`;
      expect(atOld!.n).toBe(0);
    });
  });

  it('stores an update posted with the secret, answers 200, and replies through the Bot API', async () => {
    const res = await post(dm(701, '帮助'), { 'x-telegram-bot-api-secret-token': SECRET });
    expect(res.status).toBe(200);
    const reply = await eventually(async () => botMessages(tg, 701)[0]);
    expect(reply.text).toContain('我是谁');
    // The rest of the server is unchanged.
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});
