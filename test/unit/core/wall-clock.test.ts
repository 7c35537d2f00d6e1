import { describe, expect, it } from 'vitest';
import { fromWallClock, wallClock, zoneOffsetMs } from '../../../core/time/wall-clock.js';

/** The reading Intl gives directly: what the cached path must agree with. */
function intlReading(ms: number, tz: string) {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short' })
      .formatToParts(ms)
      .map((x) => [x.type, x.value]),
  );
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour) % 24,
    minute: Number(p.minute),
    second: Number(p.second),
    weekday: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(p.weekday!) + 1,
  };
}

const ZONES = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'UTC'];

describe('wall clock', () => {
  it('agrees with Intl at every instant tried, across DST changes and odd offsets', () => {
    // Around DST changes (2026 spring and autumn in the northern and southern hemispheres),
    // China's own DST years (1986–1991), and pseudo-random instants across decades.
    const starts = [Date.UTC(2026, 2, 8, 5), Date.UTC(2026, 10, 1, 5), Date.UTC(2026, 2, 29, 0), Date.UTC(2026, 3, 5, 14), Date.UTC(1988, 3, 10, 17), Date.UTC(1990, 8, 15, 17)];
    const instants: number[] = [];
    for (const s of starts) for (let m = -180; m <= 180; m += 7) instants.push(s + m * 60_000 + (m % 3) * 1000);
    let seed = 42;
    for (let i = 0; i < 400; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      instants.push(Date.UTC(1970, 0, 1) + (seed / 2 ** 31) * (Date.UTC(2060, 0, 1) - Date.UTC(1970, 0, 1)));
    }
    for (const tz of ZONES) {
      for (const ms of instants) {
        const t = Math.floor(ms / 1000) * 1000;
        const w = wallClock(t, tz);
        const { weekday, ...rest } = intlReading(t, tz);
        expect({ year: w.year, month: w.month, day: w.day, hour: w.hour, minute: w.minute, second: w.second }, `${tz} ${new Date(t).toISOString()}`).toEqual(rest);
        expect(w.weekday).toBe(weekday);
      }
    }
  });

  it('gives the same answer from the cache as on first sight', () => {
    const t = Date.UTC(2026, 10, 23, 1, 30);
    expect(zoneOffsetMs(t, 'Asia/Shanghai')).toBe(8 * 3600_000);
    expect(zoneOffsetMs(t, 'Asia/Shanghai')).toBe(8 * 3600_000);
    expect(wallClock(t, 'Asia/Shanghai').date).toBe('2026-11-23');
  });

  it('maps wall-clock times back to instants, and reports times a DST gap skips', () => {
    expect(fromWallClock({ year: 2026, month: 11, day: 23, hour: 9, minute: 0 }, 'Asia/Shanghai')!.toISOString()).toBe('2026-11-23T01:00:00.000Z');
    expect(fromWallClock({ year: 2026, month: 2, day: 30, hour: 9, minute: 0 }, 'Asia/Shanghai')).toBeNull();
    // 2026-03-08 02:30 does not exist in New York; whatever instant is chosen reads back near it.
    const skipped = fromWallClock({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, 'America/New_York')!;
    expect(Math.abs(skipped.getTime() - Date.UTC(2026, 2, 8, 7, 30))).toBeLessThanOrEqual(3600_000);
  });
});
