import type { MetricRole } from './data.js';

// Which real metrics play which role, for raw series read from files (OpenMetrics text,
// query_range exports of raw selectors, CSV columns named after metrics): match a metric name,
// turn counters into rates, sum the labels that do not identify the subject. The PromQL twin of
// these rules, for servers, is the query set (query-set.ts).
// Metric names are those of node exporter, cAdvisor/kubelet, kube-state-metrics, the Prometheus
// client libraries' process and runtime collectors (Go, Node.js prom-client, JVM Micrometer),
// HikariCP and Tomcat through Micrometer, the OpenTelemetry HTTP semantic conventions as
// Prometheus names them, postgres_exporter, mysqld_exporter, redis_exporter, kafka_exporter,
// the NATS exporter and Surveyor, and Prometheus itself.

/** The exporters (and client libraries) whose metric names the rules know. */
export const EXPORTERS = [
  'node',
  'cadvisor',
  'kube-state-metrics',
  'process',
  'nodejs',
  'jvm',
  'go',
  'python',
  'http',
  'otel-http',
  'otel-db',
  'postgres',
  'mysql',
  'redis',
  'kafka',
  'nats',
  'prometheus',
  'cloudwatch',
  'dcgm',
  'vllm',
  'tgi',
  'kubelet',
  'process-exporter',
  'cilium',
  'istio',
] as const;
export type Exporter = (typeof EXPORTERS)[number];

/** How a raw series becomes a role series. */
export type RuleKind =
  /** The value as it is. */
  | 'gauge'
  /** A cumulative counter: per-second rate between samples, resets handled. */
  | 'counter'
  /** A cumulative counter: the increase between samples (restarts, OOM kills per interval). */
  | 'increase'
  /** A value that changes only when something restarts (a start time): 1 per change, else 0. */
  | 'changes'
  /** Cumulative histogram buckets (`le` label): the 99th percentile of each interval's increase. */
  | 'histogram-p99';

export interface RoleRule {
  metric: string;
  role: MetricRole;
  kind: RuleKind;
  exporter: Exporter;
  /** Only samples whose labels have these values (a regular expression per label, fully anchored). */
  labels?: Record<string, string>;
  /**
   * The denominator of a ratio role: a second metric summed over the same subject (throttled periods
   * over all periods; busy CPU seconds over all CPU seconds; a histogram's sum over its count).
   */
  over?: { metric: string; kind: RuleKind; labels?: Record<string, string> };
  /** Subtract the ratio from 1 (idle share → busy share). */
  complement?: boolean;
  /** Multiply the result, to bring it to the role's unit (milliseconds → seconds). */
  scale?: number;
}

/**
 * Labels that name what a series is about besides pod, instance or job; the other labels are
 * summed away. Disk and filesystem roles keep the device or mount point (one full disk must not
 * hide in a sum); queue roles keep the consumer group, topic, stream and consumer.
 */
