import type { MetricRole } from './data.js';

// Which real metrics play which role. Two views of the same knowledge:
// - rules for raw series read from files (OpenMetrics text, query_range exports of raw selectors,
//   CSV columns named after metrics): match a metric name, turn counters into rates, sum the
//   labels that do not identify the subject;
// - PromQL for servers: the same aggregation pushed down, so Faultline never pulls raw
//   high-cardinality series it does not need.
// Metric names are those of node exporter, cAdvisor/kubelet, kube-state-metrics, the Prometheus
// client libraries' process and runtime collectors (Go, Node.js prom-client, JVM Micrometer),
// HikariCP and Tomcat through Micrometer, postgres_exporter, mysqld_exporter, redis_exporter,
// kafka_exporter, the NATS exporter and Prometheus itself.

export type Exporter =
  | 'node'
  | 'cadvisor'
  | 'kube-state-metrics'
  | 'process'
  | 'nodejs'
  | 'jvm'
  | 'go'
  | 'http'
  | 'postgres'
  | 'mysql'
  | 'redis'
  | 'kafka'
  | 'nats'
  | 'prometheus';

/** How a raw series becomes a role series. */
export type RuleKind =
  /** The value as it is. */
  | 'gauge'
  /** A cumulative counter: per-second rate between samples, resets handled. */
  | 'counter'
  /** A cumulative counter: the increase between samples (restarts, OOM kills per interval). */
  | 'increase';

export interface RoleRule {
  metric: string;
  role: MetricRole;
  kind: RuleKind;
  exporter: Exporter;
  /** Only samples whose labels have these values (a regular expression per label, fully anchored). */
  labels?: Record<string, string>;
  /**
   * The denominator of a ratio role: a second metric summed over the same subject (throttled periods
   * over all periods; busy CPU seconds over all CPU seconds; conntrack entries over the limit).
   */
  over?: { metric: string; kind: RuleKind; labels?: Record<string, string> };
  /** Subtract the ratio from 1 (idle share → busy share). */
  complement?: boolean;
}

/**
 * Labels that name what a series is about, most specific first; the other labels are summed away.
 * Disk and filesystem roles keep the device or mount point: one full disk must not hide in a sum.
 */
export const SUBJECT_LABELS = ['namespace', 'pod', 'container', 'instance', 'job'] as const;
export const ROLE_EXTRA_SUBJECT_LABELS: Partial<Record<MetricRole, string[]>> = {
  'disk.free': ['mountpoint'],
  'disk.size': ['mountpoint'],
  'disk.io-utilization': ['device'],
  'queue.lag': ['consumergroup', 'topic', 'stream', 'consumer_name'],
  'queue.consumed': ['consumergroup', 'topic', 'stream', 'consumer_name'],
  'queue.published': ['topic', 'stream'],
  'db.replication-lag': ['application_name'],
};

const g = (
  metric: string,
  role: MetricRole,
  exporter: Exporter,
  labels?: Record<string, string>,
): RoleRule => ({
  metric,
  role,
  kind: 'gauge',
  exporter,
  ...(labels ? { labels } : {}),
});
const c = (
  metric: string,
  role: MetricRole,
  exporter: Exporter,
  labels?: Record<string, string>,
): RoleRule => ({
  metric,
  role,
  kind: 'counter',
  exporter,
  ...(labels ? { labels } : {}),
});

