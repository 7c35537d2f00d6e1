/**
 * telegram-test-api on loopback for the end-to-end tests, plus an API transformer that
 * paces its instant (non-long-polling) getUpdates answers, records every Bot API call and
 * can answer chosen calls with errors (for 429s).
 */
import { freePort } from '../../db/embedded-postgres.js';
import type { Transformer } from 'grammy';
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';

export const TOKEN = '123456:e2e-test-token';

export async function startTelegramServer() {
  const server = new TelegramServer({ port: await freePort(), host: '127.0.0.1', storeTimeout: 3600 });
  await server.start();
  return server;
}

type Failure = { ok: false; error_code: number; description: string; parameters?: Record<string, unknown> };

export function apiRecorder() {
  const calls: { method: string; payload: Record<string, any> }[] = [];
  const failures = new Map<string, Failure[]>();
  const transformer: Transformer = async (prev, method, payload, signal) => {
    if (method !== 'getUpdates') calls.push({ method, payload: payload as Record<string, any> });
    const fail = failures.get(method)?.shift();
    if (fail) return fail as any;
    const res = await prev(method, payload, signal);
    if (method === 'getUpdates' && res.ok && Array.isArray(res.result) && res.result.length === 0) {
      // The test server answers at once; real Telegram would hold the request open.
      await new Promise((r) => setTimeout(r, 25));
    }
    return res;
  };
  return {
    calls,
    transformer,
    failNext(method: string, f: Failure) {
      failures.set(method, [...(failures.get(method) ?? []), f]);
    },
  };
}

export interface TgUser {
  userId: number;
  name: string;
}

export interface TgChat {
  chatId: number;
  type: 'private' | 'group' | 'supergroup';
  title?: string;
}

/** A person writes in a chat; resolves with the message id the server gave it. */
export async function userSays(server: TelegramServer, user: TgUser, chat: TgChat, text: string, extra: Record<string, unknown> = {}): Promise<number> {
  const client = server.getClient(TOKEN, {
    userId: user.userId,
    firstName: user.name,
    userName: `u${user.userId}`,
    chatId: chat.chatId,
    type: chat.type,
    chatTitle: chat.title ?? user.name,
  });
  const before = server.storage.userMessages.length;
  await client.sendMessage(client.makeMessage(text, extra as any));
  const stored = server.storage.userMessages.slice(before).find((u) => 'message' in u && (u.message as { text?: string }).text === text);
  return stored!.messageId;
}

/** A person presses a button under a bot message; resolves with the callback query's id. */
export async function userPresses(server: TelegramServer, user: TgUser, chat: TgChat, messageId: number, data: string): Promise<string> {
  const client = server.getClient(TOKEN, { userId: user.userId, firstName: user.name, chatId: chat.chatId, type: chat.type, chatTitle: chat.title });
  const q = client.makeCallbackQuery(data, { message: { message_id: messageId, chat: { id: chat.chatId, type: chat.type, title: chat.title } as any } });
  const before = server.storage.userMessages.length;
  await client.sendCallback(q as any);
  const stored = server.storage.userMessages.slice(before).find((u) => 'callbackQuery' in u) as { callbackId: number } | undefined;
  return String(stored!.callbackId);
}

export interface BotMessage {
  messageId: number;
  text: string;
  replyTo?: number;
  entities?: { type: string; offset: number; length: number; user?: { id: number } }[];
  buttons?: { text: string; callback_data: string }[][];
}

/** What the bot has sent (and edited) in a chat, oldest first. */
export function botMessages(server: TelegramServer, chatId: number): BotMessage[] {
  return server.storage.botMessages
    .filter((b) => String(b.message.chat_id) === String(chatId))
    .map((b) => {
      const m = b.message as any;
      return {
        messageId: b.messageId,
        text: m.text,
        replyTo: m.reply_parameters?.message_id,
        entities: m.entities,
        buttons: m.reply_markup?.inline_keyboard,
      };
    });
}
