/**
 * The in-process part of a channel's pace, asked right before each notice message goes out:
 * evenly spaced send slots at the channel's rate, per-chat limits, jitter. The delivery queue's
 * BullMQ limiter caps the rate across processes (see notice-service.ts). A channel can bring its
 * own gate instead (the WeChat paced queue plugs in here: daily caps, working hours …).
 */
import { ChatWindow, SendSlots, jitter, type ChannelPace } from '../../core/notices/pacing.js';

export interface NoticeGate {
  /**
   * Resolve to send now, or return a later time (epoch ms) to try again: the delivery job then
   * waits, delayed, without using up an attempt.
   */
  beforeSend(chat: { channel: string; platformChatId: string }): Promise<{ retryAt: number } | void>;
}

export function createPaceGate(
  pace: ChannelPace,
  opts: { now?: () => number; random?: () => number; sleep?: (ms: number) => Promise<void> } = {},
): NoticeGate {
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const window = pace.perChatPerMinute ? new ChatWindow(pace.perChatPerMinute) : undefined;
  const slots = new SendSlots(pace.ratePerSecond);
  return {
    async beforeSend(chat) {
      if (window) {
        const wait = window.check(chat.platformChatId, now());
        if (wait > 0) return { retryAt: now() + wait };
      }
      const pause = slots.reserve(now()) + jitter(pace.jitterMs, random());
      if (pause > 0) await sleep(pause);
    },
  };
}
