/**
 * wechaty-puppet-mock for the end-to-end tests: a mocker with the bot's account, people and
 * rooms; helpers to speak as a person and to read what the bot said (the mock turns every
 * send into a message from the bot's account, which the channel must ignore).
 */
import { FileBox } from 'file-box';
import { types, type payloads } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';

export type MockContact = ReturnType<mock.Mocker['createContact']>;
export type MockRoom = ReturnType<mock.Mocker['createRoom']>;

export interface SentText {
  conversationId: string;
  text: string;
  mentionIds: string[];
}

export function createWechatMock(botName = '接诉助手') {
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const bot = mocker.createContact({ id: 'wxid_jiesu_bot', name: botName });
  // Record what the channel asked the puppet to send, mention lists included (the mock drops them).
  const sent: SentText[] = [];
  const original = puppet.messageSendText.bind(puppet);
  puppet.messageSendText = async (conversationId: string, text: string, mentionIds?: string[]) => {
    sent.push({ conversationId, text, mentionIds: mentionIds ?? [] });
    return original(conversationId, text);
  };
  const payloads = () => [...mocker.cacheMessagePayload.values()];
  const lastId = () => [...mocker.cacheMessagePayload.keys()].at(-1)!;

  return {
    mocker,
    puppet,
    bot,
    sent,
    person: (id: string, name: string) => mocker.createContact({ id, name }),
    room: (id: string, topic: string, members: MockContact[]) => mocker.createRoom({ id, topic, memberIdList: [bot.id, ...members.map((m) => m.id)], ownerId: members[0]?.id, adminIdList: [] }),
    login() {
      mocker.scan('https://login.weixin.qq.com/l/jiesu-test', types.ScanStatus.Waiting);
      mocker.login(bot);
    },
    /** A person writes; returns the message id. In a room, `mentions` are real @mentions. */
    says(who: MockContact, where: MockContact | MockRoom, text: string, mentions: MockContact[] = []): string {
      who.say(text, mentions).to(where);
      return lastId();
    },
    /** A person sends a picture. */
    sendsImage(who: MockContact, where: MockContact | MockRoom, name = 'photo.png'): string {
      const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
      who.say(FileBox.fromBase64(png, name)).to(where);
      return lastId();
    },
    /** A person shares a location (the mock puppet answers every location lookup with one place). */
    sendsLocation(who: MockContact, room: MockRoom): string {
      const id = `loc-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
      mocker.MessageMock.create({ id, talkerId: who.id, roomId: room.id, mentionIdList: [], timestamp: Date.now(), type: types.Message.Location } as payloads.Message);
      puppet.emit('message', { messageId: id });
      return id;
    },
    /** The bot's texts in a room or a direct chat, oldest first. */
    botSaid(chatId: string): string[] {
      return payloads()
        .filter((p) => p.talkerId === bot.id && ((p as { roomId?: string }).roomId === chatId || (!(p as { roomId?: string }).roomId && (p as { listenerId?: string }).listenerId === chatId)))
        .map((p) => p.text ?? '');
    },
  };
}

export type WechatMock = ReturnType<typeof createWechatMock>;
