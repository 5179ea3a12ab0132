import { z } from 'zod';
import { GatherError } from '../gatherer.js';
import { METRIC_ROLE_NAMES, type MetricRole } from './data.js';
import { EXPORTERS, type Exporter, MESH_ROUTING_FLAGS } from './role-rules.js';

// The default query set: PromQL that aggregates on the server what the role rules
// (role-rules.ts) do for files, so Faultline never pulls raw high-cardinality series it does not
// need. Each entry names the metrics that make it worth sending; discovery finds which exist.

export type { Exporter, RoleRule, RuleKind } from './role-rules.js';
export { NON_ADDITIVE_ROLES, ROLE_EXTRA_SUBJECT_LABELS, ROLE_RULES } from './role-rules.js';

export interface QuerySetEntry {
  /** Unique id, e.g. node.cpu-utilization. */
  id: string;
  role: MetricRole;
  exporter: Exporter;
  /**
   * PromQL giving one series per subject. `$rate` is replaced by the rate window (four steps, at
   * least a minute and four scrape intervals), `$step` by the step (for `offset`).
   */
  promql: string;
  /** Metric names whose presence makes the query worth sending. */
  requires: string[];
  /** Labels that identify the subject of each result series. */
  subjectLabels: string[];
  /** The query returns a cumulative counter: turn it into the increase between points. */
  increase?: boolean;
  /**
   * Which end of the values is trouble, for the cap on series per query: `high` (the default) keeps
   * the highest series, `low` the lowest (free disk, targets up, idle connections).
   */
  worst?: 'high' | 'low';
  /**
   * Entries this one stands in for: it is used only for subjects none of them returned (legacy
   * names, a second exporter of the same thing), so one subject's role is never counted twice.
   */
  fallbackOf?: string[];
}

/** A user's own query: what it measures and how; the other fields are optional. */
export type CustomQuery = Pick<QuerySetEntry, 'id' | 'role' | 'promql'> &
  Partial<Omit<QuerySetEntry, 'id' | 'role' | 'promql'>>;

/** The shape of a custom query, for configuration files and the library API. */
export const CustomQuerySchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected an id of lower-case letters, digits, ".", "_" or "-"'),
  role: z.enum(METRIC_ROLE_NAMES),
  promql: z.string().trim().min(1, 'expected a PromQL expression'),
  exporter: z.enum(EXPORTERS).optional(),
  requires: z.array(z.string().min(1)).optional(),
  subjectLabels: z.array(z.string().min(1)).optional(),
  increase: z.boolean().optional(),
  worst: z.enum(['high', 'low']).optional(),
  fallbackOf: z.array(z.string().min(1)).optional(),
});

const POD = ['namespace', 'pod'];
const INSTANCE = ['instance', 'job'];
const HOST = ['instance'];
const MESH = ['namespace', 'pod', 'destination_service'];
const by = (labels: readonly string[]) => `by (${labels.join(', ')})`;
/** Containers of pods, not the pod-level cgroup (container="") or the pause container. */
const CONTAINERS = 'container!="",container!="POD"';

type Options = Pick<QuerySetEntry, 'increase' | 'worst' | 'fallbackOf'>;

function q(
  id: string,
  role: MetricRole,
  exporter: Exporter,
  promql: string,
  requires: string[],
  subjectLabels: string[],
  options: Options = {},
): QuerySetEntry {
  return { id, role, exporter, promql, requires, subjectLabels, ...options };
}

/** A gauge summed (or maxed, averaged) per subject. */
const gauge = (
  id: string,
  role: MetricRole,
  exporter: Exporter,
  metric: string,
  subject: string[],
  options: Options & { aggregate?: 'sum' | 'max' | 'min'; selector?: string } = {},
) => {
  const { aggregate = 'sum', selector = '', ...rest } = options;
  return q(
    id,
    role,
    exporter,
    `${aggregate} ${by(subject)} (${metric}${selector ? `{${selector}}` : ''})`,
    [metric],
    subject,
    rest,
  );
};

/** A counter as a per-second rate summed per subject. */
const rate = (
  id: string,
  role: MetricRole,
  exporter: Exporter,
  metric: string,
  subject: string[],
  options: Options & { selector?: string; aggregate?: 'sum' | 'max' } = {},
) => {
  const { selector = '', aggregate = 'sum', ...rest } = options;
  return q(
    id,
    role,
    exporter,
    `${aggregate} ${by(subject)} (rate(${metric}${selector ? `{${selector}}` : ''}[$rate]))`,
    [metric],
    subject,
    rest,
  );
};

/**
 * Requests, 5xx, 429, mean and p99 of one HTTP server convention. `status` is its status-code
 * label; `scale` converts its unit to seconds; `fallbackOf` lists the conventions preferred to it.
 */
