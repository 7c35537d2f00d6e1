/**
 * 监督: reminders before each deadline, escalation up the ladder after it (督办), and closing
 * resolved cases nobody rated. Every timer is a delayed job keyed by case and time; a sweeper
 * catches the missed ones; each mark acts once (sla_marks), whoever fires first.
 */
import { nextStatus } from '../../core/cases/case-actions.js';
import { residentTexts, staffTexts } from '../../core/cases/notifications.js';
import type { Deadline, SlaMark, SlaPolicy } from '../../core/cases/sla-policy.js';
import { CaseConflictError, type CaseLoopRepository, type CaseRow } from '../../db/repositories/case-loop-repository.js';
import type { DirectoryRepository } from '../../db/repositories/directory-repository.js';
import type { CaseNotifier } from './case-notifier.js';

interface Log {
  info(obj: object, msg?: string): void;
}

export function createSlaService(deps: {
  loop: CaseLoopRepository;
  directory: DirectoryRepository;
  notify: CaseNotifier;
  sla: SlaPolicy;
  typeName(code: string): string;
  /** Queue a delayed check of the case at `at`. */
  scheduleCheck(caseId: number, at: Date): Promise<void>;
  now: () => Date;
  logger: Log;
}) {
  const { loop, notify, sla } = deps;
  const tz = sla.config.calendar.timezone;
  const graceMs = sla.config.ratingGraceDays * 24 * 3600_000;

  /** The deadlines still running for a case in its current state. */
  function deadlinesOf(c: CaseRow): Deadline[] {
    const start = c.dispatchedAt ?? c.createdAt;
    const facts = { level: c.level, type: c.type, text: c.description };
    const cal = (kind: Deadline['kind']) => sla.calendarOf(facts, kind);
    const out: Deadline[] = [];
    if (c.status === 'dispatched' && c.signDueAt) out.push({ kind: 'sign', start, due: c.signDueAt, calendar: cal('sign') });
    if (c.feedbackDueAt && !c.firstFeedbackAt && ['dispatched', 'signed'].includes(c.status)) {
      out.push({ kind: 'feedback', start, due: c.feedbackDueAt, calendar: cal('feedback') });
    }
    if (['dispatched', 'signed', 'in_progress'].includes(c.status) && c.resolveDueAt) {
      out.push({ kind: 'resolve', start: c.resolveStartedAt ?? start, due: c.resolveDueAt, calendar: cal('resolve') });
    }
    return out;
  }

  function marksOf(c: CaseRow): SlaMark[] {
    return deadlinesOf(c).flatMap((d) => sla.marks(d));
  }

  /**
   * Send what a mark calls for, then claim it. Sends are keyed, so a run that failed half-way
   * and is repeated sends nothing twice; only the run that claims the mark logs the event.
   */
  async function perform(c: CaseRow, m: SlaMark): Promise<boolean> {
    const deadline = deadlinesOf(c).find((d) => d.kind === m.kind);
    if (!deadline) return loop.claimMark(c.id, m.key); // signed (or fed back) meanwhile
    if (m.step.type === 'remind') {
      if (c.handlerPersonId) await notify.person(c, c.handlerPersonId, `sla:${c.id}:${m.key}`, staffTexts.reminder(c.number, m.kind, deadline.due, tz));
      return loop.claimMark(c.id, m.key);
    }
    const tree = await loop.tree();
    const place = tree.node(c.nodeId)?.name ?? '';
    const handler = c.handlerPersonId ? await deps.directory.displayName(c.handlerPersonId) : '（无）';
    const text = staffTexts.escalation(c.number, deps.typeName(c.type), place, m.kind, handler);
    const level = m.step.role === 'grid_leader' ? 'community' : 'street';
    const node = tree.ancestorAt(c.nodeId, level) ?? tree.path(c.nodeId).at(-1);
    const people = node ? await loop.peopleWithRole([m.step.role], [node.id]) : [];
    for (const p of people) await notify.person(c, p, `sla:${c.id}:${m.key}`, text);
    if (m.step.index === 0) await notify.managers(c, `sla:${c.id}:${m.key}`, text, tree.path(c.nodeId).map((n) => n.id));
    if (c.handlerPersonId) await notify.person(c, c.handlerPersonId, `sla-h:${c.id}:${m.key}`, `${text}\n已列入督办，请立即处理。`);
    if (!(await loop.claimMark(c.id, m.key))) return false;
    if (!c.supervised) await loop.patch(c.id, { supervised: true });
    const what = m.kind === 'sign' ? '签收' : m.kind === 'resolve' ? '办结' : '首次反馈';
    await loop.logEvent({ caseId: c.id, actorPersonId: null, action: 'escalate', status: c.status, note: `超过${what}时限，升级至${m.step.role}`, data: { mark: m.key, role: m.step.role }, at: deps.now() });
    deps.logger.info({ caseId: c.id, caseNumber: c.number, mark: m.key }, 'case escalated');
    return true;
  }

  /** Carry out whatever is due for one case now. */
  async function check(caseId: number): Promise<number> {
    const c = await loop.byId(caseId);
    if (!c) return 0;
    const now = deps.now();
    if (c.status === 'resolved') {
      if (c.resolvedAt && now.getTime() >= c.resolvedAt.getTime() + graceMs) {
        try {
          const m = await loop.transition({ caseId: c.id, from: 'resolved', to: nextStatus('resolved', 'close_no_feedback'), action: 'close_no_feedback', actorPersonId: null, note: '办结后未收到评价', patch: { closedAt: now }, at: now });
          // Those who did answer (a merged report's reporters each rate) are not told they did not.
          const rated = (await loop.ratings(c.id, c.reopenCount)).map((r) => r.personId);
          await notify.reporters(m.caseRow, `closed-nf:${c.id}`, residentTexts.closedNoFeedback(c.number), undefined, { except: rated });
          return 1;
        } catch (err) {
          if (!(err instanceof CaseConflictError)) throw err;
        }
      }
      return 0;
    }
    let done = 0;
    for (const m of marksOf(c)) {
      if (m.at.getTime() > now.getTime()) continue;
      if (await loop.hasMark(c.id, m.key)) continue;
      if (await perform((await loop.byId(caseId))!, m)) done++;
    }
    return done;
  }

  const service = {
    check,
    /** Queue a delayed check for the next future mark (or the end of the rating grace period). */
    async schedule(c: CaseRow): Promise<void> {
      const now = deps.now().getTime();
      const times = c.status === 'resolved' && c.resolvedAt ? [new Date(c.resolvedAt.getTime() + graceMs)] : marksOf(c).map((m) => m.at);
      // Only the next timer: the check it runs queues the one after (scheduleNext), and the
      // sweeper catches any that were missed. One delayed job per case instead of one per mark.
      const next = times.filter((at) => at.getTime() > now).sort((a, b) => a.getTime() - b.getTime())[0];
      if (next) await deps.scheduleCheck(c.id, next);
    },
    /** After a timer fired: queue the case's next one (same job ids, so repeats are no-ops). */
    async scheduleNext(caseId: number): Promise<void> {
      const c = await loop.byId(caseId);
      if (c) await service.schedule(c);
    },
    /** The sweeper's part: check every case with a running clock. */
    async sweep(): Promise<number> {
      let n = 0;
      for (const c of await loop.withDeadlines()) n += await check(c.id);
      return n;
    },
    marksOf,
  };
  return service;
}

export type SlaService = ReturnType<typeof createSlaService>;
