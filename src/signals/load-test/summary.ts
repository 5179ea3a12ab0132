import type { FailureKind } from '../../core/vocabulary.js';
import type { Kpis, LoadTestSummary } from '../../diagnosis/load-test-summary.js';
import { DDSketch } from '../../stats/ddsketch.js';
import { subtractSketch } from '../../stats/sketch-ops.js';
import { ALL, analyse, type SubjectSeries } from './analysis.js';
import type { LoadTestSource } from './merge.js';
import { iso } from './signals.js';

// The KPIs and series a report shows next to the findings, from the same merged view as the signals.

/** Per-endpoint p95 series are kept for the 8 busiest endpoints: more lines make an unreadable chart. */
const MAX_ENDPOINT_SERIES = 8;
/** At most 40 histogram bins: enough to show two modes, few enough to read. */
const MAX_HISTOGRAM_BINS = 40;
/** The most frequent failures listed in a report; the rest are in the counts by kind and status. */
const MAX_FAILURE_ROWS = 10;

export function loadTestSummary(
  sources: ReadonlyArray<LoadTestSource>,
  options: { apdexThresholdMs: number },
): LoadTestSummary {
  const a = analyse(sources);
  const run = a.run;
  const durationSeconds = run.summaryOnly ? null : (run.end - run.start) / 1000;
  const all = a.subject(ALL);
  const maxUsers = a.hasUsers ? Math.max(...a.users.map((u) => u ?? 0)) : undefined;
  const overall = kpis(all, durationSeconds, options.apdexThresholdMs, maxUsers);
  const endpoints = run.endpoints.map((e) => ({
    name: e.name,
    ...kpis(a.subject(e.name), durationSeconds, options.apdexThresholdMs, undefined),
  }));
  const seconds = a.bucketSeconds;
  const allNative = nativeBuckets(run.endpoints.flatMap((e) => [...e.buckets.entries()]));
  const quantileSeries = (q: number) =>
    a.grid.map((t) => {
      const sketch = allNative.get(t);
      return sketch && sketch.count > 0 ? sketch.quantile(q) : null;
    });
  const kinds = new Set<FailureKind>();
  for (const e of run.endpoints)
    for (const k of Object.keys(e.total.failureKinds) as FailureKind[]) kinds.add(k);
  const errorsPerSecond: Partial<Record<FailureKind, Array<number | null>>> = {};
  for (const kind of kinds) {
    errorsPerSecond[kind] = a.grid.map((t) => {
      let n = 0;
      for (const e of run.endpoints) n += e.buckets.get(t)?.failureKinds[kind] ?? 0;
      return n / seconds;
    });
  }
  const busiest = [...run.endpoints]
    .sort((x, y) => y.total.count - x.total.count)
    .slice(0, MAX_ENDPOINT_SERIES);
  const endpointP95: Record<string, Array<number | null>> = {};
  for (const e of busiest) {
    endpointP95[e.name] = a.grid.map((t) => {
      const s = e.buckets.get(t);
      return s && s.count > 0 ? s.latency.quantile(0.95) : null;
    });
  }
  const phases: LoadTestSummary['phases'] = [];
  if (!run.summaryOnly && a.grid.length > 0) {
    const at = (i: number) =>
      Math.min(Math.max(a.grid[Math.min(i, a.grid.length - 1)] ?? run.start, run.start), run.end);
    const { steadyStart, steadyEnd } = a.phases;
    const steadyFrom = steadyStart === 0 ? run.start : at(steadyStart);
    const steadyTo = steadyEnd >= a.grid.length ? run.end : at(steadyEnd);
    if (steadyStart > 0) phases.push({ name: 'ramp-up', start: iso(run.start), end: iso(steadyFrom) });
    phases.push({ name: 'steady', start: iso(steadyFrom), end: iso(steadyTo) });
    if (steadyEnd < a.grid.length)
      phases.push({ name: 'ramp-down', start: iso(steadyTo), end: iso(run.end) });
  }
  return {
    formats: run.formats,
    summaryOnly: run.summaryOnly,
    ...(run.summaryOnly ? {} : { start: iso(run.start), end: iso(run.end) }),
    durationSeconds,
    bucketSeconds: seconds,
    apdexThresholdMs: options.apdexThresholdMs,
    phases,
    overall,
    endpoints,
    series: {
      t: a.grid,
      users: a.grid.map((_, i) => a.users[i] ?? null),
      throughput: a.throughput.map((x) => x),
      errorsPerSecond,
      p50: quantileSeries(0.5),
      p90: quantileSeries(0.9),
      p95: quantileSeries(0.95),
      p99: quantileSeries(0.99),
      endpointP95,
    },
    histograms: run.endpoints.map((e) => ({ endpoint: e.name, bins: histogram(e.total.latency) })),
    failures: run.endpoints
      .flatMap((e) =>
        e.failures.map((f) => ({
          endpoint: e.name,
          kind: f.kind,
          status: f.status,
          message: f.message,
          count: f.count,
          source: { type: 'file' as const, path: f.path, ...(f.firstLine > 0 ? { line: f.firstLine } : {}) },
        })),
      )
      .sort(
        (x, y) =>
          y.count - x.count || x.endpoint.localeCompare(y.endpoint) || x.message.localeCompare(y.message),
      )
      .slice(0, MAX_FAILURE_ROWS),
    notes: run.notes,
  };
}

