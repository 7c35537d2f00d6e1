/**
 * How fast notices may go out on each channel. Pure math: the workers turn a pace into evenly
 * spaced send slots in each process (right before each send), a BullMQ limiter on the channel's
 * delivery queue (the cap shared by every process on the same queue backend), and per-chat
 * limits and jitter.
 *
 * Defaults follow the platforms: Telegram takes about 30 messages/s per bot and 20/min per
 * group (notices get 25/s, leaving room for replies); WeChat must be slow and irregular
 * (another module may replace its gate with the WeChat paced queue); the sim is fast.
 */
export interface ChannelPace {
  /** Notice messages per second on this channel (across all chats). */
  ratePerSecond: number;
  /** Limiter window; each window lets `ratePerSecond × windowMs / 1000` (at least 1) messages start. Default 1 s or one message. */
  windowMs?: number;
  /** At most this many notice messages to one chat per minute. */
  perChatPerMinute?: number;
  /** A random wait in [min, max] ms before each send. */
  jitterMs?: [number, number];
  /** Deliveries in flight at once (default: what the rate needs, 1–32). */
  concurrency?: number;
}

export const DEFAULT_PACES: Record<string, ChannelPace> = {
  sim: { ratePerSecond: 100 },
  telegram: { ratePerSecond: 25, perChatPerMinute: 20 },
  wechat: { ratePerSecond: 0.2, perChatPerMinute: 2, jitterMs: [1000, 4000], concurrency: 1 },
};
export const FALLBACK_PACE: ChannelPace = { ratePerSecond: 1, concurrency: 1 };

export function paceFor(channel: string, overrides: Record<string, Partial<ChannelPace>> = {}): ChannelPace {
  const base = DEFAULT_PACES[channel] ?? FALLBACK_PACE;
  return { ...base, ...(overrides[channel] ?? {}) };
}

/** The BullMQ worker limiter for a pace: `max` jobs per `duration` ms. */
export function limiterFor(pace: ChannelPace): { max: number; duration: number } {
  if (!(pace.ratePerSecond > 0)) throw new Error('ratePerSecond must be positive');
  const windowMs = pace.windowMs ?? Math.max(1000, 1000 / pace.ratePerSecond);
  const max = Math.max(1, Math.round((pace.ratePerSecond * windowMs) / 1000));
  return { max, duration: Math.max(1, Math.round((max * 1000) / pace.ratePerSecond)) };
}

export function concurrencyFor(pace: ChannelPace): number {
  if (pace.concurrency) return pace.concurrency;
  // Enough deliveries in flight to keep every send slot used with ~300 ms of work per delivery.
  return Math.min(32, Math.max(1, Math.ceil(pace.ratePerSecond * 0.3)));
}

/**
 * Per-chat sliding window: at most `limit` sends per `windowMs` to one chat. `check` answers
 * how long to wait (0: go, and the send is counted).
 */
export class ChatWindow {
  private readonly sent = new Map<string, number[]>();
  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
  ) {}

  check(chat: string, now: number): number {
    const list = (this.sent.get(chat) ?? []).filter((t) => t > now - this.windowMs);
    if (list.length >= this.limit) {
      this.sent.set(chat, list);
      return list[0]! + this.windowMs - now;
    }
    list.push(now);
    this.sent.set(chat, list);
    if (this.sent.size > 10_000) this.prune(now);
    return 0;
  }

  private prune(now: number): void {
    for (const [k, v] of this.sent) if (!v.some((t) => t > now - this.windowMs)) this.sent.delete(k);
  }
}

/** A token bucket (used by the benchmark's rate-enforcing channel and usable as a gate). */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    readonly ratePerSecond: number,
    readonly capacity: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  /** Take one token: 0 when taken, else the ms until one is available (nothing taken). */
  take(now: number): number {
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
    this.last = Math.max(this.last, now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond);
  }
}

/**
 * Smooth spacing (GCRA, the "virtual scheduling" leaky bucket): `reserve` books the next send
 * slot and answers how long to wait for it. Slots are `1000 / rate` ms apart; up to `burst`
 * sends may go back to back after a quiet spell.
 */
export class SendSlots {
  private tat = -Infinity;
  private readonly interval: number;
  constructor(
    ratePerSecond: number,
    private readonly burst = 1,
  ) {
    if (!(ratePerSecond > 0)) throw new Error('ratePerSecond must be positive');
    this.interval = 1000 / ratePerSecond;
  }

  reserve(now: number): number {
    const tat = Math.max(this.tat, now);
    const at = Math.max(now, tat - (this.burst - 1) * this.interval);
    this.tat = tat + this.interval;
    return at - now;
  }
}

/** A jittered wait in [min, max] ms; `random` in [0, 1). */
export function jitter(range: [number, number] | undefined, random: number): number {
  if (!range) return 0;
  const [min, max] = range;
  return Math.round(min + (max - min) * random);
}

/**
 * Parse a pace spec such as "telegram=25/s,chat=20/min;wechat=0.2/s,jitter=1000-4000;sim=500/s"
 * into per-channel overrides (for an environment variable).
 */
export function parsePaceSpec(spec: string | undefined): Record<string, Partial<ChannelPace>> {
  const out: Record<string, Partial<ChannelPace>> = {};
  if (!spec?.trim()) return out;
  for (const part of spec.split(';').map((p) => p.trim()).filter(Boolean)) {
    const [head, ...rest] = part.split(',').map((p) => p.trim());
    const m = /^([a-z]+)\s*=\s*([\d.]+)\s*\/\s*(s|min)$/i.exec(head ?? '');
    if (!m) throw new Error(`invalid pace "${part}": expected channel=<n>/s`);
    const pace: Partial<ChannelPace> = { ratePerSecond: Number(m[2]) / (m[3]!.toLowerCase() === 'min' ? 60 : 1) };
    if (!(pace.ratePerSecond! > 0)) throw new Error(`invalid pace "${part}": the rate must be positive`);
    for (const opt of rest) {
      let o: RegExpExecArray | null;
      if ((o = /^chat\s*=\s*(\d+)\s*\/\s*min$/i.exec(opt))) pace.perChatPerMinute = Number(o[1]);
      else if ((o = /^jitter\s*=\s*(\d+)\s*-\s*(\d+)$/i.exec(opt))) pace.jitterMs = [Number(o[1]), Math.max(Number(o[1]), Number(o[2]))];
      else if ((o = /^concurrency\s*=\s*(\d+)$/i.exec(opt))) pace.concurrency = Math.max(1, Number(o[1]));
      else if ((o = /^window\s*=\s*(\d+)\s*ms$/i.exec(opt))) pace.windowMs = Math.max(1, Number(o[1]));
      else throw new Error(`invalid pace option "${opt}" in "${part}"`);
    }
    out[m[1]!.toLowerCase()] = pace;
  }
  return out;
}