export const ROLE_EXTRA_SUBJECT_LABELS: Partial<Record<MetricRole, string[]>> = {
  'disk.free': ['mountpoint'],
  'disk.size': ['mountpoint'],
  'disk.io-utilization': ['device'],
  'queue.lag': ['consumergroup', 'topic', 'stream', 'stream_name', 'consumer_name'],
  'queue.consumed': ['consumergroup', 'topic', 'stream', 'stream_name', 'consumer_name'],
  'queue.published': ['topic', 'stream', 'stream_name'],
  'db.replication-lag': ['application_name'],
  'lb.requests': ['dimension_LoadBalancer'],
  'lb.own-5xx': ['dimension_LoadBalancer'],
  'lb.target-5xx': ['dimension_LoadBalancer'],
  // One client proxy calls many services: a broken route to one must not hide in the sum of all.
  'mesh.requests': ['destination_service'],
  'mesh.proxy-failures': ['destination_service'],
  'node.memory-pressure': ['node'],
  'node.disk-pressure': ['node'],
  'node.pid-pressure': ['node'],
  'node.shim-processes': ['node'],
  'node.running-pods': ['node'],
  'hpa.current-replicas': ['namespace', 'horizontalpodautoscaler'],
  'hpa.max-replicas': ['namespace', 'horizontalpodautoscaler'],
  'hpa.scaling-inactive': ['namespace', 'horizontalpodautoscaler'],
  // One exporter per node reports every GPU of it: the GPU index tells them apart.
  'gpu.memory-used': ['gpu'],
  'gpu.memory-free': ['gpu'],
  'gpu.utilization': ['gpu'],
  'gpu.temperature': ['gpu'],
  'gpu.sm-clock': ['gpu'],
  'gpu.clock-events': ['gpu'],
  'gpu.sm-active': ['gpu'],
  'gpu.pcie-rx': ['gpu'],
  'gpu.pcie-tx': ['gpu'],
  'gpu.pcie-link-gen': ['gpu'],
  'gpu.pcie-link-width': ['gpu'],
  // One exporter reports every distribution, web ACL and edge function replica of an account; an
  // edge function runs as one replica per Region, named by the exporter's region label.
  'cdn.requests': ['dimension_DistributionId'],
  'cdn.cache-hit-rate': ['dimension_DistributionId'],
  'cdn.5xx-rate': ['dimension_DistributionId'],
  'waf.blocked': ['dimension_WebACL'],
  'waf.allowed': ['dimension_WebACL'],
  'edge-fn.invocations': ['dimension_FunctionName', 'region'],
  'edge-fn.errors': ['dimension_FunctionName', 'region'],
  'edge-fn.duration': ['dimension_FunctionName', 'region'],
  // Target health is reported per target group of a load balancer.
  'lb.healthy-hosts': ['dimension_LoadBalancer', 'dimension_TargetGroup'],
  'lb.unhealthy-hosts': ['dimension_LoadBalancer', 'dimension_TargetGroup'],
  'deployment.desired-replicas': ['namespace', 'deployment'],
  'deployment.available-replicas': ['namespace', 'deployment'],
};

/**
 * Conditions, flags and per-device readings: two series of one subject (two kube-state-metrics
 * replicas, a GPU seen by two scrape jobs) say the same thing, so the worst one stands, never a sum.
 */
const CONDITION_ROLES: readonly MetricRole[] = [
  'node.memory-pressure',
  'node.disk-pressure',
  'node.pid-pressure',
  'pod.evicted',
  'hpa.current-replicas',
  'hpa.max-replicas',
  'hpa.scaling-inactive',
  'gpu.utilization',
  'gpu.temperature',
  'gpu.sm-clock',
  'gpu.clock-events',
  'gpu.sm-active',
  'gpu.pcie-rx',
  'gpu.pcie-tx',
  'gpu.pcie-link-gen',
  'gpu.pcie-link-width',
  'lb.healthy-hosts',
  'lb.unhealthy-hosts',
  'deployment.desired-replicas',
  'deployment.available-replicas',
];

/** Roles whose per-subject values are not summed but averaged (a share, a latency) or maxed (up). */
export const NON_ADDITIVE_ROLES: ReadonlySet<MetricRole> = new Set<MetricRole>([
  'eventloop.lag',
  'scrape.up',
  'scrape.duration',
  'db.replication-lag',
  'db.xid-age',
  'disk.io-utilization',
  ...CONDITION_ROLES,
  // Per-period averages of CloudWatch: a function exported per version and in total is one rate.
  'cdn.cache-hit-rate',
  'cdn.5xx-rate',
  'edge-fn.duration',
]);

/** Roles where the worst member is the subject's value: the busiest device, the oldest database. */
export const MAX_ROLES: ReadonlySet<MetricRole> = new Set<MetricRole>([
  'disk.io-utilization',
  'db.xid-age',
  'db.replication-lag',
  ...CONDITION_ROLES,
]);

const rule =
  (kind: RuleKind) =>
  (metric: string, role: MetricRole, exporter: Exporter, labels?: Record<string, string>): RoleRule => ({
    metric,
    role,
    kind,
    exporter,
    ...(labels ? { labels } : {}),
  });
const g = rule('gauge');
const c = rule('counter');

