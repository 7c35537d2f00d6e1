/**
 * Telegram updates as Jiesu's platform-free InboundMessage. Pure: no API calls here.
 */
import type { CallbackQuery, Chat, Message, User } from 'grammy/types';
import type { InboundMessage } from '../../core/messaging/channel.js';

export type Mapped =
  | { kind: 'message'; message: InboundMessage }
  /** Something people send that Jiesu cannot read (sticker, voice, poll …). */
  | { kind: 'unsupported'; chatId: string; chatKind: 'group' | 'direct' }
  | { kind: 'ignore'; reason: string }
  /** The group became a supergroup with a new id (told in both: "to" in the old, "from" in the new). */
  | { kind: 'moved'; fromChatId: string; toChatId: string };

/** What the bot knows about itself (from getMe), to read commands addressed to it. */
export interface BotSelf {
  id: number;
  username: string;
}

export function displayName(u: Pick<User, 'first_name' | 'last_name' | 'username' | 'id'>): string {
  const name = [u.first_name, u.last_name].filter(Boolean).join(' ').trim();
  return name || u.username || `用户${u.id}`;
}

function chatKindOf(chat: Chat): 'group' | 'direct' | null {
  if (chat.type === 'private') return 'direct';
  if (chat.type === 'group' || chat.type === 'supergroup') return 'group';
  return null;
}

/**
 * `/bind@JiesuBot x` → `/bind x`; a command for another bot → null (not ours to read).
 * A leading `@JiesuBot` mention is dropped too, so triage sees only what was said.
 */
export function normalizeAddressedText(text: string, self: BotSelf): string | null {
  const cmd = /^(\/[A-Za-z0-9_]+)@([A-Za-z0-9_]+)(.*)$/s.exec(text);
  if (cmd) {
    if (cmd[2]!.toLowerCase() !== self.username.toLowerCase()) return null;
    return `${cmd[1]}${cmd[3]}`;
  }
  const mention = new RegExp(`^@${self.username}\\b[\\s,，:：]*`, 'i');
  return text.replace(mention, '');
}

/** Kinds of messages that carry nothing Jiesu can read when they come without a caption. */
const UNSUPPORTED_KEYS = ['sticker', 'voice', 'audio', 'video', 'video_note', 'animation', 'poll', 'dice', 'contact', 'document', 'game', 'story', 'paid_media', 'checklist'] as const;

export function messageToInbound(msg: Message, self: BotSelf): Mapped {
  const kind = chatKindOf(msg.chat);
  if (!kind) return { kind: 'ignore', reason: 'not a group or private chat' };
  if (msg.migrate_to_chat_id !== undefined) return { kind: 'moved', fromChatId: String(msg.chat.id), toChatId: String(msg.migrate_to_chat_id) };
  if (msg.migrate_from_chat_id !== undefined) return { kind: 'moved', fromChatId: String(msg.migrate_from_chat_id), toChatId: String(msg.chat.id) };
  const from = msg.from;
  if (!from || from.is_bot) return { kind: 'ignore', reason: 'no human sender' };
  const chatId = String(msg.chat.id);

  let text = msg.text ?? msg.caption ?? '';
  if (text) {
    const addressed = normalizeAddressedText(text, self);
    if (addressed === null) return { kind: 'ignore', reason: 'command for another bot' };
    text = addressed;
  }
  const photos: { ref: string }[] = [];
  if (msg.photo?.length) {
    // Sizes come smallest first; the largest is the one worth keeping.
    photos.push({ ref: msg.photo[msg.photo.length - 1]!.file_id });
  } else if (msg.document?.mime_type?.startsWith('image/')) {
    photos.push({ ref: msg.document.file_id });
  }
  const loc = msg.venue?.location ?? msg.location;
  const location = loc
    ? { lat: loc.latitude, lng: loc.longitude, ...(msg.venue ? { label: [msg.venue.title, msg.venue.address].filter(Boolean).join(' ') } : {}) }
    : undefined;

  if (!text && !photos.length && !location) {
    const unsupported = UNSUPPORTED_KEYS.some((k) => k in msg && (msg as unknown as Record<string, unknown>)[k] !== undefined);
    return unsupported ? { kind: 'unsupported', chatId, chatKind: kind } : { kind: 'ignore', reason: 'service message' };
  }
  return {
    kind: 'message',
    message: {
      channel: 'telegram',
      chatId,
      chatKind: kind,
      ...(kind === 'group' && 'title' in msg.chat && msg.chat.title ? { chatTitle: msg.chat.title } : {}),
      messageId: String(msg.message_id),
      sender: { id: String(from.id), name: displayName(from) },
      text,
      ...(photos.length ? { photos } : {}),
      ...(location ? { location } : {}),
      ...(msg.reply_to_message ? { replyToMessageId: String(msg.reply_to_message.message_id) } : {}),
      sentAt: new Date(msg.date * 1000),
    },
  };
}

/** A button press: the message it sat under and the button's callback data. */
export function callbackToInbound(q: CallbackQuery): Mapped {
  const msg = q.message;
  if (!msg || !q.data) return { kind: 'ignore', reason: 'inline or game callback' };
  const kind = chatKindOf(msg.chat);
  if (!kind || q.from.is_bot) return { kind: 'ignore', reason: 'not a group or private chat' };
  return {
    kind: 'message',
    message: {
      channel: 'telegram',
      chatId: String(msg.chat.id),
      chatKind: kind,
      ...(kind === 'group' && 'title' in msg.chat && msg.chat.title ? { chatTitle: msg.chat.title } : {}),
      // Every press is its own event (Telegram gives each query a unique id).
      messageId: `cb-${q.id}`,
      sender: { id: String(q.from.id), name: displayName(q.from) },
      text: '',
      action: { messageId: String(msg.message_id), buttonId: q.data },
      sentAt: new Date(),
    },
  };
}

/** What the bot says in a direct chat to a message kind it cannot read. */
export const UNSUPPORTED_REPLY =
  '抱歉，我还看不懂这类消息（贴纸、语音、视频、投票、文件等）。\n' +
  '我能看懂：文字、照片（可加文字说明）和位置。请用文字描述您的问题，可以附上照片或位置；发送「帮助」查看可用命令。';