export const ROLE_RULES: readonly RoleRule[] = [
  // Memory
  g('process_resident_memory_bytes', 'memory.resident', 'process'),
  g('container_memory_working_set_bytes', 'memory.resident', 'cadvisor', { container: '.+' }),
  g('jvm_memory_used_bytes', 'memory.heap-used', 'jvm', { area: 'heap' }),
  g('nodejs_heap_size_used_bytes', 'memory.heap-used', 'nodejs'),
  g('go_memstats_heap_inuse_bytes', 'memory.heap-used', 'go'),
  g('container_spec_memory_limit_bytes', 'memory.limit', 'cadvisor', { container: '.+' }),
  g('kube_pod_container_resource_limits', 'memory.limit', 'kube-state-metrics', { resource: 'memory' }),
  {
    metric: 'kube_pod_container_status_restarts_total',
    role: 'process.restarts',
    kind: 'increase',
    exporter: 'kube-state-metrics',
  },
  { metric: 'container_oom_events_total', role: 'process.oom-kills', kind: 'increase', exporter: 'cadvisor' },
  // CPU
  c('process_cpu_seconds_total', 'cpu.usage', 'process'),
  c('container_cpu_usage_seconds_total', 'cpu.usage', 'cadvisor', { container: '.+' }),
  g('kube_pod_container_resource_limits', 'cpu.limit', 'kube-state-metrics', { resource: 'cpu' }),
  {
    metric: 'node_cpu_seconds_total',
    role: 'cpu.utilization',
    kind: 'counter',
    exporter: 'node',
    labels: { mode: 'idle' },
    over: { metric: 'node_cpu_seconds_total', kind: 'counter' },
    complement: true,
  },
  {
    metric: 'node_cpu_seconds_total',
    role: 'cpu.iowait',
    kind: 'counter',
    exporter: 'node',
    labels: { mode: 'iowait' },
    over: { metric: 'node_cpu_seconds_total', kind: 'counter' },
  },
  {
    metric: 'container_cpu_cfs_throttled_periods_total',
    role: 'cpu.throttled-ratio',
    kind: 'counter',
    exporter: 'cadvisor',
    over: { metric: 'container_cpu_cfs_periods_total', kind: 'counter' },
  },
  // Runtimes
  c('jvm_gc_pause_seconds_sum', 'gc.pause-ratio', 'jvm'),
  c('go_gc_duration_seconds_sum', 'gc.pause-ratio', 'go'),
  c('nodejs_gc_duration_seconds_sum', 'gc.pause-ratio', 'nodejs'),
  g('nodejs_eventloop_lag_p99_seconds', 'eventloop.lag', 'nodejs'),
  g('tomcat_threads_busy_threads', 'threads.busy', 'jvm'),
  g('tomcat_threads_config_max_threads', 'threads.max', 'jvm'),
  g('executor_active_threads', 'threads.busy', 'jvm'),
  g('executor_pool_max_threads', 'threads.max', 'jvm'),
  g('hikaricp_connections_active', 'pool.active', 'jvm'),
  g('hikaricp_connections_idle', 'pool.idle', 'jvm'),
  g('hikaricp_connections_max', 'pool.max', 'jvm'),
  g('hikaricp_connections_pending', 'pool.pending', 'jvm'),
  c('hikaricp_connections_timeout_total', 'pool.timeouts', 'jvm'),
  g('process_open_fds', 'fd.open', 'process'),
  g('process_max_fds', 'fd.max', 'process'),
  // HTTP servers: Micrometer, OpenTelemetry semantic conventions, client_golang/prom-client conventions
  c('http_server_requests_seconds_count', 'http.requests', 'http'),
  c('http_server_requests_seconds_count', 'http.errors', 'http', { status: '5..' }),
  c('http_server_requests_seconds_count', 'http.throttled', 'http', { status: '429' }),
  c('http_server_request_duration_seconds_count', 'http.requests', 'http'),
  c('http_server_request_duration_seconds_count', 'http.errors', 'http', {
    http_response_status_code: '5..',
  }),
  c('http_server_request_duration_seconds_count', 'http.throttled', 'http', {
    http_response_status_code: '429',
  }),
  c('http_requests_total', 'http.requests', 'http'),
  c('http_requests_total', 'http.errors', 'http', { code: '5..' }),
  c('http_requests_total', 'http.throttled', 'http', { code: '429' }),
  {
    metric: 'http_server_requests_seconds_sum',
    role: 'http.latency-mean',
    kind: 'counter',
    exporter: 'http',
    over: { metric: 'http_server_requests_seconds_count', kind: 'counter' },
  },
  {
    metric: 'http_server_request_duration_seconds_sum',
    role: 'http.latency-mean',
    kind: 'counter',
    exporter: 'http',
    over: { metric: 'http_server_request_duration_seconds_count', kind: 'counter' },
  },
  {
    metric: 'http_request_duration_seconds_sum',
    role: 'http.latency-mean',
    kind: 'counter',
    exporter: 'http',
    over: { metric: 'http_request_duration_seconds_count', kind: 'counter' },
  },
  // Databases
  g('pg_stat_activity_count', 'db.connections', 'postgres'),
  g('pg_settings_max_connections', 'db.connections.max', 'postgres'),
  c('pg_stat_database_deadlocks', 'db.deadlocks', 'postgres'),
  g('pg_locks_count', 'db.locks-waiting', 'postgres'),
  g('pg_replication_lag_seconds', 'db.replication-lag', 'postgres'),
  g('pg_replication_lag', 'db.replication-lag', 'postgres'),
  g('pg_database_wraparound_age_datfrozenxid_seconds', 'db.xid-age', 'postgres'),
  g('pg_database_wraparound_age_datfrozenxid', 'db.xid-age', 'postgres'),
  g('mysql_global_status_threads_connected', 'db.connections', 'mysql'),
  g('mysql_global_variables_max_connections', 'db.connections.max', 'mysql'),
  g('mysql_slave_status_seconds_behind_master', 'db.replication-lag', 'mysql'),
  c('mysql_global_status_slow_queries', 'db.slow-queries', 'mysql'),
  // Disks, files, network (node exporter)
  c('node_disk_io_time_seconds_total', 'disk.io-utilization', 'node'),
  g('node_filesystem_avail_bytes', 'disk.free', 'node', { fstype: '(?!tmpfs|overlay|squashfs).*' }),
  g('node_filesystem_size_bytes', 'disk.size', 'node', { fstype: '(?!tmpfs|overlay|squashfs).*' }),
  c('node_network_receive_errs_total', 'net.errors', 'node', { device: '(?!lo$).*' }),
  c('node_network_transmit_errs_total', 'net.errors', 'node', { device: '(?!lo$).*' }),
  c('node_network_receive_drop_total', 'net.drops', 'node', { device: '(?!lo$).*' }),
  c('node_network_transmit_drop_total', 'net.drops', 'node', { device: '(?!lo$).*' }),
  c('node_netstat_Tcp_RetransSegs', 'net.retransmits', 'node'),
  c('node_netstat_Tcp_OutSegs', 'net.segments-out', 'node'),
  c('node_netstat_TcpExt_ListenOverflows', 'net.listen-overflows', 'node'),
  c('node_netstat_TcpExt_ListenDrops', 'net.listen-overflows', 'node'),
  {
    metric: 'node_nf_conntrack_entries',
    role: 'net.conntrack-used',
    kind: 'gauge',
    exporter: 'node',
    over: { metric: 'node_nf_conntrack_entries_limit', kind: 'gauge' },
  },
  // Caches
  c('redis_keyspace_hits_total', 'cache.hits', 'redis'),
  c('redis_keyspace_misses_total', 'cache.misses', 'redis'),
  c('redis_evicted_keys_total', 'cache.evictions', 'redis'),
  g('redis_memory_used_bytes', 'cache.memory-used', 'redis'),
  g('redis_memory_max_bytes', 'cache.memory-max', 'redis'),
  g('redis_connected_clients', 'cache.connections', 'redis'),
  // Queues and streams
  g('kafka_consumergroup_lag', 'queue.lag', 'kafka'),
  c('kafka_consumergroup_current_offset', 'queue.consumed', 'kafka'),
  c('kafka_topic_partition_current_offset', 'queue.published', 'kafka'),
  g('nats_consumer_num_pending', 'queue.lag', 'nats'),
  c('nats_consumer_delivered_consumer_seq', 'queue.consumed', 'nats'),
  // Prometheus about itself and its targets
  g('prometheus_tsdb_head_series', 'tsdb.series', 'prometheus'),
  g('up', 'scrape.up', 'prometheus'),
  g('scrape_duration_seconds', 'scrape.duration', 'prometheus'),
  g('scrape_samples_scraped', 'scrape.samples', 'prometheus'),
];