/** A histogram's mean per interval: the increase of its sum over the increase of its count. */
const mean = (base: string, role: MetricRole, exporter: Exporter, scale?: number): RoleRule => ({
  metric: `${base}_sum`,
  role,
  kind: 'counter',
  exporter,
  over: { metric: `${base}_count`, kind: 'counter' },
  ...(scale ? { scale } : {}),
});
const p99 = (base: string, exporter: Exporter, scale?: number): RoleRule => ({
  metric: `${base}_bucket`,
  role: 'http.latency-p99',
  kind: 'histogram-p99',
  exporter,
  ...(scale ? { scale } : {}),
});
/** Requests, 5xx and 429 per second from a request counter whose status label is `status`. */
const httpCounts = (metric: string, status: string, exporter: Exporter): RoleRule[] => [
  c(metric, 'http.requests', exporter),
  c(metric, 'http.errors', exporter, { [status]: '5..' }),
  c(metric, 'http.throttled', exporter, { [status]: '429' }),
];
/** DCGM reports framebuffer memory in MiB. */
const MIB = 1024 * 1024;
const NOT_LOOPBACK = { device: '(?!lo$).*' };
const REAL_FILESYSTEMS = { fstype: '(?!tmpfs|overlay|squashfs).*' };
/**
 * Envoy response flags (comma-separated when several) that say the proxy could not route or reach
 * the destination: NR no route, NC no cluster, UH no healthy upstream, UF upstream connection
 * failure, URX retries or connect attempts exhausted. Flags of timeouts (UT), overflow (UO),
 * rate limits (RL) and the caller hanging up (DC) name other failures; "-" is no flag at all.
 */
export const MESH_ROUTING_FLAGS = '(?:[A-Z]+,)*(?:NR|NC|UH|UF|URX)(?:,[A-Z]+)*';

