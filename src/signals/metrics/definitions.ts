import type { SignalDefinition } from '../registry.js';

// The signals computed from metrics evidence, as the registry lists them. Per-subject signals
// carry the pod, instance or target they are about; run-level ones say so.

const metrics = (name: string, unit: string, description: string): SignalDefinition => ({
  name,
  from: 'metrics',
  unit,
  description,
});

export const METRICS_SIGNALS: readonly SignalDefinition[] = [
  // Memory
  metrics(
    'metrics.memory.growth',
    'ratio/h',
    'Theil–Sen slope of resident memory per hour over its starting level, restarts left out; 0 unless Mann–Kendall p < 0.01',
  ),
  metrics(
    'metrics.memory.floor-growth',
    'ratio/h',
    'The same for the 10-minute minimum of resident memory (the floor a leak raises, GC saw-tooth ignored); onset where it began to climb',
  ),
  metrics(
    'metrics.memory.step-share',
    'ratio',
    'Share of the memory floor rise that happened within 15 minutes: near 1 for a one-off step, small for a steady leak; 0 when it did not rise',
  ),
  metrics(
    'metrics.heap.growth',
    'ratio/h',
    'As metrics.memory.growth, for the runtime heap in use (JVM, V8, Go)',
  ),
  metrics(
    'metrics.heap.floor-growth',
    'ratio/h',
    'As metrics.memory.floor-growth, for the runtime heap in use',
  ),
  metrics('metrics.heap.step-share', 'ratio', 'As metrics.memory.step-share, for the runtime heap in use'),
  metrics(
    'metrics.memory.limit-ratio',
    'ratio',
    'Highest 2-minute median of memory over its limit; onset when it passed 90%',
  ),
  metrics(
    'metrics.memory.time-to-limit',
    'h',
    'Hours until memory reaches its limit at its significant growth rate; 0 when there, 8760 when not growing',
  ),
  metrics(
    'metrics.memory.leak-likelihood',
    'ratio',
    'Leak likelihood 0–1: a rising floor that is not a step (0.4–0.6), near or projected to the limit (+0.2), restarts or OOM kills after growth (+0.2)',
  ),
  metrics(
    'metrics.memory.leak-likelihood.highest',
    'ratio',
    'Run level: the highest leak likelihood of any process whose memory was scraped',
  ),
  metrics('metrics.process.restarts', 'restarts', 'Restarts in the window; onset at the first'),
  metrics('metrics.memory.oom-kills', 'kills', 'OOM kills in the window; onset at the first'),
  // CPU
  metrics('metrics.cpu.utilization', 'ratio', 'Node or host CPU busy share, highest 5-minute median'),
  metrics(
    'metrics.cpu.utilization.rise',
    'ratio',
    'Highest 5-minute CPU busy share minus the baseline median, in ratio points; onset of the rise',
  ),
  metrics(
    'metrics.cpu.busiest-node',
    'ratio',
    'Run level: the highest 5-minute CPU busy share of any node or host',
  ),
  metrics('metrics.cpu.limit-ratio', 'ratio', 'Container CPU use over its limit, highest 5-minute median'),
  metrics(
    'metrics.cpu.saturation',
    'min',
    'Minutes a node or host CPU was at least 90% busy, on 2-minute medians; onset at the first',
  ),
  metrics(
    'metrics.cpu.throttled',
    'ratio',
    'Share of CFS periods in which the container was throttled, highest 5-minute median; onset of the rise',
  ),
  metrics('metrics.cpu.iowait', 'ratio', 'Share of CPU time waiting on I/O, highest 5-minute median'),
  // Runtimes
  metrics('metrics.gc.pause-ratio', 'ratio', 'Share of wall time in GC pauses, highest 5-minute median'),
  metrics(
    'metrics.gc.pause-ratio.rise',
    'ratio',
    'GC pause share at its highest over the baseline (baseline counted as at least 0.5%)',
  ),
  metrics('metrics.eventloop.lag', 's', 'Node.js event-loop lag, highest 5-minute median'),
  metrics(
    'metrics.eventloop.lag.rise',
    'ratio',
    'Event-loop lag at its highest over the baseline (baseline counted as at least 10 ms)',
  ),
  // Pools and threads
  metrics(
    'metrics.pool.utilization',
    'ratio',
    'Pool connections in use over the maximum, highest 2-minute median',
  ),
  metrics(
    'metrics.pool.utilization.mean',
    'ratio',
    "Pool connections in use over the maximum, highest 5-minute mean: the pool's load",
  ),
  metrics(
    'metrics.pool.pending',
    'min',
    'Minutes during which requests waited for a pool connection (2-minute medians above 0)',
  ),
  metrics(
    'metrics.pool.pending.share',
    'ratio',
    'Share of the window after its baseline during which requests waited for a pool connection',
  ),
  metrics('metrics.pool.timeouts', 'timeouts', 'Pool acquisition timeouts in the window; onset at the first'),
  metrics(
    'metrics.threads.utilization',
    'ratio',
    'Busy worker threads over the maximum, highest 2-minute median',
  ),
  // Databases
  metrics(
    'metrics.db.connections.utilization',
    'ratio',
    'Server connections over its connection limit, highest 2-minute median; onset when it passed 90%',
  ),
  metrics(
    'metrics.db.connections.jump',
    'ratio',
    'Largest rise of server connections within 2 minutes, as a share of the connection limit',
  ),
  metrics('metrics.db.deadlocks', 'per-minute', 'Deadlocks per minute, highest 5-minute average'),
  metrics(
    'metrics.db.deadlocks.rise',
    'ratio',
    'Deadlock rate at its highest over the baseline rate (counted as at least 0.1/min)',
  ),
  metrics('metrics.db.locks-waiting', 'locks', 'Lock requests waiting, highest 5-minute median'),
  metrics(
    'metrics.db.locks-exclusive',
    'locks',
    'Exclusive and access-exclusive table locks held, highest 5-minute median, when it rose by 5 or more over the baseline',
  ),
  metrics('metrics.db.replication-lag', 's', 'Replica lag, highest 5-minute median; onset of the rise'),
  metrics(
    'metrics.db.replication-lag.growth',
    's/s',
    'Replica lag gained per second since the rise (Theil–Sen); 1 when replay stopped, 0 unless significant',
  ),
  metrics(
    'metrics.db.xid-age.ratio',
    'ratio',
    'Age of the oldest unfrozen transaction ID over the 2^31 wraparound limit; onset when it passed 200M',
  ),
  metrics('metrics.db.slow-queries', 'per-minute', 'Slow queries per minute, highest 5-minute average'),
  metrics(
    'metrics.db.slow-queries.rise',
    'ratio',
    'Slow-query rate at its highest over the baseline rate (counted as at least 1/min)',
  ),
  // Disks and files
  metrics(
    'metrics.disk.io-utilization',
    'ratio',
    'Share of time the device was busy, highest 5-minute median',
  ),
  metrics('metrics.disk.free-ratio', 'ratio', 'Free bytes over filesystem size, lowest 5-minute median'),
  metrics(
    'metrics.disk.time-to-full',
    'h',
    'Hours until free bytes reach 0 at their significant Theil–Sen decline; 0 when full, 8760 when not declining',
  ),
  metrics('metrics.fd.ratio', 'ratio', 'Open file descriptors over the limit, highest 5-minute median'),
  metrics(
    'metrics.fd.time-to-exhaustion',
    'h',
    'Hours until open descriptors reach the limit at their significant growth; 8760 when not growing',
  ),
  // Network
  metrics('metrics.net.errors', 'per-second', 'Interface errors per second, highest 5-minute average'),
  metrics('metrics.net.drops', 'per-second', 'Dropped packets per second, highest 5-minute average'),
  metrics(
    'metrics.net.retransmit-ratio',
    'ratio',
    'TCP segments retransmitted over segments sent, highest 5-minute level',
  ),
  metrics(
    'metrics.net.listen-overflows',
    'per-second',
    'Listen-queue overflows and SYN drops per second, highest 5-minute average',
  ),
  metrics(
    'metrics.net.conntrack',
    'ratio',
    'Conntrack table entries over its limit, highest 5-minute median',
  ),
  // Caches
  metrics(
    'metrics.cache.hit-ratio',
    'ratio',
    'Cache hits over lookups, lowest 5-minute level after the baseline',
  ),
  metrics(
    'metrics.cache.hit-ratio.drop',
    'ratio',
    'Baseline hit ratio minus its lowest 5-minute level, in ratio points; onset of the drop',
  ),
  metrics('metrics.cache.evictions', 'per-second', 'Keys evicted per second, highest 5-minute average'),
  metrics(
    'metrics.cache.evictions.rise',
    'ratio',
    'Eviction rate at its highest over the baseline rate (counted as at least 1/s)',
  ),
  metrics('metrics.cache.memory-ratio', 'ratio', 'Cache memory used over maxmemory, highest 5-minute median'),
  metrics('metrics.cache.clients.jump', 'ratio', 'Connected clients at their highest over the baseline'),
  metrics(
    'metrics.cache.load-skew',
    'ratio',
    "An instance's lookups per second over the median of the other instances' (3 or more), highest 5-minute level",
  ),
  metrics(
    'metrics.cache.load-skew.cluster',
    'ratio',
    'The highest metrics.cache.load-skew of any instance of the cluster, about the cluster rather than one instance',
  ),
  // Queues
  metrics('metrics.queue.lag', 'messages', 'Consumer backlog, highest 5-minute median'),
  metrics(
    'metrics.queue.lag.growth',
    'ratio',
    'Backlog growth (Theil–Sen, since it began) as a share of the messages arriving; 0 unless significant',
  ),
  metrics(
    'metrics.queue.stall',
    'min',
    'Minutes during which consumers took under 5% of their usual rate while the backlog grew',
  ),
  metrics(
    'metrics.queue.stall.share',
    'ratio',
    'Share of the window after its baseline during which consumers were stalled while the backlog grew',
  ),
  metrics('metrics.queue.published.rise', 'ratio', 'Publish rate at its highest over the baseline'),
  metrics(
    'metrics.queue.overflow-share',
    'ratio',
    'Share of published messages neither consumed nor left in the backlog over 10 minutes (dropped or rejected), highest level',
  ),
  // HTTP servers
  metrics('metrics.http.errors.ratio', 'ratio', 'Share of requests answered 5xx, highest 5-minute level'),
  metrics(
    'metrics.http.errors.ratio.rise',
    'ratio',
    'Highest 5-minute 5xx share minus the baseline share, in ratio points; onset of the rise',
  ),
  metrics('metrics.http.throttled.ratio', 'ratio', 'Share of requests answered 429, highest 5-minute level'),
  metrics(
    'metrics.http.latency.shift',
    'ratio',
    'Server-side p99 latency (mean when no histogram) at its highest 5-minute median over the baseline',
  ),
  metrics(
    'metrics.http.requests.shift',
    'ratio',
    'Request rate after its largest move over the baseline (above 1 a rise, below 1 a fall)',
  ),
  metrics(
    'metrics.http.latency.slow-share',
    'ratio',
    'Run level: share of servers whose latency rose to 1.5× their baseline or more (2 or more servers)',
  ),
  metrics(
    'metrics.http.latency.median-shift',
    'ratio',
    'Run level: median over servers of metrics.http.latency.shift',
  ),
  metrics(
    'metrics.http.requests.total-shift',
    'ratio',
    'Run level: request rate summed over all servers after its largest move, over the baseline',
  ),
  // Monitoring
  metrics(
    'metrics.tsdb.series.growth',
    'ratio',
    'Head series at their highest over the baseline (cardinality growth)',
  ),
  metrics(
    'metrics.scrape.failures',
    'ratio',
    "Share of a target's samples of up that were 0; onset at the first",
  ),
  metrics('metrics.scrape.flaps', 'count', 'Times a target went from up to down after being up'),
  metrics(
    'metrics.scrape.duration.timeout-ratio',
    'ratio',
    'Highest 2-minute median scrape duration over the default 10 s scrape_timeout',
  ),
  metrics('metrics.scrape.duration.rise', 'ratio', 'Scrape duration at its highest over the baseline'),
  metrics('metrics.scrape.samples.rise', 'ratio', 'Samples per scrape at their highest over the baseline'),
  // Cache misses over time and the database behind the cache
  metrics(
    'metrics.cache.miss-bursts',
    'bursts',
    'Bursts of misses to at least twice (and 4 robust deviations above) the higher of their 5-minute medians before and after, each over within 3 minutes; onset at the first',
  ),
  metrics(
    'metrics.cache.miss-bursts.period',
    'min',
    'Period of the miss bursts when they recur regularly (5 or more; 80% of gaps within 15% of the median gap or twice it, or all bursts on a grid of one period with at most 3 in 10 of its points empty); 0 when not periodic',
  ),
  metrics(
    'metrics.cache.miss-bursts.db-aligned',
    'ratio',
    'Share of miss bursts with a burst of active database sessions starting within 1.5 scrape intervals (at least 1 minute); best database of the run; 0 without bursts',
  ),
  metrics(
    'metrics.cache.misses.rise',
    'ratio',
    'Misses per second at their highest 5-minute level over the baseline rate (counted as at least 1/s)',
  ),
  metrics(
    'metrics.cache.misses.added-share',
    'ratio',
    "At the misses' highest level, the share of the extra misses that came with extra lookups rather than lost hits: near 1 for lookups of absent keys, near 0 for expired or evicted keys",
  ),
  metrics(
    'metrics.cache.misses.backend-rise',
    'ratio',
    "Database transactions per second in the 5 minutes of the misses' highest level over their baseline (the database that rose most)",
  ),
  metrics(
    'metrics.cache.keys.shift',
    'ratio',
    'Keys held at the 5-minute level farthest from the baseline, over the baseline (above 1 grew, below 1 fell)',
  ),
  metrics(
    'metrics.cache.keys.per-request.shift',
    'ratio',
    'Keys held per request a second the service answers (all HTTP request series), at the 5-minute level farthest from the baseline, over the baseline: near or below 1 when the key count moved only with the traffic',
  ),
  // Inbound traffic of hosts
  metrics(
    'metrics.net.receive.rise',
    'ratio',
    'Bytes received per second (interfaces other than lo) at their highest 5-minute level over the baseline (counted as at least 1 KiB/s)',
  ),
  metrics(
    'metrics.net.receive-packets.rise',
    'ratio',
    'Packets received per second at their highest 5-minute level over the baseline (counted as at least 10/s)',
  ),
  metrics(
    'metrics.net.receive.request-ratio',
    'ratio',
    'metrics.net.receive.rise over the rise of HTTP requests served by all servers at the same time: near 1 when traffic is requests, many-fold when it is not',
  ),
  // Windows of degraded latency
  metrics(
    'metrics.http.latency.episodes',
    'episodes',
    'Windows of 4 minutes or more in which the 2-minute median latency sat at 1.5× its median over the whole window or more (none when such windows cover over 40% of it); onset at the first',
  ),
  metrics(
    'metrics.http.latency.episodes.period',
    'min',
    'Median gap between the starts of slow windows when all gaps are within 15% of it (3 or more windows); 0 otherwise',
  ),
  metrics(
    'metrics.http.latency.episodes.resource-aligned',
    'ratio',
    'Share of slow windows overlapping a window of a busy shared resource (disk or CPU 20 points above usual, active database sessions doubled); best resource of the run; 0 without windows',
  ),
  // Error budget (run level: 5xx over all requests of all servers, against a 99.9% objective)
  metrics(
    'metrics.slo.burn-rate.fast',
    'ratio',
    'Run level: highest burn rate held over both the last hour and the last 5 minutes (error ratio over the 0.1% budget of a 99.9% SLO); onset when it first passed 14.4',
  ),
  metrics(
    'metrics.slo.budget-consumed',
    'ratio',
    'Run level: share of a 30-day error budget (99.9% SLO) that the 5xx responses of the window consumed',
  ),
  // Response sizes
  metrics(
    'metrics.http.response-size.shift',
    'ratio',
    'Mean response body size at its highest 5-minute median over the baseline; onset when it rose by a quarter or more',
  ),
  metrics(
    'metrics.http.latency.size-correlation',
    'rho',
    "Spearman's rho between a server's mean response size and its latency (p99, else mean), on 1-minute medians over the window",
  ),
  // Load balancers
  metrics(
    'metrics.lb.own-5xx.rise',
    'ratio',
    'Highest 5-minute share of requests answered 5xx by the load balancer itself (HTTPCode_ELB_5XX_Count) minus its baseline share, in ratio points',
  ),
  metrics(
    'metrics.lb.own-5xx.share',
    'ratio',
    "At the balancer's highest 5xx level, the balancer's own 5xx over its own and its targets' 5xx: near 1 when the balancer fails requests, near 0 when the targets do",
  ),
  // Kubernetes nodes and evictions
  metrics(
    'metrics.node.memory-pressure',
    'min',
    'Minutes the node reported MemoryPressure=True (kube-state-metrics); onset at the first, when it began inside the window',
  ),
  metrics('metrics.node.disk-pressure', 'min', 'As metrics.node.memory-pressure, for DiskPressure'),
  metrics('metrics.node.pid-pressure', 'min', 'As metrics.node.memory-pressure, for PIDPressure'),
  metrics(
    'metrics.pods.evicted',
    'pods',
    'Run level: pods whose status reason turned to Evicted inside the window (old Evicted pods do not count); onset at the first',
  ),
  metrics(
    'metrics.node.memory-available',
    'ratio',
    'MemAvailable over MemTotal of a node, lowest 2-minute median; onset when it fell under 10%',
  ),
  metrics(
    'metrics.node.kubelet-fs-free',
    'ratio',
    "Free share of the node's filesystems that hold kubelet ephemeral storage (/, /var/lib/kubelet, /var/lib/containerd...), lowest 5-minute median; onset of the fall",
  ),
  metrics(
    'metrics.hpa.scaling-inactive',
    'min',
    'Minutes a HorizontalPodAutoscaler reported ScalingActive=False (it had no metrics to scale from); onset at the first',
  ),
  metrics(
    'metrics.hpa.at-max',
    'min',
    'Minutes a HorizontalPodAutoscaler ran at its maximum replicas; onset at the first',
  ),
  // GPUs
  metrics(
    'metrics.gpu.memory-ratio',
    'ratio',
    'GPU framebuffer used over used + free, highest 2-minute median; onset when it passed 95%',
  ),
  metrics(
    'metrics.gpu.memory-ratio.rise',
    'ratio',
    'Highest 5-minute framebuffer share minus the baseline share, in ratio points; onset of the rise',
  ),
  metrics(
    'metrics.gpu.clock-drop',
    'ratio',
    'Share by which the SM clock of busy samples (utilization ≥ 80%) fell below its baseline, lowest 5-minute median; onset of the fall',
  ),
  metrics(
    'metrics.gpu.temperature',
    'celsius',
    'GPU temperature, highest 5-minute median; onset above 83 °C',
  ),
  metrics(
    'metrics.gpu.thermal-slowdown',
    'min',
    'Minutes NVML reported SW or HW thermal slowdown among the clocks event reasons; onset at the first',
  ),
  metrics(
    'metrics.gpu.pcie-link-share',
    'ratio',
    "Busier direction of a GPU's PCIe traffic over what its link carries at its trained generation and width, highest 5-minute median; onset above 70%",
  ),
  metrics(
    'metrics.gpu.sm-active.at-pcie-peak',
    'ratio',
    'Median SM activity (DCGM_FI_PROF_SM_ACTIVE, else utilization) over the samples in the busiest tenth of PCIe traffic',
  ),
  metrics(
    'metrics.gpu.power-capped',
    'min',
    'Minutes NVML reported SW power cap or HW power brake among the clocks event reasons; onset at the first',
  ),
  // LLM servers
  metrics(
    'metrics.llm.inter-token-latency',
    's',
    'Mean time per output token of an LLM server (vLLM inter-token latency, TGI time per token), slowest 5-minute median',
  ),
  metrics(
    'metrics.llm.inter-token-latency.shift',
    'ratio',
    'Mean time per output token at its slowest 5-minute median over the baseline; onset of the rise',
  ),
  metrics(
    'metrics.llm.ttft.shift',
    'ratio',
    'Mean time to first token at its slowest 5-minute median over the baseline; onset of the rise',
  ),
  // Container runtime
  metrics(
    'metrics.node.shims-per-pod',
    'ratio',
    'containerd shim processes over pods the kubelet runs on a node, highest 5-minute median',
  ),
  metrics(
    'metrics.node.shim-excess-growth',
    'per-hour',
    'Growth per hour of shims beyond running pods (Theil–Sen, 0 unless Mann–Kendall p < 0.01); onset where it began',
  ),
  // eBPF agents
  metrics(
    'metrics.bpf.map-memory.growth',
    'ratio/h',
    "Theil–Sen slope per hour of an eBPF agent's map memory (cilium_bpf_maps_virtual_memory_max_bytes) over its starting level; 0 unless Mann–Kendall p < 0.01",
  ),
  metrics(
    'metrics.bpf.map-memory-per-endpoint.growth',
    'ratio/h',
    'The same for map memory per managed endpoint: growth the endpoints do not explain',
  ),
  // CDN edge (CloudFront, WAF, Lambda@Edge through the CloudWatch exporter)
  metrics(
    'metrics.cdn.cache-hit.drop',
    'ratio',
    "A distribution's baseline CacheHitRate minus its lowest 5-minute level after the baseline, in ratio points",
  ),
  metrics(
    'metrics.cdn.origin-fetches.shift',
    'ratio',
    'Requests that missed the cache (Requests × (1 − CacheHitRate)) at the lowest hit rate over their baseline: how much more the origin had to serve',
  ),
  metrics(
    'metrics.cdn.requests.shift',
    'ratio',
    "A distribution's viewer requests at its lowest hit rate over their baseline: near 1 when traffic was steady",
  ),
  metrics(
    'metrics.waf.blocked-share.rise',
    'ratio',
    "Highest 5-minute share of a web ACL's requests blocked (BlockedRequests over Blocked + Allowed, Rule ALL) minus its baseline share, in ratio points",
  ),
  metrics(
    'metrics.waf.requests.shift',
    'ratio',
    "A web ACL's requests (blocked and allowed) at the highest blocked share over their baseline: near 1 when the blocks came out of unchanged traffic, well above 1 in an attack",
  ),
  metrics(
    'metrics.edge-fn.errors.rise',
    'ratio',
    "Highest 5-minute share of an edge function replica's invocations that failed (Lambda Errors over Invocations, per Region) minus its baseline share",
  ),
  metrics(
    'metrics.cdn.5xx.rise',
    'ratio',
    "A distribution's 5xxErrorRate at its highest 5-minute level minus its baseline, in ratio points",
  ),
  metrics(
    'metrics.edge-fn.duration.rise',
    's',
    "An edge function replica's mean Duration at its slowest 5-minute level minus its baseline, in seconds",
  ),
  metrics(
    'metrics.cdn.cache-hit.dips',
    'count',
    "Separate times a distribution's CacheHitRate (3-minute medians) fell more than 15 points under the window's median and came back: purges of the cache",
  ),
  // Service-mesh proxies
  metrics(
    'metrics.mesh.proxy-failures.rise',
    'ratio',
    'Every calling pod and destination service of a mesh: highest 5-minute share of requests its proxy failed by itself (istio_requests_total with Envoy flag NR, NC, UH, UF or URX) minus its baseline share, in ratio points',
  ),
  // Load balancer target health
  metrics(
    'metrics.lb.healthy-share',
    'ratio',
    "Share of a target group's registered targets passing health checks at its lowest 5-minute level (the worst target group of a load balancer); onset where it fell below half",
  ),
  // Deployments scaling up
  metrics(
    'metrics.deployment.scale-up-lag',
    'min',
    "Longest time a Deployment's available replicas stayed short of its desired count after the desired count rose (kube-state-metrics); 0 when every scale-up was available by the next samples; onset where that scale-up began",
  ),
  // Latency that cannot be relied on
  metrics(
    'metrics.http.latency.instability',
    'ratio',
    'Median move of the server latency (p99, else mean) between consecutive 5-minute medians, over its median level: large only when the level keeps moving, not for one step or a few episodes (an hour of data at least)',
  ),
  metrics(
    'metrics.http.latency.spread',
    'ratio',
    'The 10th to 90th percentile range of the 5-minute median latency over its median level (an hour of data at least)',
  ),
];
