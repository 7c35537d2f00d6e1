/**
 * The report as a chat message: a few short lines a person reads on a phone in under a
 * minute — the headline figures, the rates, what is overdue and who holds it, the best and
 * worst grids, recurring problems. Pure.
 */
import type { Report } from './report.js';

/** 0.8333 → "83%"; null → "—". */
export function percent(x: number | null): string {
  return x === null ? '—' : `${Math.round(x * 100)}%`;
}

/** Minutes as 25分钟 / 6.5小时 / 2.5天; null → "—". */
export function duration(minutes: number | null): string {
  if (minutes === null) return '—';
  if (minutes < 60) return `${Math.round(minutes)}分钟`;
  const trim = (x: number) => String(Math.round(x * 10) / 10);
  if (minutes < 48 * 60) return `${trim(minutes / 60)}小时`;
  return `${trim(minutes / 1440)}天`;
}

/** Overdue by: 40分钟 / 3小时 / 2天. */
function overdueBy(minutes: number): string {
  if (minutes < 60) return `${Math.max(1, minutes)}分钟`;
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)}小时`;
  return `${Math.floor(minutes / 1440)}天`;
}

export interface ComposeOptions {
  /** Overdue cases listed by number (the rest are counted). */
  maxOverdue?: number;
}

export function composeReportText(r: Report, opts: ComposeOptions = {}): string {
  const maxOverdue = opts.maxOverdue ?? 5;
  const lines: string[] = [];
  lines.push(`📊 ${r.scope.name}${r.period.name} · ${r.period.label}`);
  lines.push(`受理 ${r.received} · 派单 ${r.dispatched} · 签收 ${r.signed} · 办结 ${r.resolved} · 关闭 ${r.closed}`);
  lines.push(`响应率 ${percent(r.responseRate)} · 解决率 ${percent(r.resolutionRate)} · 满意率 ${percent(r.satisfactionRate)}`);
  lines.push(`当日解决率 ${percent(r.sameDayResolutionRate)} · 按期办结率 ${percent(r.onTimeRate)} · 重办率 ${percent(r.reopenRate)}`);
  lines.push(`签收用时 ${duration(r.medianSignMinutes)} · 办结用时 ${duration(r.medianResolveMinutes)}（中位数）`);

  if (r.overdue) {
    const supervised = r.overdueCases.filter((o) => o.supervised).length;
    lines.push('');
    lines.push(`⚠️ 超期 ${r.overdue} 件${supervised ? `（督办 ${supervised} 件）` : ''}：`);
    for (const o of r.overdueCases.slice(0, maxOverdue)) {
      const what = o.kind === 'sign' ? '未签收' : '未办结';
      lines.push(`· #${o.number} ${o.typeName} ${o.grid ?? ''} ${o.handler ?? '无人承办'} ${what}，超期${overdueBy(o.overdueMinutes)}`.replace(/\s+/g, ' '));
    }
    if (r.overdueCases.length > maxOverdue) lines.push(`· 等 ${r.overdueCases.length - maxOverdue} 件`);
  } else {
    lines.push('✅ 无超期工单');
  }

  if (r.ranking.length >= 2) {
    const best = r.ranking[0]!;
    const worst = r.ranking[r.ranking.length - 1]!;
    lines.push('');
    lines.push(`👍 最佳网格：${best.name}（${gridFigure(r, best.nodeId)}）`);
    lines.push(`👎 待改进：${worst.name}（${gridFigure(r, worst.nodeId)}）`);
  }

  if (r.topProblems.length) {
    lines.push('');
    lines.push(`🔁 高发问题：${r.topProblems.map((t) => `${t.typeName}·${[t.grid, t.place].filter(Boolean).join(' ')} ${t.count}次`).join('；')}`);
  }
  if (r.received === 0 && r.resolved === 0 && r.overdue === 0 && !r.ranking.length) {
    lines.push('本期没有工单。');
  }
  return lines.join('\n');
}

/** The figure a grid is judged by, in words. */
function gridFigure(r: Report, nodeId: number): string {
  const g = r.byGrid.find((x) => x.nodeId === nodeId)!;
  const parts: string[] = [];
  if (g.responseRate !== null) parts.push(`响应 ${percent(g.responseRate)}`);
  if (g.onTimeRate !== null) parts.push(`按期 ${percent(g.onTimeRate)}`);
  if (g.satisfactionRate !== null) parts.push(`满意 ${percent(g.satisfactionRate)}`);
  if (g.overdue) parts.push(`超期 ${g.overdue} 件`);
  return parts.join('，') || '无数据';
}
