import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { SendLimiter } from '../../../bot/telegram/send-limiter.js';
import { ChannelSendError } from '../../../core/messaging/channel.js';
import { GROUP, messageUpdate, startedChannel } from './telegram-fakes.js';

const G = String(GROUP.id);

describe('sending on Telegram', () => {
  it('sends text with inline buttons, a real mention and a reply reference', async () => {
    const { channel, api } = await startedChannel();
    const result = await channel.send({
      chatId: G,
      text: '@胡晓梅 您反映的问题已受理，工单 #1024（环境卫生）。',
      replyToMessageId: '77',
      mentions: [{ id: '601', name: '胡晓梅' }],
      buttons: [[{ id: 'sign:1024', label: '签收' }, { id: 'return:1024', label: '退单' }], [{ id: 'resolve:1024', label: '办结' }]],
    });
    const [call] = api.of('sendMessage');
    expect(result.messageId).toBe('100');
    expect(call!.payload).toMatchObject({
      chat_id: G,
      text: '@胡晓梅 您反映的问题已受理，工单 #1024（环境卫生）。',
      reply_parameters: { message_id: 77, allow_sending_without_reply: true },
      entities: [{ type: 'text_mention', offset: 0, length: 4, user: { id: 601, is_bot: false, first_name: '胡晓梅' } }],
      reply_markup: {
        inline_keyboard: [
          [
            { text: '签收', callback_data: 'sign:1024' },
            { text: '退单', callback_data: 'return:1024' },
          ],
          [{ text: '办结', callback_data: 'resolve:1024' }],
        ],
      },
    });
    expect(call!.payload.parse_mode).toBeUndefined();
  });

  it('splits a message over 4,096 characters, buttons under the last part, and returns its id', async () => {
    const { channel, api } = await startedChannel();
    const text = `${'第一部分。'.repeat(700)}\n\n${'第二部分。'.repeat(300)}`;
    const result = await channel.send({ chatId: '601', text, replyToMessageId: '5', buttons: [[{ id: 'ok', label: '确认' }]] });
    const sends = api.of('sendMessage');
    expect(sends).toHaveLength(2);
    expect(sends.map((s) => s.payload.text.length).every((n: number) => n <= 4096)).toBe(true);
    expect(sends.map((s) => s.payload.text).join('\n\n')).toBe(text);
    expect(sends[0]!.payload.reply_parameters).toBeDefined();
    expect(sends[0]!.payload.reply_markup).toBeUndefined();
    expect(sends[1]!.payload.reply_parameters).toBeUndefined();
    expect(sends[1]!.payload.reply_markup).toEqual({ inline_keyboard: [[{ text: '确认', callback_data: 'ok' }]] });
    expect(result.messageId).toBe('101');
  });

  it('refuses, permanently, a button id longer than Telegram allows', async () => {
    const { channel, api } = await startedChannel();
    const err = await channel.send({ chatId: G, text: 'x', buttons: [[{ id: 'x'.repeat(65), label: 'x' }]] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelSendError);
    expect((err as ChannelSendError).retryable).toBe(false);
    expect(api.of('sendMessage')).toEqual([]);
  });

  it('sends a photo with its caption and buttons (sendPhoto, which telegram-test-api lacks)', async () => {
    const { channel, api } = await startedChannel();
    const r = await channel.send({ chatId: G, text: '整改后照片', photo: 'AgACAgUAAxkBAAIB', buttons: [[{ id: 'ok', label: '满意' }]] });
    const [p] = api.of('sendPhoto');
    expect(p!.payload).toMatchObject({ chat_id: G, photo: 'AgACAgUAAxkBAAIB', caption: '整改后照片', reply_markup: { inline_keyboard: [[{ text: '满意', callback_data: 'ok' }]] } });
    expect(r.messageId).toBe('100');
    expect(api.of('sendMessage')).toEqual([]);
  });

  it('sends a photo, then a text too long for a caption with the buttons', async () => {
    const { channel, api } = await startedChannel();
    const r = await channel.send({ chatId: G, text: '长'.repeat(2000), photo: 'https://example.test/chart.png', buttons: [[{ id: 'ok', label: 'ok' }]] });
    expect(api.of('sendPhoto')[0]!.payload.caption).toBeUndefined();
    expect(api.of('sendMessage')[0]!.payload.reply_markup).toBeDefined();
    expect(r.messageId).toBe('101');
  });

  it('edits a card in place, replacing or removing its buttons', async () => {
    const { channel, api } = await startedChannel();
    await channel.edit(G, '321', { chatId: G, text: '工单 #1024：已签收', buttons: [[{ id: 'resolve:1024', label: '办结' }]] });
    await channel.edit(G, '321', { chatId: G, text: '工单 #1024：已办结' });
    const edits = api.of('editMessageText');
    expect(edits.map((e) => e.payload)).toMatchObject([
      { chat_id: G, message_id: 321, text: '工单 #1024：已签收', reply_markup: { inline_keyboard: [[{ text: '办结', callback_data: 'resolve:1024' }]] } },
      { chat_id: G, message_id: 321, text: '工单 #1024：已办结', reply_markup: { inline_keyboard: [] } },
    ]);
  });

  it('treats "message is not modified" as done', async () => {
    const { channel, api } = await startedChannel();
    api.fail('editMessageText', { ok: false, error_code: 400, description: 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same' });
    await expect(channel.edit(G, '321', { chatId: G, text: '同样的内容' })).resolves.toBeUndefined();
  });

  it('retries a short 429 in place (auto-retry)', async () => {
    const { channel, api } = await startedChannel({ retryMaxDelaySeconds: 1 });
    api.fail('sendMessage', { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    const started = Date.now();
    const r = await channel.send({ chatId: G, text: '你好' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(api.of('sendMessage')).toHaveLength(2);
    expect(r.messageId).toBe('100');
  });

  it('turns a long 429 into a retryable error with retry_after, and holds the chat back', async () => {
    const limiter = new SendLimiter({ maxWaitMs: 5000 });
    const { channel, api } = await startedChannel({ limiter, retryMaxDelaySeconds: 1 });
    api.fail('sendMessage', { ok: false, error_code: 429, description: 'Too Many Requests: retry after 30', parameters: { retry_after: 30 } });
    const err = (await channel.send({ chatId: G, text: '你好' }).catch((e: unknown) => e)) as ChannelSendError;
    expect(err).toBeInstanceOf(ChannelSendError);
    expect(err).toMatchObject({ retryable: true, retryAfterMs: 30_000 });
    // The next send to that group is refused by the limiter, not sent into another 429.
    const again = (await channel.send({ chatId: G, text: '你好' }).catch((e: unknown) => e)) as ChannelSendError;
    expect(again.retryable).toBe(true);
    expect(again.retryAfterMs).toBeGreaterThan(25_000);
    expect(api.of('sendMessage')).toHaveLength(1);
  });

  it.each([
    [403, 'Forbidden: bot was blocked by the user', false],
    [400, 'Bad Request: chat not found', false],
    [403, 'Forbidden: bot was kicked from the supergroup chat', false],
    [500, 'Internal Server Error', true],
    [502, 'Bad Gateway', true],
  ])('classifies %i %s (retryable: %s)', async (code, description, retryable) => {
    const { channel, api } = await startedChannel();
    api.fail('sendMessage', { ok: false, error_code: code, description });
    const err = (await channel.send({ chatId: '601', text: 'x' }).catch((e: unknown) => e)) as ChannelSendError;
    expect(err).toBeInstanceOf(ChannelSendError);
    expect(err.retryable).toBe(retryable);
    expect(err.message).toContain(description);
  });
});

describe('the webhook', () => {
  it('sets the command menu, accepts updates only with the secret token, and stores them', async () => {
    const { channel, api, stored } = await startedChannel();
    const menus = api.of('setMyCommands').map((c) => [c.payload.scope.type, c.payload.commands.map((x: { command: string }) => x.command)]);
    expect(menus).toEqual([
      ['all_private_chats', ['start', 'help', 'whoami', 'mycases', 'status']],
      ['all_group_chats', ['help', 'status', 'mycases', 'whoami', 'report', 'bind', 'unbind']],
    ]);
    const [set] = api.of('setWebhook');
    expect(set!.payload).toMatchObject({ url: 'https://jiesu.example.test/telegram/hook', secret_token: 'unit-secret', allowed_updates: ['message', 'callback_query'] });

    const server = createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (!(await channel.handleWebhook(req, res, url.pathname))) res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const body = JSON.stringify(messageUpdate({ text: '小区门口路灯不亮' }));
      const post = (headers: Record<string, string>, path = '/telegram/hook') =>
        fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      expect((await post({})).status).toBe(401);
      expect((await post({ 'x-telegram-bot-api-secret-token': 'wrong' })).status).toBe(401);
      expect(stored).toEqual([]);
      expect((await post({ 'x-telegram-bot-api-secret-token': 'unit-secret' }, '/elsewhere')).status).toBe(404);
      expect((await post({ 'x-telegram-bot-api-secret-token': 'unit-secret' })).status).toBe(200);
      expect(stored.map((m) => m.text)).toEqual(['小区门口路灯不亮']);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
