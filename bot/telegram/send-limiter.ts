/**
 * Paces sends to Telegram's limits: about 30 messages a second per bot, and 20 a minute per
 * group. Token buckets with an injectable clock; every send (replies, task cards, notices,
 * edits) goes through one limiter per bot, so a notice fan-out cannot starve case replies
 * of their share, nor push a group over its limit.
 */
import { ChannelSendError } from '../../core/messaging/channel.js';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface SendLimiterOptions {
  /** Messages per second for the whole bot (Telegram: about 30). */
  perSecond: number;
  /** Messages per minute in one group (Telegram: 20). */
  groupPerMinute: number;
  /** Messages a quiet group may receive at once before the per-minute pace applies. */
  groupBurst: number;
  /**
   * Longest a send waits here. A longer wait is refused with a retryable ChannelSendError
   * carrying `retryAfterMs`, so a busy group does not hold a worker.
   */
  maxWaitMs: number;
  clock?: Clock;
}

export const DEFAULT_LIMITS: Omit<SendLimiterOptions, 'clock'> = { perSecond: 30, groupPerMinute: 20, groupBurst: 3, maxWaitMs: 10_000 };

/** A bucket that may go negative: each taker reserves a slot and waits until it comes. */
class TokenBucket {
  private tokens: number;
  private at: number;
  constructor(
    readonly capacity: number,
    private readonly perMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.at = now;
  }

  private refill(now: number) {
    if (now > this.at) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.at) * this.perMs);
      this.at = now;
    }
  }

  /** How long a taker arriving now would wait, without taking. */
  waitFor(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.perMs);
  }

  take(now: number): number {
    const wait = this.waitFor(now);
    this.tokens -= 1;
    return wait;
  }

  full(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.capacity;
  }
}

export class SendLimiter {
  private readonly clock: Clock;
  private readonly opts: Omit<SendLimiterOptions, 'clock'>;
  private readonly global: TokenBucket;
  private readonly groups = new Map<string, TokenBucket>();
  /** Telegram answered 429: nothing goes out (to a chat, or at all) before then. */
  private pausedUntil = 0;
  private readonly chatPausedUntil = new Map<string, number>();

  constructor(opts: Partial<SendLimiterOptions> = {}) {
    const { clock, ...rest } = opts;
    this.opts = { ...DEFAULT_LIMITS, ...rest };
    this.clock = clock ?? systemClock;
    this.global = new TokenBucket(this.opts.perSecond, this.opts.perSecond / 1000, this.clock.now());
  }

  /** Telegram group and channel ids are negative; private chats are users' positive ids. */
  static isGroupChat(chatId: string): boolean {
    return chatId.startsWith('-');
  }

  /**
   * Wait for a slot to send one message to `chatId`. Throws a retryable ChannelSendError
   * (with `retryAfterMs`) instead of waiting longer than `maxWaitMs`.
   */
  async acquire(chatId: string): Promise<void> {
    const now = this.clock.now();
    const paused = Math.max(this.pausedUntil, this.chatPausedUntil.get(chatId) ?? 0) - now;
    const group = SendLimiter.isGroupChat(chatId) ? this.groupBucket(chatId, now) : undefined;
    const groupWait = group?.waitFor(now) ?? 0;
    const before = Math.max(paused, groupWait, this.global.waitFor(now));
    if (before > this.opts.maxWaitMs) {
      throw new ChannelSendError(`telegram: send to ${chatId} paced, retry in ${before} ms`, true, before);
    }
    const wait = Math.max(paused, group?.take(now) ?? 0, this.global.take(now));
    this.prune(now);
    if (wait > 0) await this.clock.sleep(wait);
  }

  /** Hold back sends after a 429: to one chat, or (no chat) to all. */
  pause(ms: number, chatId?: string): void {
    const until = this.clock.now() + ms;
    if (chatId === undefined) this.pausedUntil = Math.max(this.pausedUntil, until);
    else this.chatPausedUntil.set(chatId, Math.max(this.chatPausedUntil.get(chatId) ?? 0, until));
  }

  private groupBucket(chatId: string, now: number): TokenBucket {
    let b = this.groups.get(chatId);
    if (!b) {
      b = new TokenBucket(this.opts.groupBurst, this.opts.groupPerMinute / 60_000, now);
      this.groups.set(chatId, b);
    }
    return b;
  }

  /** Forget quiet groups (a full bucket is the same as a new one) so memory stays bounded. */
  private prune(now: number) {
    if (this.groups.size > 1000) for (const [id, b] of this.groups) if (b.full(now)) this.groups.delete(id);
    if (this.chatPausedUntil.size > 1000) for (const [id, until] of this.chatPausedUntil) if (until <= now) this.chatPausedUntil.delete(id);
  }
}
