import { GatherError } from '../gatherer.js';
import { describeServer, getJson, type HttpConnection } from '../http/client.js';
import type { MetricSeries, MetricsData } from './data.js';
import { discoverMetrics, discoverScrapeInterval, seconds } from './discovery.js';
import { type MatrixSeries, readMatrixAnswer } from './query-response.js';
import { type CustomQuery, completeQuerySet, DEFAULT_QUERY_SET, type QuerySetEntry } from './query-set.js';
import { delta, subjectOf } from './roles.js';
import { allowedStep, chooseStep, promDuration, rateWindowMs } from './step.js';

// A Prometheus-compatible server (Prometheus, Thanos, Mimir, VictoriaMetrics) through its HTTP
// API: which metrics exist in the window (one call), then one query_range per query-set entry
// whose metrics exist. Aggregation happens on the server, in the query set's PromQL, and each
// query is capped there with topk; a query that fails is recorded with its coded error and the
// others still run.

/**
 * Series kept per query. The query set aggregates to pods or instances, so more than this means a
 * large fleet; the worst ones (highest, or lowest for free disk and targets up) are the ones an
 * incident is about. topk() is evaluated per step, so the union over the window can exceed it a
 * little; the excess is dropped here with a note.
 */
export const MAX_SERIES_PER_QUERY = 100;
/** Queries in flight at once: fast on a healthy server, gentle on a struggling one. */
const CONCURRENCY = 4;

export interface PrometheusOptions {
  window: { start: number; end: number };
  /** Entries added to the default query set (or replacing it with replaceDefaults). */
  querySet?: readonly CustomQuery[];
  replaceDefaults?: boolean;
  /** Resolution; by default chosen from the window and the server's scrape interval. */
  stepMs?: number;
}

export async function queryPrometheus(
  connection: HttpConnection,
  options: PrometheusOptions,
): Promise<MetricsData> {
  const { window } = options;
  if (!(window.end > window.start))
    throw new GatherError('unsupported-format', 'the window must start before it ends');
  const plan = await planQueries(connection, options);
  const outcomes = await inPool(plan.selected, CONCURRENCY, (entry) =>
    runQuery(connection, entry, { ...window, stepMs: plan.stepMs }, plan.placeholders),
  );
  const assembled = assemble(plan.selected, outcomes);
  if (plan.selected.length > 0 && assembled.queries.every((q) => q.status === 'failed')) {
    const first = assembled.queries[0]?.error;
    throw new GatherError(
      first?.code ?? 'http-error',
      `every query failed; the first: ${first?.message ?? 'unknown'}`,
    );
  }
  return {
    format: 'prometheus-api',
    series: assembled.series,
    queries: assembled.queries,
    start: window.start,
    end: window.end,
    stepMs: plan.stepMs,
    notes: [...plan.notes, ...assembled.notes],
  };
}

interface QueryPlan {
  /** The entries whose metrics exist, in query-set order. */
  selected: QuerySetEntry[];
  stepMs: number;
  placeholders: { rate: string; step: string };
  notes: string[];
}

/** The query set, what discovery says exists of it, and the step and rate window to ask with. */
async function planQueries(connection: HttpConnection, options: PrometheusOptions): Promise<QueryPlan> {
  const { window } = options;
  const entries = completeQuerySet(options.replaceDefaults ? [] : DEFAULT_QUERY_SET, options.querySet ?? []);
  const discovery = await discoverMetrics(
    connection,
    window,
    entries.flatMap((e) => e.requires),
  );
  const scrapeIntervalMs = await discoverScrapeInterval(connection);
  const notes = [...discovery.notes];
  const stepMs = options.stepMs ? allowedStep(window, options.stepMs) : chooseStep(window, scrapeIntervalMs);
  if (options.stepMs && stepMs !== options.stepMs)
    notes.push(
      `the step was raised from ${options.stepMs / 1000} s to ${stepMs / 1000} s: the server allows 11,000 points per series`,
    );
  const present = discovery.present;
  const selected = present ? entries.filter((e) => e.requires.every((name) => present.has(name))) : entries;
  notes.push(...discoveryNotes(entries, selected, present, describeServer(connection)));
  return {
    selected,
    stepMs,
    placeholders: { rate: promDuration(rateWindowMs(stepMs, scrapeIntervalMs)), step: promDuration(stepMs) },
    notes,
  };
}

type Outcome =
  | { query: string; result: MatrixSeries[]; warnings: string[] }
  | { query: string; error: GatherError };

