/**
 * The Telegram channel, on grammY: long polling with @grammyjs/runner on one machine, or a
 * webhook (secret token checked) mounted on Jiesu's HTTP server when several processes run
 * behind a load balancer. Updates become InboundMessages; sends are paced by the send
 * limiter and short 429 waits are retried in place by @grammyjs/auto-retry.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { autoRetry } from '@grammyjs/auto-retry';
import { run, sequentialize, type RunnerHandle } from '@grammyjs/runner';
import { Bot, InputFile, webhookCallback, type Transformer } from 'grammy';
import type { InlineKeyboardMarkup, MessageEntity, UserFromGetMe } from 'grammy/types';
import {
  ChannelSendError,
  type ChannelCapabilities,
  type ChannelHandlers,
  type ChatChannel,
  type InboundMessage,
  type OutboundMessage,
  type SendResult,
} from '../../core/messaging/channel.js';
import { COMMANDS_GROUP, COMMANDS_PRIVATE } from './command-menu.js';
import { isNotModified, toChannelSendError } from './errors.js';
import { SendLimiter } from './send-limiter.js';
import { TELEGRAM_MAX_CAPTION, TELEGRAM_MAX_TEXT, splitText, truncateText } from './split-text.js';
import { UNSUPPORTED_REPLY, callbackToInbound, messageToInbound, type Mapped } from './to-inbound.js';

interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface TelegramChannelOptions {
  token: string;
  /** A self-hosted Bot API server (or telegram-test-api) instead of api.telegram.org. */
  apiRoot?: string;
  /** Webhook mode: Telegram posts updates to `url`, with `secret` in a header. */
  webhook?: { url: string; secret: string };
  /** The send limiter (one per bot token). */
  limiter?: SendLimiter;
  /** 429s asking to wait at most this long are retried in place; longer ones go back to the queue. */
  retryMaxDelaySeconds?: number;
  logger: Log;
  /** Known bot info (skips getMe; tests). */
  botInfo?: UserFromGetMe;
  /** API transformers installed beneath auto-retry (tests capture and fake calls here). */
  transformers?: Transformer[];
}

const ALLOWED_UPDATES = ['message', 'callback_query'] as const;
/** Telegram allows 64 bytes of callback data. */
const MAX_CALLBACK_BYTES = 64;

export class TelegramChannel implements ChatChannel {
  readonly name = 'telegram' as const;
  readonly capabilities: ChannelCapabilities = { buttons: true, edit: true, photos: true, maxTextLength: TELEGRAM_MAX_TEXT };
  /** The grammY bot: only bot/ and tests touch it. */
  readonly bot: Bot;
  readonly limiter: SendLimiter;
  private handlers?: ChannelHandlers;
  private runner?: RunnerHandle;
  private webhookHandler?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;

  constructor(private readonly opts: TelegramChannelOptions) {
    this.bot = new Bot(opts.token, {
      ...(opts.botInfo ? { botInfo: opts.botInfo } : {}),
      client: { ...(opts.apiRoot ? { apiRoot: opts.apiRoot.replace(/\/+$/, '') } : {}) },
    });
    this.limiter = opts.limiter ?? new SendLimiter();
    // Order: test transformers sit next to the HTTP call, auto-retry wraps them.
    if (opts.transformers?.length) this.bot.api.config.use(...opts.transformers);
    this.bot.api.config.use(
      autoRetry({
        maxDelaySeconds: opts.retryMaxDelaySeconds ?? 5,
        maxRetryAttempts: 2,
        // Network and server failures go back to the job queue, which retries with back-off.
        rethrowHttpErrors: true,
        rethrowInternalServerErrors: true,
      }),
    );
    // Keep one chat's messages in order (photo then text, text then location).
    this.bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
    this.bot.on('callback_query', async (ctx) => {
      const mapped = callbackToInbound(ctx.callbackQuery);
      try {
        if (mapped.kind === 'message') await this.deliver(mapped.message);
      } catch (err) {
        await ctx.answerCallbackQuery({ text: '系统繁忙，请稍后再试。' }).catch(() => {});
        throw err;
      }
      // The reply (or refusal) follows in the chat from the pipeline; this stops the spinner.
      await ctx.answerCallbackQuery().catch((err) => this.opts.logger.warn({ err: String(err) }, 'answerCallbackQuery failed'));
    });
    this.bot.on('message', async (ctx) => this.onMapped(messageToInbound(ctx.message, { id: ctx.me.id, username: ctx.me.username })));
    this.bot.catch((err) => {
      this.opts.logger.error({ err: String(err.error), updateId: err.ctx.update.update_id }, 'telegram update not stored');
    });
  }

