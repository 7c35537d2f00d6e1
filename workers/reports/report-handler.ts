import { OrgTree } from '../../core/org/org-tree.js';
import { parseReportCommand } from '../../core/reports/commands.js';
import { periodContaining, type Period } from '../../core/reports/period.js';
import type { Report } from '../../core/reports/report.js';
import { reportScope } from '../../core/reports/scope.js';
import type { ReportRepository } from '../../db/repositories/report-repository.js';
import type { IntakeHandler } from '../intake/intake-handler.js';

/**
 * 日报 / 周报 / 月报 (`/report day|week|month`): the report of the current period so far (or of
 * the period containing a given date), for managers and leaders, of their own part of the tree.
 */
export function createReportHandler(deps: {
  repo: Pick<ReportRepository, 'nodes'>;
  build(nodeId: number | null, period: Period, asOf?: Date): Promise<Report>;
  chart(report: Report): { png: Buffer };
  post(chat: { id: number; channel: string; platformChatId: string }, key: string, report: Report, png: Buffer, replyTo?: string): Promise<number>;
  now(): Date;
  timezone: string;
}): IntakeHandler {
  return {
    name: 'report',
    async handle(ctx) {
      const cmd = parseReportCommand(ctx.text);
      if (!cmd) return null;
      if (cmd.kind === 'error') {
        await ctx.reply(cmd.message);
        return 'command_refused';
      }
      const tree = new OrgTree(await deps.repo.nodes());
      const scope = reportScope(ctx.roles, ctx.chat, tree);
      if (!scope.ok) {
        await ctx.reply(scope.reason);
        return 'report_refused';
      }
      const period = periodContaining(cmd.kind, cmd.date ?? deps.now(), deps.timezone);
      const report = await deps.build(scope.nodeId, period, deps.now());
      const { png } = deps.chart(report);
      await deps.post(ctx.chat, `report-ask:${ctx.row.id}`, report, png, ctx.row.attachments.action ? undefined : ctx.row.platformMessageId);
      return 'report';
    },
  };
}
