/**
 * One paced send queue per WeChat account. Fast or bulk sending gets personal accounts
 * restricted, so every message the account sends (replies, task cards, notices, alerts) waits
 * its turn here: one at a time, a random gap between messages, caps per room and per day,
 * and a long pause when WeChat answers "too frequent" or sends keep failing. What cannot go
 * out now is refused with a retryable ChannelSendError carrying `retryAfterMs`: the send job
 * records the reason on the outbound row and tries again then. Nothing is dropped here.
 *
 * Clock and random are injectable, so the rules are tested without sleeping.
 */
import { wallClock } from '../../core/time/wall-clock.js';
import { ChannelSendError } from '../../core/messaging/channel.js';
import { isTooFrequent, toChannelSendError } from './errors.js';

export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemPacerClock: PacerClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface PacedSenderOptions {
  /** Shortest and longest gap between two messages of the account (a random gap in between). */
  minGapMs: number;
  maxGapMs: number;
  /** Messages to one room per calendar day. */
  roomDailyCap: number;
  /** Messages from the account per calendar day, rooms and direct chats together. */
  dailyCap: number;
  /** Consecutive failed sends that start a back-off. */
  failureThreshold: number;
  /** The pause after `failureThreshold` failures in a row (doubles while it keeps happening). */
  failureBackoffMs: number;
  /** The pause after WeChat answers "too frequent" (doubles while it keeps happening). */
  tooFrequentBackoffMs: number;
  /** The longest pause a doubling back-off reaches. */
  maxBackoffMs: number;
  /** Longest a send waits in this queue; a longer wait is refused (retryable) so no worker is held. */
  maxWaitMs: number;
  /** The time zone whose calendar day the caps count. */
  timezone: string;
  /** Local hour at which sending resumes after a daily cap was reached (not at midnight). */
  resumeHour: number;
  clock?: PacerClock;
  random?: () => number;
}

export const DEFAULT_PACING: Omit<PacedSenderOptions, 'clock' | 'random'> = {
  minGapMs: 1000,
  maxGapMs: 3000,
  roomDailyCap: 80,
  dailyCap: 800,
  failureThreshold: 3,
  failureBackoffMs: 10 * 60_000,
  tooFrequentBackoffMs: 60 * 60_000,
  maxBackoffMs: 6 * 60 * 60_000,
  maxWaitMs: 60_000,
  timezone: 'Asia/Shanghai',
  resumeHour: 7,
};

export interface SendTarget {
  chatId: string;
  /** Rooms count against the per-room cap; direct chats only against the daily cap. */
  room: boolean;
}

/** Where the account stands today (for logs, health and tests). */
export interface PacerState {
  day: string;
  sentToday: number;
  pausedUntil: number | null;
  consecutiveFailures: number;
}

export class PacedSender {
  private readonly opts: Omit<PacedSenderOptions, 'clock' | 'random'>;
  private readonly clock: PacerClock;
  private readonly random: () => number;
  private tail: Promise<unknown> = Promise.resolve();
  /** Batches queued or sending, for the wait estimate. */
  private queued = 0;
  /** The earliest moment the next message may go. */
  private nextAt = 0;
  private pausedUntil = 0;
  private failures = 0;
  /** Back-offs in a row without a successful send in between (the doubling). */
  private backoffs = 0;
  private day = '';
  private total = 0;
  private readonly perRoom = new Map<string, number>();

  constructor(opts: Partial<PacedSenderOptions> = {}) {
    const { clock, random, ...rest } = opts;
    this.opts = { ...DEFAULT_PACING, ...rest };
    if (this.opts.maxGapMs < this.opts.minGapMs) this.opts.maxGapMs = this.opts.minGapMs;
    this.clock = clock ?? systemPacerClock;
    this.random = random ?? Math.random;
  }

  /**
   * Send the parts of one message (text chunks, a photo) in order, in one turn of the queue so
   * no other chat's message lands between them. Throws a ChannelSendError: retryable with
   * `retryAfterMs` when paused, capped or the queue is too long; the step's own error (as a
   * ChannelSendError) when a send fails.
   */
  async send<T>(target: SendTarget, steps: (() => Promise<T>)[]): Promise<T[]> {
    const now = this.clock.now();
    this.refuseIfBlocked(target, steps.length, now);
    const wait = Math.max(this.nextAt, this.pausedUntil, now) - now + this.queued * this.opts.maxGapMs;
    if (wait > this.opts.maxWaitMs) {
      throw new ChannelSendError(`wechat: ${this.queued} messages are waiting to be sent; retry in ${Math.ceil(wait / 1000)} s`, true, wait);
    }
    this.queued++;
    const run = this.tail.then(() => this.runBatch(target, steps));
    this.tail = run.catch(() => undefined);
    try {
      return await run;
    } finally {
      this.queued--;
    }
  }

  /**
   * When a message to this chat could go (0: now), without sending. `share` keeps part of the
   * daily cap for case traffic: notices use at most `share × dailyCap`.
   */
  notBefore(target: SendTarget, share = 1): number {
    const now = this.clock.now();
    this.rollDay(now);
    if (this.pausedUntil > now) return this.pausedUntil;
    const roomFull = target.room && (this.perRoom.get(target.chatId) ?? 0) >= this.opts.roomDailyCap;
    if (this.total >= Math.floor(this.opts.dailyCap * share) || roomFull) return this.resumeAt(now);
    return 0;
  }

