import { CASE_STATUS_NAMES } from '../../core/cases/case-status.js';
import { HELP_TEXT, caseStatusReply, myCasesReply, notYourCaseReply, unknownCaseReply } from '../../core/cases/replies.js';
import type { TaxonomyEntry } from '../../core/classification/types.js';
import { parseCommand } from '../../core/commands/parse-command.js';
import type { CaseRepository } from '../../db/repositories/case-repository.js';
import type { CaseLoopRepository } from '../../db/repositories/case-loop-repository.js';
import type { DirectoryRepository } from '../../db/repositories/directory-repository.js';
import type { IntakeHandler } from './intake-handler.js';

/** `#n`, 我的工单 / /mycases, 帮助 / /help: what residents ask about their cases. */
export function createCaseQueryHandler(deps: { cases: CaseRepository; directory: DirectoryRepository; loop: CaseLoopRepository; taxonomy: TaxonomyEntry[] }): IntakeHandler {
  const typeName = (code: string | null) => deps.taxonomy.find((t) => t.code === code)?.name ?? '其他';
  return {
    name: 'case-query',
    async handle(ctx) {
      const cmd = parseCommand(ctx.text);
      if (!cmd) return null;
      if (cmd.kind === 'help') {
        await ctx.reply(HELP_TEXT);
        return 'command';
      }
      if (cmd.kind === 'my_cases') {
        const open = await deps.cases.openReportedBy(ctx.personId);
        await ctx.reply(myCasesReply(open.map((c) => ({ caseNumber: c.number, typeName: typeName(c.type), statusName: CASE_STATUS_NAMES[c.status] }))));
        return 'command';
      }
      const c = await deps.cases.byNumber(cmd.caseNumber);
      if (!c) {
        await ctx.reply(unknownCaseReply(cmd.caseNumber));
        return 'command_refused';
      }
      // Staff see the cases of their own part of the tree, the handler and co-handlers theirs.
      const tree = await deps.loop.tree();
      const coHandlers = (await deps.loop.coHandlers(c.id)).map((x) => x.departmentId);
      const staff =
        c.handlerPersonId === ctx.personId ||
        ctx.roles.some(
          (r) =>
            (['grid_worker', 'grid_leader', 'area_leader', 'street_chief', 'manager'].includes(r.role) && tree.covers(r.nodeId, c.nodeId)) ||
            (r.role === 'department' && r.departmentId !== null && coHandlers.includes(r.departmentId)),
        );
      if (!staff && !(await deps.cases.isReporter(c.id, ctx.personId))) {
        await ctx.reply(notYourCaseReply(c.number));
        return 'command_refused';
      }
      const handlerName = c.handlerPersonId ? await deps.directory.displayName(c.handlerPersonId) : null;
      await ctx.reply(
        caseStatusReply({ caseNumber: c.number, typeName: typeName(c.type), statusName: CASE_STATUS_NAMES[c.status], summary: c.summary, handlerName }),
      );
      return 'command';
    },
  };
}