function http(
  prefix: string,
  exporter: Exporter,
  base: string,
  status: string,
  fallbackOf: string[] = [],
  scale = '',
): QuerySetEntry[] {
  const count = `${base}_count`;
  const of = (kind: string) =>
    fallbackOf.length ? { fallbackOf: fallbackOf.map((p) => `${p}-${kind}`) } : {};
  return [
    rate(`${prefix}-requests`, 'http.requests', exporter, count, INSTANCE, of('requests')),
    rate(`${prefix}-errors`, 'http.errors', exporter, count, INSTANCE, {
      selector: `${status}=~"5.."`,
      ...of('errors'),
    }),
    rate(`${prefix}-throttled`, 'http.throttled', exporter, count, INSTANCE, {
      selector: `${status}="429"`,
      ...of('throttled'),
    }),
    q(
      `${prefix}-latency-mean`,
      'http.latency-mean',
      exporter,
      `sum ${by(INSTANCE)} (rate(${base}_sum[$rate]))${scale} / sum ${by(INSTANCE)} (rate(${count}[$rate]))`,
      [`${base}_sum`, count],
      INSTANCE,
      of('latency-mean'),
    ),
    q(
      `${prefix}-latency-p99`,
      'http.latency-p99',
      exporter,
      `histogram_quantile(0.99, sum ${by([...INSTANCE, 'le'])} (rate(${base}_bucket[$rate])))${scale}`,
      [`${base}_bucket`],
      INSTANCE,
      of('latency-p99'),
    ),
  ];
}

/**
 * Restarts and OOM kills are asked for as cumulative values and counted between consecutive
 * points (here, or with `offset $step` on the server): increase() over a rate window longer than
 * the step would count each event once per overlapping window.
 */
