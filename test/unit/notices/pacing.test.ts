import { describe, expect, it } from 'vitest';
import { ChatWindow, SendSlots, TokenBucket, concurrencyFor, limiterFor, paceFor, parsePaceSpec } from '../../../core/notices/pacing.js';
import { createPaceGate } from '../../../workers/notices/gate.js';

describe('pacing', () => {
  it('turns a rate into a limiter window', () => {
    expect(limiterFor({ ratePerSecond: 25 })).toEqual({ max: 25, duration: 1000 });
    expect(limiterFor({ ratePerSecond: 100 })).toEqual({ max: 100, duration: 1000 });
    expect(limiterFor({ ratePerSecond: 0.2 })).toEqual({ max: 1, duration: 5000 });
    expect(limiterFor({ ratePerSecond: 200, windowMs: 50 })).toEqual({ max: 10, duration: 50 });
    expect(() => limiterFor({ ratePerSecond: 0 })).toThrow();
    expect(concurrencyFor({ ratePerSecond: 0.2 })).toBe(1);
    expect(concurrencyFor({ ratePerSecond: 1000 })).toBe(32);
    expect(concurrencyFor({ ratePerSecond: 25 })).toBe(8);
  });

  it('has platform defaults that overrides replace', () => {
    expect(paceFor('telegram')).toMatchObject({ ratePerSecond: 25, perChatPerMinute: 20 });
    expect(paceFor('wechat').jitterMs).toBeDefined();
    expect(paceFor('sim', { sim: { ratePerSecond: 500 } }).ratePerSecond).toBe(500);
    expect(paceFor('unknown').ratePerSecond).toBe(1);
  });

  it('parses a pace spec', () => {
    expect(parsePaceSpec('telegram=25/s,chat=20/min; wechat=12/min,jitter=1000-4000,concurrency=1')).toEqual({
      telegram: { ratePerSecond: 25, perChatPerMinute: 20 },
      wechat: { ratePerSecond: 0.2, jitterMs: [1000, 4000], concurrency: 1 },
    });
    expect(parsePaceSpec('')).toEqual({});
    expect(() => parsePaceSpec('telegram=fast')).toThrow(/invalid pace/);
    expect(() => parsePaceSpec('sim=5/s,bogus=1')).toThrow(/invalid pace option/);
  });

  it('limits sends per chat per minute', () => {
    const w = new ChatWindow(2);
    expect(w.check('a', 0)).toBe(0);
    expect(w.check('a', 10)).toBe(0);
    expect(w.check('a', 20)).toBe(59_980);
    expect(w.check('b', 20)).toBe(0);
    expect(w.check('a', 60_001)).toBe(0);
  });

  it('refills a token bucket at its rate', () => {
    const b = new TokenBucket(10, 2, 0);
    expect(b.take(0)).toBe(0);
    expect(b.take(0)).toBe(0);
    expect(b.take(0)).toBe(100);
    expect(b.take(100)).toBe(0);
    expect(b.take(150)).toBe(50);
  });

  it('spaces send slots evenly, with an optional burst', () => {
    const s = new SendSlots(10);
    expect([0, 0, 0, 0].map(() => s.reserve(1000))).toEqual([0, 100, 200, 300]);
    expect(s.reserve(2000)).toBe(0);
    const b = new SendSlots(10, 3);
    expect([0, 0, 0, 0].map(() => b.reserve(0))).toEqual([0, 0, 0, 100]);
  });

  it('gates: per-chat waits become a retry time, jitter becomes a sleep', async () => {
    let t = 1000;
    const slept: number[] = [];
    const gate = createPaceGate({ ratePerSecond: 1, perChatPerMinute: 1, jitterMs: [100, 300] }, { now: () => t, random: () => 0.5, sleep: async (ms) => void slept.push(ms) });
    expect(await gate.beforeSend({ channel: 'wechat', platformChatId: 'g1' })).toBeUndefined();
    expect(slept).toEqual([200]);
    expect(await gate.beforeSend({ channel: 'wechat', platformChatId: 'g1' })).toEqual({ retryAt: 61_000 });
    t = 61_001;
    expect(await gate.beforeSend({ channel: 'wechat', platformChatId: 'g1' })).toBeUndefined();
    expect(slept).toEqual([200, 200]);
    // The next send to another chat waits for its slot (1/s) as well as the jitter.
    expect(await gate.beforeSend({ channel: 'wechat', platformChatId: 'g2' })).toBeUndefined();
    expect(slept).toEqual([200, 200, 1200]);
  });
});