/** Sketches of all endpoints merged per bucket start (copies: the endpoints' own stay untouched). */
function nativeBuckets(entries: Array<[number, { latency: DDSketch }]>): Map<number, DDSketch> {
  const merged = new Map<number, DDSketch>();
  for (const [t, s] of entries) {
    let target = merged.get(t);
    if (!target) {
      target = new DDSketch(s.latency.alpha);
      merged.set(t, target);
    }
    target.merge(s.latency);
  }
  return merged;
}

function kpis(
  s: SubjectSeries,
  durationSeconds: number | null,
  apdexT: number,
  maxUsers: number | undefined,
): Kpis {
  const { count, failures, latency } = s.total;
  const q = (p: number) => (count > 0 ? latency.quantile(p) : null);
  return {
    requests: count,
    failures,
    errorRate: count > 0 ? Math.min(1, failures / count) : 0,
    throughput: durationSeconds !== null && durationSeconds > 0 ? count / durationSeconds : null,
    mean: count > 0 ? latency.mean : null,
    p50: q(0.5),
    p90: q(0.9),
    p95: q(0.95),
    p99: q(0.99),
    p999: q(0.999),
    max: count > 0 ? latency.max : null,
    apdex: apdex(s, apdexT),
    receivedBytes: s.total.receivedBytes,
    sentBytes: s.total.sentBytes,
    maxConcurrency: maxUsers ?? s.total.concurrency ?? null,
    statuses: s.total.statuses,
    failureKinds: s.total.failureKinds,
  };
}

/**
 * Apdex: satisfied (≤ T) plus half the tolerating (≤ 4T) over all requests, failures frustrated.
 * Successful latencies are all latencies minus the failed ones; when the tool gave no latencies for
 * failures (aggregates), failures are assumed spread like all requests.
 */
function apdex(s: SubjectSeries, t: number): number | null {
  const { count, failures, latency } = s.total;
  if (count === 0) return null;
  const failed = s.failedLatency;
  const exact = failed.count >= failures * 0.99;
  const success = exact ? subtractSketch(latency.toJSON(), failed.toJSON()) : latency;
  const successCount = count - failures;
  if (successCount <= 0 || success.count === 0) return 0;
  const satisfied = success.rankOf(t) * successCount;
  const tolerating = success.rankOf(4 * t) * successCount - satisfied;
  return Math.max(0, Math.min(1, (satisfied + tolerating / 2) / count));
}

/** Log-spaced bins built from whole runs of sketch bins, so counts are exact. */
function histogram(sketch: DDSketch): Array<{ lower: number; upper: number; count: number }> {
  const json = sketch.toJSON();
  const bins: Array<{ lower: number; upper: number; count: number }> = [];
  if (json.count === 0) return bins;
  if (json.zero > 0) bins.push({ lower: 0, upper: 1e-3, count: json.zero });
  const gamma = (1 + json.alpha) / (1 - json.alpha);
  const size = Math.max(1, Math.ceil(json.bins.length / (MAX_HISTOGRAM_BINS - bins.length)));
  for (let i = 0; i < json.bins.length; i += size) {
    let count = 0;
    for (let j = i; j < Math.min(i + size, json.bins.length); j++) count += json.bins[j] ?? 0;
    const lowIndex = json.offset + i;
    const highIndex = json.offset + Math.min(i + size, json.bins.length) - 1;
    bins.push({ lower: gamma ** (lowIndex - 1), upper: gamma ** highIndex, count });
  }
  // Trim empty bins at both ends (the sketch's own trimming keeps them non-empty, groups may not be).
  while (bins.length > 0 && bins[bins.length - 1]?.count === 0) bins.pop();
  return bins;
}
