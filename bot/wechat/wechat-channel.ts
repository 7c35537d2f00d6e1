/**
 * The WeChat channel, on Wechaty: the puppet is chosen by configuration (wechat4u by default,
 * a puppet service with a token, or the mock puppet in tests). Rooms and contacts become
 * InboundMessages; every send goes through the account's paced queue; mentions in rooms are
 * real @mentions; there are no buttons and no edits, so buttons become a text hint and an
 * edit is sent as a new message. The login is kept in the data directory (Wechaty's memory
 * card), and a lost login is logged and reported through `onLoginLost`.
 *
 * The composition root imports this module only when WeChat is configured.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FileBox } from 'file-box';
import { ScanStatus, WechatyBuilder, types, type Contact, type Message, type Room, type Wechaty } from 'wechaty';
import {
  ChannelSendError,
  type ChannelCapabilities,
  type ChannelHandlers,
  type ChatChannel,
  type ChatUser,
  type OutboundMessage,
  type SendResult,
} from '../../core/messaging/channel.js';
import { splitText } from '../telegram/split-text.js';
import { withButtonHints } from './button-hints.js';
import { idOf, printQrInTerminal, sayWithMentions } from './say.js';
import { toChannelSendError } from './errors.js';
import { PacedSender } from './paced-sender.js';
import { UNSUPPORTED_REPLY, messageToInbound, type Mapped, type WxKind, type WxMessageFacts } from './to-inbound.js';

interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** WeChat takes longer texts, but a phone screen reads ~1,500 characters at a time. */
export const WECHAT_MAX_TEXT = 1500;
export const DEFAULT_PUPPET = 'wechaty-puppet-wechat4u';

export interface LoginLost {
  account?: string;
  reason: string;
  at: Date;
}

export interface WechatChannelOptions {
  /** A puppet's npm name (default wechaty-puppet-wechat4u) or a puppet instance (tests: the mock). */
  puppet?: string | object;
  /** Token for wechaty-puppet-service providers. */
  puppetToken?: string;
  /** Wechaty's `name`: the login is kept in `<sessionName>.memory-card.json`. */
  sessionName: string;
  /** Received images are saved here (WeChat's media links expire). Unset: only a reference is kept. */
  mediaDir?: string;
  /** The account's paced queue. */
  pacer?: PacedSender;
  logger: Log;
  /** Called once each time a working login is lost (logged out, kicked, session expired). */
  onLoginLost?: (info: LoginLost) => void | Promise<void>;
  /** Show the login QR code (default: printed in the terminal with qrcode-terminal). */
  printQr?: (qrcode: string) => void;
}

const KINDS: Partial<Record<number, WxKind>> = {
  [types.Message.Text]: 'text',
  [types.Message.Image]: 'image',
  [types.Message.Location]: 'location',
  [types.Message.Audio]: 'unsupported',
  [types.Message.Video]: 'unsupported',
  [types.Message.Emoticon]: 'unsupported',
  [types.Message.Attachment]: 'unsupported',
  [types.Message.Url]: 'unsupported',
  [types.Message.MiniProgram]: 'unsupported',
  [types.Message.ChatHistory]: 'unsupported',
  [types.Message.Contact]: 'unsupported',
};

/** The web page that shows a login QR code as an image (for logs read away from a terminal). */
export const qrImageUrl = (qrcode: string) => `https://wechaty.js.org/qrcode/${encodeURIComponent(qrcode)}`;

export class WechatChannel implements ChatChannel {
  readonly name = 'wechat' as const;
  readonly capabilities: ChannelCapabilities = { buttons: false, edit: false, photos: true, maxTextLength: WECHAT_MAX_TEXT };
  readonly pacer: PacedSender;
  private bot?: Wechaty;
  private handlers?: ChannelHandlers;
  private loggedIn = false;
  /** A login existed since the last alert: losing it now is news. */
  private hadLogin = false;

  constructor(private readonly opts: WechatChannelOptions) {
    this.pacer = opts.pacer ?? new PacedSender();
  }

  /** The Wechaty instance (tests and tools only). */
  get wechaty(): Wechaty | undefined {
    return this.bot;
  }

  get isLoggedIn(): boolean {
    return this.loggedIn;
  }

