import { describe, expect, it } from 'vitest';
import { PacedSender, type PacedSenderOptions, type PacerClock } from '../../../bot/wechat/paced-sender.js';
import { ChannelSendError } from '../../../core/messaging/channel.js';

/** A clock that only moves when told; sleeping records the wait and jumps ahead. */
function fakeClock(start: number) {
  let t = start;
  const sleeps: number[] = [];
  const clock: PacerClock = {
    now: () => t,
    async sleep(ms) {
      sleeps.push(ms);
      t += ms;
    },
  };
  return { clock, sleeps, advance: (ms: number) => void (t += ms), now: () => t };
}

// Monday 2026-11-23 10:00 in Shanghai.
const TEN_AM = Date.parse('2026-11-23T02:00:00Z');
const ROOM = { chatId: 'r1@chatroom', room: true };
const DM = { chatId: 'wxid_worker', room: false };

function pacer(c: ReturnType<typeof fakeClock>, opts: Partial<PacedSenderOptions> = {}, random = () => 0.5) {
  return new PacedSender({ minGapMs: 1000, maxGapMs: 3000, maxWaitMs: 10 * 60_000, clock: c.clock, random, ...opts });
}

const ok = (log: string[], what: string) => async () => {
  log.push(what);
  return what;
};

async function refusal(p: Promise<unknown>): Promise<ChannelSendError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ChannelSendError);
  return err as ChannelSendError;
}

