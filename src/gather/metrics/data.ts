import { z } from 'zod';
import { SourceErrorSchema } from '../../bundle/bundle.js';

// The bundle data of one metrics source: time series, each tagged with the role it plays (resident
// memory, CPU throttling, pool saturation...). Signals read roles, never metric names, so the same
// signal works on node exporter, cAdvisor, JVM, Go, Node.js or PostgreSQL exporter data. The
// gatherer assigns roles: from the query-set entry that produced a series (Prometheus API) or by
// matching metric names (files); counters are already turned into per-second rates there.

/**
 * The roles a series can play, with the unit its values are in. A role is a meaning, not a metric
 * name: `memory.resident` is process_resident_memory_bytes, container_memory_working_set_bytes...
 */
export const METRIC_ROLES = {
  'memory.resident': { unit: 'bytes', description: 'Resident memory of a process or container working set' },
  'memory.heap-used': {
    unit: 'bytes',
    description: 'Runtime heap in use (JVM heap, V8 heap, Go heap in use)',
  },
  'memory.limit': { unit: 'bytes', description: 'Memory limit of the container or process' },
  'process.restarts': { unit: 'restarts', description: 'Container or process restarts, per sample interval' },
  'process.oom-kills': { unit: 'kills', description: 'OOM kills, per sample interval' },
  'cpu.usage': { unit: 'cores', description: 'CPU time used per second by a process or container' },
  'cpu.limit': { unit: 'cores', description: 'CPU limit (quota) of the container' },
  'cpu.utilization': { unit: 'ratio', description: 'Busy share of a node or host CPU, 0–1' },
  'cpu.iowait': { unit: 'ratio', description: 'Share of CPU time waiting on I/O, 0–1' },
  'cpu.throttled-ratio': {
    unit: 'ratio',
    description: 'Share of CFS periods in which the container was throttled',
  },
  'gc.pause-ratio': {
    unit: 'ratio',
    description: 'Share of wall time spent in GC pauses (seconds of pause per second)',
  },
  'eventloop.lag': { unit: 's', description: 'Node.js event-loop lag' },
  'threads.busy': { unit: 'threads', description: 'Busy worker threads (servlet container, executor)' },
  'threads.max': { unit: 'threads', description: 'Maximum worker threads' },
  'pool.active': { unit: 'connections', description: 'Connections of an application pool in use' },
  'pool.idle': { unit: 'connections', description: 'Idle connections of an application pool' },
  'pool.max': { unit: 'connections', description: 'Maximum size of an application pool' },
  'pool.pending': { unit: 'requests', description: 'Threads or requests waiting for a pool connection' },
  'pool.timeouts': { unit: 'per-second', description: 'Pool acquisition timeouts per second' },
  'db.connections': { unit: 'connections', description: 'Connections open on the database server' },
  'db.connections.max': { unit: 'connections', description: 'Connection limit of the database server' },
  'db.deadlocks': { unit: 'per-second', description: 'Deadlocks detected per second' },
  'db.locks-waiting': { unit: 'locks', description: 'Lock requests waiting' },
  'db.locks-exclusive': {
    unit: 'locks',
    description:
      'Exclusive and access-exclusive table locks held (LOCK TABLE, DDL, VACUUM FULL): other sessions queue behind them',
  },
  'db.replication-lag': { unit: 's', description: 'Replica lag behind the primary' },
  'db.xid-age': { unit: 'transactions', description: 'Age of the oldest transaction ID (wraparound risk)' },
  'db.slow-queries': { unit: 'per-second', description: 'Slow queries per second' },
  'disk.io-utilization': { unit: 'ratio', description: 'Share of time the device was busy with I/O' },
  'disk.free': { unit: 'bytes', description: 'Free bytes on a filesystem' },
  'disk.size': { unit: 'bytes', description: 'Size of a filesystem' },
  'fd.open': { unit: 'descriptors', description: 'Open file descriptors' },
  'fd.max': { unit: 'descriptors', description: 'File descriptor limit' },
  'net.errors': { unit: 'per-second', description: 'Network receive and transmit errors per second' },
  'net.drops': { unit: 'per-second', description: 'Dropped packets per second' },
  'net.retransmits': { unit: 'per-second', description: 'TCP segments retransmitted per second' },
  'net.segments-out': { unit: 'per-second', description: 'TCP segments sent per second' },
  'net.listen-overflows': {
    unit: 'per-second',
    description: 'Listen-queue overflows and SYN drops per second',
  },
  'net.conntrack-used': { unit: 'ratio', description: 'Conntrack table entries divided by its limit' },
  'cache.hits': { unit: 'per-second', description: 'Cache hits per second' },
  'cache.misses': { unit: 'per-second', description: 'Cache misses per second' },
  'cache.evictions': { unit: 'per-second', description: 'Keys evicted per second' },
  'cache.memory-used': { unit: 'bytes', description: 'Memory used by the cache server' },
  'cache.memory-max': { unit: 'bytes', description: 'Memory limit of the cache server' },
  'cache.connections': { unit: 'connections', description: 'Clients connected to the cache server' },
  'queue.lag': { unit: 'messages', description: 'Consumer lag or pending messages' },
  'queue.consumed': { unit: 'per-second', description: 'Messages consumed or acknowledged per second' },
  'queue.published': { unit: 'per-second', description: 'Messages published per second' },
  'http.requests': { unit: 'per-second', description: 'HTTP requests served per second' },
  'http.errors': { unit: 'per-second', description: 'HTTP 5xx responses per second' },
  'http.throttled': { unit: 'per-second', description: 'HTTP 429 responses per second' },
  'http.latency-p99': { unit: 's', description: '99th percentile of server-side request duration' },
  'http.latency-mean': { unit: 's', description: 'Mean server-side request duration' },
  'tsdb.series': { unit: 'series', description: 'Active series in the TSDB head (cardinality)' },
  'scrape.up': { unit: 'ratio', description: 'Scrape success (the up metric), 0 or 1 per target' },
  'scrape.duration': { unit: 's', description: 'Duration of the scrape' },
  'scrape.samples': { unit: 'samples', description: 'Samples scraped per target' },
  'cache.keys': { unit: 'keys', description: 'Keys stored in the cache server (all databases)' },
  'db.connections.active': {
    unit: 'connections',
    description: 'Database sessions running a statement (PostgreSQL state active, MySQL threads running)',
  },
  'db.transactions': { unit: 'per-second', description: 'Database transactions committed per second' },
  'net.receive-bytes': { unit: 'per-second', description: 'Bytes received per second on network interfaces' },
  'net.receive-packets': {
    unit: 'per-second',
    description: 'Packets received per second on network interfaces',
  },
  'http.response-size': {
    unit: 'bytes/response',
    description: 'Mean body size of the HTTP responses served in the interval',
  },
  'lb.requests': { unit: 'requests', description: 'Requests a load balancer handled per CloudWatch period' },
  'lb.own-5xx': {
    unit: 'requests',
    description: '5xx responses the load balancer generated itself per CloudWatch period (not its targets)',
  },
  'lb.target-5xx': {
    unit: 'requests',
    description: "5xx responses of the load balancer's targets per CloudWatch period",
  },
  // Service-mesh client proxies (Istio standard metrics, reported by the calling side's proxy)
  'mesh.requests': {
    unit: 'per-second',
    description:
      'Requests a mesh client proxy sent to one destination service per second (istio_requests_total, reporter source)',
  },
  'mesh.proxy-failures': {
    unit: 'per-second',
    description:
      'Requests the mesh client proxy failed itself per second, flagged by Envoy as no route (NR), no cluster (NC), no healthy upstream (UH), upstream connection failure (UF) or retries exhausted (URX)',
  },
  // Kubernetes nodes and pods (kube-state-metrics, node exporter on the node)
  'node.memory-pressure': {
    unit: 'flag',
    description: 'Node condition MemoryPressure is True (1) or not (0)',
  },
  'node.disk-pressure': { unit: 'flag', description: 'Node condition DiskPressure is True (1) or not (0)' },
  'node.pid-pressure': { unit: 'flag', description: 'Node condition PIDPressure is True (1) or not (0)' },
  'node.memory-available': {
    unit: 'ratio',
    description: 'Memory available to new work over total memory of a node (MemAvailable / MemTotal)',
  },
  'pod.evicted': { unit: 'flag', description: 'The pod status reason is Evicted (1) or not (0)' },
  'node.shim-processes': {
    unit: 'processes',
    description: 'containerd shim processes running on a node (one per pod sandbox when healthy)',
  },
  'node.running-pods': { unit: 'pods', description: 'Pods the kubelet runs on a node' },
  'bpf.map-memory': {
    unit: 'bytes',
    description: 'Kernel memory held by the eBPF maps of an agent (Cilium), at most',
  },
  'bpf.endpoints': { unit: 'endpoints', description: 'Endpoints (pods) an eBPF networking agent manages' },
  'hpa.current-replicas': { unit: 'replicas', description: 'Replicas a HorizontalPodAutoscaler runs now' },
  'hpa.max-replicas': { unit: 'replicas', description: 'Most replicas a HorizontalPodAutoscaler may run' },
  'hpa.scaling-inactive': {
    unit: 'flag',
    description: 'HorizontalPodAutoscaler condition ScalingActive is False (1): it cannot compute a scale',
  },
  // GPUs (NVIDIA DCGM exporter)
  'gpu.memory-used': { unit: 'bytes', description: 'GPU framebuffer memory in use' },
  'gpu.memory-free': { unit: 'bytes', description: 'GPU framebuffer memory free' },
  'gpu.utilization': { unit: 'ratio', description: 'Share of time a GPU kernel was running, 0–1' },
  'gpu.temperature': { unit: 'celsius', description: 'GPU die temperature' },
  'gpu.sm-clock': { unit: 'MHz', description: 'GPU streaming multiprocessor clock' },
  'gpu.sm-active': {
    unit: 'ratio',
    description: 'Share of cycles a GPU streaming multiprocessor had work assigned (DCGM profiling), 0–1',
  },
  'gpu.pcie-rx': { unit: 'bytes/s', description: 'Bytes per second the GPU received over PCIe' },
  'gpu.pcie-tx': { unit: 'bytes/s', description: 'Bytes per second the GPU sent over PCIe' },
  'gpu.pcie-link-gen': { unit: 'generation', description: 'PCIe generation the GPU link trained at' },
  'gpu.pcie-link-width': { unit: 'lanes', description: 'PCIe lanes the GPU link trained at' },
  'llm.inter-token-latency': {
    unit: 's',
    description: 'Mean time between output tokens of an LLM server (decode step)',
  },
  'llm.ttft': { unit: 's', description: 'Mean time to the first token of an LLM server (queue and prefill)' },
  'gpu.clock-events': {
    unit: 'bitmask',
    description: 'NVML clocks event (throttle) reasons of a GPU, as the bit mask NVML reports',
  },
  // CDN edge through the CloudWatch exporter (YACE): CloudFront distributions, WAF web ACLs and
  // Lambda@Edge replicas; counts are the Sum of one CloudWatch period.
  'cdn.requests': {
    unit: 'requests',
    description: 'Viewer requests a CDN distribution served per CloudWatch period',
  },
  'cdn.cache-hit-rate': {
    unit: 'ratio',
    description: 'Share of cacheable requests a CDN distribution answered from its cache, 0–1',
  },
  'cdn.5xx-rate': {
    unit: 'ratio',
    description: 'Share of viewer requests a CDN distribution answered 5xx, 0–1',
  },
  'waf.blocked': {
    unit: 'requests',
    description: 'Requests a WAF web ACL blocked per CloudWatch period (all rules)',
  },
  'waf.allowed': {
    unit: 'requests',
    description: 'Requests a WAF web ACL allowed per CloudWatch period (all rules)',
  },
  'edge-fn.invocations': {
    unit: 'invocations',
    description: 'Invocations of an edge function replica in one Region per CloudWatch period',
  },
  'edge-fn.errors': {
    unit: 'invocations',
    description: 'Invocations of an edge function replica in one Region that failed, per CloudWatch period',
  },
  'edge-fn.duration': {
    unit: 's',
    description: 'Mean run time of an edge function replica in one Region per period',
  },
  // Load balancer target health (CloudWatch exporter, one series per target group)
  'lb.healthy-hosts': {
    unit: 'targets',
    description:
      'Targets of a load balancer target group passing health checks (HealthyHostCount, period minimum)',
  },
  'lb.unhealthy-hosts': {
    unit: 'targets',
    description:
      'Targets of a load balancer target group failing health checks (UnHealthyHostCount, period maximum)',
  },
  // Deployments (kube-state-metrics)
  'deployment.desired-replicas': {
    unit: 'replicas',
    description: 'Replicas a Deployment asks for (spec.replicas)',
  },
  'deployment.available-replicas': {
    unit: 'replicas',
    description: 'Replicas of a Deployment available (ready for minReadySeconds) to serve',
  },
} as const satisfies Record<string, { unit: string; description: string }>;

