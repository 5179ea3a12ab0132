// Metrics evidence: files and Prometheus-compatible servers.

export type { MetricRole, MetricSeries, MetricsData, MetricsFormat } from './data.js';
export { METRIC_ROLE_NAMES, METRIC_ROLES, MetricsDataSchema } from './data.js';
export type { MetricsFileOptions } from './gatherer.js';
export { metricsFileGatherer, readMetricsFile } from './gatherer.js';
export type { PrometheusOptions } from './prometheus.js';
export { chooseStep, prometheusGatherer } from './prometheus.js';
export type { CustomQuery, QuerySetEntry, RoleRule } from './query-set.js';
export { DEFAULT_QUERY_SET, ROLE_RULES } from './query-set.js';