describe('the WeChat paced sender', () => {
  it('sends one message at a time with a random gap of 1–3 s between them', async () => {
    const c = fakeClock(TEN_AM);
    const randoms = [0, 1, 0.25];
    const p = pacer(c, {}, () => randoms.shift() ?? 0.5);
    const log: string[] = [];
    await p.send(ROOM, [ok(log, 'a')]);
    expect(c.sleeps).toEqual([]);
    await p.send(DM, [ok(log, 'b')]);
    await p.send(ROOM, [ok(log, 'c')]);
    await p.send(ROOM, [ok(log, 'd')]);
    expect(log).toEqual(['a', 'b', 'c', 'd']);
    // Gaps drawn from [1000, 3000] with random 0, 1, 0.25.
    expect(c.sleeps).toEqual([1000, 3000, 1500]);
  });

  it('keeps concurrent callers in one line: no two sends overlap, parts of one message stay together', async () => {
    const c = fakeClock(TEN_AM);
    const p = pacer(c);
    const log: string[] = [];
    let inFlight = 0;
    const step = (what: string) => async () => {
      inFlight++;
      expect(inFlight).toBe(1);
      await Promise.resolve();
      log.push(what);
      inFlight--;
      return what;
    };
    await Promise.all([p.send(ROOM, [step('a1'), step('a2'), step('a3')]), p.send(DM, [step('b1')]), p.send(ROOM, [step('c1')])]);
    expect(log).toEqual(['a1', 'a2', 'a3', 'b1', 'c1']);
    expect(c.sleeps).toEqual([2000, 2000, 2000, 2000]);
  });

  it('caps messages to one room per day, refusing (retryable, until 07:00 tomorrow) without blocking other chats', async () => {
    const c = fakeClock(TEN_AM);
    const p = pacer(c, { roomDailyCap: 3, dailyCap: 100 }, () => 0);
    for (let i = 0; i < 3; i++) await p.send(ROOM, [async () => i]);
    const err = await refusal(p.send(ROOM, [async () => 4]));
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/daily cap of 3 messages to this room/);
    // 07:00 tomorrow in Shanghai (random 0: no spread).
    expect(c.now() + err.retryAfterMs!).toBe(Date.parse('2026-11-23T23:00:00Z'));
    await p.send(DM, [async () => 'direct still works']);
    await p.send({ chatId: 'r2@chatroom', room: true }, [async () => 'another room too']);
    // A message in several parts is refused whole when it would not fit.
    const p2 = pacer(fakeClock(TEN_AM), { roomDailyCap: 3 });
    await p2.send(ROOM, [async () => 1, async () => 2]);
    await refusal(p2.send(ROOM, [async () => 3, async () => 4]));
  });

  it('caps the whole account per day and starts counting again on the next calendar day', async () => {
    const c = fakeClock(TEN_AM);
    const p = pacer(c, { dailyCap: 5 }, () => 0);
    for (let i = 0; i < 5; i++) await p.send({ chatId: `wxid_${i}`, room: false }, [async () => i]);
    const err = await refusal(p.send(DM, [async () => 6]));
    expect(err.message).toMatch(/daily cap of 5 messages reached/);
    expect(p.state().sentToday).toBe(5);
    expect(p.notBefore(DM)).toBe(Date.parse('2026-11-23T23:00:00Z'));
    // 16:00 UTC is midnight in Shanghai.
    c.advance(Date.parse('2026-11-23T16:00:00Z') - c.now());
    await p.send(DM, [async () => 'new day']);
    expect(p.state()).toMatchObject({ day: '2026-11-24', sentToday: 1 });
  });

  it('keeps a share of the daily cap from notices', async () => {
    const c = fakeClock(TEN_AM);
    const p = pacer(c, { dailyCap: 10 });
    for (let i = 0; i < 7; i++) await p.send({ chatId: `wxid_${i}`, room: false }, [async () => i]);
    expect(p.notBefore(DM, 0.7)).toBeGreaterThan(c.now());
    expect(p.notBefore(DM)).toBe(0);
  });

  it('pauses every send for a long time when WeChat says "too frequent", doubling if it happens again', async () => {
    const c = fakeClock(TEN_AM);
    const p = pacer(c, { tooFrequentBackoffMs: 60 * 60_000 });
    await p.send(ROOM, [async () => 'ok']);
    const err = await refusal(
      p.send(ROOM, [
        async () => {
          throw new Error('操作过于频繁，请稍后再试 (ret 1205)');
        },
      ]),
    );
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBe(60 * 60_000);
    expect(err.message).toMatch(/too frequent/);
    // Nothing goes out meanwhile, to any chat; the step is not even called.
    let called = false;
    const held = await refusal(p.send(DM, [async () => void (called = true)]));
    expect(called).toBe(false);
    expect(held.retryAfterMs).toBeLessThanOrEqual(60 * 60_000);
    expect(held.retryAfterMs).toBeGreaterThan(59 * 60_000);
    c.advance(60 * 60_000);
    const again = await refusal(
      p.send(ROOM, [
        async () => {
          throw new Error('too frequent');
        },
      ]),
    );
    expect(again.retryAfterMs).toBe(2 * 60 * 60_000);
    // A success resets the doubling.
    c.advance(2 * 60 * 60_000);
    await p.send(ROOM, [async () => 'ok']);
    const third = await refusal(
      p.send(ROOM, [
        async () => {
          throw new Error('too frequent');
        },
      ]),
    );
    expect(third.retryAfterMs).toBe(60 * 60_000);
  });

  it('backs off after repeated failures, but a single failure only goes back to the job queue', async () => {
    const c = fakeClock(TEN_AM);
    const p = pacer(c, { failureThreshold: 3, failureBackoffMs: 10 * 60_000 });
    const fail = async () => {
      throw new Error('socket hang up');
    };
    const first = await refusal(p.send(ROOM, [fail]));
    expect(first).toMatchObject({ retryable: true, retryAfterMs: undefined });
    await refusal(p.send(ROOM, [fail]));
    const third = await refusal(p.send(ROOM, [fail]));
    expect(third.retryAfterMs).toBe(10 * 60_000);
    expect(third.message).toMatch(/3 failed sends in a row/);
    expect(p.state().pausedUntil).toBe(c.now() + 10 * 60_000 - 0);
  });

  it('does not count a missing chat against the account, and says it is permanent', async () => {
    const c = fakeClock(TEN_AM);
    const p = pacer(c, { failureThreshold: 2 });
    for (let i = 0; i < 3; i++) {
      const err = await refusal(
        p.send(ROOM, [
          async () => {
            throw new ChannelSendError('wechat: room not found', false);
          },
        ]),
      );
      expect(err.retryable).toBe(false);
    }
    expect(p.state().pausedUntil).toBeNull();
  });

  it('refuses instead of holding a worker when the line is longer than maxWaitMs', async () => {
    const c = fakeClock(TEN_AM);
    // The clock only moves when the queue sleeps: hold the first send until released.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const p = pacer(c, { maxGapMs: 3000, maxWaitMs: 5000 });
    const first = p.send(ROOM, [() => gate.then(() => 'first')]);
    const second = p.send(DM, [async () => 'second']);
    const err = await refusal(p.send(DM, [async () => 'third']));
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBeGreaterThan(5000);
    release();
    expect(await first).toEqual(['first']);
    expect(await second).toEqual(['second']);
  });

  it('keeps the caps across a restart by counting what was sent earlier today', async () => {
    const c = fakeClock(TEN_AM);
    const p = pacer(c, { roomDailyCap: 3, dailyCap: 10 });
    expect(p.todayStartsAt()).toBe(Date.parse('2026-11-22T16:00:00Z'));
    p.restoreToday([
      { chatId: ROOM.chatId, room: true, count: 3 },
      { chatId: DM.chatId, room: false, count: 2 },
    ]);
    expect(p.state().sentToday).toBe(5);
    await refusal(p.send(ROOM, [async () => 1]));
    expect(await p.send(DM, [async () => 1])).toEqual([1]);
  });

  it('holds everything while paused from outside (a lost login)', async () => {
    const c = fakeClock(TEN_AM);
    const p = pacer(c);
    p.pause(5 * 60_000);
    const err = await refusal(p.send(DM, [async () => 1]));
    expect(err.retryAfterMs).toBe(5 * 60_000);
    c.advance(5 * 60_000);
    expect(await p.send(DM, [async () => 1])).toEqual([1]);
  });
});