/** Roles whose per-subject values are not summed but averaged (a share, a latency) or maxed (up). */
export const NON_ADDITIVE_ROLES: ReadonlySet<MetricRole> = new Set<MetricRole>([
  'eventloop.lag',
  'scrape.up',
  'scrape.duration',
  'db.replication-lag',
  'db.xid-age',
  'disk.io-utilization',
]);

export interface QuerySetEntry {
  /** Unique id, e.g. node.cpu-utilization. */
  id: string;
  role: MetricRole;
  exporter: Exporter;
  /** PromQL; `$rate` is replaced by the rate window (four steps, at least 1 minute). */
  promql: string;
  /** Metric names whose presence makes the query worth sending. */
  requires: string[];
  /** Labels that identify the subject of each result series. */
  subjectLabels: string[];
  /** The query returns a cumulative counter: turn it into the increase between points. */
  increase?: boolean;
}

/** A user's own query: what it measures and how; `requires` and `exporter` are optional. */
export type CustomQuery = Pick<QuerySetEntry, 'id' | 'role' | 'promql' | 'subjectLabels'> &
  Partial<Pick<QuerySetEntry, 'exporter' | 'requires'>>;

const by = (labels: readonly string[]) => `by (${labels.join(', ')})`;
const POD = ['namespace', 'pod'];
const INSTANCE = ['instance', 'job'];