  async start(handlers: ChannelHandlers): Promise<void> {
    this.handlers = handlers;
    await mkdir(path.dirname(this.opts.sessionName), { recursive: true });
    if (this.opts.mediaDir) await mkdir(this.opts.mediaDir, { recursive: true });
    const puppet = this.opts.puppet ?? DEFAULT_PUPPET;
    const bot =
      typeof puppet === 'string'
        ? WechatyBuilder.build({
            name: this.opts.sessionName,
            puppet: puppet as never,
            ...(this.opts.puppetToken ? { puppetOptions: { token: this.opts.puppetToken } } : {}),
          })
        : WechatyBuilder.build({ name: this.opts.sessionName, puppet: puppet as never });
    this.bot = bot;
    bot.on('scan', (qrcode, status) => this.onScan(qrcode, status));
    bot.on('login', (user) => {
      this.loggedIn = true;
      this.hadLogin = true;
      this.opts.logger.info({ account: user.name(), id: user.id }, 'wechat logged in');
    });
    bot.on('logout', (user, reason) => this.loginLost(reason || 'logged out', user?.name()));
    bot.on('error', (err) => this.opts.logger.warn({ err: String(err) }, 'wechaty error'));
    bot.on('message', (m) => {
      this.onMessage(m).catch((err) => this.opts.logger.error({ err: String(err), messageId: m.id }, 'wechat message not stored'));
    });
    const name = typeof puppet === 'string' ? puppet : puppet.constructor.name;
    this.opts.logger.info({ puppet: name, session: `${this.opts.sessionName}.memory-card.json` }, 'starting wechat');
    await bot.start();
  }

  async stop(): Promise<void> {
    const bot = this.bot;
    this.handlers = undefined;
    this.bot = undefined;
    this.loggedIn = false;
    // Stopping is not losing the login: no alert.
    this.hadLogin = false;
    if (bot) await bot.stop();
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const bot = this.bot;
    if (!bot || !this.loggedIn) {
      throw new ChannelSendError('wechat: the account is not logged in (scan the QR code in the terminal)', true, 60_000);
    }
    const conversation = await this.conversation(bot, message.chatId);
    const isRoom = 'topic' in conversation;
    const text = withButtonHints(message.text, message.buttons);
    const chunks = text ? splitText(text, WECHAT_MAX_TEXT) : [];
    const mentions = isRoom ? await this.mentionContacts(bot, message.mentions) : [];
    const steps: (() => Promise<string | undefined>)[] = [];
    if (message.photo) {
      const box = this.fileBox(message.photo);
      steps.push(async () => idOf(await conversation.say(box)));
    }
    chunks.forEach((chunk, i) => {
      steps.push(async () => {
        // The mentions sit at the start of a reply: only the first part carries them.
        const sent = i === 0 && mentions.length ? await sayWithMentions(conversation as Room, chunk, mentions) : await conversation.say(chunk);
        return idOf(sent);
      });
    });
    if (!steps.length) throw new ChannelSendError('wechat: nothing to send', false);
    const ids = await this.pacer.send({ chatId: message.chatId, room: isRoom }, steps);
    return { messageId: ids.at(-1) ?? `wx-out-${randomUUID()}` };
  }

  /** WeChat cannot edit a sent message: the new version goes as a new message. */
  async edit(_chatId: string, _messageId: string, message: OutboundMessage): Promise<void> {
    await this.send(message);
  }

  private onScan(qrcode: string, status: ScanStatus): void {
    if (status !== ScanStatus.Waiting && status !== ScanStatus.Timeout) {
      this.opts.logger.info({ status: ScanStatus[status] }, 'wechat login QR code scanned');
      return;
    }
    // A puppet that asks for a new scan while we thought we were logged in has lost the session.
    if (this.loggedIn) this.loginLost('the session expired: WeChat asks for a new QR scan');
    this.opts.logger.warn({ url: qrImageUrl(qrcode) }, 'wechat: scan the QR code with the bot account’s WeChat to log in');
    try {
      (this.opts.printQr ?? printQrInTerminal)(qrcode);
    } catch (err) {
      this.opts.logger.warn({ err: String(err) }, 'could not print the QR code; open the URL instead');
    }
  }

  private loginLost(reason: string, account?: string): void {
    this.loggedIn = false;
    if (!this.hadLogin) return;
    this.hadLogin = false;
    this.opts.logger.error({ account, reason }, 'wechat LOGIN LOST: nothing can be sent or received on WeChat until the bot account logs in again (scan the QR code)');
    Promise.resolve(this.opts.onLoginLost?.({ account, reason, at: new Date() })).catch((err) =>
      this.opts.logger.error({ err: String(err) }, 'could not report the lost wechat login'),
    );
  }

  private async onMessage(m: Message): Promise<void> {
    if (m.self()) return;
    const mapped = messageToInbound(await this.facts(m));
    await this.onMapped(mapped);
  }

