import { describe, expect, it } from 'vitest';
import { SendLimiter, type Clock } from '../../../bot/telegram/send-limiter.js';
import { ChannelSendError } from '../../../core/messaging/channel.js';

/** A clock that only moves when told; sleeping records the wait and jumps ahead. */
function fakeClock(start = 1_000_000) {
  let t = start;
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => t,
    async sleep(ms) {
      sleeps.push(ms);
      t += ms;
    },
  };
  return { clock, sleeps, advance: (ms: number) => void (t += ms), now: () => t };
}

describe('the Telegram send limiter', () => {
  it('lets 30 messages a second through at once, then paces the bot to 30/s', async () => {
    const c = fakeClock();
    const limiter = new SendLimiter({ perSecond: 30, groupPerMinute: 20, groupBurst: 3, clock: c.clock });
    for (let i = 0; i < 30; i++) await limiter.acquire(String(1000 + i));
    expect(c.sleeps).toEqual([]);
    const start = c.now();
    for (let i = 0; i < 30; i++) await limiter.acquire(String(2000 + i));
    // The next 30 take about a second: one every 1/30 s.
    expect(c.now() - start).toBeGreaterThanOrEqual(990);
    expect(c.now() - start).toBeLessThanOrEqual(1040);
  });

  it('paces one group to its burst, then 20 a minute, without slowing other chats', async () => {
    const c = fakeClock();
    const limiter = new SendLimiter({ perSecond: 30, groupPerMinute: 20, groupBurst: 3, maxWaitMs: 60_000, clock: c.clock });
    const group = '-1001234';
    for (let i = 0; i < 3; i++) await limiter.acquire(group);
    expect(c.sleeps).toEqual([]);
    await limiter.acquire(group);
    expect(c.sleeps).toEqual([3000]);
    // A private chat and another group are not held back by the busy one.
    await limiter.acquire('42');
    await limiter.acquire('-1009999');
    expect(c.sleeps).toEqual([3000]);
    // Over a minute of steady sending, the group gets at most burst + 20.
    const from = c.now();
    let sent = 0;
    while (c.now() - from < 60_000) {
      await limiter.acquire(group);
      sent++;
    }
    expect(sent).toBeLessThanOrEqual(21);
    expect(sent).toBeGreaterThanOrEqual(19);
  });

  it('refuses, retryably and with a wait, instead of holding a worker too long', async () => {
    const c = fakeClock();
    const limiter = new SendLimiter({ perSecond: 30, groupPerMinute: 20, groupBurst: 1, maxWaitMs: 2000, clock: c.clock });
    await limiter.acquire('-100');
    const err = await limiter.acquire('-100').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelSendError);
    expect((err as ChannelSendError).retryable).toBe(true);
    expect((err as ChannelSendError).retryAfterMs).toBe(3000);
    // The refused send took no slot: after the wait it goes straight through.
    c.advance(3000);
    await limiter.acquire('-100');
    expect(c.sleeps).toEqual([]);
  });

  it('holds a chat back after a 429 for as long as Telegram asked', async () => {
    const c = fakeClock();
    const limiter = new SendLimiter({ maxWaitMs: 10_000, clock: c.clock });
    limiter.pause(4000, '77');
    await limiter.acquire('77');
    expect(c.sleeps).toEqual([4000]);
    await limiter.acquire('78');
    expect(c.sleeps).toEqual([4000]);
    limiter.pause(30_000);
    await expect(limiter.acquire('78')).rejects.toMatchObject({ retryable: true, retryAfterMs: 30_000 });
  });

  it('tells groups from private chats by the id', () => {
    expect(SendLimiter.isGroupChat('-1001234567890')).toBe(true);
    expect(SendLimiter.isGroupChat('-4567')).toBe(true);
    expect(SendLimiter.isGroupChat('123456')).toBe(false);
  });
});
