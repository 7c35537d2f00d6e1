/**
 * The report's one chart, as an ECharts option (pure data; workers/reports/render-chart.ts
 * draws it to PNG on the server). Top: cases per grid (受理 / 办结 / 超期); bottom: the rates
 * per grid (响应率 / 按期办结率 / 满意率). With `ascii` the labels avoid Chinese, for machines
 * without a CJK font.
 */
import { percent } from './compose.js';
import type { Report } from './report.js';

export const CHART_SIZE = { width: 800, height: 600 } as const;

const COLORS = ['#3b82f6', '#10b981', '#ef4444', '#6366f1', '#f59e0b', '#14b8a6'];

export function reportChartOption(r: Report, opts: { ascii?: boolean; fontFamily?: string } = {}) {
  const ascii = opts.ascii ?? false;
  const grids = [...r.byGrid].sort((a, b) => (a.code ?? a.name).localeCompare(b.code ?? b.name));
  const label = (g: (typeof grids)[number], i: number) => (ascii ? (g.code ?? `G${i + 1}`) : g.name.replace(/^.*?社区/, (m) => (grids.length > 4 ? '' : m)));
  const t = ascii
    ? {
        title: `${r.period.kind.toUpperCase()} REPORT  ${r.period.startDate}${r.period.endDate !== r.period.startDate ? ` - ${r.period.endDate}` : ''}`,
        counts: ['Received', 'Resolved', 'Overdue'],
        rates: ['Response', 'On time', 'Satisfaction'],
        sub: `Received ${r.received}  Resolved ${r.resolved}  Overdue ${r.overdue}  Response ${percent(r.responseRate)}  On time ${percent(r.onTimeRate)}  Satisfaction ${percent(r.satisfactionRate)}`,
        empty: 'No cases in this period',
      }
    : {
        title: `${r.scope.name}${r.period.name} · ${r.period.label}`,
        counts: ['受理', '办结', '超期'],
        rates: ['响应率', '按期办结率', '满意率'],
        sub: `受理 ${r.received}  办结 ${r.resolved}  超期 ${r.overdue}  响应率 ${percent(r.responseRate)}  按期 ${percent(r.onTimeRate)}  满意率 ${percent(r.satisfactionRate)}`,
        empty: '本期没有工单',
      };
  const names = grids.map(label);
  const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);
  const textStyle = opts.fontFamily ? { fontFamily: opts.fontFamily } : {};
  const barLabel = { show: true, position: 'top' as const, fontSize: 11, color: '#374151' };
  return {
    animation: false,
    backgroundColor: '#ffffff',
    color: COLORS,
    textStyle,
    title: [
      { text: t.title, left: 'center', top: 12, textStyle: { fontSize: 20, fontWeight: 'bold' as const, color: '#111827', ...textStyle } },
      { text: t.sub, left: 'center', top: 44, textStyle: { fontSize: 13, fontWeight: 'normal' as const, color: '#4b5563', ...textStyle } },
      ...(grids.length ? [] : [{ text: t.empty, left: 'center', top: 'middle', textStyle: { fontSize: 18, color: '#9ca3af', ...textStyle } }]),
    ],
    legend: [
      { data: t.counts, top: 74, left: 'center', textStyle },
      { data: t.rates, top: 326, left: 'center', textStyle },
    ],
    grid: [
      { left: 56, right: 24, top: 112, height: 180 },
      { left: 56, right: 24, top: 378, height: 180 },
    ],
    xAxis: [
      { type: 'category' as const, gridIndex: 0, data: names, axisLabel: { fontSize: 12, interval: 0, ...textStyle } },
      { type: 'category' as const, gridIndex: 1, data: names, axisLabel: { fontSize: 12, interval: 0, ...textStyle } },
    ],
    yAxis: [
      { type: 'value' as const, gridIndex: 0, minInterval: 1, axisLabel: textStyle },
      { type: 'value' as const, gridIndex: 1, min: 0, max: 100, axisLabel: { formatter: '{value}%', ...textStyle } },
    ],
    series: [
      { name: t.counts[0], type: 'bar' as const, xAxisIndex: 0, yAxisIndex: 0, data: grids.map((g) => g.received), label: barLabel },
      { name: t.counts[1], type: 'bar' as const, xAxisIndex: 0, yAxisIndex: 0, data: grids.map((g) => g.resolved), label: barLabel },
      { name: t.counts[2], type: 'bar' as const, xAxisIndex: 0, yAxisIndex: 0, data: grids.map((g) => g.overdue), label: barLabel },
      { name: t.rates[0], type: 'bar' as const, xAxisIndex: 1, yAxisIndex: 1, data: grids.map((g) => pct(g.responseRate)), label: { ...barLabel, formatter: '{c}%' } },
      { name: t.rates[1], type: 'bar' as const, xAxisIndex: 1, yAxisIndex: 1, data: grids.map((g) => pct(g.onTimeRate)), label: { ...barLabel, formatter: '{c}%' } },
      { name: t.rates[2], type: 'bar' as const, xAxisIndex: 1, yAxisIndex: 1, data: grids.map((g) => pct(g.satisfactionRate)), label: { ...barLabel, formatter: '{c}%' } },
    ],
  };
}
