/**
 * Report periods in a time zone (Asia/Shanghai by default): a local day, an ISO week
 * (Monday to Sunday) or a calendar month, as half-open instants [start, end).
 * Pure: the time zone comes from Intl, nothing is read from the machine's clock.
 */
import { WorkingCalendar } from '../time/working-calendar.js';

export const DEFAULT_REPORT_TIMEZONE = 'Asia/Shanghai';

export const PERIOD_KINDS = ['day', 'week', 'month'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export const PERIOD_NAMES: Record<PeriodKind, string> = { day: '日报', week: '周报', month: '月报' };

export interface Period {
  kind: PeriodKind;
  /** First instant of the period (local midnight of its first day). */
  start: Date;
  /** First instant after the period (local midnight after its last day). */
  end: Date;
  /** Local dates "YYYY-MM-DD", both inclusive. */
  startDate: string;
  endDate: string;
  timezone: string;
}

/** A local calendar date. */
export interface LocalDate {
  y: number;
  m: number;
  d: number;
}

const calendars = new Map<string, WorkingCalendar>();
/** The calendar helper for a time zone (only its time-zone arithmetic is used here). */
export function tzCalendar(timezone: string): WorkingCalendar {
  let c = calendars.get(timezone);
  if (!c) {
    c = new WorkingCalendar({ timezone, dayStart: '00:00', dayEnd: '23:59', workingWeekdays: [1, 2, 3, 4, 5], holidays: [], makeupWorkdays: [] });
    calendars.set(timezone, c);
  }
  return c;
}

const pad = (n: number) => String(n).padStart(2, '0');
export const formatDate = (d: LocalDate) => `${d.y}-${pad(d.m)}-${pad(d.d)}`;

export function parseDate(s: string): LocalDate | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s.trim());
  if (!m) return null;
  const d = { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
  const check = new Date(Date.UTC(d.y, d.m - 1, d.d));
  return check.getUTCFullYear() === d.y && check.getUTCMonth() === d.m - 1 && check.getUTCDate() === d.d ? d : null;
}

/** Date arithmetic on calendar dates (no time zone involved). */
export function addDays(d: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(d.y, d.m - 1, d.d + days));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
export function weekday(d: LocalDate): number {
  const w = new Date(Date.UTC(d.y, d.m - 1, d.d)).getUTCDay();
  return w === 0 ? 7 : w;
}

/** The local date of an instant. */
export function localDateOf(at: Date, timezone = DEFAULT_REPORT_TIMEZONE): LocalDate {
  const { y, m, d } = tzCalendar(timezone).localDay(at);
  return { y, m, d };
}

/** Local midnight at the start of a date. */
export function startOfDate(d: LocalDate, timezone = DEFAULT_REPORT_TIMEZONE): Date {
  return tzCalendar(timezone).at(d, 0);
}

/** Whether two instants fall on the same local calendar day. */
export function sameLocalDay(a: Date, b: Date, timezone = DEFAULT_REPORT_TIMEZONE): boolean {
  return formatDate(localDateOf(a, timezone)) === formatDate(localDateOf(b, timezone));
}

/** ISO week number and its year (the week with the year's first Thursday is week 1). */
export function isoWeek(d: LocalDate): { year: number; week: number } {
  const thursday = addDays(d, 4 - weekday(d));
  const jan1 = Date.UTC(thursday.y, 0, 1);
  const dayOfYear = Math.round((Date.UTC(thursday.y, thursday.m - 1, thursday.d) - jan1) / 86_400_000);
  return { year: thursday.y, week: Math.floor(dayOfYear / 7) + 1 };
}

/** The span of local days `first` to `last` (inclusive), labelled as `kind`. */
export function daySpan(kind: PeriodKind, first: LocalDate, last: LocalDate, timezone = DEFAULT_REPORT_TIMEZONE): Period {
  return {
    kind,
    start: startOfDate(first, timezone),
    end: startOfDate(addDays(last, 1), timezone),
    startDate: formatDate(first),
    endDate: formatDate(last),
    timezone,
  };
}

/** The day, ISO week (Monday start) or month that contains an instant or a local date. */
export function periodContaining(kind: PeriodKind, at: Date | LocalDate, timezone = DEFAULT_REPORT_TIMEZONE): Period {
  const d = at instanceof Date ? localDateOf(at, timezone) : at;
  if (kind === 'day') return daySpan(kind, d, d, timezone);
  if (kind === 'week') {
    const monday = addDays(d, 1 - weekday(d));
    return daySpan(kind, monday, addDays(monday, 6), timezone);
  }
  const first = { y: d.y, m: d.m, d: 1 };
  const last = addDays({ y: d.m === 12 ? d.y + 1 : d.y, m: d.m === 12 ? 1 : d.m + 1, d: 1 }, -1);
  return daySpan(kind, first, last, timezone);
}

/** The last complete period before the one containing `now` (yesterday, last week, last month). */
export function previousPeriod(kind: PeriodKind, now: Date, timezone = DEFAULT_REPORT_TIMEZONE): Period {
  const current = periodContaining(kind, now, timezone);
  return periodContaining(kind, addDays(parseDate(current.startDate)!, -1), timezone);
}

/**
 * The daily report's span at the start of a working day: from the previous working day up to
 * yesterday, so Monday's report covers Friday to Sunday and the day after a holiday covers
 * the holiday. `isWorkday` is the SLA working calendar's; at most 31 days back.
 */
export function sinceLastWorkday(now: Date, isWorkday: (d: LocalDate) => boolean, timezone = DEFAULT_REPORT_TIMEZONE): Period {
  const today = localDateOf(now, timezone);
  const last = addDays(today, -1);
  let first = last;
  for (let i = 0; i < 31 && !isWorkday(first); i++) first = addDays(first, -1);
  return daySpan('day', first, last, timezone);
}

const WEEKDAY_NAMES = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];
const md = (d: LocalDate) => `${d.m}月${d.d}日`;

/** How the period reads in a report's title: 11月23日（周一）, 第48周（11月23日—11月29日）, 2026年11月. */
export function periodLabel(p: Period): string {
  const a = parseDate(p.startDate)!;
  const b = parseDate(p.endDate)!;
  if (p.kind === 'month') return `${a.y}年${a.m}月`;
  if (p.kind === 'week') return `第${isoWeek(a).week}周（${md(a)}—${md(b)}）`;
  if (p.startDate === p.endDate) return `${md(a)}（${WEEKDAY_NAMES[weekday(a)]}）`;
  return `${md(a)}—${md(b)}`;
}
