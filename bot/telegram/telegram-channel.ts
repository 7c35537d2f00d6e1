/**
 * The Telegram channel, on grammY: long polling with @grammyjs/runner on one machine, or a
 * webhook (secret token checked) mounted on Jiesu's HTTP server when several processes run
 * behind a load balancer. Updates become InboundMessages; sends are paced by the send
 * limiter and short 429 waits are retried in place by @grammyjs/auto-retry.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { autoRetry } from '@grammyjs/auto-retry';
import { run, sequentialize, type RunnerHandle } from '@grammyjs/runner';
import { Bot, GrammyError, InputFile, webhookCallback, type Transformer } from 'grammy';
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
import { ChatMovedError, isNotModified, toChannelSendError } from './errors.js';
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
  /**
   * How long a button press waits for the pipeline's reply to answer it (the text as a toast,
   * or as an alert for a refusal) before it is answered empty. Default 10 s.
   */
  pressAnswerWaitMs?: number;
  /** Set: photos are downloaded here (getFile and the Bot API file URL); the path goes on the photo's `url`. */
  photoDir?: string;
}

const ALLOWED_UPDATES = ['message', 'callback_query'] as const;
/** Telegram allows 64 bytes of callback data. */
const MAX_CALLBACK_BYTES = 64;
/** Telegram shows at most 200 characters in a callback query's answer. */
const MAX_ANSWER_TEXT = 200;
const PHOTO_DOWNLOAD_TIMEOUT_MS = 5000;