export const DEFAULT_QUERY_SET: readonly QuerySetEntry[] = [
  // Memory
  gauge('process.resident', 'memory.resident', 'process', 'process_resident_memory_bytes', INSTANCE),
  gauge('container.working-set', 'memory.resident', 'cadvisor', 'container_memory_working_set_bytes', POD, {
    selector: CONTAINERS,
  }),
  gauge('container.memory-limit', 'memory.limit', 'cadvisor', 'container_spec_memory_limit_bytes', POD, {
    selector: CONTAINERS,
  }),
  gauge(
    'kube.memory-limit',
    'memory.limit',
    'kube-state-metrics',
    'kube_pod_container_resource_limits',
    POD,
    {
      selector: 'resource="memory"',
      fallbackOf: ['container.memory-limit'],
    },
  ),
  gauge('jvm.heap-used', 'memory.heap-used', 'jvm', 'jvm_memory_used_bytes', INSTANCE, {
    selector: 'area="heap"',
  }),
  gauge('nodejs.heap-used', 'memory.heap-used', 'nodejs', 'nodejs_heap_size_used_bytes', INSTANCE),
  gauge('go.heap-inuse', 'memory.heap-used', 'go', 'go_memstats_heap_inuse_bytes', INSTANCE),
  // Restarts and OOM kills
  gauge(
    'kube.restarts',
    'process.restarts',
    'kube-state-metrics',
    'kube_pod_container_status_restarts_total',
    POD,
    { increase: true },
  ),
  q(
    'process.restarts',
    'process.restarts',
    'process',
    `sum ${by(INSTANCE)} (process_start_time_seconds != bool (process_start_time_seconds offset $step))`,
    ['process_start_time_seconds'],
    INSTANCE,
  ),
  gauge('container.oom-kills', 'process.oom-kills', 'cadvisor', 'container_oom_events_total', POD, {
    increase: true,
  }),
  // A container restarted since the last step whose last termination was an OOM kill. cAdvisor's
  // counter above sees OOM kills of processes inside a container that lives on; this one sees the
  // container itself killed (its cAdvisor series ends with it), so the two add up.
  q(
    'kube.oom-kills',
    'process.oom-kills',
    'kube-state-metrics',
    `sum ${by(POD)} (clamp_min(kube_pod_container_status_restarts_total - (kube_pod_container_status_restarts_total offset $step), 0) * on (namespace, pod, container) group_left () max by (namespace, pod, container) (kube_pod_container_status_last_terminated_reason{reason="OOMKilled"}))`,
    ['kube_pod_container_status_restarts_total', 'kube_pod_container_status_last_terminated_reason'],
    POD,
  ),
  // CPU
  rate('process.cpu', 'cpu.usage', 'process', 'process_cpu_seconds_total', INSTANCE),
  rate('container.cpu', 'cpu.usage', 'cadvisor', 'container_cpu_usage_seconds_total', POD, {
    selector: CONTAINERS,
  }),
  gauge('kube.cpu-limit', 'cpu.limit', 'kube-state-metrics', 'kube_pod_container_resource_limits', POD, {
    selector: 'resource="cpu"',
  }),
  q(
    'container.cpu-limit',
    'cpu.limit',
    'cadvisor',
    `sum ${by(POD)} ((container_spec_cpu_quota{${CONTAINERS}} > 0) / container_spec_cpu_period{${CONTAINERS}})`,
    ['container_spec_cpu_quota', 'container_spec_cpu_period'],
    POD,
    { fallbackOf: ['kube.cpu-limit'] },
  ),
  q(
    'node.cpu-utilization',
    'cpu.utilization',
    'node',
    `1 - avg ${by(HOST)} (rate(node_cpu_seconds_total{mode="idle"}[$rate]))`,
    ['node_cpu_seconds_total'],
    HOST,
  ),
  q(
    'node.cpu-iowait',
    'cpu.iowait',
    'node',
    `avg ${by(HOST)} (rate(node_cpu_seconds_total{mode="iowait"}[$rate]))`,
    ['node_cpu_seconds_total'],
    HOST,
  ),
  q(
    'container.cpu-throttled',
    'cpu.throttled-ratio',
    'cadvisor',
    `sum ${by(POD)} (rate(container_cpu_cfs_throttled_periods_total{${CONTAINERS}}[$rate])) / sum ${by(POD)} (rate(container_cpu_cfs_periods_total{${CONTAINERS}}[$rate]))`,
    ['container_cpu_cfs_throttled_periods_total', 'container_cpu_cfs_periods_total'],
    POD,
  ),
  // Runtimes. Python's client exposes GC collection counts, not pause time: no GC query for it.
  rate('jvm.gc-pause', 'gc.pause-ratio', 'jvm', 'jvm_gc_pause_seconds_sum', INSTANCE),
  rate('go.gc-pause', 'gc.pause-ratio', 'go', 'go_gc_duration_seconds_sum', INSTANCE),
  rate('nodejs.gc-pause', 'gc.pause-ratio', 'nodejs', 'nodejs_gc_duration_seconds_sum', INSTANCE),
  gauge('nodejs.eventloop-lag', 'eventloop.lag', 'nodejs', 'nodejs_eventloop_lag_p99_seconds', INSTANCE, {
    aggregate: 'max',
  }),
  gauge('nodejs.eventloop-lag-mean', 'eventloop.lag', 'nodejs', 'nodejs_eventloop_lag_seconds', INSTANCE, {
    aggregate: 'max',
    fallbackOf: ['nodejs.eventloop-lag'],
  }),
  gauge('tomcat.threads-busy', 'threads.busy', 'jvm', 'tomcat_threads_busy_threads', INSTANCE),
  gauge('tomcat.threads-max', 'threads.max', 'jvm', 'tomcat_threads_config_max_threads', INSTANCE),
  gauge('executor.threads-busy', 'threads.busy', 'jvm', 'executor_active_threads', INSTANCE, {
    fallbackOf: ['tomcat.threads-busy'],
  }),
  gauge('executor.threads-max', 'threads.max', 'jvm', 'executor_pool_max_threads', INSTANCE, {
    fallbackOf: ['tomcat.threads-max'],
  }),
  gauge('hikari.active', 'pool.active', 'jvm', 'hikaricp_connections_active', INSTANCE),
  gauge('hikari.idle', 'pool.idle', 'jvm', 'hikaricp_connections_idle', INSTANCE, { worst: 'low' }),
  gauge('hikari.max', 'pool.max', 'jvm', 'hikaricp_connections_max', INSTANCE),
  gauge('hikari.pending', 'pool.pending', 'jvm', 'hikaricp_connections_pending', INSTANCE),
  rate('hikari.timeouts', 'pool.timeouts', 'jvm', 'hikaricp_connections_timeout_total', INSTANCE),
  // Connection pools under the OpenTelemetry database-client conventions (db.client.connection.*),
  // as Prometheus names them; any client library that follows them (node-postgres, .NET, Go) reports here.
  gauge('otel-db.used', 'pool.active', 'otel-db', 'db_client_connection_count', INSTANCE, {
    selector: 'db_client_connection_state="used"',
    fallbackOf: ['hikari.active'],
  }),
  gauge('otel-db.idle', 'pool.idle', 'otel-db', 'db_client_connection_count', INSTANCE, {
    selector: 'db_client_connection_state="idle"',
    worst: 'low',
    fallbackOf: ['hikari.idle'],
  }),
  gauge('otel-db.max', 'pool.max', 'otel-db', 'db_client_connection_max', INSTANCE, {
    fallbackOf: ['hikari.max'],
  }),
  gauge('otel-db.pending', 'pool.pending', 'otel-db', 'db_client_connection_pending_requests', INSTANCE, {
    fallbackOf: ['hikari.pending'],
  }),
  rate('otel-db.timeouts', 'pool.timeouts', 'otel-db', 'db_client_connection_timeouts_total', INSTANCE, {
    fallbackOf: ['hikari.timeouts'],
  }),
  // File descriptors: a host's file table (node exporter) before a process's own descriptors, so
  // the node exporter's few descriptors never stand for its host.
  gauge('node.filefd-open', 'fd.open', 'node', 'node_filefd_allocated', HOST),
  gauge('node.filefd-max', 'fd.max', 'node', 'node_filefd_maximum', HOST),
  gauge('process.open-fds', 'fd.open', 'process', 'process_open_fds', INSTANCE, {
    fallbackOf: ['node.filefd-open'],
  }),
  gauge('process.max-fds', 'fd.max', 'process', 'process_max_fds', INSTANCE, {
    fallbackOf: ['node.filefd-max'],
  }),
  // HTTP servers: Micrometer, OpenTelemetry (current semantic conventions in seconds, then the
  // older http.server.duration in milliseconds), then the client libraries' usual names.
  ...http('http.micrometer', 'jvm', 'http_server_requests_seconds', 'status'),
  ...http('http.otel', 'otel-http', 'http_server_request_duration_seconds', 'http_response_status_code', [
    'http.micrometer',
  ]),
  ...http(
    'http.otel-legacy',
    'otel-http',
    'http_server_duration_milliseconds',
    'http_status_code',
    ['http.micrometer', 'http.otel'],
    ' / 1000',
  ),
  ...http('http.classic', 'http', 'http_request_duration_seconds', 'code', [
    'http.micrometer',
    'http.otel',
    'http.otel-legacy',
  ]),
  ...['requests', 'errors', 'throttled'].map((kind) =>
    rate(`http.${kind}`, `http.${kind}` as MetricRole, 'http', 'http_requests_total', INSTANCE, {
      ...(kind === 'errors'
        ? { selector: 'code=~"5.."' }
        : kind === 'throttled'
          ? { selector: 'code="429"' }
          : {}),
      fallbackOf: ['http.micrometer', 'http.otel', 'http.otel-legacy', 'http.classic'].map(
        (p) => `${p}-${kind}`,
      ),
    }),
  ),
  // Databases
  gauge('postgres.connections', 'db.connections', 'postgres', 'pg_stat_activity_count', HOST),
  gauge('postgres.max-connections', 'db.connections.max', 'postgres', 'pg_settings_max_connections', HOST, {
    aggregate: 'max',
  }),
  rate('postgres.deadlocks', 'db.deadlocks', 'postgres', 'pg_stat_database_deadlocks', HOST),
  gauge('postgres.blocked', 'db.locks-waiting', 'postgres', 'pg_blocked_queries', HOST),
  // Every lock with a database, granted or not, by mode: only the blocking modes are asked for.
  gauge('postgres.exclusive-locks', 'db.locks-exclusive', 'postgres', 'pg_locks_count', HOST, {
    selector: 'mode=~"exclusivelock|accessexclusivelock"',
  }),
  gauge('postgres.replication-lag', 'db.replication-lag', 'postgres', 'pg_replication_lag_seconds', HOST, {
    aggregate: 'max',
  }),
  gauge('postgres.replication-lag-legacy', 'db.replication-lag', 'postgres', 'pg_replication_lag', HOST, {
    aggregate: 'max',
    fallbackOf: ['postgres.replication-lag'],
  }),
  gauge(
    'postgres.xid-age',
    'db.xid-age',
    'postgres',
    'pg_database_wraparound_age_datfrozenxid_seconds',
    HOST,
    { aggregate: 'max' },
  ),
  gauge(
    'postgres.xid-age-legacy',
    'db.xid-age',
    'postgres',
    'pg_database_wraparound_age_datfrozenxid',
    HOST,
    {
      aggregate: 'max',
      fallbackOf: ['postgres.xid-age'],
    },
  ),
  gauge('mysql.connections', 'db.connections', 'mysql', 'mysql_global_status_threads_connected', HOST),
  gauge(
    'mysql.max-connections',
    'db.connections.max',
    'mysql',
    'mysql_global_variables_max_connections',
    HOST,
    {
      aggregate: 'max',
    },
  ),
  gauge(
    'mysql.replication-lag',
    'db.replication-lag',
    'mysql',
    'mysql_slave_status_seconds_behind_master',
    HOST,
    {
      aggregate: 'max',
    },
  ),
  rate('mysql.slow-queries', 'db.slow-queries', 'mysql', 'mysql_global_status_slow_queries', HOST),
  // Disks, files, network (node exporter)
  rate(
    'node.disk-io',
    'disk.io-utilization',
    'node',
    'node_disk_io_time_seconds_total',
    ['instance', 'device'],
    {
      aggregate: 'max',
    },
  ),
  gauge('node.fs-free', 'disk.free', 'node', 'node_filesystem_avail_bytes', ['instance', 'mountpoint'], {
    aggregate: 'min',
    selector: 'fstype!~"tmpfs|overlay|squashfs"',
    worst: 'low',
  }),
  gauge('node.fs-size', 'disk.size', 'node', 'node_filesystem_size_bytes', ['instance', 'mountpoint'], {
    aggregate: 'max',
    selector: 'fstype!~"tmpfs|overlay|squashfs"',
  }),
  q(
    'node.net-errors',
    'net.errors',
    'node',
    `sum ${by(HOST)} (rate(node_network_receive_errs_total{device!="lo"}[$rate])) + sum ${by(HOST)} (rate(node_network_transmit_errs_total{device!="lo"}[$rate]))`,
    ['node_network_receive_errs_total', 'node_network_transmit_errs_total'],
    HOST,
  ),
  q(
    'node.net-drops',
    'net.drops',
    'node',
    `sum ${by(HOST)} (rate(node_network_receive_drop_total{device!="lo"}[$rate])) + sum ${by(HOST)} (rate(node_network_transmit_drop_total{device!="lo"}[$rate]))`,
    ['node_network_receive_drop_total', 'node_network_transmit_drop_total'],
    HOST,
  ),
  rate('node.retransmits', 'net.retransmits', 'node', 'node_netstat_Tcp_RetransSegs', HOST),
  rate('node.segments-out', 'net.segments-out', 'node', 'node_netstat_Tcp_OutSegs', HOST),
  rate('node.listen-overflows', 'net.listen-overflows', 'node', 'node_netstat_TcpExt_ListenOverflows', HOST),
  rate('node.listen-drops', 'net.listen-overflows', 'node', 'node_netstat_TcpExt_ListenDrops', HOST, {
    fallbackOf: ['node.listen-overflows'],
  }),
  q(
    'node.conntrack',
    'net.conntrack-used',
    'node',
    `max ${by(HOST)} (node_nf_conntrack_entries / node_nf_conntrack_entries_limit)`,
    ['node_nf_conntrack_entries', 'node_nf_conntrack_entries_limit'],
    HOST,
  ),
  // Caches
  rate('redis.hits', 'cache.hits', 'redis', 'redis_keyspace_hits_total', HOST),
  rate('redis.misses', 'cache.misses', 'redis', 'redis_keyspace_misses_total', HOST),
  rate('redis.evictions', 'cache.evictions', 'redis', 'redis_evicted_keys_total', HOST),
  gauge('redis.memory-used', 'cache.memory-used', 'redis', 'redis_memory_used_bytes', HOST, {
    aggregate: 'max',
  }),
  gauge('redis.memory-max', 'cache.memory-max', 'redis', 'redis_memory_max_bytes', HOST, {
    aggregate: 'max',
  }),
  gauge('redis.clients', 'cache.connections', 'redis', 'redis_connected_clients', HOST),
  // Queues and streams. A JetStream consumer is reported by every server of its cluster, so its
  // values are the maximum over servers, not their sum.
  gauge('kafka.lag', 'queue.lag', 'kafka', 'kafka_consumergroup_lag', ['consumergroup', 'topic']),
  rate('kafka.consumed', 'queue.consumed', 'kafka', 'kafka_consumergroup_current_offset', [
    'consumergroup',
    'topic',
  ]),
  rate('kafka.published', 'queue.published', 'kafka', 'kafka_topic_partition_current_offset', ['topic']),
  ...jetstream('nats', 'jetstream'),
  ...jetstream('nats-surveyor', 'nats'),
  // Prometheus about itself and its targets
  gauge('prometheus.head-series', 'tsdb.series', 'prometheus', 'prometheus_tsdb_head_series', INSTANCE, {
    aggregate: 'max',
  }),
  gauge('targets.up', 'scrape.up', 'prometheus', 'up', INSTANCE, { aggregate: 'min', worst: 'low' }),
  gauge('targets.scrape-duration', 'scrape.duration', 'prometheus', 'scrape_duration_seconds', INSTANCE, {
    aggregate: 'max',
  }),
  gauge('targets.samples', 'scrape.samples', 'prometheus', 'scrape_samples_scraped', INSTANCE, {
    aggregate: 'max',
  }),
  // Cache keys, database work and host traffic
  gauge('redis.keys', 'cache.keys', 'redis', 'redis_db_keys', HOST),
  gauge('postgres.active', 'db.connections.active', 'postgres', 'pg_stat_activity_count', HOST, {
    selector: 'state="active"',
  }),
  gauge(
    'mysql.threads-running',
    'db.connections.active',
    'mysql',
    'mysql_global_status_threads_running',
    HOST,
  ),
  rate('postgres.commits', 'db.transactions', 'postgres', 'pg_stat_database_xact_commit', HOST),
  rate('mysql.commits', 'db.transactions', 'mysql', 'mysql_global_status_commands_total', HOST, {
    selector: 'command="commit"',
  }),
  rate('node.receive-bytes', 'net.receive-bytes', 'node', 'node_network_receive_bytes_total', HOST, {
    selector: 'device!="lo"',
  }),
  rate('node.receive-packets', 'net.receive-packets', 'node', 'node_network_receive_packets_total', HOST, {
    selector: 'device!="lo"',
  }),
  ...['http_server_response_body_size_bytes', 'nginx_ingress_controller_response_size'].map((base, i) =>
    q(
      i === 0 ? 'http.otel-response-size' : 'nginx-ingress.response-size',
      'http.response-size',
      i === 0 ? 'otel-http' : 'http',
      `sum ${by(INSTANCE)} (rate(${base}_sum[$rate])) / sum ${by(INSTANCE)} (rate(${base}_count[$rate]))`,
      [`${base}_sum`, `${base}_count`],
      INSTANCE,
      i === 0 ? {} : { fallbackOf: ['http.otel-response-size'] },
    ),
  ),
  // Application Load Balancers through the CloudWatch exporter (YACE): per-period Sums, as gauges.
  ...(
    [
      ['alb.requests', 'lb.requests', 'aws_applicationelb_request_count_sum'],
      ['alb.elb-5xx', 'lb.own-5xx', 'aws_applicationelb_httpcode_elb_5_xx_count_sum'],
      ['alb.target-5xx', 'lb.target-5xx', 'aws_applicationelb_httpcode_target_5_xx_count_sum'],
    ] as const
  ).map(([id, role, metric]) =>
    gauge(id, role, 'cloudwatch', metric, ['instance', 'dimension_LoadBalancer'], {
      selector: 'dimension_TargetGroup=""',
    }),
  ),
  // Kubernetes node conditions and evictions (kube-state-metrics), node memory (node exporter)
  ...(['MemoryPressure', 'DiskPressure', 'PIDPressure'] as const).map((condition) =>
    gauge(
      `kube.node-${condition.replace('Pressure', '').toLowerCase()}-pressure`,
      `node.${condition.replace('Pressure', '').toLowerCase()}-pressure` as MetricRole,
      'kube-state-metrics',
      'kube_node_status_condition',
      ['node'],
      { aggregate: 'max', selector: `condition="${condition}",status="true"` },
    ),
  ),
  gauge('kube.pod-evicted', 'pod.evicted', 'kube-state-metrics', 'kube_pod_status_reason', POD, {
    aggregate: 'max',
    selector: 'reason="Evicted"',
  }),
  ...hpa(),
  q(
    'node.memory-available',
    'node.memory-available',
    'node',
    `min ${by(HOST)} (node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)`,
    ['node_memory_MemAvailable_bytes', 'node_memory_MemTotal_bytes'],
    HOST,
    { worst: 'low' },
  ),
  // Container runtime shims and running pods per node
  gauge(
    'process-exporter.shims',
    'node.shim-processes',
    'process-exporter',
    'namedprocess_namegroup_num_procs',
    ['node'],
    { selector: 'groupname=~"containerd-shim.*"' },
  ),
  gauge('kubelet.running-pods', 'node.running-pods', 'kubelet', 'kubelet_running_pods', ['node'], {
    aggregate: 'max',
  }),
  gauge('kubelet.running-pod-count', 'node.running-pods', 'kubelet', 'kubelet_running_pod_count', ['node'], {
    aggregate: 'max',
    fallbackOf: ['kubelet.running-pods'],
  }),
  // eBPF networking agents (Cilium)
  gauge(
    'cilium.bpf-map-memory',
    'bpf.map-memory',
    'cilium',
    'cilium_bpf_maps_virtual_memory_max_bytes',
    INSTANCE,
    {
      aggregate: 'max',
    },
  ),
  gauge('cilium.endpoints', 'bpf.endpoints', 'cilium', 'cilium_endpoint_state', INSTANCE),
  // LLM servers: mean decode step and time to first token per server
  ...llmMean(
    'vllm.inter-token-latency',
    'llm.inter-token-latency',
    'vllm',
    'vllm:inter_token_latency_seconds',
  ),
  ...llmMean(
    'vllm.time-per-output-token',
    'llm.inter-token-latency',
    'vllm',
    'vllm:time_per_output_token_seconds',
    ['vllm.inter-token-latency'],
  ),
  ...llmMean(
    'tgi.time-per-token',
    'llm.inter-token-latency',
    'tgi',
    'tgi_request_mean_time_per_token_duration',
    ['vllm.inter-token-latency', 'vllm.time-per-output-token'],
  ),
  ...llmMean('vllm.time-to-first-token', 'llm.ttft', 'vllm', 'vllm:time_to_first_token_seconds'),
  // NVIDIA DCGM exporter: MiB and percent brought to bytes and ratios, one series per GPU (and
  // the pod using it, when the exporter maps GPUs to pods).
  ...dcgm(),
  // CDN edge through the CloudWatch exporter (YACE): CloudFront rates are percentages, brought to
  // ratios; WAF web ACL totals are the Rule="ALL" series; Lambda@Edge replicas per Region.
  gauge('cloudfront.requests', 'cdn.requests', 'cloudwatch', 'aws_cloudfront_requests_sum', [
    'instance',
    'dimension_DistributionId',
  ]),
  ...(
    [
      ['cloudfront.cache-hit-rate', 'cdn.cache-hit-rate', 'aws_cloudfront_cache_hit_rate_average'],
      ['cloudfront.5xx-rate', 'cdn.5xx-rate', 'aws_cloudfront_5xx_error_rate_average'],
    ] as const
  ).map(([id, role, metric]) =>
    q(
      id,
      role,
      'cloudwatch',
      `max by (instance, dimension_DistributionId) (${metric}) / 100`,
      [metric],
      ['instance', 'dimension_DistributionId'],
    ),
  ),
  ...(
    [
      ['wafv2.blocked', 'waf.blocked', 'aws_wafv2_blocked_requests_sum'],
      ['wafv2.allowed', 'waf.allowed', 'aws_wafv2_allowed_requests_sum'],
    ] as const
  ).map(([id, role, metric]) =>
    gauge(id, role, 'cloudwatch', metric, ['instance', 'dimension_WebACL'], {
      selector: 'dimension_Rule=~"A(LL|ll)"',
    }),
  ),
  ...(
    [
      ['lambda-edge.invocations', 'edge-fn.invocations', 'aws_lambda_invocations_sum'],
      ['lambda-edge.errors', 'edge-fn.errors', 'aws_lambda_errors_sum'],
    ] as const
  ).map(([id, role, metric]) =>
    gauge(id, role, 'cloudwatch', metric, ['instance', 'dimension_FunctionName', 'region'], {
      selector: 'dimension_FunctionName=~"us-east-1\\\\..+"',
    }),
  ),
  // Lambda reports Duration in milliseconds.
  q(
    'lambda-edge.duration',
    'edge-fn.duration',
    'cloudwatch',
    'max by (instance, dimension_FunctionName, region) (aws_lambda_duration_average{dimension_FunctionName=~"us-east-1\\\\..+"}) / 1000',
    ['aws_lambda_duration_average'],
    ['instance', 'dimension_FunctionName', 'region'],
  ),
  // Service meshes: requests per calling pod and destination service, as the caller's proxy
  // reports them, and those its proxy failed with a routing or upstream-reachability flag.
  rate('istio.requests', 'mesh.requests', 'istio', 'istio_requests_total', MESH, {
    selector: 'reporter="source"',
  }),
  rate('istio.proxy-failures', 'mesh.proxy-failures', 'istio', 'istio_requests_total', MESH, {
    selector: `reporter="source",response_flags=~"${MESH_ROUTING_FLAGS}"`,
  }),
  // Application Load Balancer target health per target group (CloudWatch exporter): the period's
  // fewest healthy and most unhealthy targets, else the averages.
  ...(
    [
      ['alb.healthy-hosts', 'lb.healthy-hosts', 'aws_applicationelb_healthy_host_count_minimum', 'min', []],
      [
        'alb.healthy-hosts-average',
        'lb.healthy-hosts',
        'aws_applicationelb_healthy_host_count_average',
        'min',
        ['alb.healthy-hosts'],
      ],
      [
        'alb.unhealthy-hosts',
        'lb.unhealthy-hosts',
        'aws_applicationelb_un_healthy_host_count_maximum',
        'max',
        [],
      ],
      [
        'alb.unhealthy-hosts-average',
        'lb.unhealthy-hosts',
        'aws_applicationelb_un_healthy_host_count_average',
        'max',
        ['alb.unhealthy-hosts'],
      ],
    ] as const
  ).map(([id, role, metric, aggregate, fallbackOf]) =>
    gauge(id, role, 'cloudwatch', metric, ['instance', 'dimension_LoadBalancer', 'dimension_TargetGroup'], {
      aggregate,
      selector: 'dimension_TargetGroup!=""',
      ...(fallbackOf.length > 0 ? { fallbackOf: [...fallbackOf] } : {}),
    }),
  ),
  // Deployment replicas asked for and available (kube-state-metrics), per Deployment.
  gauge(
    'kube.deployment-desired-replicas',
    'deployment.desired-replicas',
    'kube-state-metrics',
    'kube_deployment_spec_replicas',
    ['namespace', 'deployment'],
    { aggregate: 'max' },
  ),
  gauge(
    'kube.deployment-available-replicas',
    'deployment.available-replicas',
    'kube-state-metrics',
    'kube_deployment_status_replicas_available',
    ['namespace', 'deployment'],
    { aggregate: 'max' },
  ),
];

