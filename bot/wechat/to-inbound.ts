/**
 * WeChat messages as Jiesu's platform-free InboundMessage. Pure: the channel reads what it
 * needs from Wechaty (room, talker, names, the image, the location) into `WxMessageFacts`
 * first, so this mapping is tested without a puppet.
 */
import type { InboundMessage } from '../../core/messaging/channel.js';

export type WxKind = 'text' | 'image' | 'location' | 'unsupported' | 'system';

/** What the channel read from one Wechaty message. */
export interface WxMessageFacts {
  id: string;
  /** Sent by the bot's own account (Wechaty emits those too). */
  self: boolean;
  kind: WxKind;
  /** Set in a room (群聊). */
  room?: { id: string; topic?: string };
  talker: { id: string; name: string; official?: boolean };
  text: string;
  /** The bot's own names here (its WeChat name and its alias in this room): mentions of them are dropped. */
  selfNames: string[];
  photo?: { ref: string; url?: string };
  location?: { lat: number; lng: number; label?: string };
  sentAt: Date;
}

export type Mapped =
  | { kind: 'message'; message: InboundMessage }
  /** Something people send that Jiesu cannot read (voice, video, stickers, files …). */
  | { kind: 'unsupported'; chatId: string; chatKind: 'group' | 'direct' }
  | { kind: 'ignore'; reason: string };

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `@接诉助手 楼道灯坏了` → `楼道灯坏了`. WeChat puts U+2005 (four-per-em space) after a
 * mention; pasted text may have a plain space. Other people's mentions stay: they are content.
 */
export function stripSelfMentions(text: string, selfNames: string[]): string {
  let out = text;
  for (const name of selfNames.filter(Boolean).sort((a, b) => b.length - a.length)) {
    out = out.replace(new RegExp(`@${escape(name)}(?:[\\u2005\\u0020\\u00a0]+|$)`, 'g'), ' ');
  }
  return out.replace(/[\u2005\u00a0]/g, ' ').replace(/^[\s,，:：]+/u, '').replace(/ {2,}/g, ' ').trim();
}

export function messageToInbound(f: WxMessageFacts): Mapped {
  if (f.self) return { kind: 'ignore', reason: 'sent by the bot itself' };
  if (f.talker.official) return { kind: 'ignore', reason: 'official account' };
  if (f.kind === 'system') return { kind: 'ignore', reason: 'system message' };
  const chatKind = f.room ? 'group' : 'direct';
  const chatId = f.room ? f.room.id : f.talker.id;
  if (f.kind === 'unsupported') return { kind: 'unsupported', chatId, chatKind };

  const text = f.kind === 'text' ? stripSelfMentions(f.text, f.selfNames) : '';
  const photos = f.kind === 'image' && f.photo ? [f.photo] : [];
  const location = f.kind === 'location' ? f.location : undefined;
  if (!text && !photos.length && !location) {
    return f.kind === 'text' ? { kind: 'ignore', reason: 'empty text' } : { kind: 'unsupported', chatId, chatKind };
  }
  return {
    kind: 'message',
    message: {
      channel: 'wechat',
      chatId,
      chatKind,
      ...(f.room?.topic ? { chatTitle: f.room.topic } : {}),
      messageId: f.id,
      sender: { id: f.talker.id, name: f.talker.name || '微信用户' },
      text,
      ...(photos.length ? { photos } : {}),
      ...(location ? { location } : {}),
      sentAt: f.sentAt,
    },
  };
}

/** What the bot says in a direct chat to a message kind it cannot read. */
export const UNSUPPORTED_REPLY =
  '抱歉，我还看不懂这类消息（语音、视频、表情、文件、链接等）。\n' +
  '我能看懂：文字、图片和位置。请用文字描述您的问题，可以附上图片或位置；发送「帮助」查看可用命令。';
