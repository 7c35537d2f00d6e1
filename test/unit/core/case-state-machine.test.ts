import { describe, expect, it } from 'vitest';
import { CASE_ACTIONS, IllegalTransitionError, TRANSITIONS, canApply, nextStatus, type CaseAction } from '../../../core/cases/case-actions.js';
import { CASE_STATUSES, type CaseStatus } from '../../../core/cases/case-status.js';

/** The whole table, written out independently of TRANSITIONS: state × action → next or refused. */
const EXPECTED: Record<CaseStatus, Partial<Record<CaseAction, CaseStatus>>> = {
  reported: { dispatch: 'dispatched', escalate: 'reported', merge: 'reported', attach: 'reported', cancel: 'cancelled' },
  dispatched: {
    sign: 'signed', return: 'returned', transfer: 'dispatched', whistle: 'dispatched', remind: 'dispatched',
    escalate: 'dispatched', merge: 'dispatched', attach: 'dispatched', cancel: 'cancelled',
  },
  signed: {
    progress: 'in_progress', resolve: 'resolved', return: 'returned', transfer: 'dispatched', request_extension: 'signed',
    approve_extension: 'signed', refuse_extension: 'signed', whistle: 'signed', remind: 'signed', escalate: 'signed',
    merge: 'signed', attach: 'signed', cancel: 'cancelled',
  },
  in_progress: {
    progress: 'in_progress', resolve: 'resolved', return: 'returned', transfer: 'dispatched', request_extension: 'in_progress',
    approve_extension: 'in_progress', refuse_extension: 'in_progress', whistle: 'in_progress', remind: 'in_progress',
    escalate: 'in_progress', merge: 'in_progress', attach: 'in_progress', cancel: 'cancelled',
  },
  resolved: { rate_satisfied: 'closed', rate_unsatisfied: 'in_progress', close_no_feedback: 'closed' },
  closed: {},
  returned: { dispatch: 'dispatched', escalate: 'returned', merge: 'returned', attach: 'returned', cancel: 'cancelled' },
  cancelled: {},
};

describe('the case state machine', () => {
  for (const from of CASE_STATUSES) {
    for (const action of CASE_ACTIONS) {
      const to = EXPECTED[from][action];
      it(`${from} × ${action} → ${to ?? 'refused'}`, () => {
        expect(canApply(from, action)).toBe(to !== undefined);
        if (to) expect(nextStatus(from, action)).toBe(to);
        else expect(() => nextStatus(from, action)).toThrow(IllegalTransitionError);
      });
    }
  }

  it('never leaves closed or cancelled', () => {
    for (const a of CASE_ACTIONS) {
      expect(TRANSITIONS[a].from).not.toContain('closed');
      expect(TRANSITIONS[a].from).not.toContain('cancelled');
    }
  });

  it('reaches closed from reported along the loop', () => {
    let s: CaseStatus = 'reported';
    for (const a of ['dispatch', 'sign', 'progress', 'resolve', 'rate_unsatisfied', 'resolve', 'rate_satisfied'] as const) s = nextStatus(s, a);
    expect(s).toBe('closed');
  });

  it('holds for random walks: every step either follows the table or is refused and changes nothing', () => {
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let walk = 0; walk < 200; walk++) {
      let s: CaseStatus = 'reported';
      for (let step = 0; step < 30; step++) {
        const a = CASE_ACTIONS[rand(CASE_ACTIONS.length)]!;
        const expected = EXPECTED[s][a];
        if (expected) s = nextStatus(s, a);
        else expect(() => nextStatus(s, a)).toThrow();
        expect(CASE_STATUSES).toContain(s);
      }
    }
  });
});