async function runQuery(
  connection: HttpConnection,
  entry: QuerySetEntry,
  range: { start: number; end: number; stepMs: number },
  placeholders: { rate: string; step: string },
): Promise<Outcome> {
  const expression = entry.promql
    .replaceAll('$rate', placeholders.rate)
    .replaceAll('$step', placeholders.step);
  const query = `${entry.worst === 'low' ? 'bottomk' : 'topk'}(${MAX_SERIES_PER_QUERY}, ${expression})`;
  try {
    // POST: the query set's PromQL can be long, and URLs have length limits on the way.
    const answer = await getJson(
      connection,
      '/api/v1/query_range',
      { query, start: seconds(range.start), end: seconds(range.end), step: seconds(range.stepMs) },
      { method: 'POST' },
    );
    return {
      query,
      ...readMatrixAnswer(answer, `${describeServer(connection)}/api/v1/query_range (${entry.id})`),
    };
  } catch (error) {
    if (error instanceof GatherError) return { query, error };
    throw error;
  }
}

/**
 * Outcomes into series and query records, in query-set order: an entry that is a fallback of
 * others contributes only subjects they did not return, so one subject's role is never counted twice.
 */
function assemble(
  entries: readonly QuerySetEntry[],
  outcomes: readonly Outcome[],
): { series: MetricSeries[]; queries: MetricsData['queries']; notes: string[] } {
  const series: MetricSeries[] = [];
  const queries: MetricsData['queries'] = [];
  const notes: string[] = [];
  const subjectsOf = new Map<string, Set<string>>();
  entries.forEach((entry, i) => {
    const outcome = outcomes[i] as Outcome;
    if ('error' in outcome) {
      const { code, message } = outcome.error;
      queries.push({
        id: entry.id,
        query: outcome.query,
        status: 'failed',
        series: 0,
        error: { code, message },
      });
      return;
    }
    for (const warning of outcome.warnings) notes.push(`${entry.id}: ${warning}`);
    const kept = worstOf(outcome.result, entry.worst ?? 'high', MAX_SERIES_PER_QUERY);
    if (outcome.result.length >= MAX_SERIES_PER_QUERY) {
      const which = entry.worst === 'low' ? 'lowest' : 'highest';
      notes.push(
        `${entry.id}: ${outcome.result.length} series, the cap is ${MAX_SERIES_PER_QUERY} per query: the ${kept.length} ${which} were kept, other subjects may be missing`,
      );
    }
    const covered = new Set((entry.fallbackOf ?? []).flatMap((id) => [...(subjectsOf.get(id) ?? [])]));
    const own = new Set<string>();
    for (const r of kept) {
      const made = toSeries(entry, r);
      if (covered.has(made.subject)) continue;
      own.add(made.subject);
      series.push(made);
    }
    subjectsOf.set(entry.id, own);
    queries.push({
      id: entry.id,
      query: outcome.query,
      status: outcome.result.length > 0 ? 'ok' : 'empty',
      series: outcome.result.length,
    });
  });
  return { series, queries, notes };
}

function toSeries(entry: QuerySetEntry, r: MatrixSeries): MetricSeries {
  const labels = Object.fromEntries(
    entry.subjectLabels.filter((k) => r.labels[k] !== undefined).map((k) => [k, r.labels[k] as string]),
  );
  const points = entry.increase ? delta({ metric: entry.id, ...r }, 'increase') : r;
  return {
    role: entry.role,
    metric: entry.id,
    labels,
    subject: subjectOf(labels, entry.role) || 'all',
    timestamps: points.timestamps,
    values: points.values,
  };
}

/** The `n` series with the highest (or lowest) peak, in their original order. */
function worstOf(result: readonly MatrixSeries[], worst: 'high' | 'low', n: number): MatrixSeries[] {
  if (result.length <= n) return [...result];
  const peak = (s: MatrixSeries) => {
    const values = s.values.filter((v): v is number => v !== null);
    if (values.length === 0) return Number.NEGATIVE_INFINITY;
    return worst === 'low' ? -Math.min(...values) : Math.max(...values);
  };
  const chosen = new Set(
    result
      .map((s, i) => ({ i, peak: peak(s) }))
      .sort((a, b) => b.peak - a.peak || a.i - b.i)
      .slice(0, n)
      .map((x) => x.i),
  );
  return result.filter((_, i) => chosen.has(i));
}

function discoveryNotes(
  entries: readonly QuerySetEntry[],
  selected: readonly QuerySetEntry[],
  present: ReadonlySet<string> | undefined,
  server: string,
): string[] {
  if (!present) return [];
  const exporters = [...new Set(selected.map((e) => e.exporter))].sort();
  const notes = [
    exporters.length
      ? `metrics found on ${server} in the window: ${exporters.join(', ')}`
      : `none of the query set's metrics exist on ${server} in the window`,
  ];
  const skipped = entries.length - selected.length;
  if (skipped > 0)
    notes.push(`${skipped} queries were not sent: their metrics do not exist on ${server} in the window`);
  return notes;
}

/** Runs `task` over `items` with at most `limit` at once; results in the order of `items`. */
async function inPool<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
