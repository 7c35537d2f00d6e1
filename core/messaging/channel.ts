/**
 * The one interface every chat platform implements (sim, Telegram, WeChat). Only `bot/`
 * implements it; everything else sees these platform-free types.
 */

export type ChannelName = 'sim' | 'telegram' | 'wechat';

export interface ChatUser {
  /** The platform's user id, as a string. */
  id: string;
  name: string;
}

/** A message as it arrived from a platform, before anything else happens to it. */
export interface InboundMessage {
  channel: ChannelName;
  /** The platform's chat id. */
  chatId: string;
  chatKind: 'group' | 'direct';
  chatTitle?: string;
  /** The platform's message id: (channel, chatId, messageId) is unique. */
  messageId: string;
  sender: ChatUser;
  text: string;
  photos?: { ref: string; url?: string }[];
  location?: { lat: number; lng: number; label?: string };
  /** The platform message this one replies to, when the platform says so. */
  replyToMessageId?: string;
  /** A button press rather than typed text. */
  action?: { messageId: string; buttonId: string };
  sentAt: Date;
}

export interface Button {
  /** Short, platform-safe id (Telegram allows 64 bytes of callback data). */
  id: string;
  label: string;
}

/** What Jiesu sends to one chat. */
export interface OutboundMessage {
  chatId: string;
  text: string;
  /** Rows of buttons; channels without buttons show the text commands instead. */
  buttons?: Button[][];
  photo?: string;
  replyToMessageId?: string;
  /** People to mention (@name); the text already names them. */
  mentions?: ChatUser[];
  /**
   * The answer to a button press (`messageId`: the press's InboundMessage.messageId). A channel
   * with press answers (Telegram's callback queries) shows the text there: as an alert, and
   * nothing in the chat, when `alert` (a refusal); as a short toast, with the message in the
   * chat too, otherwise. Other channels send the message as usual.
   */
  answersAction?: { messageId: string; alert: boolean };
  /**
   * The same for every attempt at sending one message. A platform that can deliver once per key
   * (the sim) does, so a send retried after an answer that never came (the platform took the
   * message, the connection dropped before it said so) is not shown twice. Telegram and WeChat
   * have no such key: there such a retry delivers the message again (at-least-once).
   */
  idempotencyKey?: string;
}

export interface SendResult {
  /** The platform's id of the sent message, for later edits and replies. */
  messageId: string;
}

export interface ChannelCapabilities {
  buttons: boolean;
  edit: boolean;
  photos: boolean;
  /** Longest text in one message; longer texts are split by the channel. */
  maxTextLength: number;
}

/** What a channel calls when something arrives. Resolves once the message is stored. */
/** A platform gave a chat a new id (a Telegram group upgraded to a supergroup). */
export interface ChatMove {
  channel: ChannelName;
  fromChatId: string;
  toChatId: string;
}

export interface ChannelHandlers {
  onMessage(message: InboundMessage): Promise<void>;
  /** The chat keeps its binding, members and history under its new id. */
  onChatMoved?(move: ChatMove): Promise<void>;
}

export interface ChatChannel {
  readonly name: ChannelName;
  readonly capabilities: ChannelCapabilities;
  start(handlers: ChannelHandlers): Promise<void>;
  stop(): Promise<void>;
  /** Throws ChannelSendError; `retryable` says whether trying again may help. */
  send(message: OutboundMessage): Promise<SendResult>;
  edit(chatId: string, messageId: string, message: OutboundMessage): Promise<void>;
}

/** A failed send or edit. `retryable` decides between a retry and a recorded failure. */
export class ChannelSendError extends Error {
  override name = 'ChannelSendError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
