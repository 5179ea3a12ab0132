import type {
  ComparisonResult,
  EndpointComparison,
  MetricComparison,
  MetricVerdict,
} from '../compare/result.js';

// The cells every comparison renderer shows, formatted once so that the terminal, Markdown and
// HTML forms say the same thing in the same words.

export interface CompareRow {
  endpoint: string;
  metric: string;
  baseline: string;
  current: string;
  change: string;
  p: string;
  verdict: MetricVerdict;
  reason: string;
}

const METRIC_LABELS: Record<string, string> = {
  requests: 'requests',
  throughput: 'throughput',
  errorRate: 'error rate',
  p50: 'p50',
  p90: 'p90',
  p95: 'p95',
  p99: 'p99',
  distribution: 'distribution',
};

export function compareRows(result: ComparisonResult): CompareRow[] {
  return [result.overall, ...result.endpoints].flatMap(endpointRows);
}

function endpointRows(endpoint: EndpointComparison): CompareRow[] {
  const rows = endpoint.metrics.map((m) => metricRow(endpoint.name, m));
  const d = endpoint.distribution;
  if (d) {
    rows.push({
      endpoint: endpoint.name,
      metric: METRIC_LABELS.distribution ?? 'distribution',
      baseline: '',
      current: `P(slower) ${(d.superiority * 100).toFixed(1)}%`,
      change: `δ ${d.cliffsDelta > 0 ? '+' : d.cliffsDelta < 0 ? '−' : '±'}${Math.abs(d.cliffsDelta).toFixed(3)}`,
      p: formatP(d.test.adjustedPValue),
      verdict: d.verdict,
      reason: d.reason,
    });
  }
  return rows;
}

function metricRow(endpoint: string, m: MetricComparison): CompareRow {
  return {
    endpoint,
    metric: METRIC_LABELS[m.metric] ?? m.metric,
    baseline: formatValue(m.baseline, m.unit),
    current: formatValue(m.current, m.unit),
    change: formatChange(m),
    p: m.test ? formatP(m.test.adjustedPValue) : '',
    verdict: m.verdict,
    reason: m.reason,
  };
}

export function formatValue(value: number | null, unit: MetricComparison['unit']): string {
  if (value === null) return '–';
  switch (unit) {
    case 'ms':
      return value >= 10_000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 10 ? 2 : 1)} ms`;
    case 'fraction':
      return `${(value * 100).toFixed(2)}%`;
    case 'per-second':
      return `${value.toFixed(1)}/s`;
    case 'count':
      return Number.isInteger(value) ? String(value) : value.toFixed(1);
  }
}

export function formatChange(m: MetricComparison): string {
  if (m.absolute === null) return '–';
  const sign = m.absolute > 0 ? '+' : m.absolute < 0 ? '−' : '±';
  const magnitude = Math.abs(m.absolute);
  if (m.unit === 'fraction') return `${sign}${(magnitude * 100).toFixed(2)} pp`;
  const relative = m.relative === null ? '' : ` (${sign}${Math.abs(m.relative * 100).toFixed(1)}%)`;
  return `${sign}${formatValue(magnitude, m.unit)}${relative}`;
}

export function formatP(p: number): string {
  if (p < 1e-4) return '<0.0001';
  return p.toFixed(4);
}

export const VERDICT_LABELS: Record<MetricVerdict, string> = {
  regression: 'REGRESSION',
  improvement: 'improvement',
  unchanged: 'unchanged',
  'insufficient-data': 'too few requests',
  'not-tested': '',
};

export function headline(result: ComparisonResult): string {
  const { regressions, improvements } = result.summary;
  switch (result.verdict) {
    case 'regression':
      return `Regression: ${regressions} significant regression${regressions === 1 ? '' : 's'}${improvements ? `, ${improvements} improvement${improvements === 1 ? '' : 's'}` : ''}`;
    case 'improvement':
      return `Improvement: ${improvements} significant improvement${improvements === 1 ? '' : 's'}, no regression`;
    case 'unchanged':
      return 'Unchanged: no change that is both significant and practically relevant';
    case 'inconclusive':
      return 'Inconclusive: too few requests to test any metric';
  }
}

export function sideLine(label: string, side: ComparisonResult['baseline']): string {
  const duration = side.durationSeconds === null ? 'no duration' : `${side.durationSeconds.toFixed(0)} s`;
  return `${label}: ${side.files} file${side.files === 1 ? '' : 's'}, ${side.requests} requests, ${side.endpoints} endpoints, ${duration}${side.start ? `, from ${side.start}` : ''}`;
}

export function criteriaLine(result: ComparisonResult): string {
  const o = result.options;
  return `Verdicts need ${o.correction === 'holm' ? 'Holm' : 'Bonferroni'}-adjusted p < ${o.alpha} over ${result.summary.tests} tests AND a change of at least ${(o.minRelativeChange * 100).toFixed(0)}% and ${o.minLatencyChangeMs} ms (latency) or ${(o.minErrorRateChange * 100).toFixed(2)} pp (error rate).`;
}
