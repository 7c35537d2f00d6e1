import { randomUUID } from 'node:crypto';
import type {
  ChannelCapabilities,
  ChannelHandlers,
  ChatChannel,
  OutboundMessage,
  SendResult,
} from '../../core/messaging/channel.js';
import { ChannelSendError } from '../../core/messaging/channel.js';
import type { SimChatView, SimMessageRow, SimRepository } from '../../db/repositories/sim-repository.js';

/** A request the sim platform refuses: `status` is the HTTP status the API answers with. */
export class SimRequestError extends Error {
  override name = 'SimRequestError';
  constructor(
    readonly status: 400 | 404 | 409 | 503,
    message: string,
  ) {
    super(message);
  }
}

export interface SimMessageView {
  id: string;
  from: string;
  text: string;
  buttons?: { id: string; label: string }[];
  photo?: string;
  location?: { lat: number; lng: number; label?: string };
  replyTo?: string;
  editedAt?: string;
  at: string;
}

function view(m: SimMessageRow): SimMessageView {
  return {
    id: String(m.id),
    from: m.fromId,
    text: m.text,
    ...(m.buttons?.length ? { buttons: m.buttons } : {}),
    ...(m.photo ? { photo: m.photo } : {}),
    ...(m.location ? { location: m.location } : {}),
    ...(m.replyTo ? { replyTo: String(m.replyTo) } : {}),
    ...(m.editedAt ? { editedAt: m.editedAt.toISOString() } : {}),
    at: m.at.toISOString(),
  };
}

/**
 * The local chat "platform": people speak through its HTTP API, the bot answers through
 * `send`. Its transcript lives in its own table, as a real platform's history would.
 */
export class SimChannel implements ChatChannel {
  readonly name = 'sim' as const;
  readonly capabilities: ChannelCapabilities = { buttons: true, edit: true, photos: true, maxTextLength: 4096 };
  private handlers?: ChannelHandlers;
  private chatCache?: { at: number; chats: SimChatView[] };

  constructor(private readonly repo: SimRepository) {}

  async start(handlers: ChannelHandlers): Promise<void> {
    this.handlers = handlers;
  }

  async stop(): Promise<void> {
    this.handlers = undefined;
  }

  /** The chat list with members and roles (cached for a second: the page polls it). */
  async chats(): Promise<SimChatView[]> {
    if (!this.chatCache || Date.now() - this.chatCache.at > 1000) this.chatCache = { at: Date.now(), chats: await this.repo.chats() };
    return this.chatCache.chats;
  }

  private async chatAndSpeaker(chatId: string, from: string) {
    const chat = (await this.chats()).find((c) => c.id === chatId) ?? (await this.refreshAndFind(chatId));
    if (!chat) throw new SimRequestError(404, `没有这个会话：${chatId}`);
    const all = (await this.chats()).flatMap((c) => c.members);
    const person = all.find((p) => p.id === from);
    if (!person) throw new SimRequestError(404, `没有这个人：${from}`);
    if (chat.kind === 'direct' && !chat.members.some((m) => m.id === from)) {
      throw new SimRequestError(400, '私聊只能以本人身份发言');
    }
    return { chat, person };
  }

  private async refreshAndFind(chatId: string) {
    this.chatCache = undefined;
    return (await this.chats()).find((c) => c.id === chatId);
  }

  /** A person speaks in a chat. Resolves once the message is stored in the inbox. */
  async post(
    chatId: string,
    body: { from: string; text?: string; photo?: string; location?: { lat: number; lng: number; label?: string }; replyTo?: string },
  ): Promise<{ id: string }> {
    const { chat, person } = await this.chatAndSpeaker(chatId, body.from);
    if (!this.handlers) throw new SimRequestError(503, '机器人尚未启动，请稍后再试');
    const row = await this.repo.insert({
      chatId,
      fromId: body.from,
      text: body.text ?? '',
      photo: body.photo ?? null,
      location: body.location ?? null,
      replyTo: body.replyTo ? Number(body.replyTo) : null,
    });
    await this.handlers.onMessage({
      channel: 'sim',
      chatId,
      chatKind: chat.kind,
      chatTitle: chat.title,
      messageId: String(row.id),
      sender: { id: person.id, name: person.name },
      text: body.text ?? '',
      photos: body.photo ? [{ ref: `sim-photo-${row.id}`, url: body.photo }] : undefined,
      location: body.location,
      replyToMessageId: body.replyTo,
      sentAt: row.at,
    });
    return { id: String(row.id) };
  }

  /** A person presses a button under a bot message. */
  async press(chatId: string, body: { from: string; messageId: string; buttonId: string }): Promise<void> {
    const { chat, person } = await this.chatAndSpeaker(chatId, body.from);
    if (!this.handlers) throw new SimRequestError(503, '机器人尚未启动，请稍后再试');
    const msg = /^\d{1,15}$/.test(body.messageId) ? await this.repo.get(Number(body.messageId)) : undefined;
    if (!msg || msg.chatId !== chatId) throw new SimRequestError(404, `本会话中没有这条消息：${body.messageId}`);
    if (!msg.buttons?.some((b) => b.id === body.buttonId)) throw new SimRequestError(400, '这条消息下没有这个按钮');
    await this.handlers.onMessage({
      channel: 'sim',
      chatId,
      chatKind: chat.kind,
      chatTitle: chat.title,
      // Every press is its own event; replays are recognised by the case state, not here.
      messageId: `press-${randomUUID()}`,
      sender: { id: person.id, name: person.name },
      text: '',
      action: { messageId: body.messageId, buttonId: body.buttonId },
      sentAt: new Date(),
    });
  }

  async messages(chatId: string, after?: string): Promise<SimMessageView[]> {
    if (!(await this.chats()).some((c) => c.id === chatId) && !(await this.refreshAndFind(chatId))) {
      throw new SimRequestError(404, `没有这个会话：${chatId}`);
    }
    const rows = await this.repo.list(chatId, after && /^\d{1,15}$/.test(after) ? Number(after) : 0);
    return rows.map(view);
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const row = await this.repo
      .insert({
        chatId: message.chatId,
        fromId: 'bot',
        text: message.text,
        buttons: message.buttons?.flat() ?? null,
        photo: message.photo ?? null,
        replyTo: message.replyToMessageId && /^\d+$/.test(message.replyToMessageId) ? Number(message.replyToMessageId) : null,
        sendKey: message.idempotencyKey ?? null,
      })
      .catch((err: unknown) => {
        throw new ChannelSendError(`sim send failed: ${String(err)}`, true);
      });
    return { messageId: String(row.id) };
  }

  async edit(chatId: string, messageId: string, message: OutboundMessage): Promise<void> {
    const ok = await this.repo.edit(chatId, Number(messageId), {
      text: message.text,
      buttons: message.buttons?.flat() ?? null,
      photo: message.photo ?? null,
    });
    if (!ok) throw new ChannelSendError(`sim message ${messageId} not found in ${chatId}`, false);
  }
}
