import { type Gatherer, PartialData } from '../gatherer.js';
import type { HttpConnection } from '../http/client.js';
import type { MetricsData } from './data.js';
import { type MetricsFileOptions, readMetricsFile } from './files.js';
import { type PrometheusOptions, queryPrometheus } from './prometheus.js';

// The two gatherers of metrics evidence: files, and Prometheus-compatible servers. The source
// pointer a task gives them is where the evidence is said to come from; what they read is fixed
// when they are made.

export type { MetricsFileOptions } from './files.js';
export { readMetricsFile } from './files.js';
export type { PrometheusOptions } from './prometheus.js';

/** Reads the metric file a task's `{ type: 'file', path }` source names. */
export function metricsFileGatherer(options: MetricsFileOptions = {}): Gatherer<'metrics'> {
  return {
    kind: 'metrics',
    name: 'metrics-file',
    gather: (source) => readMetricsFile(source, options),
  };
}

/**
 * Queries a Prometheus-compatible server over `options.window` with the default query set (plus
 * or instead of `options.querySet`). Its task's source is
 * `{ type: 'query', language: 'promql', query: 'default query set', server: describeServer(connection), range }`.
 * When some queries failed, or the server said an answer was partial (Thanos and Mimir do when a
 * store is down), the series that did arrive are kept as partial data.
 */
export function prometheusGatherer(
  connection: HttpConnection,
  options: PrometheusOptions,
): Gatherer<'metrics', MetricsData | PartialData<MetricsData>> {
  return {
    kind: 'metrics',
    name: 'prometheus',
    gather: async () => {
      const data = await queryPrometheus(connection, options);
      const failed = data.queries.filter((q) => q.status === 'failed');
      const partialAnswers = data.notes.filter((n) => /\bpartial\b/i.test(n));
      if (failed.length === 0 && partialAnswers.length === 0) return data;
      const first = failed[0];
      const message = first
        ? `${failed.length} of ${data.queries.length} queries failed (first: ${first.id}: ${first.error?.code}: ${first.error?.message}); the roles they measure are missing`
        : `the server answered in part: ${partialAnswers[0]}`;
      return new PartialData(data, { code: 'partial', message });
    },
  };
}
