import { GatherError, type Gatherer } from '../gatherer.js';
import { describeServer, getJson, type HttpConnection } from '../http/client.js';
import type { MetricSeries, MetricsData } from './data.js';
import { type CustomQuery, DEFAULT_QUERY_SET, type QuerySetEntry } from './query-set.js';
import { sampleValue } from './raw-series.js';
import { delta, subjectOf } from './roles.js';

// A Prometheus-compatible server (Prometheus, Thanos, Mimir, VictoriaMetrics) through its HTTP
// API: which metrics exist in the window (one call), then one query_range per query-set entry
// whose metrics exist. Aggregation happens on the server, in the query set's PromQL; a query that
// fails is recorded with its coded error and the others still run.

/**
 * Points per series the step aims at: enough to see a change lasting a few minutes in a day's
 * window, far below Prometheus' limit of 11,000 points per series.
 */
const TARGET_POINTS = 1100;
/** Never finer than a usual scrape interval: finer steps only repeat samples. */
const MIN_STEP_MS = 15_000;
/** Steps people read easily; the chosen step is the first one at least as large as needed. */
const NICE_STEPS_S = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 86400];
/** Series kept per query; the query set aggregates to pods or instances, so more means a huge fleet. */
const MAX_SERIES_PER_QUERY = 50;

export interface PrometheusOptions {
  window: { start: number; end: number };
  /** Entries added to the default query set (or replacing it with replaceDefaults). */
  querySet?: readonly CustomQuery[];
  replaceDefaults?: boolean;
  stepMs?: number;
}

export function chooseStep(window: { start: number; end: number }): number {
  const needed = Math.max(MIN_STEP_MS, (window.end - window.start) / TARGET_POINTS);
  const nice = NICE_STEPS_S.find((s) => s * 1000 >= needed);
  return nice ? nice * 1000 : Math.ceil(needed / 86_400_000) * 86_400_000;
}

export function prometheusGatherer(
  connection: HttpConnection,
  options: PrometheusOptions,
): Gatherer<'metrics'> {
  return {
    kind: 'metrics',
    name: 'prometheus',
    gather: () => queryPrometheus(connection, options),
  };
}

async function queryPrometheus(connection: HttpConnection, options: PrometheusOptions): Promise<MetricsData> {
  const { start, end } = options.window;
  if (!(end > start)) throw new GatherError('unsupported-format', 'the window must start before it ends');
  const server = describeServer(connection);
  const stepMs = options.stepMs ?? chooseStep(options.window);
  const rateWindow = `${Math.max(60, Math.round((4 * stepMs) / 1000))}s`;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  // Discovery: which metric names have samples in the window. A server that refuses this
  // (credentials, unreachable) fails the whole source: no query would do better.
  const names = await getJson(connection, '/api/v1/label/__name__/values', {
    start: seconds(start),
    end: seconds(end),
  });
  const present = new Set(readNames(names, server));
  const configured = (options.querySet ?? []).map(
    (q): QuerySetEntry => ({ ...q, exporter: q.exporter ?? 'prometheus', requires: q.requires ?? [] }),
  );
  const entries = [...(options.replaceDefaults ? [] : DEFAULT_QUERY_SET), ...configured].filter((q) =>
    q.requires.every((name) => present.has(name)),
  );
  const series: MetricSeries[] = [];
  const queries: MetricsData['queries'] = [];
  const notes: string[] = [];
  for (const entry of entries) {
    const query = entry.promql.replaceAll('$rate', rateWindow);
    try {
      const response = await getJson(
        connection,
        '/api/v1/query_range',
        { query, start: seconds(start), end: seconds(end), step: seconds(stepMs) },
        { method: 'POST' },
      );
      const { result, warnings } = readMatrix(response, server, entry.id);
      for (const warning of warnings) notes.push(`${entry.id}: ${warning}`);
      if (result.length > MAX_SERIES_PER_QUERY) {
        notes.push(`${entry.id}: ${result.length} series; the first ${MAX_SERIES_PER_QUERY} were kept`);
      }
      for (const r of result.slice(0, MAX_SERIES_PER_QUERY)) {
        const labels = Object.fromEntries(
          entry.subjectLabels.filter((k) => r.labels[k] !== undefined).map((k) => [k, r.labels[k] as string]),
        );
        const points = entry.increase ? delta({ metric: entry.id, ...r }, 'increase') : r;
        series.push({
          role: entry.role,
          metric: entry.id,
          labels,
          subject: subjectOf(labels, entry.role) || 'all',
          timestamps: points.timestamps,
          values: points.values,
        });
      }
      queries.push({
        id: entry.id,
        query,
        status: result.length > 0 ? 'ok' : 'empty',
        series: result.length,
      });
    } catch (error) {
      if (!(error instanceof GatherError)) throw error;
      queries.push({
        id: entry.id,
        query,
        status: 'failed',
        series: 0,
        error: { code: error.code, message: error.message },
      });
    }
  }
  if (entries.length > 0 && queries.every((q) => q.status === 'failed')) {
    const first = queries[0]?.error;
    throw new GatherError(
      first?.code ?? 'http-error',
      `every query failed; the first: ${first?.message ?? 'unknown'}`,
    );
  }
  const skipped = DEFAULT_QUERY_SET.length - entries.filter((e) => DEFAULT_QUERY_SET.includes(e)).length;
  if (skipped > 0 && !options.replaceDefaults) {
    notes.push(
      `${skipped} default queries were not sent: their metrics do not exist on ${server} in the window`,
    );
  }
  return { format: 'prometheus-api', series, queries, start, end, stepMs, notes };
}

function readNames(response: unknown, server: string): string[] {
  const r = response as { status?: unknown; data?: unknown };
  if (r?.status !== 'success' || !Array.isArray(r.data)) {
    throw new GatherError(
      'parse-error',
      `${server}: the label values answer is not a Prometheus API response`,
    );
  }
  return r.data.filter((n): n is string => typeof n === 'string');
}

interface MatrixSeries {
  labels: Record<string, string>;
  timestamps: number[];
  values: Array<number | null>;
}

function readMatrix(
  response: unknown,
  server: string,
  id: string,
): { result: MatrixSeries[]; warnings: string[] } {
  const r = response as {
    status?: unknown;
    data?: { resultType?: unknown; result?: unknown };
    warnings?: unknown;
  };
  if (r?.status !== 'success' || r.data?.resultType !== 'matrix' || !Array.isArray(r.data.result)) {
    throw new GatherError('parse-error', `${server}: query ${id}: expected a matrix result`);
  }
  const result = r.data.result.map((s: { metric?: Record<string, string>; values?: unknown }) => {
    const timestamps: number[] = [];
    const values: Array<number | null> = [];
    for (const pair of Array.isArray(s.values) ? s.values : []) {
      if (!Array.isArray(pair) || typeof pair[0] !== 'number') continue;
      timestamps.push(Math.round(pair[0] * 1000));
      values.push(sampleValue(String(pair[1])) ?? null);
    }
    return { labels: s.metric ?? {}, timestamps, values };
  });
  const warnings = Array.isArray(r.warnings) ? r.warnings.map(String) : [];
  return { result, warnings };
}
