import { describe, expect, it } from 'vitest';
import { SlaPolicy, slaConfigSchema } from '../../../core/cases/sla-policy.js';
import slaFile from '../../../config/sla.json' with { type: 'json' };

const policy = new SlaPolicy(slaConfigSchema.parse(slaFile));
// Shanghai is UTC+8: 2026-11-20 is a Friday.
const sh = (local: string) => new Date(`${local}+08:00`);
const routine = { level: 'routine' as const, type: 'noise', text: '楼上太吵' };

describe('deadlines', () => {
  it('counts routine deadlines in working time across the weekend', () => {
    const d = policy.deadlines(routine, sh('2026-11-20T17:30:00'));
    expect(d.sign).toEqual(sh('2026-11-23T10:30:00'));
    expect(d.resolve).toEqual(sh('2026-12-01T17:30:00'));
  });

  it('skips holidays and works make-up days (国庆 2026)', () => {
    const d = policy.deadlines(routine, sh('2026-09-30T10:00:00'));
    expect(d.resolve).toEqual(sh('2026-10-15T10:00:00'));
  });

  it('gives major cases 30 minutes and 24 hours of clock time, emergencies first feedback in 2 h', () => {
    const at = sh('2026-11-21T23:00:00');
    expect(policy.deadlines({ ...routine, level: 'major' }, at)).toEqual({ sign: sh('2026-11-21T23:30:00'), resolve: sh('2026-11-22T23:00:00'), feedback: null });
    expect(policy.deadlines({ ...routine, level: 'emergency' }, at).feedback).toEqual(sh('2026-11-22T01:00:00'));
  });

  it('gives water, power, gas and heating 24 hours', () => {
    const at = sh('2026-11-20T17:30:00');
    expect(policy.deadlines({ level: 'routine', type: 'public_facilities', text: '3栋停水一天了' }, at).resolve).toEqual(sh('2026-11-21T17:30:00'));
  });

  it('moves a deadline by working days on extension', () => {
    expect(policy.extend(routine, sh('2026-11-27T17:00:00'), 2)).toEqual(sh('2026-12-01T17:00:00'));
  });

  it('places the reminders of a working-time deadline in working hours', () => {
    // Dispatched Wednesday 17:30, due Thursday 10:30 (2 working hours): no reminder at night.
    const start = sh('2026-11-25T17:30:00');
    const marks = policy.marks({ kind: 'sign', start, due: sh('2026-11-26T10:30:00'), calendar: 'working' });
    expect(marks.slice(0, 3).map((m) => m.at)).toEqual([sh('2026-11-26T09:30:00'), sh('2026-11-26T10:06:00'), sh('2026-11-26T10:30:00')]);
    expect(marks[3]!.at).toEqual(sh('2026-11-26T11:30:00'));
  });

  it('reminds at 50% and 80% and escalates at 100%, 150%, 200%', () => {
    const start = sh('2026-11-23T09:00:00');
    const marks = policy.marks({ kind: 'sign', start, due: sh('2026-11-23T11:00:00') });
    expect(marks.map((m) => [m.at.toISOString(), m.step.type === 'remind' ? m.step.fraction : m.step.role])).toEqual([
      [sh('2026-11-23T10:00:00').toISOString(), 0.5],
      [sh('2026-11-23T10:36:00').toISOString(), 0.8],
      [sh('2026-11-23T11:00:00').toISOString(), 'grid_leader'],
      [sh('2026-11-23T12:00:00').toISOString(), 'area_leader'],
      [sh('2026-11-23T13:00:00').toISOString(), 'street_chief'],
    ]);
    expect(new Set(marks.map((m) => m.key)).size).toBe(5);
  });
});