/** HorizontalPodAutoscaler replicas, limit and ScalingActive=False from kube-state-metrics, per HPA. */
function hpa(): QuerySetEntry[] {
  const HPA = ['namespace', 'horizontalpodautoscaler'];
  const prefix = 'kube_horizontalpodautoscaler';
  return [
    gauge(
      'kube.hpa-replicas',
      'hpa.current-replicas',
      'kube-state-metrics',
      `${prefix}_status_current_replicas`,
      HPA,
      {
        aggregate: 'max',
      },
    ),
    gauge(
      'kube.hpa-max-replicas',
      'hpa.max-replicas',
      'kube-state-metrics',
      `${prefix}_spec_max_replicas`,
      HPA,
      {
        aggregate: 'max',
      },
    ),
    gauge(
      'kube.hpa-scaling-inactive',
      'hpa.scaling-inactive',
      'kube-state-metrics',
      `${prefix}_status_condition`,
      HPA,
      {
        aggregate: 'max',
        selector: 'condition="ScalingActive",status="false"',
      },
    ),
  ];
}

/** A histogram's mean per server: the rate of its sum over the rate of its count. */
function llmMean(
  id: string,
  role: MetricRole,
  exporter: Exporter,
  base: string,
  fallbackOf: string[] = [],
): QuerySetEntry[] {
  return [
    q(
      id,
      role,
      exporter,
      `sum ${by(INSTANCE)} (rate(${base}_sum[$rate])) / sum ${by(INSTANCE)} (rate(${base}_count[$rate]))`,
      [`${base}_sum`, `${base}_count`],
      INSTANCE,
      fallbackOf.length ? { fallbackOf } : {},
    ),
  ];
}

