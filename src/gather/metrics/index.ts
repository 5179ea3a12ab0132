// Metrics evidence: files and Prometheus-compatible servers.

export type { MetricRole, MetricSeries, MetricsData, MetricsFormat } from './data.js';
export { METRIC_ROLE_NAMES, METRIC_ROLES, MetricsDataSchema } from './data.js';
export type { MetricsFileOptions, PrometheusOptions } from './gatherer.js';
export { metricsFileGatherer, prometheusGatherer, readMetricsFile } from './gatherer.js';
export { MAX_SERIES_PER_QUERY, queryPrometheus } from './prometheus.js';
export type { CustomQuery, Exporter, QuerySetEntry, RoleRule, RuleKind } from './query-set.js';
export { CustomQuerySchema, completeQuerySet, DEFAULT_QUERY_SET, ROLE_RULES } from './query-set.js';
export { chooseStep } from './step.js';