/**
 * The default query set, one query per role and exporter, aggregated on the server. Restarts and
 * OOM kills are asked for as counters and counted between consecutive points here: increase()
 * over a rate window longer than the step would count each event once per overlapping window.
 */
export const DEFAULT_QUERY_SET: readonly QuerySetEntry[] = [
  q(
    'process.resident',
    'memory.resident',
    'process',
    `sum ${by(INSTANCE)} (process_resident_memory_bytes)`,
    ['process_resident_memory_bytes'],
    INSTANCE,
  ),
  q(
    'container.working-set',
    'memory.resident',
    'cadvisor',
    `sum ${by(POD)} (container_memory_working_set_bytes{container!="",container!="POD"})`,
    ['container_memory_working_set_bytes'],
    POD,
  ),
  q(
    'container.memory-limit',
    'memory.limit',
    'cadvisor',
    `sum ${by(POD)} (container_spec_memory_limit_bytes{container!="",container!="POD"})`,
    ['container_spec_memory_limit_bytes'],
    POD,
  ),
  q(
    'jvm.heap-used',
    'memory.heap-used',
    'jvm',
    `sum ${by(INSTANCE)} (jvm_memory_used_bytes{area="heap"})`,
    ['jvm_memory_used_bytes'],
    INSTANCE,
  ),
  q(
    'nodejs.heap-used',
    'memory.heap-used',
    'nodejs',
    `sum ${by(INSTANCE)} (nodejs_heap_size_used_bytes)`,
    ['nodejs_heap_size_used_bytes'],
    INSTANCE,
  ),
  q(
    'go.heap-inuse',
    'memory.heap-used',
    'go',
    `sum ${by(INSTANCE)} (go_memstats_heap_inuse_bytes)`,
    ['go_memstats_heap_inuse_bytes'],
    INSTANCE,
  ),
  {
    ...q(
      'kube.restarts',
      'process.restarts',
      'kube-state-metrics',
      `sum ${by(POD)} (kube_pod_container_status_restarts_total)`,
      ['kube_pod_container_status_restarts_total'],
      POD,
    ),
    increase: true,
  },
  {
    ...q(
      'container.oom-kills',
      'process.oom-kills',
      'cadvisor',
      `sum ${by(POD)} (container_oom_events_total)`,
      ['container_oom_events_total'],
      POD,
    ),
    increase: true,
  },
  q(
    'process.cpu',
    'cpu.usage',
    'process',
    `sum ${by(INSTANCE)} (rate(process_cpu_seconds_total[$rate]))`,
    ['process_cpu_seconds_total'],
    INSTANCE,
  ),
  q(
    'container.cpu',
    'cpu.usage',
    'cadvisor',
    `sum ${by(POD)} (rate(container_cpu_usage_seconds_total{container!="",container!="POD"}[$rate]))`,
    ['container_cpu_usage_seconds_total'],
    POD,
  ),
  q(
    'kube.cpu-limit',
    'cpu.limit',
    'kube-state-metrics',
    `sum ${by(POD)} (kube_pod_container_resource_limits{resource="cpu"})`,
    ['kube_pod_container_resource_limits'],
    POD,
  ),
  q(
    'node.cpu-utilization',
    'cpu.utilization',
    'node',
    `1 - avg ${by(['instance'])} (rate(node_cpu_seconds_total{mode="idle"}[$rate]))`,
    ['node_cpu_seconds_total'],
    ['instance'],
  ),
  q(
    'node.cpu-iowait',
    'cpu.iowait',
    'node',
    `avg ${by(['instance'])} (rate(node_cpu_seconds_total{mode="iowait"}[$rate]))`,
    ['node_cpu_seconds_total'],
    ['instance'],
  ),
  q(
    'container.cpu-throttled',
    'cpu.throttled-ratio',
    'cadvisor',
    `sum ${by(POD)} (rate(container_cpu_cfs_throttled_periods_total[$rate])) / sum ${by(POD)} (rate(container_cpu_cfs_periods_total[$rate]))`,
    ['container_cpu_cfs_throttled_periods_total', 'container_cpu_cfs_periods_total'],
    POD,
  ),
  q(
    'jvm.gc-pause',
    'gc.pause-ratio',
    'jvm',
    `sum ${by(INSTANCE)} (rate(jvm_gc_pause_seconds_sum[$rate]))`,
    ['jvm_gc_pause_seconds_sum'],
    INSTANCE,
  ),
  q(
    'go.gc-pause',
    'gc.pause-ratio',
    'go',
    `sum ${by(INSTANCE)} (rate(go_gc_duration_seconds_sum[$rate]))`,
    ['go_gc_duration_seconds_sum'],
    INSTANCE,
  ),
  q(
    'nodejs.gc-pause',
    'gc.pause-ratio',
    'nodejs',
    `sum ${by(INSTANCE)} (rate(nodejs_gc_duration_seconds_sum[$rate]))`,
    ['nodejs_gc_duration_seconds_sum'],
    INSTANCE,
  ),
  q(
    'nodejs.eventloop-lag',
    'eventloop.lag',
    'nodejs',
    `max ${by(INSTANCE)} (nodejs_eventloop_lag_p99_seconds)`,
    ['nodejs_eventloop_lag_p99_seconds'],
    INSTANCE,
  ),
  q(
    'tomcat.threads-busy',
    'threads.busy',
    'jvm',
    `sum ${by(INSTANCE)} (tomcat_threads_busy_threads)`,
    ['tomcat_threads_busy_threads'],
    INSTANCE,
  ),
  q(
    'tomcat.threads-max',
    'threads.max',
    'jvm',
    `sum ${by(INSTANCE)} (tomcat_threads_config_max_threads)`,
    ['tomcat_threads_config_max_threads'],
    INSTANCE,
  ),
  q(
    'hikari.active',
    'pool.active',
    'jvm',
    `sum ${by(INSTANCE)} (hikaricp_connections_active)`,
    ['hikaricp_connections_active'],
    INSTANCE,
  ),
  q(
    'hikari.idle',
    'pool.idle',
    'jvm',
    `sum ${by(INSTANCE)} (hikaricp_connections_idle)`,
    ['hikaricp_connections_idle'],
    INSTANCE,
  ),
  q(
    'hikari.max',
    'pool.max',
    'jvm',
    `sum ${by(INSTANCE)} (hikaricp_connections_max)`,
    ['hikaricp_connections_max'],
    INSTANCE,
  ),
  q(
    'hikari.pending',
    'pool.pending',
    'jvm',
    `sum ${by(INSTANCE)} (hikaricp_connections_pending)`,
    ['hikaricp_connections_pending'],
    INSTANCE,
  ),
  q(
    'hikari.timeouts',
    'pool.timeouts',
    'jvm',
    `sum ${by(INSTANCE)} (rate(hikaricp_connections_timeout_total[$rate]))`,
    ['hikaricp_connections_timeout_total'],
    INSTANCE,
  ),
  q(
    'process.open-fds',
    'fd.open',
    'process',
    `sum ${by(INSTANCE)} (process_open_fds)`,
    ['process_open_fds'],
    INSTANCE,
  ),
  q(
    'process.max-fds',
    'fd.max',
    'process',
    `sum ${by(INSTANCE)} (process_max_fds)`,
    ['process_max_fds'],
    INSTANCE,
  ),
  q(
    'http.micrometer-requests',
    'http.requests',
    'http',
    `sum ${by(INSTANCE)} (rate(http_server_requests_seconds_count[$rate]))`,
    ['http_server_requests_seconds_count'],
    INSTANCE,
  ),
  q(
    'http.micrometer-errors',
    'http.errors',
    'http',
    `sum ${by(INSTANCE)} (rate(http_server_requests_seconds_count{status=~"5.."}[$rate]))`,
    ['http_server_requests_seconds_count'],
    INSTANCE,
  ),
  q(
    'http.micrometer-throttled',
    'http.throttled',
    'http',
    `sum ${by(INSTANCE)} (rate(http_server_requests_seconds_count{status="429"}[$rate]))`,
    ['http_server_requests_seconds_count'],
    INSTANCE,
  ),
  q(
    'http.micrometer-latency-p99',
    'http.latency-p99',
    'http',
    `histogram_quantile(0.99, sum ${by([...INSTANCE, 'le'])} (rate(http_server_requests_seconds_bucket[$rate])))`,
    ['http_server_requests_seconds_bucket'],
    INSTANCE,
  ),
  q(
    'http.otel-requests',
    'http.requests',
    'http',
    `sum ${by(INSTANCE)} (rate(http_server_request_duration_seconds_count[$rate]))`,
    ['http_server_request_duration_seconds_count'],
    INSTANCE,
  ),
  q(
    'http.otel-errors',
    'http.errors',
    'http',
    `sum ${by(INSTANCE)} (rate(http_server_request_duration_seconds_count{http_response_status_code=~"5.."}[$rate]))`,
    ['http_server_request_duration_seconds_count'],
    INSTANCE,
  ),
  q(
    'http.otel-latency-p99',
    'http.latency-p99',
    'http',
    `histogram_quantile(0.99, sum ${by([...INSTANCE, 'le'])} (rate(http_server_request_duration_seconds_bucket[$rate])))`,
    ['http_server_request_duration_seconds_bucket'],
    INSTANCE,
  ),
  q(
    'http.requests',
    'http.requests',
    'http',
    `sum ${by(INSTANCE)} (rate(http_requests_total[$rate]))`,
    ['http_requests_total'],
    INSTANCE,
  ),
  q(
    'http.errors',
    'http.errors',
    'http',
    `sum ${by(INSTANCE)} (rate(http_requests_total{code=~"5.."}[$rate]))`,
    ['http_requests_total'],
    INSTANCE,
  ),
  q(
    'http.latency-p99',
    'http.latency-p99',
    'http',
    `histogram_quantile(0.99, sum ${by([...INSTANCE, 'le'])} (rate(http_request_duration_seconds_bucket[$rate])))`,
    ['http_request_duration_seconds_bucket'],
    INSTANCE,
  ),
  q(
    'postgres.connections',
    'db.connections',
    'postgres',
    `sum ${by(['instance'])} (pg_stat_activity_count)`,
    ['pg_stat_activity_count'],
    ['instance'],
  ),
  q(
    'postgres.max-connections',
    'db.connections.max',
    'postgres',
    `max ${by(['instance'])} (pg_settings_max_connections)`,
    ['pg_settings_max_connections'],
    ['instance'],
  ),
  q(
    'postgres.deadlocks',
    'db.deadlocks',
    'postgres',
    `sum ${by(['instance'])} (rate(pg_stat_database_deadlocks[$rate]))`,
    ['pg_stat_database_deadlocks'],
    ['instance'],
  ),
  q(
    'postgres.locks',
    'db.locks-waiting',
    'postgres',
    `sum ${by(['instance'])} (pg_locks_count)`,
    ['pg_locks_count'],
    ['instance'],
  ),
  q(
    'postgres.replication-lag',
    'db.replication-lag',
    'postgres',
    `max ${by(['instance'])} (pg_replication_lag_seconds)`,
    ['pg_replication_lag_seconds'],
    ['instance'],
  ),
  q(
    'postgres.replication-lag-legacy',
    'db.replication-lag',
    'postgres',
    `max ${by(['instance'])} (pg_replication_lag)`,
    ['pg_replication_lag'],
    ['instance'],
  ),
  q(
    'mysql.connections',
    'db.connections',
    'mysql',
    `sum ${by(['instance'])} (mysql_global_status_threads_connected)`,
    ['mysql_global_status_threads_connected'],
    ['instance'],
  ),
  q(
    'mysql.max-connections',
    'db.connections.max',
    'mysql',
    `max ${by(['instance'])} (mysql_global_variables_max_connections)`,
    ['mysql_global_variables_max_connections'],
    ['instance'],
  ),
  q(
    'mysql.replication-lag',
    'db.replication-lag',
    'mysql',
    `max ${by(['instance'])} (mysql_slave_status_seconds_behind_master)`,
    ['mysql_slave_status_seconds_behind_master'],
    ['instance'],
  ),
  q(
    'node.disk-io',
    'disk.io-utilization',
    'node',
    `max ${by(['instance', 'device'])} (rate(node_disk_io_time_seconds_total[$rate]))`,
    ['node_disk_io_time_seconds_total'],
    ['instance', 'device'],
  ),
  q(
    'node.fs-free',
    'disk.free',
    'node',
    `min ${by(['instance', 'mountpoint'])} (node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs"})`,
    ['node_filesystem_avail_bytes'],
    ['instance', 'mountpoint'],
  ),
  q(
    'node.fs-size',
    'disk.size',
    'node',
    `max ${by(['instance', 'mountpoint'])} (node_filesystem_size_bytes{fstype!~"tmpfs|overlay|squashfs"})`,
    ['node_filesystem_size_bytes'],
    ['instance', 'mountpoint'],
  ),
  q(
    'node.net-errors',
    'net.errors',
    'node',
    `sum ${by(['instance'])} (rate(node_network_receive_errs_total{device!="lo"}[$rate]) + rate(node_network_transmit_errs_total{device!="lo"}[$rate]))`,
    ['node_network_receive_errs_total'],
    ['instance'],
  ),
  q(
    'node.net-drops',
    'net.drops',
    'node',
    `sum ${by(['instance'])} (rate(node_network_receive_drop_total{device!="lo"}[$rate]) + rate(node_network_transmit_drop_total{device!="lo"}[$rate]))`,
    ['node_network_receive_drop_total'],
    ['instance'],
  ),
  q(
    'node.retransmits',
    'net.retransmits',
    'node',
    `sum ${by(['instance'])} (rate(node_netstat_Tcp_RetransSegs[$rate]))`,
    ['node_netstat_Tcp_RetransSegs'],
    ['instance'],
  ),
  q(
    'node.segments-out',
    'net.segments-out',
    'node',
    `sum ${by(['instance'])} (rate(node_netstat_Tcp_OutSegs[$rate]))`,
    ['node_netstat_Tcp_OutSegs'],
    ['instance'],
  ),
  q(
    'node.listen-overflows',
    'net.listen-overflows',
    'node',
    `sum ${by(['instance'])} (rate(node_netstat_TcpExt_ListenOverflows[$rate]))`,
    ['node_netstat_TcpExt_ListenOverflows'],
    ['instance'],
  ),
  q(
    'node.conntrack',
    'net.conntrack-used',
    'node',
    `max ${by(['instance'])} (node_nf_conntrack_entries / node_nf_conntrack_entries_limit)`,
    ['node_nf_conntrack_entries', 'node_nf_conntrack_entries_limit'],
    ['instance'],
  ),
  q(
    'redis.hits',
    'cache.hits',
    'redis',
    `sum ${by(['instance'])} (rate(redis_keyspace_hits_total[$rate]))`,
    ['redis_keyspace_hits_total'],
    ['instance'],
  ),
  q(
    'redis.misses',
    'cache.misses',
    'redis',
    `sum ${by(['instance'])} (rate(redis_keyspace_misses_total[$rate]))`,
    ['redis_keyspace_misses_total'],
    ['instance'],
  ),
  q(
    'redis.evictions',
    'cache.evictions',
    'redis',
    `sum ${by(['instance'])} (rate(redis_evicted_keys_total[$rate]))`,
    ['redis_evicted_keys_total'],
    ['instance'],
  ),
  q(
    'redis.memory-used',
    'cache.memory-used',
    'redis',
    `max ${by(['instance'])} (redis_memory_used_bytes)`,
    ['redis_memory_used_bytes'],
    ['instance'],
  ),
  q(
    'redis.memory-max',
    'cache.memory-max',
    'redis',
    `max ${by(['instance'])} (redis_memory_max_bytes)`,
    ['redis_memory_max_bytes'],
    ['instance'],
  ),
  q(
    'redis.clients',
    'cache.connections',
    'redis',
    `sum ${by(['instance'])} (redis_connected_clients)`,
    ['redis_connected_clients'],
    ['instance'],
  ),
  q(
    'kafka.lag',
    'queue.lag',
    'kafka',
    `sum by (consumergroup, topic) (kafka_consumergroup_lag)`,
    ['kafka_consumergroup_lag'],
    ['consumergroup', 'topic'],
  ),
  q(
    'kafka.consumed',
    'queue.consumed',
    'kafka',
    `sum by (consumergroup, topic) (rate(kafka_consumergroup_current_offset[$rate]))`,
    ['kafka_consumergroup_current_offset'],
    ['consumergroup', 'topic'],
  ),
  q(
    'kafka.published',
    'queue.published',
    'kafka',
    `sum by (topic) (rate(kafka_topic_partition_current_offset[$rate]))`,
    ['kafka_topic_partition_current_offset'],
    ['topic'],
  ),
  q(
    'nats.pending',
    'queue.lag',
    'nats',
    `sum by (stream_name, consumer_name) (nats_consumer_num_pending)`,
    ['nats_consumer_num_pending'],
    ['stream_name', 'consumer_name'],
  ),
  q(
    'prometheus.head-series',
    'tsdb.series',
    'prometheus',
    `max ${by(INSTANCE)} (prometheus_tsdb_head_series)`,
    ['prometheus_tsdb_head_series'],
    INSTANCE,
  ),
  q('targets.up', 'scrape.up', 'prometheus', `min ${by(INSTANCE)} (up)`, ['up'], INSTANCE),
  q(
    'targets.scrape-duration',
    'scrape.duration',
    'prometheus',
    `max ${by(INSTANCE)} (scrape_duration_seconds)`,
    ['scrape_duration_seconds'],
    INSTANCE,
  ),
  q(
    'targets.samples',
    'scrape.samples',
    'prometheus',
    `max ${by(INSTANCE)} (scrape_samples_scraped)`,
    ['scrape_samples_scraped'],
    INSTANCE,
  ),
];

function q(
  id: string,
  role: MetricRole,
  exporter: Exporter,
  promql: string,
  requires: string[],
  subjectLabels: string[],
): QuerySetEntry {
  return { id, role, exporter, promql, requires, subjectLabels };
}
