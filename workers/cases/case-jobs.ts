/**
 * The loop's queue: `dispatch` (route a case and hand it over) and `sla-check` (a delayed
 * timer: remind, escalate, close unrated). Job ids are deterministic per case and moment.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import type { CaseService } from './case-service.js';
import type { SlaService } from './sla-service.js';

export const CASES_QUEUE = 'cases';

/** dispatch: route and hand over one case. */
export const dispatchJobSchema = z.object({ caseId: z.number().int().positive() });
/** sla-check: carry out what is due for one case (the time is in the job id, not needed here). */
export const slaCheckJobSchema = z.object({ caseId: z.number().int().positive() });

export const caseJobIds = {
  dispatch: (caseId: number, key: string) => `dispatch-${caseId}-${key}`,
  slaCheck: (caseId: number, at: Date) => `sla-${caseId}-${at.getTime()}`,
};

export function createCaseJobProcessor(deps: { service: CaseService; sla: SlaService }) {
  return async function processCaseJob(job: Pick<Job, 'name' | 'data'>): Promise<string | number> {
    if (job.name === 'dispatch') {
      const p = dispatchJobSchema.safeParse(job.data);
      if (!p.success) throw new UnrecoverableError(`invalid dispatch job: ${p.error.message}`);
      return deps.service.dispatch(p.data.caseId);
    }
    if (job.name === 'sla-check') {
      const p = slaCheckJobSchema.safeParse(job.data);
      if (!p.success) throw new UnrecoverableError(`invalid sla-check job: ${p.error.message}`);
      const done = await deps.sla.check(p.data.caseId);
      await deps.sla.scheduleNext(p.data.caseId);
      return done;
    }
    throw new UnrecoverableError(`unknown job ${job.name} on the cases queue`);
  };
}
