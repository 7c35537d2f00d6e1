import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatChannel, OutboundMessage } from '../../../core/messaging/channel.js';
import type { OutboundRepository } from '../../../db/repositories/outbound-repository.js';
import { createSendProcessor } from '../../../workers/send-job.js';
import { GROUP, callbackUpdate, messageUpdate, startedChannel } from './telegram-fakes.js';

const G = String(GROUP.id);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('answering button presses with the pipeline’s reply', () => {
  /** A channel with one press stored; returns the press's inbound message id. */
  async function pressed(waitMs = 5000) {
    const s = await startedChannel({ extra: { pressAnswerWaitMs: waitMs } });
    const u = callbackUpdate('c:sign:7', 555);
    await s.channel.bot.handleUpdate(u);
    return { ...s, queryId: u.callback_query!.id, pressId: s.stored[0]!.messageId };
  }

  it('shows a refusal as an alert on the press, and nothing in the chat', async () => {
    const { channel, api, queryId, pressId } = await pressed();
    const refusal = '不能签收工单 #7：只有承办人可以签收。';
    const r = await channel.send({ chatId: G, text: refusal, answersAction: { messageId: pressId, alert: true } });
    expect(api.of('answerCallbackQuery').map((c) => c.payload)).toEqual([{ callback_query_id: queryId, text: refusal, show_alert: true }]);
    expect(api.of('sendMessage')).toEqual([]);
    expect(r.messageId).toBe(pressId);
    await channel.stop();
  });

  it('drops the @mention from the alert text', async () => {
    const { channel, api, pressId } = await pressed();
    await channel.send({ chatId: G, text: '@朱宏 只有反映人可以评价工单 #7。', mentions: [{ id: '602', name: '朱宏' }], answersAction: { messageId: pressId, alert: true } });
    expect(api.of('answerCallbackQuery')[0]!.payload.text).toBe('只有反映人可以评价工单 #7。');
    await channel.stop();
  });

  it('shows any other reply as a toast and also sends it to the chat', async () => {
    const { channel, api, queryId, pressId } = await pressed();
    const r = await channel.send({ chatId: G, text: '已签收 #7。', answersAction: { messageId: pressId, alert: false } });
    expect(api.of('answerCallbackQuery').map((c) => c.payload)).toEqual([{ callback_query_id: queryId, text: '已签收 #7。', show_alert: false }]);
    expect(api.of('sendMessage').map((c) => c.payload.text)).toEqual(['已签收 #7。']);
    expect(r.messageId).toBe('100');
    await channel.stop();
  });

  it('answers once: the reply clears the empty answer’s timer', async () => {
    const { channel, api, pressId } = await pressed(30);
    await channel.send({ chatId: G, text: '已签收 #7。', answersAction: { messageId: pressId, alert: false } });
    await wait(80);
    expect(api.of('answerCallbackQuery')).toHaveLength(1);
  });

  it('sends a refusal to the chat when the press was already answered empty (too late)', async () => {
    const { channel, api, pressId } = await pressed(20);
    await wait(60);
    expect(api.of('answerCallbackQuery')).toHaveLength(1);
    await channel.send({ chatId: G, text: '工单 #7 当前状态为「已签收」，不能签收。', answersAction: { messageId: pressId, alert: true } });
    expect(api.of('answerCallbackQuery')).toHaveLength(1);
    expect(api.of('sendMessage').map((c) => c.payload.text)).toEqual(['工单 #7 当前状态为「已签收」，不能签收。']);
  });

  it('sends a refusal to the chat when Telegram refuses the answer (expired, or held by another process)', async () => {
    const { channel, api } = await startedChannel();
    api.fail('answerCallbackQuery', { ok: false, error_code: 400, description: 'Bad Request: query is too old and response timeout expired or query ID is invalid' });
    await channel.send({ chatId: G, text: '不能签收工单 #7。', answersAction: { messageId: 'cb-elsewhere', alert: true } });
    expect(api.of('answerCallbackQuery')).toHaveLength(1);
    expect(api.of('sendMessage').map((c) => c.payload.text)).toEqual(['不能签收工单 #7。']);
  });

  it('makes an alert too long for Telegram a toast, with the whole text in the chat', async () => {
    const { channel, api, pressId } = await pressed();
    const long = `找不到部门「x」。可选：${'部门、'.repeat(80)}`;
    await channel.send({ chatId: G, text: long, answersAction: { messageId: pressId, alert: true } });
    const [answer] = api.of('answerCallbackQuery');
    expect(answer!.payload.show_alert).toBe(false);
    expect(answer!.payload.text.length).toBeLessThanOrEqual(200);
    expect(api.of('sendMessage').map((c) => c.payload.text)).toEqual([long]);
    await channel.stop();
  });
});