  private async onMapped(mapped: Mapped): Promise<void> {
    if (mapped.kind === 'message') return this.deliver(mapped);
    if (mapped.kind === 'unsupported' && mapped.chatKind === 'direct') {
      await this.send({ chatId: mapped.chatId, text: UNSUPPORTED_REPLY }).catch((err) =>
        this.opts.logger.warn({ err: String(err) }, 'could not send the unsupported-message hint'),
      );
    }
  }

  /** Store one inbound message, retrying briefly: the puppet does not deliver it again. */
  private async deliver(mapped: Extract<Mapped, { kind: 'message' }>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const handlers = this.handlers;
      if (!handlers) throw new Error('wechat channel is not started');
      try {
        return await handlers.onMessage(mapped.message);
      } catch (err) {
        if (attempt >= 3) throw err;
        this.opts.logger.warn({ err: String(err), attempt }, 'storing a wechat message failed; retrying');
        await new Promise((r) => setTimeout(r, 300 * attempt));
      }
    }
  }

  /** Read what the mapping needs from Wechaty. */
  private async facts(m: Message): Promise<WxMessageFacts> {
    const room = m.room();
    const talker = m.talker();
    const kind: WxKind = KINDS[m.type()] ?? 'system';
    const self = this.bot?.currentUser;
    const selfNames = [self?.name() ?? ''];
    if (room && self) selfNames.push((await room.alias(self).catch(() => undefined)) ?? '');
    const name = (room ? await room.alias(talker).catch(() => undefined) : undefined) || talker.name();
    const facts: WxMessageFacts = {
      id: m.id,
      self: false,
      kind,
      ...(room ? { room: { id: room.id, topic: await room.topic().catch(() => undefined) } } : {}),
      talker: { id: talker.id, name, official: talker.type() === types.Contact.Official },
      text: m.text() ?? '',
      selfNames,
      sentAt: m.date(),
    };
    if (kind === 'image') facts.photo = await this.savePhoto(m);
    if (kind === 'location') {
      // Asked of the puppet directly: Message.toLocation() throws in Wechaty 1.20 (LocationImpl
      // cannot be instantiated outside a Wechaty instance).
      const loc = await this.bot?.puppet.messageLocation(m.id).catch((err: unknown) => {
        this.opts.logger.warn({ err: String(err), messageId: m.id }, 'could not read a wechat location');
        return undefined;
      });
      if (loc && Number.isFinite(loc.latitude) && Number.isFinite(loc.longitude)) {
        const label = [loc.name, loc.address].filter(Boolean).join(' ');
        facts.location = { lat: loc.latitude, lng: loc.longitude, ...(label ? { label } : {}) };
      }
    }
    return facts;
  }

  /** Keep the image in the data directory: WeChat's links to it expire. */
  private async savePhoto(m: Message): Promise<{ ref: string; url?: string }> {
    const ref = `wechat:${m.id}`;
    if (!this.opts.mediaDir) return { ref };
    try {
      const box = await m.toFileBox();
      const ext = path.extname(box.name || '').toLowerCase() || '.jpg';
      const file = path.join(this.opts.mediaDir, `${m.id.replace(/[^A-Za-z0-9_-]/g, '_')}${/^\.[a-z0-9]{1,5}$/.test(ext) ? ext : '.jpg'}`);
      await box.toFile(file, true);
      return { ref, url: pathToFileURL(file).href };
    } catch (err) {
      this.opts.logger.warn({ err: String(err), messageId: m.id }, 'could not save a wechat image');
      return { ref };
    }
  }

  private async conversation(bot: Wechaty, chatId: string): Promise<Room | Contact> {
    try {
      if (chatId.endsWith('@chatroom')) {
        const room = await bot.Room.find({ id: chatId });
        if (room) return room;
      }
      const contact = await bot.Contact.find({ id: chatId });
      if (contact) return contact;
      const room = await bot.Room.find({ id: chatId });
      if (room) return room;
    } catch (err) {
      throw toChannelSendError(err);
    }
    throw new ChannelSendError(`wechat: no room or contact ${chatId} (removed from the room, or not a friend any more)`, false);
  }

  private async mentionContacts(bot: Wechaty, mentions: ChatUser[] | undefined): Promise<{ contact: Contact; name: string }[]> {
    const out: { contact: Contact; name: string }[] = [];
    for (const m of mentions ?? []) {
      const contact = await bot.Contact.find({ id: m.id }).catch(() => undefined);
      if (contact && m.name) out.push({ contact, name: m.name });
    }
    return out;
  }

  private fileBox(photo: string) {
    if (/^https?:\/\//.test(photo)) return FileBox.fromUrl(photo);
    if (photo.startsWith('file://')) return FileBox.fromFile(new URL(photo).pathname);
    return FileBox.fromFile(photo);
  }
}
