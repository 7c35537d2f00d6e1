import { z } from 'zod';
import type { CaseLevel } from '../classification/types.js';
import { WorkingCalendar } from '../time/working-calendar.js';

const duration = z.object({
  minutes: z.number().int().positive().optional(),
  hours: z.number().positive().optional(),
  days: z.number().positive().optional(),
  /** natural: the clock; working: working hours on working days only. */
  calendar: z.enum(['natural', 'working']).default('working'),
});
export type DurationSpec = z.infer<typeof duration>;

/** Deadlines are configuration, not code (the default is config/sla.json). */
export const slaConfigSchema = z.object({
  calendar: z.object({
    timezone: z.string().default('Asia/Shanghai'),
    dayStart: z.string().regex(/^\d{2}:\d{2}$/).default('09:00'),
    dayEnd: z.string().regex(/^\d{2}:\d{2}$/).default('18:00'),
    workingWeekdays: z.array(z.number().int().min(1).max(7)).default([1, 2, 3, 4, 5]),
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).default([]),
    makeupWorkdays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).default([]),
  }),
  /** First matching rule wins; a rule matches on level, type and/or words in the text. */
  rules: z
    .array(
      z.object({
        name: z.string(),
        match: z.object({
          levels: z.array(z.enum(['routine', 'major', 'emergency'])).optional(),
          types: z.array(z.string()).optional(),
          keywords: z.array(z.string()).optional(),
        }),
        sign: duration,
        resolve: duration,
        /** First feedback (the first progress report), for emergencies. */
        feedback: duration.optional(),
      }),
    )
    .min(1),
  /** Reminders to the handler at these fractions of each deadline. */
  reminders: z.array(z.number().gt(0).lt(1)).default([0.5, 0.8]),
  /** Escalation steps past the deadline, as fractions of the deadline's length: 0 = at the deadline. */
  escalation: z
    .array(z.object({ after: z.number().min(0), role: z.enum(['grid_leader', 'area_leader', 'street_chief']) }))
    .default([
      { after: 0, role: 'grid_leader' },
      { after: 0.5, role: 'area_leader' },
      { after: 1, role: 'street_chief' },
    ]),
  /** Days a resolved case waits for the reporter's rating before it closes without feedback. */
  ratingGraceDays: z.number().positive().default(3),
});
export type SlaConfig = z.infer<typeof slaConfigSchema>;

export type DeadlineKind = 'sign' | 'resolve' | 'feedback';

export interface Deadline {
  kind: DeadlineKind;
  start: Date;
  due: Date;
  /** How its fractions are counted: working deadlines remind and escalate in working time. */
  calendar?: 'natural' | 'working';
}

/** A moment at which the SLA timer acts: remind the handler or escalate. */
export interface SlaMark {
  /** Stable key, e.g. `sign:1700000000000:r50` — changes when the deadline moves. */
  key: string;
  kind: DeadlineKind;
  at: Date;
  step: { type: 'remind'; fraction: number } | { type: 'escalate'; index: number; role: 'grid_leader' | 'area_leader' | 'street_chief' };
}

export interface CaseSlaFacts {
  level: CaseLevel;
  type: string;
  text: string;
}

export class SlaPolicy {
  readonly calendar: WorkingCalendar;

  constructor(readonly config: SlaConfig) {
    this.calendar = new WorkingCalendar(config.calendar);
  }

  rule(c: CaseSlaFacts): SlaConfig['rules'][number] {
    const r = this.config.rules.find(
      (x) =>
        (!x.match.levels || x.match.levels.includes(c.level)) &&
        (!x.match.types || x.match.types.includes(c.type)) &&
        (!x.match.keywords || x.match.keywords.some((k) => c.text.includes(k))),
    );
    return r ?? this.config.rules[this.config.rules.length - 1]!;
  }

  /** The end of a duration started at `from`. */
  add(from: Date, d: DurationSpec): Date {
    const minutes = (d.minutes ?? 0) + (d.hours ?? 0) * 60 + (d.days ?? 0) * (d.calendar === 'working' ? this.calendar.minutesPerDay : 24 * 60);
    return d.calendar === 'working' ? this.calendar.addWorkingMinutes(from, minutes) : new Date(from.getTime() + minutes * 60000);
  }

  /** The deadlines a case gets when it is dispatched at `at`. */
  deadlines(c: CaseSlaFacts, at: Date): { sign: Date; resolve: Date; feedback: Date | null } {
    const r = this.rule(c);
    return { sign: this.add(at, r.sign), resolve: this.add(at, r.resolve), feedback: r.feedback ? this.add(at, r.feedback) : null };
  }

  /** A resolve deadline moved by an approved extension of `days` (in the rule's calendar). */
  extend(c: CaseSlaFacts, due: Date, days: number): Date {
    return this.add(due, { days, calendar: this.rule(c).resolve.calendar });
  }

  /** The calendar a case's deadline of this kind is counted in. */
  calendarOf(c: CaseSlaFacts, kind: DeadlineKind): 'natural' | 'working' {
    const r = this.rule(c);
    return (kind === 'feedback' ? (r.feedback ?? r.sign) : r[kind]).calendar;
  }

  /**
   * Reminders before a deadline and escalation steps after it. A working-time deadline places
   * them in working time: no reminder at 2 a.m. for a case due at 10:30.
   */
  marks(d: Deadline): SlaMark[] {
    const working = d.calendar === 'working';
    const spanMin = working ? this.calendar.workingMinutesBetween(d.start, d.due) : (d.due.getTime() - d.start.getTime()) / 60000;
    const after = (from: Date, minutes: number) =>
      working ? this.calendar.addWorkingMinutes(from, minutes) : new Date(from.getTime() + minutes * 60000);
    const base = `${d.kind}:${d.due.getTime()}`;
    const out: SlaMark[] = this.config.reminders.map((f) => ({
      key: `${base}:r${Math.round(f * 100)}`,
      kind: d.kind,
      at: after(d.start, spanMin * f),
      step: { type: 'remind', fraction: f },
    }));
    this.config.escalation.forEach((e, index) =>
      out.push({ key: `${base}:e${index}`, kind: d.kind, at: index === 0 && e.after === 0 ? d.due : after(d.due, spanMin * e.after), step: { type: 'escalate', index, role: e.role } }),
    );
    return out.sort((a, b) => a.at.getTime() - b.at.getTime());
  }
}
