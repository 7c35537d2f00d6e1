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

import { wallClock, zoneOffsetMs } from './wall-clock.js';

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
  private readonly holidays: Set<string>;
  private readonly makeup: Set<string>;
  private readonly start: number;
  private readonly end: number;

  constructor(readonly config: WorkingCalendarConfig) {
    this.holidays = new Set(config.holidays);
    this.makeup = new Set(config.makeupWorkdays);
    this.start = hm(config.dayStart);
    this.end = hm(config.dayEnd);
  }

  /** Minutes of working time in one full working day. */
  get minutesPerDay(): number {
    return this.end - this.start;
  }

  localDay(at: Date): LocalDay {
    const w = wallClock(at, this.config.timezone);
    return { y: w.year, m: w.month, d: w.day, date: w.date, weekday: w.weekday };
  }

  /** The instant of local `minuteOfDay` on a local day (minutes past 24:00 run into the next day). */
  at(day: { y: number; m: number; d: number }, minuteOfDay: number): Date {
    const guess = Date.UTC(day.y, day.m - 1, day.d, 0, minuteOfDay);
    return new Date(guess - zoneOffsetMs(guess, this.config.timezone));
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

  /** Working minutes between two instants (0 when `to` is not after `from`). */
  workingMinutesBetween(from: Date, to: Date): number {
    let total = 0;
    let day = this.localDay(from);
    for (let i = 0; i < 3660 && to > from; i++) {
      if (this.isWorkday(day)) {
        const a = Math.max(this.at(day, this.start).getTime(), from.getTime());
        const b = Math.min(this.at(day, this.end).getTime(), to.getTime());
        if (b > a) total += (b - a) / 60000;
      }
      if (this.at(day, 24 * 60) >= to) break;
      day = this.nextDay(day);
    }
    return total;
  }
}
