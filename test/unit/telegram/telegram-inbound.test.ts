import { describe, expect, it } from 'vitest';
import { BOT_INFO, GROUP, RESIDENT, callbackUpdate, messageUpdate, startedChannel } from './telegram-fakes.js';

const PRIVATE = { id: 601, type: 'private' as const, first_name: '晓梅' };

describe('Telegram updates as inbound messages', () => {
  it('turns a group text into an InboundMessage with chat, sender and time', async () => {
    const { channel, stored } = await startedChannel();
    const u = messageUpdate({ text: '3号楼门口垃圾三天没人清运了' });
    await channel.bot.handleUpdate(u);
    expect(stored).toEqual([
      {
        channel: 'telegram',
        chatId: String(GROUP.id),
        chatKind: 'group',
        chatTitle: GROUP.title,
        messageId: String(u.message!.message_id),
        sender: { id: String(RESIDENT.id), name: '晓梅 胡' },
        text: '3号楼门口垃圾三天没人清运了',
        sentAt: new Date(1_790_000_000 * 1000),
      },
    ]);
  });

  it('keeps the largest photo by file id, the caption as text, and what it replies to', async () => {
    const { channel, stored } = await startedChannel();
    await channel.bot.handleUpdate(
      messageUpdate({
        caption: '路灯坏了',
        photo: [
          { file_id: 'small', file_unique_id: 's', width: 90, height: 90 },
          { file_id: 'large', file_unique_id: 'l', width: 1280, height: 960 },
        ],
        reply_to_message: { message_id: 77, date: 0, chat: GROUP },
      }),
    );
    expect(stored[0]).toMatchObject({ text: '路灯坏了', photos: [{ ref: 'large' }], replyToMessageId: '77' });
  });

  it('reads a location and a venue', async () => {
    const { channel, stored } = await startedChannel();
    await channel.bot.handleUpdate(messageUpdate({ location: { latitude: 39.9, longitude: 116.4 } }));
    await channel.bot.handleUpdate(
      messageUpdate({ venue: { location: { latitude: 39.91, longitude: 116.41 }, title: '幸福小区', address: '和平路 8 号' } }),
    );
    expect(stored.map((m) => m.location)).toEqual([
      { lat: 39.9, lng: 116.4 },
      { lat: 39.91, lng: 116.41, label: '幸福小区 和平路 8 号' },
    ]);
    expect(stored[0]!.text).toBe('');
  });

  it('reads a direct chat as direct, without a title', async () => {
    const { channel, stored } = await startedChannel();
    await channel.bot.handleUpdate(messageUpdate({ text: '/start K7QH-M2XP' }, { chat: PRIVATE }));
    expect(stored[0]).toMatchObject({ chatKind: 'direct', chatId: '601', text: '/start K7QH-M2XP' });
    expect(stored[0]!.chatTitle).toBeUndefined();
  });

  it('reads commands meant for this bot and drops those meant for another', async () => {
    const { channel, stored } = await startedChannel();
    await channel.bot.handleUpdate(messageUpdate({ text: `/bind@${BOT_INFO.username} hp-xf-01` }));
    await channel.bot.handleUpdate(messageUpdate({ text: '/bind@other_bot hp-xf-01' }));
    await channel.bot.handleUpdate(messageUpdate({ text: `@${BOT_INFO.username} 楼道灯坏了` }));
    expect(stored.map((m) => m.text)).toEqual(['/bind hp-xf-01', '楼道灯坏了']);
  });

  it('ignores stickers, voice and polls in groups, and explains in a direct chat', async () => {
    const { channel, stored, api } = await startedChannel();
    await channel.bot.handleUpdate(messageUpdate({ sticker: { file_id: 'st', file_unique_id: 'st', type: 'regular', width: 1, height: 1, is_animated: false, is_video: false } }));
    await channel.bot.handleUpdate(messageUpdate({ voice: { file_id: 'v', file_unique_id: 'v', duration: 3 } }));
    await channel.bot.handleUpdate(messageUpdate({ poll: { id: 'p', question: '?', options: [], total_voter_count: 0, is_closed: false, is_anonymous: true, type: 'regular', allows_multiple_answers: false } }));
    await channel.bot.handleUpdate(messageUpdate({ new_chat_members: [RESIDENT] }));
    expect(stored).toEqual([]);
    expect(api.of('sendMessage')).toEqual([]);

    await channel.bot.handleUpdate(messageUpdate({ voice: { file_id: 'v', file_unique_id: 'v', duration: 3 } }, { chat: PRIVATE }));
    expect(stored).toEqual([]);
    const [hint] = api.of('sendMessage');
    expect(hint!.payload.chat_id).toBe('601');
    expect(hint!.payload.text).toContain('文字、照片');
  });

  it('ignores other bots and channels', async () => {
    const { channel, stored } = await startedChannel();
    await channel.bot.handleUpdate(messageUpdate({ text: '我是机器人' }, { from: { id: 9, is_bot: true, first_name: 'bot' } }));
    await channel.bot.handleUpdate(messageUpdate({ text: '频道消息' }, { chat: { id: -100777, type: 'channel', title: 'c' } }));
    expect(stored).toEqual([]);
  });

  it('turns a button press into an action and answers the callback query (empty, when no reply comes in time)', async () => {
    const { channel, stored, api } = await startedChannel({ extra: { pressAnswerWaitMs: 20 } });
    const u = callbackUpdate('sign:1024', 555);
    await channel.bot.handleUpdate(u);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      chatId: String(GROUP.id),
      chatKind: 'group',
      messageId: `cb-${u.callback_query!.id}`,
      sender: { id: String(RESIDENT.id) },
      text: '',
      action: { messageId: '555', buttonId: 'sign:1024' },
    });
    // The answer waits for the pipeline's reply …
    expect(api.of('answerCallbackQuery')).toEqual([]);
    await new Promise((r) => setTimeout(r, 60));
    // … and without one, stops the spinner.
    const answers = api.of('answerCallbackQuery');
    expect(answers).toHaveLength(1);
    expect(answers[0]!.payload).toEqual({ callback_query_id: u.callback_query!.id });
  });

  it('answers the press with a notice when the message could not be stored, and fails the update', async () => {
    const { channel, api } = await startedChannel();
    await channel.stop();
    await channel.start({
      onMessage: async () => {
        throw new Error('database down');
      },
    });
    const errors: unknown[] = [];
    channel.bot.catch((e) => void errors.push(e));
    await expect(channel.bot.handleUpdate(callbackUpdate('x', 1))).rejects.toThrow(/database down/);
    expect(api.of('answerCallbackQuery').at(-1)!.payload.text).toContain('系统繁忙');
  }, 10_000);
});
