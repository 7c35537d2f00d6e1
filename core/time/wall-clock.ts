/**
 * Wall-clock readings in a time zone, and back. Pure: time zones come from Intl; formatters
 * are cached per zone because building one is slow.
 */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

export interface WallReading extends WallClock {
  second: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** "YYYY-MM-DD". */
  date: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The reading straight from Intl (slow: a formatToParts call). */
function readIntl(ms: number, tz: string) {
  const p = Object.fromEntries(formatter(tz).formatToParts(ms).map((x) => [x.type, x.value]));
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day), hour: Number(p.hour) % 24, minute: Number(p.minute), second: Number(p.second) };
}

/** The zone's offset at an instant, straight from Intl. */
function exactOffsetMs(ms: number, tz: string): number {
  const w = readIntl(ms, tz);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
}

/**
 * Offsets cached per zone and quarter-hour: a quarter-hour whose first and last second have
 * the same offset is taken to have it throughout (zones change offset at most once in so short
 * a span); one that straddles a change is answered exactly every time.
 */
const QUARTER_HOUR = 15 * 60_000;
const offsets = new Map<string, number>();
const OFFSET_CACHE_LIMIT = 100_000;

/** Offset of the zone from UTC at an instant, in milliseconds. */
export function zoneOffsetMs(at: Date | number, tz: string): number {
  const ms = typeof at === 'number' ? at : at.getTime();
  const bucket = Math.floor(ms / QUARTER_HOUR);
  const key = `${tz}|${bucket}`;
  const cached = offsets.get(key);
  if (cached !== undefined) return cached;
  const first = exactOffsetMs(bucket * QUARTER_HOUR, tz);
  const last = exactOffsetMs(bucket * QUARTER_HOUR + QUARTER_HOUR - 1000, tz);
  if (first !== last) return exactOffsetMs(ms, tz);
  if (offsets.size >= OFFSET_CACHE_LIMIT) offsets.clear();
  offsets.set(key, first);
  return first;
}

/** The wall-clock reading of an instant in a time zone. */
export function wallClock(at: Date | number, tz: string): WallReading {
  const ms = typeof at === 'number' ? at : at.getTime();
  const local = new Date(ms + zoneOffsetMs(ms, tz));
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + 1;
  const day = local.getUTCDate();
  return {
    year,
    month,
    day,
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    weekday: local.getUTCDay() === 0 ? 7 : local.getUTCDay(),
    date: `${year}-${pad(month)}-${pad(day)}`,
  };
}

/** The instant a wall-clock time names in a time zone (null for a date that does not exist). */
export function fromWallClock(w: WallClock, tz: string): Date | null {
  const guess = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  const check = new Date(guess);
  if (check.getUTCFullYear() !== w.year || check.getUTCMonth() !== w.month - 1 || check.getUTCDate() !== w.day) return null;
  let t = guess - zoneOffsetMs(guess, tz);
  const second = guess - zoneOffsetMs(t, tz);
  if (second !== t) t = second;
  return new Date(t);
}

/** "2026-11-23 09:00" in the time zone. */
export function formatWallClock(at: Date, tz: string): string {
  const w = wallClock(at, tz);
  return `${w.date} ${pad(w.hour)}:${pad(w.minute)}`;
}