export class TelegramChannel implements ChatChannel {
  readonly name = 'telegram' as const;
  readonly capabilities: ChannelCapabilities = { buttons: true, edit: true, photos: true, maxTextLength: TELEGRAM_MAX_TEXT };
  /** The grammY bot: only bot/ and tests touch it. */
  readonly bot: Bot;
  readonly limiter: SendLimiter;
  private handlers?: ChannelHandlers;
  private runner?: RunnerHandle;
  private webhookHandler?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Button presses waiting for their answer (by callback query id): the timer that answers them empty, or 'expired'. */
  private readonly pressAnswers = new Map<string, NodeJS.Timeout | 'expired'>();

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
      if (mapped.kind !== 'message') {
        await ctx.answerCallbackQuery().catch((err) => this.opts.logger.warn({ err: String(err) }, 'answerCallbackQuery failed'));
        return;
      }
      try {
        await this.deliver(mapped.message);
      } catch (err) {
        await ctx.answerCallbackQuery({ text: '系统繁忙，请稍后再试。' }).catch(() => {});
        throw err;
      }
      // The pipeline's reply answers the press (see `send`); without one in time, this stops the spinner.
      this.deferPressAnswer(ctx.callbackQuery.id);
    });
    this.bot.on('message', async (ctx) => {
      const mapped = messageToInbound(ctx.message, { id: ctx.me.id, username: ctx.me.username });
      if (mapped.kind === 'message' && mapped.message.photos?.length && this.opts.photoDir) await this.downloadPhotos(mapped.message, this.opts.photoDir);
      return this.onMapped(mapped);
    });
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
    for (const timer of this.pressAnswers.values()) if (timer !== 'expired') clearTimeout(timer);
    this.pressAnswers.clear();
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
    try {
      return await this.sendOnce(message);
    } catch (err) {
      // Sent to a group that became a supergroup (the move not yet seen): move it, send there.
      if (!(err instanceof ChatMovedError)) throw err;
      await this.moved(message.chatId, err.toChatId);
      return this.sendOnce({ ...message, chatId: err.toChatId });
    }
  }

  private async sendOnce(message: OutboundMessage): Promise<SendResult> {
    // A refusal shown as an alert on the press is not repeated in the chat.
    if (message.answersAction && (await this.answerPress(message)) === 'alert') return { messageId: message.answersAction.messageId };
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
      // The chat moved: recorded, and the job's retry edits in the new chat.
      if (err instanceof ChatMovedError) await this.moved(err.fromChatId, err.toChatId);
      throw err;
    }
  }

  /** Hold a press's answer for the pipeline's reply; answer it empty if none comes in time. */
  private deferPressAnswer(queryId: string): void {
    const timer = setTimeout(() => {
      this.pressAnswers.set(queryId, 'expired');
      // Forget it once Telegram has surely forgotten it too.
      setTimeout(() => this.pressAnswers.delete(queryId), 60_000).unref();
      this.bot.api.answerCallbackQuery(queryId).catch((err) => this.opts.logger.warn({ err: String(err) }, 'answerCallbackQuery failed'));
    }, this.opts.pressAnswerWaitMs ?? 10_000);
    timer.unref();
    this.pressAnswers.set(queryId, timer);
  }

  /**
   * Answer a press with the reply's text: 'alert' when shown as an alert (a refusal), 'toast'
   * when shown briefly (the message still goes to the chat), 'missed' when the press was
   * already answered or expired (the message goes to the chat). Another process may hold the
   * press (webhook mode behind a load balancer): Telegram then decides.
   */
  private async answerPress(message: OutboundMessage): Promise<'alert' | 'toast' | 'missed'> {
    const { messageId, alert } = message.answersAction!;
    if (!messageId.startsWith('cb-')) return 'missed';
    const queryId = messageId.slice('cb-'.length);
    const held = this.pressAnswers.get(queryId);
    if (held === 'expired') return 'missed';
    if (held) clearTimeout(held);
    this.pressAnswers.delete(queryId);
    let text = message.text;
    for (const m of message.mentions ?? []) if (text.startsWith(`@${m.name} `)) text = text.slice(m.name.length + 2);
    // An alert too long to show whole becomes a toast, the message in the chat.
    const asAlert = alert && text.length <= MAX_ANSWER_TEXT;
    try {
      await this.bot.api.answerCallbackQuery(queryId, { text: truncateText(text, MAX_ANSWER_TEXT), show_alert: asAlert });
      return asAlert ? 'alert' : 'toast';
    } catch (err) {
      this.opts.logger.info({ err: String(err) }, 'button press already answered or expired; replying in the chat');
      return 'missed';
    }
  }

  /** Download each photo into `dir` (best effort: on failure the file id alone is kept). */
  private async downloadPhotos(m: InboundMessage, dir: string): Promise<void> {
    for (const photo of m.photos ?? []) {
      try {
        const file = await this.bot.api.getFile(photo.ref);
        if (!file.file_path) continue;
        const root = (this.opts.apiRoot ?? 'https://api.telegram.org').replace(/\/+$/, '');
        const res = await fetch(`${root}/file/bot${this.opts.token}/${file.file_path}`, { signal: AbortSignal.timeout(PHOTO_DOWNLOAD_TIMEOUT_MS) });
        if (!res.ok) throw new Error(`file download answered ${res.status}`);
        const name = `${file.file_unique_id.replace(/[^A-Za-z0-9_-]/g, '_')}${path.extname(file.file_path).toLowerCase() || '.jpg'}`;
        await mkdir(dir, { recursive: true });
        const target = path.resolve(dir, name);
        await writeFile(target, Buffer.from(await res.arrayBuffer()));
        photo.url = target;
      } catch (err) {
        // Never log the URL: it carries the bot token.
        this.opts.logger.warn({ err: String(err).replaceAll(this.opts.token, '<token>'), chatId: m.chatId }, 'could not download a telegram photo; keeping its file id');
      }
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

  /** A group upgraded to a supergroup: its chat keeps its binding under the new id. */
  private async moved(fromChatId: string, toChatId: string): Promise<void> {
    this.opts.logger.info({ fromChatId, toChatId }, 'telegram group upgraded to a supergroup');
    await this.handlers?.onChatMoved?.({ channel: 'telegram', fromChatId, toChatId });
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
    if (mapped.kind === 'moved') return this.moved(mapped.fromChatId, mapped.toChatId);
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
      const movedTo = err instanceof GrammyError ? err.parameters?.migrate_to_chat_id : undefined;
      if (movedTo !== undefined) throw new ChatMovedError(chatId, String(movedTo));
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