describe('the send job carries the press answer to the channel', () => {
  it('passes answersAction from the outbound payload', async () => {
    const row = { id: 1, status: 'pending', kind: 'send', channel: 'telegram', platformChatId: G, payload: { text: '不能签收。', answersAction: { platformMessageId: 'cb-9', alert: true } } };
    const outbound = {
      get: async () => row,
      markSent: async (_id: number, platformMessageId: string) => void Object.assign(row, { status: 'sent', platformMessageId }),
      recordError: async () => {},
    } as unknown as OutboundRepository;
    const got: OutboundMessage[] = [];
    const channel = {
      name: 'telegram',
      capabilities: { buttons: true, edit: true, photos: true, maxTextLength: 4096 },
      send: async (m: OutboundMessage) => (got.push(m), { messageId: 'cb-9' }),
    } as unknown as ChatChannel;
    const process = createSendProcessor({ outbound, channels: new Map([['telegram', channel]]), logger: { info() {}, warn() {} } });
    expect(await process({ data: { outboundId: 1 }, attemptsMade: 0, opts: { attempts: 3 } })).toBe('sent');
    expect(got[0]!.answersAction).toEqual({ messageId: 'cb-9', alert: true });
    expect(row).toMatchObject({ status: 'sent', platformMessageId: 'cb-9' });
  });
});

describe('downloading photos', () => {
  /** A stand-in for the Bot API file endpoint: /file/bot<token>/<file_path>. */
  async function fileServer() {
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/file/bot123456:unit-test/photos/file_7.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.from('JPEGDATA'));
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { requests, root: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(r)) };
  }
  const photoUpdate = () =>
    messageUpdate({
      caption: '路灯坏了',
      photo: [
        { file_id: 'small', file_unique_id: 's', width: 90, height: 90 },
        { file_id: 'large', file_unique_id: 'AgADl7', width: 1280, height: 960 },
      ],
    });

  it('downloads the largest photo into the photo directory and keeps the path as its url', async () => {
    const files = await fileServer();
    const dir = path.join(await mkdtemp(path.join(tmpdir(), 'jiesu-tg-photos-')), 'telegram', 'photos');
    const { channel, api, stored } = await startedChannel({ extra: { apiRoot: files.root, photoDir: dir } });
    api.fail('getFile', { ok: true, result: { file_id: 'large', file_unique_id: 'AgADl7', file_size: 8, file_path: 'photos/file_7.jpg' } });
    await channel.bot.handleUpdate(photoUpdate());
    expect(api.of('getFile').map((c) => c.payload)).toEqual([{ file_id: 'large' }]);
    expect(files.requests).toEqual(['/file/bot123456:unit-test/photos/file_7.jpg']);
    const target = path.join(dir, 'AgADl7.jpg');
    expect(stored[0]!.photos).toEqual([{ ref: 'large', url: target }]);
    expect((await readFile(target)).toString()).toBe('JPEGDATA');
    await files.close();
  });

  it('keeps the file id alone when the download fails, and does not download unless configured', async () => {
    const files = await fileServer();
    const dir = await mkdtemp(path.join(tmpdir(), 'jiesu-tg-photos-'));
    const failing = await startedChannel({ extra: { apiRoot: files.root, photoDir: dir } });
    failing.api.fail('getFile', { ok: true, result: { file_id: 'large', file_unique_id: 'AgADl7', file_path: 'photos/missing.jpg' } });
    await failing.channel.bot.handleUpdate(photoUpdate());
    expect(failing.stored[0]!.photos).toEqual([{ ref: 'large' }]);

    const off = await startedChannel({ extra: { apiRoot: files.root } });
    await off.channel.bot.handleUpdate(photoUpdate());
    expect(off.api.of('getFile')).toEqual([]);
    expect(off.stored[0]!.photos).toEqual([{ ref: 'large' }]);
    await files.close();
  });
});
