import type { Gatherer } from '../gatherer.js';
import type { HttpConnection } from '../http/client.js';
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
 */
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
