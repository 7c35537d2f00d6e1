/**
 * Draws the report chart to PNG on the server, without a browser: ECharts renders SVG
 * (server-side rendering), resvg turns it into PNG with a CJK font from the machine.
 * Without a CJK font (no fonts-noto-cjk, no REPORT_FONT_FILE) the chart falls back to
 * ASCII labels rather than drawing empty boxes.
 */
import { existsSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { createRequire } from 'node:module';
import type * as Echarts from 'echarts/types/dist/echarts';
import { CHART_SIZE, reportChartOption } from '../../core/reports/chart.js';
import type { Report } from '../../core/reports/report.js';

/** Where Debian/Ubuntu (fonts-noto-cjk, fonts-wqy-*, fonts-droid-fallback) and others put CJK fonts. */
const CJK_FONT_CANDIDATES: { file: string; family: string }[] = [
  { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'Noto Sans CJK SC' },
  { file: '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc', family: 'Noto Sans CJK SC' },
  { file: '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc', family: 'Noto Sans CJK SC' },
  { file: '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc', family: 'Noto Serif CJK SC' },
  { file: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYi Micro Hei' },
  { file: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', family: 'WenQuanYi Zen Hei' },
  { file: '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf', family: 'Droid Sans Fallback' },
  { file: '/System/Library/Fonts/PingFang.ttc', family: 'PingFang SC' },
];

// ECharts' type declarations do not resolve as ES modules under NodeNext; its CommonJS build does.
const echarts = createRequire(import.meta.url)('echarts') as typeof Echarts;

export interface ChartFont {
  file: string;
  family: string;
}

/** The CJK font to draw with: `REPORT_FONT_FILE` (+ `REPORT_FONT_FAMILY`) first, then the usual places. */
export function findCjkFont(env: Record<string, string | undefined> = process.env): ChartFont | null {
  if (env.REPORT_FONT_FILE && existsSync(env.REPORT_FONT_FILE)) return { file: env.REPORT_FONT_FILE, family: env.REPORT_FONT_FAMILY ?? '' };
  return CJK_FONT_CANDIDATES.find((c) => existsSync(c.file)) ?? null;
}

export interface RenderedChart {
  png: Buffer;
  width: number;
  height: number;
  /** Whether the labels are Chinese (a CJK font was found) or the ASCII fallback. */
  cjk: boolean;
}

/** The report's chart as PNG. `font: null` forces the ASCII fallback. */
export function renderReportChart(report: Report, opts: { font?: ChartFont | null; width?: number; height?: number } = {}): RenderedChart {
  const font = opts.font === undefined ? findCjkFont() : opts.font;
  const width = opts.width ?? CHART_SIZE.width;
  const height = opts.height ?? CHART_SIZE.height;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  let svg: string;
  try {
    chart.setOption(reportChartOption(report, { ascii: !font, fontFamily: font?.family || undefined }));
    svg = chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: width },
    background: '#ffffff',
    font: font
      ? { fontFiles: [font.file], loadSystemFonts: false, defaultFontFamily: font.family || undefined, sansSerifFamily: font.family || undefined }
      : { loadSystemFonts: true },
  });
  const png = resvg.render().asPng();
  return { png: Buffer.from(png), width, height, cjk: !!font };
}

/** A PNG as a data URL (what the sim channel shows inline). */
export const pngDataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;