/**
 * In order of preference: for one role and subject, the first rule that has data wins (a host's
 * file table before the node exporter's own descriptors; a process's resident memory before its
 * container's working set).
 */
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
  { metric: 'process_start_time_seconds', role: 'process.restarts', kind: 'changes', exporter: 'process' },
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
  // Runtimes. Python's client exposes GC collection counts, not pause time, so it has no GC rule;
  // a Python process is covered by the process_* rules.
  c('jvm_gc_pause_seconds_sum', 'gc.pause-ratio', 'jvm'),
  c('go_gc_duration_seconds_sum', 'gc.pause-ratio', 'go'),
  c('nodejs_gc_duration_seconds_sum', 'gc.pause-ratio', 'nodejs'),
  g('nodejs_eventloop_lag_p99_seconds', 'eventloop.lag', 'nodejs'),
  g('nodejs_eventloop_lag_seconds', 'eventloop.lag', 'nodejs'),
  g('tomcat_threads_busy_threads', 'threads.busy', 'jvm'),
  g('tomcat_threads_config_max_threads', 'threads.max', 'jvm'),
  g('executor_active_threads', 'threads.busy', 'jvm'),
  g('executor_pool_max_threads', 'threads.max', 'jvm'),
  g('hikaricp_connections_active', 'pool.active', 'jvm'),
  g('hikaricp_connections_idle', 'pool.idle', 'jvm'),
  g('hikaricp_connections_max', 'pool.max', 'jvm'),
  g('hikaricp_connections_pending', 'pool.pending', 'jvm'),
  c('hikaricp_connections_timeout_total', 'pool.timeouts', 'jvm'),
  g('db_client_connection_count', 'pool.active', 'otel-db', { db_client_connection_state: 'used' }),
  g('db_client_connection_count', 'pool.idle', 'otel-db', { db_client_connection_state: 'idle' }),
  g('db_client_connection_max', 'pool.max', 'otel-db'),
  g('db_client_connection_pending_requests', 'pool.pending', 'otel-db'),
  c('db_client_connection_timeouts_total', 'pool.timeouts', 'otel-db'),
  g('node_filefd_allocated', 'fd.open', 'node'),
  g('node_filefd_maximum', 'fd.max', 'node'),
  g('process_open_fds', 'fd.open', 'process'),
  g('process_max_fds', 'fd.max', 'process'),
  // HTTP servers: Micrometer, the OpenTelemetry semantic conventions (current, in seconds, and the
  // older http.server.duration in milliseconds), and the client libraries' usual names.
  ...httpCounts('http_server_requests_seconds_count', 'status', 'jvm'),
  ...httpCounts('http_server_request_duration_seconds_count', 'http_response_status_code', 'otel-http'),
  ...httpCounts('http_server_duration_milliseconds_count', 'http_status_code', 'otel-http'),
  ...httpCounts('http_requests_total', 'code', 'http'),
  mean('http_server_requests_seconds', 'http.latency-mean', 'jvm'),
  mean('http_server_request_duration_seconds', 'http.latency-mean', 'otel-http'),
  mean('http_server_duration_milliseconds', 'http.latency-mean', 'otel-http', 0.001),
  mean('http_request_duration_seconds', 'http.latency-mean', 'http'),
  p99('http_server_requests_seconds', 'jvm'),
  p99('http_server_request_duration_seconds', 'otel-http'),
  p99('http_server_duration_milliseconds', 'otel-http', 0.001),
  p99('http_request_duration_seconds', 'http'),
  // Databases
  g('pg_stat_activity_count', 'db.connections', 'postgres'),
  g('pg_settings_max_connections', 'db.connections.max', 'postgres'),
  c('pg_stat_database_deadlocks', 'db.deadlocks', 'postgres'),
  // Blocked queries count only waiting lock requests (a custom postgres_exporter query).
  g('pg_blocked_queries', 'db.locks-waiting', 'postgres'),
  // postgres_exporter counts every lock of pg_locks with a database, granted or not, by mode;
  // only the modes that block ordinary reads or writes say something about waiting.
  g('pg_locks_count', 'db.locks-exclusive', 'postgres', { mode: 'exclusivelock|accessexclusivelock' }),
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
  g('node_filesystem_avail_bytes', 'disk.free', 'node', REAL_FILESYSTEMS),
  g('node_filesystem_size_bytes', 'disk.size', 'node', REAL_FILESYSTEMS),
  c('node_network_receive_errs_total', 'net.errors', 'node', NOT_LOOPBACK),
  c('node_network_transmit_errs_total', 'net.errors', 'node', NOT_LOOPBACK),
  c('node_network_receive_drop_total', 'net.drops', 'node', NOT_LOOPBACK),
  c('node_network_transmit_drop_total', 'net.drops', 'node', NOT_LOOPBACK),
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
  // Queues and streams: kafka_exporter; the NATS exporter (jetstream_*) and NATS Surveyor (nats_*).
  // Stream sequences only grow, so their rate is messages published or acknowledged per second.
  g('kafka_consumergroup_lag', 'queue.lag', 'kafka'),
  c('kafka_consumergroup_current_offset', 'queue.consumed', 'kafka'),
  c('kafka_topic_partition_current_offset', 'queue.published', 'kafka'),
  g('jetstream_consumer_num_pending', 'queue.lag', 'nats'),
  c('jetstream_consumer_ack_floor_stream_seq', 'queue.consumed', 'nats'),
  c('jetstream_stream_last_seq', 'queue.published', 'nats'),
  g('nats_consumer_num_pending', 'queue.lag', 'nats'),
  c('nats_consumer_ack_floor_stream_seq', 'queue.consumed', 'nats'),
  c('nats_stream_last_seq', 'queue.published', 'nats'),
  // Prometheus about itself and its targets
  g('prometheus_tsdb_head_series', 'tsdb.series', 'prometheus'),
  g('up', 'scrape.up', 'prometheus'),
  g('scrape_duration_seconds', 'scrape.duration', 'prometheus'),
  g('scrape_samples_scraped', 'scrape.samples', 'prometheus'),
  // Cache keys, database work and host traffic: what a miss pattern does to the backend (a herd of
  // identical queries, lookups that return nothing) and how much traffic reaches a host.
  g('redis_db_keys', 'cache.keys', 'redis'),
  g('pg_stat_activity_count', 'db.connections.active', 'postgres', { state: 'active' }),
  g('mysql_global_status_threads_running', 'db.connections.active', 'mysql'),
  c('pg_stat_database_xact_commit', 'db.transactions', 'postgres'),
  c('mysql_global_status_commands_total', 'db.transactions', 'mysql', { command: 'commit' }),
  c('node_network_receive_bytes_total', 'net.receive-bytes', 'node', NOT_LOOPBACK),
  c('node_network_receive_packets_total', 'net.receive-packets', 'node', NOT_LOOPBACK),
  // Response body sizes: the OpenTelemetry http.server.response.body.size histogram, then the
  // ingress-nginx controller's response size histogram.
  mean('http_server_response_body_size_bytes', 'http.response-size', 'otel-http'),
  mean('nginx_ingress_controller_response_size', 'http.response-size', 'http'),
  // Application Load Balancers through the CloudWatch exporter (YACE): each value is the Sum of one
  // CloudWatch period, so they are read as gauges; load-balancer-level series only (no target group).
  g('aws_applicationelb_request_count_sum', 'lb.requests', 'cloudwatch', { dimension_TargetGroup: '' }),
  g('aws_applicationelb_httpcode_elb_5_xx_count_sum', 'lb.own-5xx', 'cloudwatch', {
    dimension_TargetGroup: '',
  }),
  g('aws_applicationelb_httpcode_target_5_xx_count_sum', 'lb.target-5xx', 'cloudwatch', {
    dimension_TargetGroup: '',
  }),
  // Kubernetes node conditions and evictions (kube-state-metrics), node memory (node exporter)
  g('kube_node_status_condition', 'node.memory-pressure', 'kube-state-metrics', {
    condition: 'MemoryPressure',
    status: 'true',
  }),
  g('kube_node_status_condition', 'node.disk-pressure', 'kube-state-metrics', {
    condition: 'DiskPressure',
    status: 'true',
  }),
  g('kube_node_status_condition', 'node.pid-pressure', 'kube-state-metrics', {
    condition: 'PIDPressure',
    status: 'true',
  }),
  g('kube_pod_status_reason', 'pod.evicted', 'kube-state-metrics', { reason: 'Evicted' }),
  g('kube_horizontalpodautoscaler_status_current_replicas', 'hpa.current-replicas', 'kube-state-metrics'),
  g('kube_horizontalpodautoscaler_spec_max_replicas', 'hpa.max-replicas', 'kube-state-metrics'),
  g('kube_horizontalpodautoscaler_status_condition', 'hpa.scaling-inactive', 'kube-state-metrics', {
    condition: 'ScalingActive',
    status: 'false',
  }),
  {
    metric: 'node_memory_MemAvailable_bytes',
    role: 'node.memory-available',
    kind: 'gauge',
    exporter: 'node',
    over: { metric: 'node_memory_MemTotal_bytes', kind: 'gauge' },
  },
  // NVIDIA DCGM exporter: framebuffer in MiB, utilization in percent, temperature in °C, clocks
  // in MHz; the clocks event reasons field under its current and its older (throttle) name.
  { metric: 'DCGM_FI_DEV_FB_USED', role: 'gpu.memory-used', kind: 'gauge', exporter: 'dcgm', scale: MIB },
  { metric: 'DCGM_FI_DEV_FB_FREE', role: 'gpu.memory-free', kind: 'gauge', exporter: 'dcgm', scale: MIB },
  { metric: 'DCGM_FI_DEV_GPU_UTIL', role: 'gpu.utilization', kind: 'gauge', exporter: 'dcgm', scale: 0.01 },
  g('DCGM_FI_DEV_GPU_TEMP', 'gpu.temperature', 'dcgm'),
  g('DCGM_FI_DEV_SM_CLOCK', 'gpu.sm-clock', 'dcgm'),
  g('DCGM_FI_DEV_CLOCKS_EVENT_REASONS', 'gpu.clock-events', 'dcgm'),
  g('DCGM_FI_DEV_CLOCK_THROTTLE_REASONS', 'gpu.clock-events', 'dcgm'),
  // DCGM profiling fields: SM activity as a ratio, PCIe traffic in bytes per second; the link's
  // trained generation and width.
  g('DCGM_FI_PROF_SM_ACTIVE', 'gpu.sm-active', 'dcgm'),
  g('DCGM_FI_PROF_PCIE_RX_BYTES', 'gpu.pcie-rx', 'dcgm'),
  g('DCGM_FI_PROF_PCIE_TX_BYTES', 'gpu.pcie-tx', 'dcgm'),
  g('DCGM_FI_DEV_PCIE_LINK_GEN', 'gpu.pcie-link-gen', 'dcgm'),
  g('DCGM_FI_DEV_PCIE_LINK_WIDTH', 'gpu.pcie-link-width', 'dcgm'),
  // Container runtime shims (process-exporter, grouping processes by name: the kernel truncates
  // containerd-shim-runc-v2 to 'containerd-shim') and pods the kubelet runs (its older name after).
  g('namedprocess_namegroup_num_procs', 'node.shim-processes', 'process-exporter', {
    groupname: 'containerd-shim.*',
  }),
  g('kubelet_running_pods', 'node.running-pods', 'kubelet'),
  g('kubelet_running_pod_count', 'node.running-pods', 'kubelet'),
  // eBPF networking agents (Cilium): kernel memory of its maps, and the endpoints it manages
  // (every state counted).
  g('cilium_bpf_maps_virtual_memory_max_bytes', 'bpf.map-memory', 'cilium'),
  g('cilium_endpoint_state', 'bpf.endpoints', 'cilium'),
  // LLM servers: vLLM's histograms (inter-token latency under its current and its older name) and
  // Text Generation Inference's time per token.
  mean('vllm:inter_token_latency_seconds', 'llm.inter-token-latency', 'vllm'),
  mean('vllm:time_per_output_token_seconds', 'llm.inter-token-latency', 'vllm'),
  mean('tgi_request_mean_time_per_token_duration', 'llm.inter-token-latency', 'tgi'),
  mean('vllm:time_to_first_token_seconds', 'llm.ttft', 'vllm'),
  // CDN edge through the CloudWatch exporter (YACE): CloudFront reports its rates in percent (to
  // ratios here); WAF counts of the whole web ACL are the series whose Rule dimension is ALL; the
  // Lambda@Edge replicas are the functions named us-east-1.<name> in every Region they ran in.
  g('aws_cloudfront_requests_sum', 'cdn.requests', 'cloudwatch'),
  {
    metric: 'aws_cloudfront_cache_hit_rate_average',
    role: 'cdn.cache-hit-rate',
    kind: 'gauge',
    exporter: 'cloudwatch',
    scale: 0.01,
  },
  {
    metric: 'aws_cloudfront_5xx_error_rate_average',
    role: 'cdn.5xx-rate',
    kind: 'gauge',
    exporter: 'cloudwatch',
    scale: 0.01,
  },
  g('aws_wafv2_blocked_requests_sum', 'waf.blocked', 'cloudwatch', { dimension_Rule: 'A(LL|ll)' }),
  g('aws_wafv2_allowed_requests_sum', 'waf.allowed', 'cloudwatch', { dimension_Rule: 'A(LL|ll)' }),
  g('aws_lambda_invocations_sum', 'edge-fn.invocations', 'cloudwatch', {
    dimension_FunctionName: 'us-east-1\\..+',
  }),
  g('aws_lambda_errors_sum', 'edge-fn.errors', 'cloudwatch', { dimension_FunctionName: 'us-east-1\\..+' }),
  {
    metric: 'aws_lambda_duration_average',
    role: 'edge-fn.duration',
    kind: 'gauge',
    exporter: 'cloudwatch',
    labels: { dimension_FunctionName: 'us-east-1\\..+' },
    scale: 0.001,
  },
  // Service meshes: Istio's standard request counter as the calling proxy reports it (the called
  // side never sees a request its caller's proxy could not route), and its share failed by the proxy.
  c('istio_requests_total', 'mesh.requests', 'istio', { reporter: 'source' }),
  c('istio_requests_total', 'mesh.proxy-failures', 'istio', {
    reporter: 'source',
    response_flags: MESH_ROUTING_FLAGS,
  }),
  // Application Load Balancer target health through the CloudWatch exporter (YACE), per target
  // group: the period's Minimum of healthy targets and Maximum of unhealthy ones (the worst of the
  // period), else their Averages when only those statistics are exported.
  g('aws_applicationelb_healthy_host_count_minimum', 'lb.healthy-hosts', 'cloudwatch', {
    dimension_TargetGroup: '.+',
  }),
  g('aws_applicationelb_healthy_host_count_average', 'lb.healthy-hosts', 'cloudwatch', {
    dimension_TargetGroup: '.+',
  }),
  g('aws_applicationelb_un_healthy_host_count_maximum', 'lb.unhealthy-hosts', 'cloudwatch', {
    dimension_TargetGroup: '.+',
  }),
  g('aws_applicationelb_un_healthy_host_count_average', 'lb.unhealthy-hosts', 'cloudwatch', {
    dimension_TargetGroup: '.+',
  }),
  // Deployment replicas asked for and available (kube-state-metrics).
  g('kube_deployment_spec_replicas', 'deployment.desired-replicas', 'kube-state-metrics'),
  g('kube_deployment_status_replicas_available', 'deployment.available-replicas', 'kube-state-metrics'),
];
