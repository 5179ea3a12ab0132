import { GatherError } from '../gatherer.js';
import type { InputFile } from './input.js';
import { readJsonDocument } from './json-input.js';
import type { LoadTestParser } from './parser.js';
import type { AggregateObservation, SampleSink } from './sample.js';

// k6 end-of-test summaries (totals only, no time series), in the two shapes k6 v0.30 to v1.x write:
// - `--summary-export`: {"metrics": {NAME: {avg, min, med, max, "p(90)", "p(95)"} for trends,
//   {count, rate} for counters, {passes, fails, value} for rates, {value, min, max} for gauges},
//   "root_group": {...}};
// - the `data` object handed to handleSummary(): {"metrics": {NAME: {type, contains, values:
//   {...same keys...}}}, "root_group", "options", "state": {"testRunDurationMs"}}.
// For the rate metric http_req_failed, k6 counts a failed request as a "pass" (the value 1), so
// failures = passes (see grafana/k6#2386). Submetrics are keys like `http_req_duration{name:/x}`;
// those tagged by `name` become their own endpoints, the rest of the requests one more endpoint.

/** Summaries are a few kilobytes; a limit keeps a wrongly detected huge file from filling memory. */
const MAX_SUMMARY_BYTES = 64 * 1024 * 1024;
export const K6_ALL_REQUESTS = 'all requests';
export const K6_OTHER_REQUESTS = 'other requests';

type MetricValues = Record<string, number>;

export const k6SummaryParser: LoadTestParser = {
  format: 'k6-summary',
  expects:
    'k6 --summary-export or handleSummary JSON: {"metrics":{"http_req_duration":{...},"http_reqs":{...}}}',
  detect(head: string): boolean {
    return (
      /^\s*\{/.test(head) &&
      /"metrics"\s*:\s*\{/.test(head) &&
      /"(?:root_group|http_reqs|http_req_duration|iterations|vus_max)"\s*:/.test(head)
    );
  },
  async parse(input: InputFile, sink: SampleSink): Promise<void> {
    const summary = await readJsonDocument(input, 'k6 summary', MAX_SUMMARY_BYTES);
    const metrics = (summary as { metrics?: unknown }).metrics;
    if (typeof metrics !== 'object' || metrics === null) {
      throw new GatherError('parse-error', `${input.path}: expected a "metrics" object in the k6 summary`);
    }
    const values = new Map<string, MetricValues>();
    for (const [name, raw] of Object.entries(metrics)) {
      const v = metricValues(raw);
      if (v) values.set(name, v);
      else sink.problem(1, `metric ${name}: expected numeric values`);
    }
    const durationMs = (summary as { state?: { testRunDurationMs?: unknown } }).state?.testRunDurationMs;
    const concurrency = values.get('vus_max')?.max ?? values.get('vus_max')?.value;
    emitEndpoints(values, sink, concurrency);
    reportChecks(values.get('checks'), sink);
    const length = typeof durationMs === 'number' ? ` (run of ${Math.round(durationMs / 1000)} s)` : '';
    sink.note(
      `k6 summary: totals only, no time series; run k6 with --out json for time-based analysis${length}`,
    );
  },
};

/** The numbers of one metric in either shape (flat in --summary-export, under "values" in handleSummary). */
function metricValues(raw: unknown): MetricValues | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const source = (raw as { values?: unknown }).values ?? raw;
  if (typeof source !== 'object' || source === null) return undefined;
  const out: MetricValues = {};
  for (const [k, v] of Object.entries(source)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}

function emitEndpoints(
  values: Map<string, MetricValues>,
  sink: SampleSink,
  concurrency: number | undefined,
): void {
  const total = values.get('http_reqs')?.count;
  const duration = values.get('http_req_duration');
  if (total === undefined || !duration) return;
  if (!values.has('http_req_failed')) {
    sink.note(
      'k6 summary: no http_req_failed metric (k6 before v0.31); failed requests are unknown and counted as 0',
    );
  }
  let namedCount = 0;
  let namedFailures = 0;
  const skipped: string[] = [];
  for (const [key, trend] of values) {
    const name = submetricName(key, 'http_req_duration');
    if (name === undefined) continue;
    const count = values.get(`http_reqs{name:${name}}`)?.count ?? trend.count;
    if (count === undefined) {
      skipped.push(name);
      continue;
    }
    const failures = failuresOf(values.get(`http_req_failed{name:${name}}`), 0);
    namedCount += count;
    namedFailures += failures;
    sink.aggregate(observation(name, count, failures, trend, concurrency));
  }
  if (skipped.length > 0) {
    sink.note(
      `k6 summary: no request count for ${skipped.length} named submetric(s) (${skipped.slice(0, 3).join(', ')}); add a threshold on http_reqs{name:...} to get one`,
    );
  }
  // The named submetrics are a subset chosen by thresholds; the whole-run trend stands for the rest.
  const rest = total - namedCount;
  if (rest > 0 || namedCount === 0) {
    const failures = Math.max(0, failuresOf(values.get('http_req_failed'), 0) - namedFailures);
    const label = namedCount === 0 ? K6_ALL_REQUESTS : K6_OTHER_REQUESTS;
    sink.aggregate(observation(label, rest, Math.min(failures, rest), duration, concurrency));
  }
}

/** `http_req_duration{name:/x}` → `/x`; undefined for other metrics or other tags. */
function submetricName(key: string, metric: string): string | undefined {
  const prefix = `${metric}{name:`;
  return key.startsWith(prefix) && key.endsWith('}') ? key.slice(prefix.length, -1) : undefined;
}

function failuresOf(rate: MetricValues | undefined, fallback: number): number {
  if (!rate) return fallback;
  if (rate.passes !== undefined) return rate.passes;
  return fallback;
}

function observation(
  label: string,
  count: number,
  failures: number,
  trend: MetricValues,
  concurrency: number | undefined,
): AggregateObservation {
  const quantiles: Array<{ q: number; value: number }> = [];
  for (const [key, value] of Object.entries(trend)) {
    if (key === 'med') quantiles.push({ q: 0.5, value });
    const p = /^p\((\d+(?:\.\d+)?)\)$/.exec(key);
    if (p?.[1]) quantiles.push({ q: Number(p[1]) / 100, value });
  }
  return {
    label,
    count,
    failures,
    quantiles: quantiles.filter((x) => x.q > 0 && x.q <= 1),
    ...(trend.min !== undefined ? { min: trend.min } : {}),
    ...(trend.max !== undefined ? { max: trend.max } : {}),
    ...(trend.avg !== undefined ? { mean: trend.avg } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    line: 1,
  };
}

function reportChecks(checks: MetricValues | undefined, sink: SampleSink): void {
  if (!checks || checks.passes === undefined || checks.fails === undefined) return;
  sink.note(`k6 checks: ${checks.fails} of ${checks.passes + checks.fails} failed`);
}