  state(): PacerState {
    const now = this.clock.now();
    this.rollDay(now);
    return { day: this.day, sentToday: this.total, pausedUntil: this.pausedUntil > now ? this.pausedUntil : null, consecutiveFailures: this.failures };
  }

  /**
   * Start of today (local midnight), for counting what was already sent today elsewhere, e.g.
   * before a restart: `restoreToday` then keeps the caps across restarts.
   */
  todayStartsAt(): number {
    const now = this.clock.now();
    return now - this.localParts(now).msOfDay;
  }

  /** Count messages sent earlier today (read from the outbound table at start-up). */
  restoreToday(sent: { chatId: string; room: boolean; count: number }[]): void {
    this.rollDay(this.clock.now());
    for (const s of sent) {
      this.total += s.count;
      if (s.room) this.perRoom.set(s.chatId, (this.perRoom.get(s.chatId) ?? 0) + s.count);
    }
  }

  /** Hold every send for `ms` (the channel calls this when the login is lost, for example). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }

  private async runBatch<T>(target: SendTarget, steps: (() => Promise<T>)[]): Promise<T[]> {
    const out: T[] = [];
    for (const step of steps) {
      // Checked again at the moment of sending: a back-off or a cap may have begun meanwhile.
      this.refuseIfBlocked(target, steps.length - out.length, this.clock.now());
      const wait = this.nextAt - this.clock.now();
      if (wait > 0) await this.clock.sleep(wait);
      // A failed attempt counts too: WeChat sees it either way.
      this.total++;
      if (target.room) this.perRoom.set(target.chatId, (this.perRoom.get(target.chatId) ?? 0) + 1);
      try {
        out.push(await step());
        this.failures = 0;
        this.backoffs = 0;
      } catch (err) {
        throw this.onFailure(err);
      } finally {
        this.nextAt = this.clock.now() + this.gap();
      }
    }
    return out;
  }

  private refuseIfBlocked(target: SendTarget, parts: number, now: number): void {
    this.rollDay(now);
    if (this.pausedUntil > now) {
      const ms = this.pausedUntil - now;
      throw new ChannelSendError(`wechat: sending paused for ${Math.ceil(ms / 60_000)} min to protect the account`, true, ms);
    }
    if (this.total + parts > this.opts.dailyCap) {
      const ms = this.resumeAt(now) - now;
      throw new ChannelSendError(`wechat: daily cap of ${this.opts.dailyCap} messages reached; sending resumes in ${Math.ceil(ms / 60_000)} min`, true, ms);
    }
    const inRoom = this.perRoom.get(target.chatId) ?? 0;
    if (target.room && inRoom + parts > this.opts.roomDailyCap) {
      const ms = this.resumeAt(now) - now;
      throw new ChannelSendError(`wechat: daily cap of ${this.opts.roomDailyCap} messages to this room reached; sending resumes in ${Math.ceil(ms / 60_000)} min`, true, ms);
    }
  }

  private onFailure(err: unknown): ChannelSendError {
    const e = toChannelSendError(err);
    // The chat is gone: nothing to do with the account's standing.
    if (!e.retryable) return e;
    if (isTooFrequent(err)) {
      this.failures = 0;
      const ms = this.backoff(this.opts.tooFrequentBackoffMs);
      return new ChannelSendError(`${e.message} (WeChat says too frequent: all sends paused for ${Math.ceil(ms / 60_000)} min)`, true, ms);
    }
    this.failures++;
    if (this.failures >= this.opts.failureThreshold) {
      const n = this.failures;
      this.failures = 0;
      const ms = this.backoff(this.opts.failureBackoffMs);
      return new ChannelSendError(`${e.message} (${n} failed sends in a row: all sends paused for ${Math.ceil(ms / 60_000)} min)`, true, ms);
    }
    return e;
  }

  private backoff(base: number): number {
    const ms = Math.min(this.opts.maxBackoffMs, base * 2 ** this.backoffs);
    this.backoffs++;
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
    return ms;
  }

  private gap(): number {
    const { minGapMs, maxGapMs } = this.opts;
    return Math.round(minGapMs + (maxGapMs - minGapMs) * this.random());
  }

  private localParts(at: number) {
    const w = wallClock(at, this.opts.timezone);
    return { day: w.date, msOfDay: ((w.hour * 60 + w.minute) * 60 + w.second) * 1000 + (at % 1000) };
  }

  private rollDay(now: number): void {
    const { day } = this.localParts(now);
    if (day !== this.day) {
      this.day = day;
      this.total = 0;
      this.perRoom.clear();
    }
  }

  /** `resumeHour` o'clock local time on the next calendar day, with a little spread. */
  private resumeAt(now: number): number {
    const { msOfDay } = this.localParts(now);
    const midnight = now - msOfDay + 24 * 3600_000;
    return midnight + this.opts.resumeHour * 3600_000 + Math.round(this.random() * 10 * 60_000);
  }
}
