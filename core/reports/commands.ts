/**
 * 日报 / 周报 / 月报 and `/report day|week|month` in chat, optionally with a date
 * ("日报 2026-11-20"). Null when the text is not a report command. Pure.
 */
import { parseDate, type LocalDate, type PeriodKind } from './period.js';

export type ReportCommand = { kind: PeriodKind; date: LocalDate | null } | { kind: 'error'; message: string };

const ZH: Record<string, PeriodKind> = { 日报: 'day', 周报: 'week', 月报: 'month' };
const EN: Record<string, PeriodKind> = { day: 'day', daily: 'day', week: 'week', weekly: 'week', month: 'month', monthly: 'month' };

export const REPORT_USAGE = '查看报表：发送「日报」「周报」或「月报」（可加日期，如「日报 2026-11-20」），或 /report day|week|month';

export function parseReportCommand(raw: string): ReportCommand | null {
  const text = raw.trim();
  let m = /^(日报|周报|月报)(?:\s+(\S+))?$/.exec(text);
  let kind: PeriodKind | undefined;
  let dateText: string | undefined;
  if (m) {
    kind = ZH[m[1]!];
    dateText = m[2];
  } else {
    // `/report <text>` without a period word stays the grid worker's patrol report (上报).
    // A bare `/report` (the command menu sends it) asks which: say both uses.
    if (/^\/report(?:@\w+)?$/i.test(text)) return { kind: 'error', message: `${REPORT_USAGE}\n网格员巡查上报：/report 问题描述，或「上报 问题描述」` };
    m = /^\/report(?:@\w+)?\s+(day|daily|week|weekly|month|monthly)(?:\s+(\S+))?$/i.exec(text);
    if (!m) return null;
    kind = EN[m[1]!.toLowerCase()];
    dateText = m[2];
  }
  if (dateText === undefined) return { kind: kind!, date: null };
  const date = parseDate(dateText);
  return date ? { kind: kind!, date } : { kind: 'error', message: `日期格式不对：${dateText}，请写成 2026-11-20` };
}
