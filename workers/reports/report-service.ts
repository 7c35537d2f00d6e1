/**
 * Reports, wired: build a report for a node's subtree and a period, draw its chart, post it
 * (text + PNG) as outbound rows with deterministic keys; the BullMQ job schedulers for the
 * daily, weekly and monthly reports and their processor; the chat handler (日报 / 周报 / 月报).
 * `createWorkers` builds one of these and registers its handler and worker.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Job } from 'bullmq';
import { z } from 'zod';
import type { TaxonomyEntry } from '../../core/classification/types.js';
import { OrgTree } from '../../core/org/org-tree.js';
import { composeReportText } from '../../core/reports/compose.js';
import type { MetricOptions } from '../../core/reports/metrics.js';
import { DEFAULT_REPORT_TIMEZONE, PERIOD_KINDS, periodContaining, previousPeriod, sinceLastWorkday, type LocalDate, type Period, type PeriodKind } from '../../core/reports/period.js';
import { buildReport, type Report } from '../../core/reports/report.js';
import type { WorkingCalendar } from '../../core/time/working-calendar.js';
import type { Db } from '../../db/client.js';
import type { OutboundRepository } from '../../db/repositories/outbound-repository.js';
import { createReportRepository, type ReportChat } from '../../db/repositories/report-repository.js';
import type { QueueBackend } from '../queue-backend.js';
import { createReportHandler } from './report-handler.js';
import { findCjkFont, pngDataUrl, renderReportChart, type ChartFont } from './render-chart.js';
import type { OutboundRef } from '../jobs.js';

interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const REPORTS_QUEUE = 'reports';
export const DEFAULT_REPORT_CRONS: Record<PeriodKind, string> = {
  // At the start of the working day (config/sla.json: 09:00); non-working days are skipped.
  day: '0 9 * * *',
  week: '0 9 * * 1',
  month: '0 9 1 * *',
};
export const reportSchedulerId = (kind: PeriodKind) => `report-${kind}`;
export const reportJobSchema = z.object({ kind: z.enum(PERIOD_KINDS) });
export type ReportJob = z.infer<typeof reportJobSchema>;

/** Everything about reports a deployment (or a test) may tune. */
export interface ReportOptions {
  /** Time zone of periods and schedules (JIESU_TIMEZONE; Asia/Shanghai by default). */
  timezone?: string;
  /** Cron patterns in that time zone (REPORT_DAILY_CRON, REPORT_WEEKLY_CRON, REPORT_MONTHLY_CRON). */
  cron?: Partial<Record<PeriodKind, string>>;
  /** false: no scheduled reports (the schedulers are removed); on-demand reports still work. */
  scheduled?: boolean;
  /** Satisfaction weights (基本满意 0.9 by default). */
  satisfactionWeights?: MetricOptions['satisfactionWeights'];
  /** Where chart PNGs are kept for channels that send files (Telegram); the sim gets data URLs. */
  dir?: string;
  /** The CJK font for charts (null: ASCII labels; unset: looked up on the machine). */
  font?: ChartFont | null;
  now?: () => Date;
}

/** Builds reports from the database: a node's subtree (null: everything), a period, as of a moment. */
export function createReportBuilder(db: Db, taxonomy: TaxonomyEntry[], opts: { satisfactionWeights?: MetricOptions['satisfactionWeights']; now?: () => Date } = {}) {
  const repo = createReportRepository(db);
  const types = Object.fromEntries(taxonomy.map((t) => [t.code, t.name]));
  const now = opts.now ?? (() => new Date());
  return async function build(nodeId: number | null, period: Period, asOf: Date = now()): Promise<Report> {
    const nodes = await repo.nodes();
    const tree = new OrgTree(nodes);
    const under = nodeId === null ? null : tree.subtree(nodeId).map((n) => n.id);
    const cases = await repo.timelines(under, period.start, period.end);
    const people = await repo.peopleNames([...new Set(cases.map((c) => c.handlerId).filter((x): x is number => x !== null))]);
    const roots = nodes.filter((n) => n.parentId === null);
    const scopeName = nodeId === null ? (roots.length === 1 ? roots[0]!.name : '全部') : (tree.node(nodeId)?.name ?? `#${nodeId}`);
    return buildReport({
      period,
      asOf,
      scope: { nodeId, name: scopeName },
      cases,
      names: { types, nodes: Object.fromEntries(nodes.map((n) => [n.id, n.name])), people, codes: Object.fromEntries(nodes.map((n) => [n.id, n.code])) },
      options: { timezone: period.timezone, satisfactionWeights: opts.satisfactionWeights },
    });
  };
}

