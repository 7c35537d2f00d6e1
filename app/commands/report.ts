/**
 * `npx jiesu report --period day|week|month [--date YYYY-MM-DD] [--node CODE] [--json] [--chart FILE]`:
 * the report of the period containing the date (default: today, so far), for the node's
 * subtree (default: everything), as the chat text or as JSON; optionally its chart as PNG.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { TaxonomyEntry } from '../../core/classification/types.js';
import { composeReportText } from '../../core/reports/compose.js';
import { PERIOD_KINDS, parseDate, periodContaining, type PeriodKind } from '../../core/reports/period.js';
import type { Db } from '../../db/client.js';
import { createReportRepository } from '../../db/repositories/report-repository.js';
import { renderReportChart } from '../../workers/reports/render-chart.js';
import { createReportBuilder } from '../../workers/reports/report-service.js';

interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export const REPORT_CLI_USAGE = '用法: npx jiesu report --period day|week|month [--date YYYY-MM-DD] [--node 节点编码] [--json] [--chart 文件.png]\n';

export async function runReport(
  argv: string[],
  io: Io,
  ctx: { withDb: <T>(fn: (db: Db) => Promise<T>) => Promise<T>; taxonomy: TaxonomyEntry[]; timezone: string; basicWeight?: number; now?: () => Date },
): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { period: { type: 'string', default: 'day' }, date: { type: 'string' }, node: { type: 'string' }, json: { type: 'boolean' }, chart: { type: 'string' } },
  });
  if (!PERIOD_KINDS.includes(values.period as PeriodKind)) {
    io.stderr(`--period 只能是 day、week 或 month\n${REPORT_CLI_USAGE}`);
    return 2;
  }
  const date = values.date === undefined ? null : parseDate(values.date);
  if (values.date !== undefined && !date) {
    io.stderr(`日期格式不对：${values.date}，请写成 2026-11-20\n`);
    return 2;
  }
  const now = ctx.now ?? (() => new Date());
  return ctx.withDb(async (db) => {
    let nodeId: number | null = null;
    if (values.node) {
      const node = (await createReportRepository(db).nodes()).find((n) => n.code === values.node);
      if (!node) {
        io.stderr(`没有这个节点：${values.node}（npx jiesu org list 查看节点编码）\n`);
        return 1;
      }
      nodeId = node.id;
    }
    const build = createReportBuilder(db, ctx.taxonomy, { satisfactionWeights: ctx.basicWeight === undefined ? undefined : { basically_satisfied: ctx.basicWeight }, now });
    const report = await build(nodeId, periodContaining(values.period as PeriodKind, date ?? now(), ctx.timezone));
    if (values.chart) await writeFile(values.chart, renderReportChart(report).png);
    io.stdout(values.json ? `${JSON.stringify(report)}\n` : `${composeReportText(report)}\n`);
    return 0;
  });
}