/** The DCGM exporter's GPU fields, each the worst reading per GPU. */
function dcgm(): QuerySetEntry[] {
  const GPU = ['namespace', 'pod', 'instance', 'gpu'];
  const field = (id: string, role: MetricRole, metric: string, scale = '', options: Options = {}) =>
    q(id, role, 'dcgm', `max ${by(GPU)} (${metric})${scale}`, [metric], GPU, options);
  return [
    field('dcgm.fb-used', 'gpu.memory-used', 'DCGM_FI_DEV_FB_USED', ' * 1048576'),
    field('dcgm.fb-free', 'gpu.memory-free', 'DCGM_FI_DEV_FB_FREE', ' * 1048576', { worst: 'low' }),
    field('dcgm.utilization', 'gpu.utilization', 'DCGM_FI_DEV_GPU_UTIL', ' / 100'),
    field('dcgm.temperature', 'gpu.temperature', 'DCGM_FI_DEV_GPU_TEMP'),
    field('dcgm.sm-clock', 'gpu.sm-clock', 'DCGM_FI_DEV_SM_CLOCK', '', { worst: 'low' }),
    field('dcgm.clock-events', 'gpu.clock-events', 'DCGM_FI_DEV_CLOCKS_EVENT_REASONS'),
    field('dcgm.clock-throttle', 'gpu.clock-events', 'DCGM_FI_DEV_CLOCK_THROTTLE_REASONS', '', {
      fallbackOf: ['dcgm.clock-events'],
    }),
    field('dcgm.sm-active', 'gpu.sm-active', 'DCGM_FI_PROF_SM_ACTIVE', '', { worst: 'low' }),
    field('dcgm.pcie-rx', 'gpu.pcie-rx', 'DCGM_FI_PROF_PCIE_RX_BYTES'),
    field('dcgm.pcie-tx', 'gpu.pcie-tx', 'DCGM_FI_PROF_PCIE_TX_BYTES'),
    field('dcgm.pcie-link-gen', 'gpu.pcie-link-gen', 'DCGM_FI_DEV_PCIE_LINK_GEN', '', { worst: 'low' }),
    field('dcgm.pcie-link-width', 'gpu.pcie-link-width', 'DCGM_FI_DEV_PCIE_LINK_WIDTH', '', { worst: 'low' }),
  ];
}

