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
      weekday: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const pad = (n: number) => String(n).padStart(2, '0');

/** The wall-clock reading of an instant in a time zone. */
export function wallClock(at: Date | number, tz: string): WallReading {
  const p = Object.fromEntries(formatter(tz).formatToParts(at).map((x) => [x.type, x.value]));
  const year = Number(p.year);
  const month = Number(p.month);
  const day = Number(p.day);
  return {
    year,
    month,
    day,
    hour: Number(p.hour) % 24,
    minute: Number(p.minute),
    second: Number(p.second),
    weekday: WEEKDAYS.indexOf(p.weekday!) + 1,
    date: `${year}-${pad(month)}-${pad(day)}`,
  };
}

/** Offset of the zone from UTC at an instant, in milliseconds. */
export function zoneOffsetMs(at: Date | number, tz: string): number {
  const ms = typeof at === 'number' ? at : at.getTime();
  const w = wallClock(ms, tz);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
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
