/**
 * Unit-test fakes for the Telegram channel: a grammY API transformer that records every
 * Bot API call and answers it without a network, and builders for updates.
 */
import type { Transformer } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import { SendLimiter } from '../../../bot/telegram/send-limiter.js';
import { TelegramChannel, type TelegramChannelOptions } from '../../../bot/telegram/telegram-channel.js';
import type { InboundMessage } from '../../../core/messaging/channel.js';

export const BOT_INFO = {
  id: 4242,
  is_bot: true,
  first_name: '接诉',
  username: 'jiesu_test_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
} as unknown as UserFromGetMe;

export interface Call {
  method: string;
  payload: Record<string, any>;
}

type Answer = { ok: true; result: unknown } | { ok: false; error_code: number; description: string; parameters?: Record<string, unknown> };

/** Records calls; `fail` answers the next calls of a method with errors, in order. */
export function recordingApi() {
  const calls: Call[] = [];
  const failures = new Map<string, Answer[]>();
  let nextId = 100;
  const transformer: Transformer = async (_prev, method, payload) => {
    calls.push({ method, payload: payload as Record<string, any> });
    const queued = failures.get(method)?.shift();
    if (queued) return queued as any;
    const p = payload as Record<string, any>;
    switch (method) {
      case 'sendMessage':
      case 'sendPhoto':
        return { ok: true, result: { message_id: nextId++, date: 0, chat: { id: Number(p.chat_id), type: 'private', first_name: 'x' }, text: p.text } } as any;
      default:
        return { ok: true, result: true } as any;
    }
  };
  return {
    calls,
    transformer,
    of: (method: string) => calls.filter((c) => c.method === method),
    fail(method: string, ...answers: Answer[]) {
      failures.set(method, [...(failures.get(method) ?? []), ...answers]);
    },
  };
}

export const silent = { info() {}, warn() {}, error() {} };

/** A started channel in webhook mode (no polling loop), with its stored messages. */
export async function startedChannel(opts: { limiter?: SendLimiter; retryMaxDelaySeconds?: number; extra?: Partial<TelegramChannelOptions> } = {}) {
  const api = recordingApi();
  const channel = new TelegramChannel({
    token: '123456:unit-test',
    webhook: { url: 'https://jiesu.example.test/telegram/hook', secret: 'unit-secret' },
    botInfo: BOT_INFO,
    transformers: [api.transformer],
    limiter: opts.limiter ?? new SendLimiter({ maxWaitMs: 60_000 }),
    retryMaxDelaySeconds: opts.retryMaxDelaySeconds ?? 1,
    logger: silent,
    ...opts.extra,
  });
  const stored: InboundMessage[] = [];
  await channel.start({ onMessage: async (m) => void stored.push(m) });
  return { channel, api, stored };
}

let updateId = 1;
const user = (id: number, first_name: string, last_name?: string) => ({ id, is_bot: false, first_name, ...(last_name ? { last_name } : {}) });
export const GROUP = { id: -1001234567890, type: 'supergroup' as const, title: '幸福社区第一网格居民群' };
export const RESIDENT = user(601, '晓梅', '胡');

export function messageUpdate(fields: Record<string, unknown>, opts: { chat?: Record<string, unknown>; from?: Record<string, unknown> } = {}): Update {
  return {
    update_id: updateId++,
    message: {
      message_id: 1000 + updateId,
      date: 1_790_000_000,
      chat: opts.chat ?? GROUP,
      from: opts.from ?? RESIDENT,
      ...fields,
    },
  } as unknown as Update;
}

export function callbackUpdate(data: string, messageId: number, opts: { chat?: Record<string, unknown>; from?: Record<string, unknown> } = {}): Update {
  return {
    update_id: updateId++,
    callback_query: {
      id: `q${updateId}`,
      chat_instance: 'ci',
      from: opts.from ?? RESIDENT,
      data,
      message: { message_id: messageId, date: 1_790_000_000, chat: opts.chat ?? GROUP, from: BOT_INFO, text: '任务卡' },
    },
  } as unknown as Update;
}