  get mode(): 'webhook' | 'polling' {
    return this.opts.webhook ? 'webhook' : 'polling';
  }

  /** The path Telegram posts to in webhook mode (the URL's path), for the HTTP server. */
  get webhookPath(): string | undefined {
    return this.opts.webhook ? new URL(this.opts.webhook.url).pathname : undefined;
  }

  async start(handlers: ChannelHandlers): Promise<void> {
    this.handlers = handlers;
    await this.bot.init();
    await this.setCommandMenu();
    if (this.opts.webhook) {
      this.webhookHandler = webhookCallback(this.bot, 'http', { secretToken: this.opts.webhook.secret, onTimeout: 'throw', timeoutMilliseconds: 9000 });
      await this.bot.api.setWebhook(this.opts.webhook.url, { secret_token: this.opts.webhook.secret, allowed_updates: [...ALLOWED_UPDATES] });
      this.opts.logger.info({ bot: this.bot.botInfo.username, path: this.webhookPath }, 'telegram webhook set');
      return;
    }
    // Telegram refuses getUpdates while a webhook is set.
    await this.bot.api.deleteWebhook();
    this.runner = run(this.bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } } });
    this.opts.logger.info({ bot: this.bot.botInfo.username }, 'telegram long polling started');
  }

  async stop(): Promise<void> {
    const r = this.runner;
    this.runner = undefined;
    if (r?.isRunning()) await r.stop();
    this.handlers = undefined;
    this.webhookHandler = undefined;
  }

  /**
   * The HTTP handler for webhook mode: answers 401 on a wrong secret, 200 once the update is
   * stored, 5xx when it could not be (Telegram then delivers it again). Returns false when
   * the request is not for this channel.
   */
  async handleWebhook(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
    if (!this.webhookHandler || pathname !== this.webhookPath) return false;
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return true;
    }
    await this.webhookHandler(req, res);
    return true;
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const chatId = message.chatId;
    const keyboard = this.keyboard(message.buttons);
    const reply = message.replyToMessageId && /^\d+$/.test(message.replyToMessageId)
      ? { reply_parameters: { message_id: Number(message.replyToMessageId), allow_sending_without_reply: true } }
      : {};
    let lastId: number | undefined;
    const text = message.text;
    if (message.photo) {
      const captioned = text.length <= TELEGRAM_MAX_CAPTION;
      const sent = await this.call(chatId, () =>
        this.bot.api.sendPhoto(chatId, this.photoInput(message.photo!), {
          ...reply,
          ...(captioned && text ? { caption: text, caption_entities: this.mentionEntities(text, message) } : {}),
          ...(captioned && keyboard ? { reply_markup: keyboard } : {}),
        }),
      );
      lastId = sent.message_id;
      if (captioned) return { messageId: String(lastId) };
    }
    const chunks = splitText(text, TELEGRAM_MAX_TEXT);
    for (const [i, chunk] of chunks.entries()) {
      const last = i === chunks.length - 1;
      const sent = await this.call(chatId, () =>
        this.bot.api.sendMessage(chatId, chunk, {
          ...(i === 0 && !message.photo ? reply : {}),
          entities: this.mentionEntities(chunk, message),
          link_preview_options: { is_disabled: true },
          // Buttons go under the last part, which is also the message later edits target.
          ...(last && keyboard ? { reply_markup: keyboard } : {}),
        }),
      );
      lastId = sent.message_id;
    }
    return { messageId: String(lastId) };
  }

  async edit(chatId: string, messageId: string, message: OutboundMessage): Promise<void> {
    if (!/^\d+$/.test(messageId)) throw new ChannelSendError(`telegram: not a message id: ${messageId}`, false);
    // No buttons on the new version means the old ones go away.
    const reply_markup = this.keyboard(message.buttons) ?? { inline_keyboard: [] };
    try {
      if (message.photo) {
        const caption = truncateText(message.text, TELEGRAM_MAX_CAPTION);
        await this.call(chatId, () =>
          this.bot.api.editMessageCaption(chatId, Number(messageId), { caption, caption_entities: this.mentionEntities(caption, message), reply_markup }),
        );
      } else {
        const text = truncateText(message.text, TELEGRAM_MAX_TEXT);
        await this.call(chatId, () =>
          this.bot.api.editMessageText(chatId, Number(messageId), text, {
            entities: this.mentionEntities(text, message),
            link_preview_options: { is_disabled: true },
            reply_markup,
          }),
        );
      }
    } catch (err) {
      if (err instanceof ChannelSendError && /message is not modified/i.test(err.message)) return;
      throw err;
    }
  }

  /** The "/" menu Telegram shows: one for direct chats, one for groups. Best effort. */
  private async setCommandMenu(): Promise<void> {
    try {
      await this.bot.api.setMyCommands(COMMANDS_PRIVATE, { scope: { type: 'all_private_chats' } });
      await this.bot.api.setMyCommands(COMMANDS_GROUP, { scope: { type: 'all_group_chats' } });
    } catch (err) {
      this.opts.logger.warn({ err: String(err) }, 'could not set the telegram command menu');
    }
  }

  /** Store one inbound message, retrying briefly: in polling mode nothing redelivers it. */
  private async deliver(m: InboundMessage): Promise<void> {
    const handlers = this.handlers;
    if (!handlers) throw new Error('telegram channel is not started');
    for (let attempt = 1; ; attempt++) {
      try {
        return await handlers.onMessage(m);
      } catch (err) {
        if (attempt >= 3) throw err;
        this.opts.logger.warn({ err: String(err), attempt }, 'storing a telegram message failed; retrying');
        await new Promise((r) => setTimeout(r, 300 * attempt));
      }
    }
  }

  private async onMapped(mapped: Mapped): Promise<void> {
    if (mapped.kind === 'message') return this.deliver(mapped.message);
    if (mapped.kind === 'unsupported' && mapped.chatKind === 'direct') {
      // Not a case, not stored: a hint at the edge, like the platform's own "can't display".
      await this.send({ chatId: mapped.chatId, text: UNSUPPORTED_REPLY }).catch((err) =>
        this.opts.logger.warn({ err: String(err) }, 'could not send the unsupported-message hint'),
      );
    }
  }

  /** One Bot API call through the limiter, its failure as a ChannelSendError. */
  private async call<T>(chatId: string, fn: () => Promise<T>): Promise<T> {
    await this.limiter.acquire(chatId);
    try {
      return await fn();
    } catch (err) {
      if (isNotModified(err)) throw new ChannelSendError('telegram 400: message is not modified', false);
      const e = toChannelSendError(err);
      // A 429 that outlived auto-retry: hold this chat back as long as Telegram asked.
      if (e.retryAfterMs) this.limiter.pause(e.retryAfterMs, chatId);
      throw e;
    }
  }

  private keyboard(rows: OutboundMessage['buttons']): InlineKeyboardMarkup | undefined {
    if (!rows?.length) return undefined;
    for (const b of rows.flat()) {
      if (Buffer.byteLength(b.id, 'utf8') > MAX_CALLBACK_BYTES) {
        throw new ChannelSendError(`telegram: button id longer than ${MAX_CALLBACK_BYTES} bytes: ${b.id}`, false);
      }
    }
    return { inline_keyboard: rows.map((row) => row.map((b) => ({ text: b.label, callback_data: b.id }))) };
  }

  /** `@Name` in the text becomes a real mention (a notification, even without a username). */
  private mentionEntities(text: string, message: OutboundMessage): MessageEntity[] | undefined {
    const out: MessageEntity[] = [];
    for (const m of message.mentions ?? []) {
      if (!/^\d+$/.test(m.id)) continue;
      const needle = `@${m.name}`;
      const offset = text.indexOf(needle);
      if (offset < 0) continue;
      out.push({ type: 'text_mention', offset, length: needle.length, user: { id: Number(m.id), is_bot: false, first_name: m.name } });
    }
    return out.length ? out : undefined;
  }

  /** A URL or a Telegram file id goes as it is; a local path is uploaded. */
  private photoInput(photo: string): string | InputFile {
    if (photo.startsWith('file://')) return new InputFile(new URL(photo).pathname);
    if (photo.startsWith('/') || photo.startsWith('./')) return new InputFile(photo);
    return photo;
  }
}
