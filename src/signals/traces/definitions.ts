import type { SignalDefinition } from '../registry.js';

// The signals computed from trace evidence, as the registry lists them.

const traces = (name: string, description: string, unit: string): SignalDefinition => ({
  name,
  from: 'traces',
  unit,
  description,
});

export const TRACES_SIGNALS: readonly SignalDefinition[] = [
  traces('traces.requests', 'Traces in the evidence', 'traces'),
  traces(
    'traces.repeated-calls',
    'Per parent operation: median count of identical successful child calls per request',
    'calls',
  ),
  traces(
    'traces.repeated-calls.share',
    'Per parent operation: share of requests repeating one call 10 times or more (N+1)',
    'ratio',
  ),
  traces('traces.retries.per-request', 'Client calls repeated after a failure, per request', 'retries'),
  traces('traces.retries', 'Per downstream: retries of calls to it, per request', 'retries'),
  traces('traces.errors.rate', 'Share of requests whose root span failed', 'ratio'),
  traces(
    'traces.errors.origin-share',
    'Per service or downstream: share of failed requests whose errors began there',
    'ratio',
  ),
  traces(
    'traces.errors.unanswered-share',
    'Per downstream: share of failed calls to it that no server span answered',
    'ratio',
  ),
  traces(
    'traces.timeouts.fixed-share',
    'Per downstream: share of calls that failed at one fixed duration (a timeout); 0 when failures vary in duration',
    'ratio',
  ),
  traces('traces.timeouts.duration', 'Per downstream: median duration of failed calls', 'ms'),
  traces('traces.orphan-share', 'Share of spans whose parent is not in their trace', 'ratio'),
  traces(
    'traces.broken-roots-share',
    'Share of traces starting at a service that other traces show being called: lost trace context',
    'ratio',
  ),
  traces(
    'traces.latency.shift',
    'Per root operation: highest sustained median duration after the first quarter of the window, divided by the median before',
    'ratio',
  ),
  traces(
    'traces.db.latency.shift',
    'Per database downstream: highest sustained median query time after the first quarter, divided by the median before',
    'ratio',
  ),
  traces(
    'traces.db.latency.beyond-peers',
    "Per database downstream: the rise of its median call time over the largest rise of the same service's calls to its other downstreams (each at least 5 ms)",
    'ratio',
  ),
  traces('traces.critical-path.share', "Per service: share of the requests' critical path it holds", 'ratio'),
  traces(
    'traces.critical-path.shift',
    'Per service: its critical-path share after the first quarter of the window minus before',
    'ratio',
  ),
  traces(
    'traces.sampling-gap.share',
    'Per downstream: share of successful calls whose server span is missing, for services that record some of them; 0 when it records none (not instrumented)',
    'ratio',
  ),
  traces('traces.fanout.max', 'Largest number of direct children of one span', 'children'),
  traces(
    'traces.fanout.p99',
    '99th percentile of direct children per span, over spans with children',
    'children',
  ),
  traces(
    'traces.retries.amplification',
    'Calls that reached the deepest downstream per request that retried, against requests that did not; 1 when nothing retried',
    'ratio',
  ),
  traces(
    'traces.errors.surface-share',
    'Per service: share of failed requests it answered with an error (a failed server or consumer span)',
    'ratio',
  ),
  traces(
    'traces.errors.collateral-share',
    'Share of failed requests that never reached the service or call where errors began first: the failure spread to its callers',
    'ratio',
  ),
  traces(
    'traces.errors.relayed-share',
    'Share of failed requests whose errors began at a dependency: a call answered with a 5xx status, or inside a service further down',
    'ratio',
  ),
  traces(
    'traces.timeouts.unanswered-share',
    'Per downstream: share of calls that timed out with no server span under them (the connection was never made)',
    'ratio',
  ),
  traces(
    'traces.multi-root-share',
    'Share of traces with more than one span without a parent in the trace',
    'ratio',
  ),
  traces(
    'traces.service.self-time',
    'Per service: median own time (self time of its spans) per request it takes part in',
    'ms',
  ),
  traces(
    'traces.service.self-time.shift',
    'Per service: highest sustained median own time per request after the first quarter of the window, divided by the median before',
    'ratio',
  ),
  traces(
    'traces.operation.self-time',
    'Per operation: median self time per call (duration less its children)',
    'ms',
  ),
  traces(
    'traces.operation.critical-path.share',
    "Per operation: share of the requests' critical path it holds",
    'ratio',
  ),
  traces('traces.operation.latency.p50', 'Per operation or downstream: median duration', 'ms'),
  traces('traces.operation.latency.p99', 'Per operation or downstream: 99th percentile duration', 'ms'),
  traces(
    'traces.operation.latency.p50.shift',
    'Per operation or downstream: highest sustained median duration after the first quarter of the window, divided by the median before',
    'ratio',
  ),
  traces(
    'traces.operation.latency.p99.shift',
    'Per operation or downstream: p99 duration after the first quarter of the window divided by the p99 before',
    'ratio',
  ),
  traces(
    'traces.slow-spans.share',
    'Per operation or downstream: growth of the share of successful calls beyond 4 robust standard deviations of its own baseline log-durations, after the first quarter of the window against before (one-sided 95% lower bound)',
    'ratio',
  ),
  traces(
    'traces.pool.wait.share',
    'Per service: highest share of database time (pool waits plus queries) spent waiting for a pooled connection, over 20 requests in a row',
    'ratio',
  ),
  traces(
    'traces.pool.wait.shift',
    'Per service: highest sustained median wait for a pooled connection per request after the first quarter of the window, divided by the median before (at least 1 ms)',
    'ratio',
  ),
  traces(
    'traces.stream.stall-share',
    'Per streaming operation: growth of the share of streams that fell silent while open (a gap 20× their usual one, at least 1 s), after the first quarter of the window against before (one-sided 95% lower bound)',
    'ratio',
  ),
  traces(
    'traces.stream.stall-gap',
    'Per streaming operation: median longest silence of the stalled streams',
    'ms',
  ),
  traces(
    'traces.latency.bimodal',
    "Per operation: ratio of the slower to the faster of two distinct modes of its successful calls' durations (kernel density on the log scale, each mode at least 5%); 0 when unimodal",
    'ratio',
  ),
  traces(
    'traces.latency.slow-mode.growth',
    'Per operation with two modes: growth of the share of calls in the slow mode after the first quarter of the window against before (one-sided 95% lower bound); 0 when steady or unimodal',
    'ratio',
  ),
  traces(
    'traces.latency.slow-mode.marker',
    'Per operation with two modes: share of slow calls containing the span that best tells them from fast calls, minus the share of fast calls containing it',
    'ratio',
  ),
  traces(
    'traces.dns.latency.shift',
    'Per service: highest sustained median DNS lookup time (dns.lookup, http.dns spans) after the first quarter of the window, divided by the median before (at least 1 ms)',
    'ratio',
  ),
  traces(
    'traces.dns.timeout-share',
    'Per service: share of its DNS lookups after the first quarter of the window that took 5 s or more (a resolver timeout waited out)',
    'ratio',
  ),
  traces(
    'traces.dns.time-share',
    'Per service: highest share of request time spent in its DNS lookups, over 20 requests in a row after the first quarter of the window',
    'ratio',
  ),
  traces(
    'traces.cycle.stuck-share',
    'Per call closing a cycle (to a service already serving the same request): growth of the share not served in time or at all after the first quarter of the window against before (one-sided 95% lower bound)',
    'ratio',
  ),
  traces(
    'traces.cycle.outer-failed-share',
    'Per call closing a cycle: share of its stuck calls after the first quarter of the window whose request also failed further up the cycle',
    'ratio',
  ),
  traces(
    'traces.lock.wait.share',
    'Per service: highest share of database time spent in statements or spans that take a lock (FOR UPDATE, LOCK TABLE, advisory locks, lock acquire), over 20 requests in a row after the first quarter of the window',
    'ratio',
  ),
  traces(
    'traces.lock.wait.shift',
    'Per service: highest sustained median time per request in statements or spans that take a lock after the first quarter of the window, divided by the median before (at least 1 ms)',
    'ratio',
  ),
  traces(
    'traces.storage.archived-share',
    'Per object storage downstream: growth of the share of object reads failing because the object sits in an archive storage class (S3 InvalidObjectState, Azure BlobArchived) after the first quarter of the window against before (one-sided 95% lower bound)',
    'ratio',
  ),
  traces(
    'traces.storage.archived.min-age',
    'Per object storage downstream: age in days of the youngest object whose read failed as archived, from the day its key names',
    'days',
  ),
  traces(
    'traces.messages.duplicate-share',
    'Per consumer operation: share of its completed message processings that repeat a message (same messaging.message.id, or Kafka partition and offset) it had already processed to completion; 0 under 3 such repeats',
    'ratio',
  ),
  traces(
    'traces.coldstart.first-calls',
    'Per root operation: median of its first 5 calls in the window over its steady median; 1 or less unless beyond the steady p90 and 25 ms more',
    'ratio',
  ),
  traces(
    'traces.coldstart.penalty',
    'Per function operation: median time its callers waited on cold-start invocations (faas.coldstart) divided by the median for warm ones',
    'ratio',
  ),
  traces(
    'traces.coldstart.burst-share',
    'Per function operation: highest share of cold-start invocations over 20 invocations in a row',
    'ratio',
  ),
  traces(
    'traces.load.latency-coupling',
    'Per downstream: rank correlation, over 20 intervals of the window, between the request rate and the median time of successful calls to it; 0 when the rate stayed within 1.5× between its quietest and busiest quarter',
    'ratio',
  ),
  traces(
    'traces.load.latency-growth',
    'Per downstream: median time of successful calls to it in the busiest quarter of the intervals divided by the median in the quietest quarter',
    'ratio',
  ),
  traces(
    'traces.load.others-growth',
    'Per downstream: the largest latency growth between quiet and busy intervals among the other downstreams, leaving out the calls it runs inside; 1 when there are none',
    'ratio',
  ),
  traces(
    'traces.storage.age-latency',
    'Per downstream read by dated object keys or index names: how many times slower successful reads of data older than the age that best splits them were than reads of younger data (geometric means of the middle 80%, one-sided 95% lower bound)',
    'ratio',
  ),
];
