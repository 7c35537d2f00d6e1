import { describe, expect, it } from 'vitest';
import { CHART_SIZE, reportChartOption } from '../../../core/reports/chart.js';
import { periodContaining } from '../../../core/reports/period.js';
import { buildReport } from '../../../core/reports/report.js';
import { findCjkFont, renderReportChart } from '../../../workers/reports/render-chart.js';
import { fixtureCases, fixtureNames, sh } from './fixtures.js';

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const report = buildReport({
  period: periodContaining('week', sh('2026-11-25T12:00:00')),
  asOf: sh('2026-12-10T12:00:00'),
  scope: { nodeId: 9, name: '幸福社区' },
  cases: fixtureCases(),
  names: fixtureNames,
});

describe('the report chart', () => {
  it('renders a non-empty PNG of the stated size on the server', () => {
    const c = renderReportChart(report);
    expect(pngSize(c.png)).toEqual(CHART_SIZE);
    expect(c.png.length).toBeGreaterThan(10_000);
    // With a CJK font installed (CI installs fonts-noto-cjk) the labels are Chinese.
    expect(c.cjk).toBe(findCjkFont() !== null);
  });

  it('falls back to ASCII labels without a CJK font, still a full-size PNG', () => {
    const c = renderReportChart(report, { font: null, width: 640, height: 480 });
    expect(c.cjk).toBe(false);
    expect(pngSize(c.png)).toEqual({ width: 640, height: 480 });
    const opt = reportChartOption(report, { ascii: true });
    expect(JSON.stringify(opt)).not.toMatch(/[\u4e00-\u9fff]/);
    expect(opt.xAxis[0]!.data).toEqual(['hp-xf-01', 'hp-xf-02']);
  });

  it('draws per grid: counts on top, rates in percent below', () => {
    const opt = reportChartOption(report);
    expect(opt.xAxis[0]!.data).toEqual(['幸福社区第一网格', '幸福社区第二网格']);
    expect(opt.series.map((s) => [s.name, s.data])).toEqual([
      ['受理', [4, 1]],
      ['办结', [2, 0]],
      ['超期', [0, 1]],
      ['响应率', [100, 0]],
      ['按期办结率', [100, null]],
      ['满意率', [95, 0]],
    ]);
  });
});