export type MetricRole = keyof typeof METRIC_ROLES;
export const METRIC_ROLE_NAMES = Object.keys(METRIC_ROLES) as [MetricRole, ...MetricRole[]];

export const METRICS_FORMATS = {
  'prometheus-api': 'Prometheus-compatible HTTP API (query_range with the query set)',
  'prometheus-json': 'An exported query_range (or query) JSON response',
  openmetrics: 'OpenMetrics or Prometheus text exposition (a snapshot, or samples with timestamps)',
  csv: 'CSV with a time column and one or more value columns',
} as const satisfies Record<string, string>;
export type MetricsFormat = keyof typeof METRICS_FORMATS;
export const METRICS_FORMAT_NAMES = Object.keys(METRICS_FORMATS) as [MetricsFormat, ...MetricsFormat[]];

export const MetricSeriesSchema = z.strictObject({
  role: z
    .enum(METRIC_ROLE_NAMES)
    .optional()
    .describe('What the series measures; absent when no role matched'),
  metric: z.string().min(1).describe('Metric name, query-set entry id, or CSV column'),
  labels: z
    .record(z.string(), z.string())
    .describe('Identifying labels (pod, instance, job...), no __name__'),
  subject: z
    .string()
    .min(1)
    .describe('Short identity of what the series is about, e.g. "pod=checkout-7d9f" or "instance=db-1:9187"'),
  timestamps: z.array(z.number()).describe('Sample times, epoch ms, ascending'),
  values: z.array(z.number().nullable()).describe('Values, one per timestamp; null for NaN or missing'),
});
export type MetricSeries = z.infer<typeof MetricSeriesSchema>;

export const MetricsDataSchema = z.strictObject({
  format: z.enum(METRICS_FORMAT_NAMES),
  series: z.array(MetricSeriesSchema),
  queries: z
    .array(
      z.strictObject({
        id: z.string().min(1),
        query: z.string().min(1),
        status: z.enum(['ok', 'empty', 'failed']),
        series: z.int().nonnegative(),
        error: SourceErrorSchema.optional(),
      }),
    )
    .describe('Queries sent to a server, with their outcome; empty for files'),
  start: z.number().optional().describe('Window start, epoch ms'),
  end: z.number().optional().describe('Window end, epoch ms'),
  stepMs: z.number().positive().optional().describe('Query resolution or the median sample interval'),
  notes: z.array(z.string()).describe('What was skipped, capped or assumed'),
});
export type MetricsData = z.infer<typeof MetricsDataSchema>;

declare module '../../bundle/bundle.js' {
  interface EvidenceDataByKind {
    metrics: MetricsData;
  }
}
