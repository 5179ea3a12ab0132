import { BarChart, type BarSeriesOption, LineChart, type LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  type GridComponentOption,
  LegendComponent,
  type LegendComponentOption,
  MarkAreaComponent,
  type MarkAreaComponentOption,
  MarkLineComponent,
  type MarkLineComponentOption,
  TitleComponent,
  type TitleComponentOption,
} from 'echarts/components';
import { type ComposeOption, init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { FailureKind } from '../core/vocabulary.js';
import type { LoadTestSummary } from '../diagnosis/load-test-summary.js';
import { formatClock, formatCount, formatMs } from './format.js';

// Charts of the load test for the HTML report, rendered to SVG strings on the server so the
// report is one file that needs no script to show them. Only the chart types and components
// used here are registered, which keeps the rest of ECharts out of the bundle.

use([
  LineChart,
  BarChart,
  GridComponent,
  LegendComponent,
  TitleComponent,
  MarkLineComponent,
  MarkAreaComponent,
  SVGRenderer,
]);

type ChartOption = ComposeOption<
  | LineSeriesOption
  | BarSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TitleComponentOption
  | MarkLineComponentOption
  | MarkAreaComponentOption
>;

export interface ChartMarker {
  /** Short label drawn at the line, e.g. "#1". */
  label: string;
  /** Epoch milliseconds. */
  at: number;
}

export interface RenderedChart {
  /** Stable id, also the prefix of every id inside the SVG. */
  id: string;
  title: string;
  /** One sentence saying what the chart shows, for the caption and screen readers. */
  description: string;
  svg: string;
  width: number;
  height: number;
}

const WIDE = { width: 960, height: 320 };
const SMALL = { width: 470, height: 250 };
// No quotes: ECharts writes the family into a double-quoted style attribute without escaping it.
const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif';
const ONSET_COLOR = '#c62828';
const PHASE_FILL = 'rgba(120, 130, 150, 0.12)';
const PERCENTILE_COLORS = { p50: '#2e7d32', p90: '#f9a825', p95: '#ef6c00', p99: '#b71c1c' } as const;
const KIND_COLORS: Record<FailureKind, string> = {
  timeout: '#b71c1c',
  'connection-refused': '#6a1b9a',
  'connection-reset': '#ad1457',
  'rate-limited': '#f9a825',
  gateway: '#ef6c00',
  server: '#d84315',
  client: '#5d6d7e',
  assertion: '#1565c0',
  other: '#9e9e9e',
};
const SERIES_COLORS = [
  '#1565c0',
  '#2e7d32',
  '#ef6c00',
  '#6a1b9a',
  '#00838f',
  '#ad1457',
  '#5d4037',
  '#455a64',
];

/**
 * Renders one option to an SVG string. ECharts numbers its SVG ids and CSS classes with counters
 * that live for the whole process, so the same chart would differ between runs and two charts in
 * one page could share ids; both are renumbered here from the chart's own id, in order of first use.
 */
export function renderSvg(id: string, option: ChartOption, size: { width: number; height: number }): string {
  const chart = init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  let svg: string;
  try {
    chart.setOption(option);
    svg = chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
  const classes = new Map<string, string>();
  return svg
    .replace(/zr\d+-cls-\d+/g, (name) => {
      let renamed = classes.get(name);
      if (!renamed) {
        renamed = `${id}-k${classes.size}`;
        classes.set(name, renamed);
      }
      return renamed;
    })
    .replace(/zr\d+-/g, `${id}-`);
}

const axisText = { color: '#4a4f59', fontFamily: FONT, fontSize: 11 };

function base(title: string, legend: boolean): ChartOption {
  return {
    animation: false,
    useUTC: true,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT },
    title: {
      text: title,
      left: 8,
      top: 6,
      textStyle: { fontSize: 14, fontWeight: 600, color: '#1f2328', fontFamily: FONT },
    },
    ...(legend
      ? { legend: { top: 8, right: 12, itemWidth: 16, itemHeight: 8, itemGap: 18, textStyle: axisText } }
      : {}),
    grid: { left: 64, right: 64, top: 60, bottom: 36 },
  };
}

function timeAxis(summary: LoadTestSummary): ChartOption['xAxis'] {
  const t = summary.series.t;
  const first = t[0] ?? 0;
  const last = (t.at(-1) ?? first) + summary.bucketSeconds * 1000;
  return {
    type: 'time',
    min: first,
    max: last,
    axisLabel: { ...axisText, formatter: (value: number) => formatClock(value).slice(0, 5) },
    splitLine: { show: false },
  };
}

function valueAxis(
  name: string,
  log: boolean,
  formatter: (value: number) => string,
  position?: 'left' | 'right',
) {
  return {
    type: log ? ('log' as const) : ('value' as const),
    name,
    nameTextStyle: axisText,
    ...(position ? { position } : {}),
    axisLabel: { ...axisText, formatter },
    splitLine: { lineStyle: { color: '#e6e8ec' } },
    ...(log ? { logBase: 10 } : {}),
  };
}

/** Ramp phases shaded, and one dashed line at each matched finding's onset. */
function annotations(summary: LoadTestSummary, markers: readonly ChartMarker[]): Partial<LineSeriesOption> {
  const ramps = summary.phases.filter((p) => p.name !== 'steady');
  return {
    markArea: {
      silent: true,
      itemStyle: { color: PHASE_FILL },
      label: { color: '#5d6470', fontSize: 10, fontFamily: FONT, position: 'insideTop' },
      data: ramps.map((p) => [{ name: p.name, xAxis: Date.parse(p.start) }, { xAxis: Date.parse(p.end) }]),
    },
    markLine: {
      silent: true,
      symbol: ['none', 'none'],
      lineStyle: { color: ONSET_COLOR, type: 'dashed', width: 1.5 },
      label: { color: ONSET_COLOR, fontSize: 11, fontWeight: 600, fontFamily: FONT, position: 'end' },
      data: markers.map((m) => ({ name: m.label, xAxis: m.at, label: { formatter: m.label } })),
    },
  };
}

/** Legend labels longer than this are cut with an ellipsis; the KPI table has the full name. */
const LEGEND_TEXT_MAX = 240;
const LEGEND_GAP = 24;
/** Rough width of an 11px label character; ECharts measures the same way when it has no canvas. */
const CHAR_WIDTH = 6.2;

function legendRows(names: readonly string[], room: number): number {
  let rows = 1;
  let used = 0;
  for (const name of names) {
    const item = 16 + 5 + Math.min(LEGEND_TEXT_MAX, name.length * CHAR_WIDTH) + LEGEND_GAP;
    if (used > 0 && used + item > room) {
      rows += 1;
      used = 0;
    }
    used += item;
  }
  return rows;
}

const pairs = (t: readonly number[], values: readonly (number | null)[]) =>
  t.map((x, i) => [x, values[i] ?? null] as [number, number | null]);

function line(name: string, color: string, data: Array<[number, number | null]>): LineSeriesOption {
  return {
    type: 'line',
    name,
    data,
    color,
    showSymbol: false,
    lineStyle: { width: 1.6, color },
    emphasis: { disabled: true },
  };
}

/** A log axis cannot show zero; the smallest positive value keeps quiet buckets on the chart. */
function positive(values: readonly (number | null)[]): Array<number | null> {
  return values.map((v) => (v === null || v <= 0 ? null : v));
}

function latencyChart(summary: LoadTestSummary, markers: readonly ChartMarker[]): RenderedChart {
  const s = summary.series;
  const names = ['p50', 'p90', 'p95', 'p99'] as const;
  const series = names.map((name) => line(name, PERCENTILE_COLORS[name], pairs(s.t, positive(s[name]))));
  Object.assign(series[series.length - 1] ?? {}, annotations(summary, markers));
  const option: ChartOption = {
    ...base('Latency percentiles over time', true),
    xAxis: timeAxis(summary),
    yAxis: valueAxis('ms (log)', true, (v) => formatMs(v)),
    series,
  };
  return {
    id: 'chart-latency',
    title: 'Latency percentiles over time',
    description: 'p50, p90, p95 and p99 response time of all endpoints per bucket, on a logarithmic scale.',
    svg: renderSvg('chart-latency', option, WIDE),
    ...WIDE,
  };
}

function throughputChart(summary: LoadTestSummary, markers: readonly ChartMarker[]): RenderedChart {
  const s = summary.series;
  const throughput = { ...line('requests/s', '#1565c0', pairs(s.t, s.throughput)), yAxisIndex: 0 };
  const users: LineSeriesOption = {
    ...line('users', '#6a7280', pairs(s.t, s.users)),
    yAxisIndex: 1,
    step: 'end',
    lineStyle: { width: 1.2, color: '#6a7280', type: 'dotted' },
    areaStyle: { color: 'rgba(106, 114, 128, 0.05)' },
  };
  Object.assign(throughput, annotations(summary, markers));
  const option: ChartOption = {
    ...base('Throughput and concurrency', true),
    xAxis: timeAxis(summary),
    yAxis: [
      valueAxis('req/s', false, (v) => formatCount(v), 'left'),
      { ...valueAxis('users', false, (v) => formatCount(v), 'right'), splitLine: { show: false } },
    ],
    series: [throughput, users],
  };
  return {
    id: 'chart-throughput',
    title: 'Throughput and concurrency',
    description: 'Requests per second (left axis) and active users (right axis) per bucket.',
    svg: renderSvg('chart-throughput', option, WIDE),
    ...WIDE,
  };
}

function errorsChart(summary: LoadTestSummary, markers: readonly ChartMarker[]): RenderedChart {
  const s = summary.series;
  const kinds = (Object.keys(KIND_COLORS) as FailureKind[]).filter((kind) =>
    (s.errorsPerSecond[kind] ?? []).some((v) => v !== null && v > 0),
  );
  const series: LineSeriesOption[] = kinds.map((kind) => ({
    ...line(kind, KIND_COLORS[kind], pairs(s.t, s.errorsPerSecond[kind] ?? [])),
    stack: 'errors',
    areaStyle: { color: KIND_COLORS[kind], opacity: 0.55 },
    lineStyle: { width: 0.8, color: KIND_COLORS[kind] },
  }));
  // With no failures the chart still shows the time axis, the phases and the onsets.
  if (!series.length)
    series.push({
      ...line(
        'errors',
        KIND_COLORS.other,
        pairs(
          s.t,
          s.t.map(() => 0),
        ),
      ),
    });
  Object.assign(series[series.length - 1] ?? {}, annotations(summary, markers));
  const option: ChartOption = {
    ...base('Errors per second by kind', true),
    xAxis: timeAxis(summary),
    yAxis: valueAxis('errors/s', false, (v) => String(Number(v.toPrecision(3)))),
    series,
  };
  return {
    id: 'chart-errors',
    title: 'Errors per second by kind',
    description: `Failed requests per second, stacked by kind${kinds.length ? `: ${kinds.join(', ')}` : ' (none failed)'}.`,
    svg: renderSvg('chart-errors', option, WIDE),
    ...WIDE,
  };
}

function endpointChart(summary: LoadTestSummary, markers: readonly ChartMarker[]): RenderedChart {
  const s = summary.series;
  const names = Object.keys(s.endpointP95).sort();
  const series = names.map((name, i) =>
    line(
      name,
      SERIES_COLORS[i % SERIES_COLORS.length] ?? '#1565c0',
      pairs(s.t, positive(s.endpointP95[name] ?? [])),
    ),
  );
  if (series.length) Object.assign(series[series.length - 1] ?? {}, annotations(summary, markers));
  // The legend sits under the plot and wraps; the plot leaves room for as many rows as it needs.
  const rows = legendRows(names, WIDE.width - 80);
  const size = { width: WIDE.width, height: WIDE.height + 20 * rows };
  const option: ChartOption = {
    ...base('p95 per endpoint', false),
    legend: {
      bottom: 4,
      left: 'center',
      itemWidth: 16,
      itemHeight: 8,
      itemGap: LEGEND_GAP,
      textStyle: { ...axisText, width: LEGEND_TEXT_MAX, overflow: 'truncate' },
    },
    grid: { left: 64, right: 64, top: 60, bottom: 44 + 20 * rows },
    xAxis: timeAxis(summary),
    yAxis: valueAxis('ms (log)', true, (v) => formatMs(v)),
    series,
  };
  return {
    id: 'chart-endpoint-p95',
    title: 'p95 per endpoint',
    description: 'p95 response time per bucket of the busiest endpoints, on a logarithmic scale.',
    svg: renderSvg('chart-endpoint-p95', option, size),
    ...size,
  };
}

function histogramChart(index: number, histogram: LoadTestSummary['histograms'][number]): RenderedChart {
  const bins = [...histogram.bins].sort((a, b) => a.lower - b.lower);
  const id = `chart-histogram-${index + 1}`;
  const option: ChartOption = {
    ...base(histogram.endpoint, false),
    title: {
      text: histogram.endpoint,
      left: 8,
      top: 6,
      textStyle: {
        fontSize: 13,
        fontWeight: 600,
        color: '#1f2328',
        fontFamily: FONT,
        width: SMALL.width - 24,
        overflow: 'truncate',
      },
    },
    grid: { left: 56, right: 16, top: 40, bottom: 32 },
    xAxis: {
      type: 'category',
      data: bins.map((b) => formatMs(b.lower)),
      axisLabel: { ...axisText, hideOverlap: true },
    },
    yAxis: valueAxis('', false, (v) => formatCount(v)),
    series: [
      {
        type: 'bar',
        name: 'requests',
        data: bins.map((b) => b.count),
        color: SERIES_COLORS[index % SERIES_COLORS.length] ?? '#1565c0',
        barCategoryGap: '12%',
        emphasis: { disabled: true },
      },
    ],
  };
  return {
    id,
    title: `Response times of ${histogram.endpoint}`,
    description: `Requests of ${histogram.endpoint} by response time in logarithmic bins; each bar starts at its label.`,
    svg: renderSvg(id, option, SMALL),
    ...SMALL,
  };
}

export interface LoadTestCharts {
  timeline: RenderedChart[];
  histograms: RenderedChart[];
}

/** All charts of a load test; time charts only when the input had a time series. */
export function loadTestCharts(summary: LoadTestSummary, markers: readonly ChartMarker[]): LoadTestCharts {
  const timeline =
    summary.summaryOnly || summary.series.t.length === 0
      ? []
      : [
          latencyChart(summary, markers),
          throughputChart(summary, markers),
          errorsChart(summary, markers),
          ...(Object.keys(summary.series.endpointP95).length ? [endpointChart(summary, markers)] : []),
        ];
  const histograms = [...summary.histograms]
    .filter((h) => h.bins.some((b) => b.count > 0))
    .sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0))
    .map((h, i) => histogramChart(i, h));
  return { timeline, histograms };
}
