import type { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningJiesu } from '../../app/start.js';
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

  it('stores an update posted with the secret, answers 200, and replies through the Bot API', async () => {
    const res = await post(dm(701, '帮助'), { 'x-telegram-bot-api-secret-token': SECRET });
    expect(res.status).toBe(200);
    const reply = await eventually(async () => botMessages(tg, 701)[0]);
    expect(reply.text).toContain('我是谁');
    // The rest of the server is unchanged.
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});