export function createReportService(deps: {
  db: Db;
  queues: QueueBackend;
  outbound: OutboundRepository;
  enqueueSend(outbound: OutboundRef): Promise<void>;
  taxonomy: TaxonomyEntry[];
  /** The SLA working calendar: the daily report skips non-working days and covers the days since the last one. */
  calendar: WorkingCalendar;
  logger: Log;
  options?: ReportOptions;
}) {
  const opts = deps.options ?? {};
  const now = opts.now ?? (() => new Date());
  const timezone = opts.timezone ?? DEFAULT_REPORT_TIMEZONE;
  const repo = createReportRepository(deps.db);
  const queue = deps.queues.queue<ReportJob>(REPORTS_QUEUE);
  const dir = opts.dir ?? path.join(tmpdir(), 'jiesu-reports');

  const build = createReportBuilder(deps.db, deps.taxonomy, { satisfactionWeights: opts.satisfactionWeights, now });

  const chart = (report: Report) => renderReportChart(report, { font: opts.font });

  /** The photo as the channel takes it: a data URL for the sim, a file path for the others. */
  async function photoFor(channel: string, png: Buffer, name: string): Promise<string> {
    if (channel === 'sim') return pngDataUrl(png);
    await mkdir(dir, { recursive: true });
    const file = path.resolve(dir, `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.png`);
    await writeFile(file, png);
    return file;
  }

  /** Post a report to one chat, once per key. */
  async function post(chat: Pick<ReportChat, 'id' | 'channel' | 'platformChatId'>, key: string, report: Report, png: Buffer, replyTo?: string): Promise<number> {
    const photo = await photoFor(chat.channel, png, key);
    const id = await deps.outbound.enqueue({
      dedupeKey: key,
      channel: chat.channel,
      chatId: chat.id,
      platformChatId: chat.platformChatId,
      payload: { text: composeReportText(report), photo, ...(replyTo ? { replyToPlatformMessageId: replyTo } : {}) },
    });
    await deps.enqueueSend({ id, channel: chat.channel });
    return id;
  }

  /** The period a scheduled report covers at `at`, or null when it is skipped (a daily one on a day off). */
  function scheduledPeriod(kind: PeriodKind, at: Date): Period | null {
    if (kind === 'day') {
      if (!deps.calendar.isWorkday(deps.calendar.localDay(at))) return null;
      return sinceLastWorkday(at, (d: LocalDate) => deps.calendar.isWorkday(deps.calendar.localDay(deps.calendar.at(d, 12 * 60))), timezone);
    }
    return previousPeriod(kind, at, timezone);
  }

  /** The scheduled job: the report of the period just ended, to every managers' and community work group. */
  async function runScheduled(job: Pick<Job<ReportJob>, 'data'>): Promise<{ period: Period | null; posted: number }> {
    const { kind } = reportJobSchema.parse(job.data);
    const at = now();
    const period = scheduledPeriod(kind, at);
    if (!period) {
      deps.logger.info({ kind }, 'not a working day: no daily report');
      return { period: null, posted: 0 };
    }
    const chats = await repo.reportChats();
    const byNode = new Map<number, { report: Report; png: Buffer }>();
    let posted = 0;
    for (const chat of chats) {
      let made = byNode.get(chat.nodeId);
      if (!made) {
        const report = await build(chat.nodeId, period, at);
        made = { report, png: chart(report).png };
        byNode.set(chat.nodeId, made);
      }
      await post(chat, `report:${kind}:${period.startDate}:${chat.id}`, made.report, made.png);
      posted++;
    }
    deps.logger.info({ kind, period: `${period.startDate}..${period.endDate}`, chats: posted }, 'scheduled report posted');
    return { period, posted };
  }

  /** Create (or update) the three job schedulers; remove them when reports are not scheduled. */
  async function schedule(): Promise<void> {
    for (const kind of PERIOD_KINDS) {
      const id = reportSchedulerId(kind);
      if (opts.scheduled === false) {
        await queue.removeJobScheduler(id);
        continue;
      }
      const pattern = opts.cron?.[kind] ?? DEFAULT_REPORT_CRONS[kind];
      await queue.upsertJobScheduler(id, { pattern, tz: timezone }, { name: `report-${kind}`, data: { kind }, opts: { attempts: 3, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } });
    }
  }

  const handler = createReportHandler({
    repo,
    build,
    chart,
    post,
    now,
    timezone,
  });

  return {
    handler,
    queue,
    build,
    chart,
    runScheduled,
    scheduledPeriod,
    schedule,
    /** The report of the period containing `date` (default: now), to date. */
    async onDemand(kind: PeriodKind, nodeId: number | null, date?: LocalDate | Date) {
      return build(nodeId, periodContaining(kind, date ?? now(), timezone));
    },
    async start() {
      deps.queues.worker<ReportJob>(REPORTS_QUEUE, (job) => runScheduled(job), { concurrency: 1 });
      await schedule();
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;

/** The report options a configuration names (app/config.ts: REPORT_*, JIESU_TIMEZONE). */
export function reportOptionsFromConfig(config: {
  JIESU_TIMEZONE: string;
  REPORTS_ENABLED: boolean;
  REPORT_DAILY_CRON: string;
  REPORT_WEEKLY_CRON: string;
  REPORT_MONTHLY_CRON: string;
  REPORT_BASIC_SATISFACTION_WEIGHT: number;
  REPORT_FONT_FILE?: string;
  REPORT_FONT_FAMILY?: string;
  dataDir: string;
}): ReportOptions {
  return {
    timezone: config.JIESU_TIMEZONE,
    scheduled: config.REPORTS_ENABLED,
    cron: { day: config.REPORT_DAILY_CRON, week: config.REPORT_WEEKLY_CRON, month: config.REPORT_MONTHLY_CRON },
    satisfactionWeights: { basically_satisfied: config.REPORT_BASIC_SATISFACTION_WEIGHT },
    dir: path.join(config.dataDir, 'reports'),
    ...(config.REPORT_FONT_FILE ? { font: findCjkFont({ REPORT_FONT_FILE: config.REPORT_FONT_FILE, REPORT_FONT_FAMILY: config.REPORT_FONT_FAMILY }) } : {}),
  };
}
