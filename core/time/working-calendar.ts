/**
 * Working time in a time zone, with a holiday calendar and make-up working days (调休).
 * Pure: time zones come from Intl, nothing is read from the machine's clock.
 */
export interface WorkingCalendarConfig {
  timezone: string;
  /** Local "HH:MM". */
  dayStart: string;
  dayEnd: string;
  /** ISO weekdays that are working days (1 = Monday … 7 = Sunday). */
  workingWeekdays: number[];
  /** Local dates "YYYY-MM-DD" that are days off even on a working weekday. */
  holidays: string[];
  /** Local dates that are working days even on a weekend (调休). */
  makeupWorkdays: string[];
}

const hm = (s: string) => {
  const [h, m] = s.split(':').map(Number);
  return h! * 60 + m!;
};

export interface LocalDay {
  y: number;
  m: number;
  d: number;
  date: string;
  weekday: number;
}

export class WorkingCalendar {
  private readonly fmt: Intl.DateTimeFormat;
  private readonly holidays: Set<string>;
  private readonly makeup: Set<string>;
  private readonly start: number;
  private readonly end: number;

  constructor(readonly config: WorkingCalendarConfig) {
    this.fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: config.timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    this.holidays = new Set(config.holidays);
    this.makeup = new Set(config.makeupWorkdays);
    this.start = hm(config.dayStart);
    this.end = hm(config.dayEnd);
  }

  /** Minutes of working time in one full working day. */
  get minutesPerDay(): number {
    return this.end - this.start;
  }

  private parts(at: Date) {
    const p = Object.fromEntries(this.fmt.formatToParts(at).map((x) => [x.type, x.value]));
    return {
      y: Number(p.year),
      m: Number(p.month),
      d: Number(p.day),
      hour: Number(p.hour),
      minute: Number(p.minute),
      second: Number(p.second),
      weekday: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(p.weekday!) + 1,
    };
  }

  /** Offset of local time from UTC at an instant, in minutes. */
  offsetMinutes(at: Date): number {
    const p = this.parts(at);
    return Math.round((Date.UTC(p.y, p.m - 1, p.d, p.hour, p.minute, p.second) - Math.floor(at.getTime() / 1000) * 1000) / 60000);
  }

  localDay(at: Date): LocalDay {
    const p = this.parts(at);
    const date = `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
    return { y: p.y, m: p.m, d: p.d, date, weekday: p.weekday };
  }

  /** The instant of local `minuteOfDay` on a local day. */
  at(day: { y: number; m: number; d: number }, minuteOfDay: number): Date {
    const guess = new Date(Date.UTC(day.y, day.m - 1, day.d, 0, minuteOfDay));
    return new Date(guess.getTime() - this.offsetMinutes(guess) * 60000);
  }

  isWorkday(day: LocalDay): boolean {
    if (this.makeup.has(day.date)) return true;
    if (this.holidays.has(day.date)) return false;
    return this.config.workingWeekdays.includes(day.weekday);
  }

  private nextDay(day: LocalDay): LocalDay {
    const noon = this.at(day, 12 * 60);
    return this.localDay(new Date(noon.getTime() + 24 * 3600_000));
  }

  /** `from` plus `minutes` of working time. */
  addWorkingMinutes(from: Date, minutes: number): Date {
    let left = minutes;
    let day = this.localDay(from);
    let cursor = from;
    for (let i = 0; i < 3660; i++) {
      if (this.isWorkday(day)) {
        const open = this.at(day, this.start);
        const close = this.at(day, this.end);
        const begin = cursor > open ? cursor : open;
        if (begin < close) {
          const avail = (close.getTime() - begin.getTime()) / 60000;
          if (left <= avail) return new Date(begin.getTime() + left * 60000);
          left -= avail;
        }
      }
      day = this.nextDay(day);
      cursor = this.at(day, 0);
    }
    throw new Error('working calendar has no working time in ten years');
  }
}