/** Pending messages, acknowledged and published per second of JetStream, under a metric prefix. */
function jetstream(id: string, prefix: string): QuerySetEntry[] {
  const consumer = ['stream_name', 'consumer_name'];
  return [
    gauge(`${id}.pending`, 'queue.lag', 'nats', `${prefix}_consumer_num_pending`, consumer, {
      aggregate: 'max',
    }),
    rate(
      `${id}.acknowledged`,
      'queue.consumed',
      'nats',
      `${prefix}_consumer_ack_floor_stream_seq`,
      consumer,
      {
        aggregate: 'max',
      },
    ),
    rate(`${id}.published`, 'queue.published', 'nats', `${prefix}_stream_last_seq`, ['stream_name'], {
      aggregate: 'max',
    }),
  ];
}

/** Custom entries completed with defaults and checked: known roles, unique ids, known fallbacks. */
export function completeQuerySet(
  defaults: readonly QuerySetEntry[],
  custom: readonly CustomQuery[],
): QuerySetEntry[] {
  const entries: QuerySetEntry[] = [...defaults];
  for (const [index, query] of custom.entries()) {
    const parsed = CustomQuerySchema.safeParse(query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new GatherError(
        'unsupported-format',
        `query set entry ${index + 1} (${query.id ?? 'no id'}): ${issue?.path.join('.') || 'entry'}: ${issue?.message}`,
      );
    }
    if (entries.some((e) => e.id === query.id))
      throw new GatherError(
        'unsupported-format',
        `query set entry ${index + 1}: the id ${query.id} is used twice; ids must be unique`,
      );
    entries.push({
      ...query,
      exporter: query.exporter ?? 'prometheus',
      requires: query.requires ?? [],
      subjectLabels: query.subjectLabels ?? [],
    });
  }
  const ids = new Set(entries.map((e) => e.id));
  for (const entry of entries) {
    const unknown = entry.fallbackOf?.find((id) => !ids.has(id));
    if (unknown && !defaults.includes(entry))
      throw new GatherError(
        'unsupported-format',
        `query set entry ${entry.id}: fallbackOf names ${unknown}, which is not in the set`,
      );
  }
  return entries;
}
