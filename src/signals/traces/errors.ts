import type { Span } from '../../gather/traces/data.js';
import { type Add, firstCluster, iso, percent } from './emit.js';
import { downstreamOf, statusOf, type TraceView, traceSource } from './model.js';
import { errorOrigins, failed, failedCalls } from './patterns.js';

// Where errors begin and where they surface: the share of failed requests, the services and calls
// where their errors began (the deepest failed span whose children succeeded), the services whose
// own answer failed, calls that no server answered, and failures of requests that never reached
// the place where the errors began (the failure spread to its callers).

/** Failed requests needed before shares of them say where failures come from. */
const MIN_FAILED = 10;
/**
 * An origin that began the errors of at least a tenth of failed requests is a real source of
 * failures; below that it is background noise next to the main one.
 */
const MAIN_ORIGIN_SHARE = 0.1;

type Example = { trace: TraceView; span: Span };

export function errorSignals(traces: readonly TraceView[], add: Add): void {
  const failedTraces = traces.filter(failed);
  const rate = failedTraces.length / traces.length;
  const onset = errorOnset(traces);
  add({
    name: 'traces.errors.rate',
    value: rate,
    unit: 'ratio',
    ...(onset ? { onset: iso(onset) } : {}),
    explanation: `${failedTraces.length} of ${traces.length} requests failed (${percent(rate)})`,
    sources: [traceSource(failedTraces[0] ?? (traces[0] as TraceView))],
  });
  if (failedTraces.length === 0) {
    add({
      name: 'traces.errors.collateral-share',
      value: 0,
      unit: 'ratio',
      explanation: 'no request failed',
      sources: [traceSource(traces[0] as TraceView)],
    });
    return;
  }
  const origins = originSignals(failedTraces, add);
  surfaceSignals(failedTraces, add);
  unansweredSignals(failedTraces, origins, add);
  collateralSignal(traces, failedTraces, origins, add);
  relayedSignal(failedTraces, add);
}

/**
 * Failed requests that the service answering them passed on from a dependency: their errors began
 * at a call the dependency answered with a 5xx, or inside a service further down. A balancer's
 * bad backend, a crash or a refused connection begins elsewhere.
 */
function relayedSignal(failedTraces: readonly TraceView[], add: Add): void {
  let relayed = 0;
  let example: Example | undefined;
  for (const trace of failedTraces) {
    const entry = trace.roots[0]?.service;
    const origin = errorOrigins(trace).find(
      ({ span }) => (span.kind === 'client' && statusOf(span) >= 500) || span.service !== entry,
    );
    if (!origin) continue;
    relayed++;
    example ??= { trace, span: origin.span };
  }
  const share = relayed / failedTraces.length;
  add({
    name: 'traces.errors.relayed-share',
    value: share,
    unit: 'ratio',
    explanation: `${relayed} of ${failedTraces.length} failed requests failed because a dependency did: a call answered with a 5xx status or an error inside a service further down`,
    sources: [example ? traceSource(example.trace, example.span) : traceSource(failedTraces[0] as TraceView)],
  });
}

/** Where the errors of failed requests began, per service or called downstream. */
function originSignals(
  failedTraces: readonly TraceView[],
  add: Add,
): Map<string, { count: number; times: number[]; example: Example }> {
  const origins = new Map<string, { count: number; times: number[]; example: Example }>();
  for (const trace of failedTraces) {
    const seen = new Set<string>();
    for (const { origin, span } of errorOrigins(trace)) {
      if (seen.has(origin)) continue;
      seen.add(origin);
      const entry = origins.get(origin) ?? { count: 0, times: [], example: { trace, span } };
      entry.count++;
      entry.times.push(trace.start);
      origins.set(origin, entry);
    }
  }
  for (const [origin, entry] of [...origins].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const share = entry.count / failedTraces.length;
    add({
      name: 'traces.errors.origin-share',
      subject: origin,
      value: share,
      unit: 'ratio',
      explanation: `the errors of ${percent(share)} of failed requests began at ${origin}`,
      sources: [traceSource(entry.example.trace, entry.example.span)],
    });
  }
  return origins;
}

/**
 * Where errors surface: the services whose own answer (a server or consumer span) failed in a
 * failed request, whether the error began there or further down.
 */
function surfaceSignals(failedTraces: readonly TraceView[], add: Add): void {
  const surfaced = new Map<string, { count: number; example: Example }>();
  for (const trace of failedTraces) {
    const services = new Map<string, Span>();
    for (const s of trace.spans) {
      if (s.error && (s.kind === 'server' || s.kind === 'consumer') && !services.has(s.service))
        services.set(s.service, s);
    }
    for (const [service, span] of services) {
      const entry = surfaced.get(service) ?? { count: 0, example: { trace, span } };
      entry.count++;
      surfaced.set(service, entry);
    }
  }
  for (const [service, entry] of [...surfaced].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const share = entry.count / failedTraces.length;
    add({
      name: 'traces.errors.surface-share',
      subject: service,
      value: share,
      unit: 'ratio',
      explanation: `${service} answered ${percent(share)} of failed requests with an error`,
      sources: [traceSource(entry.example.trace, entry.example.span)],
    });
  }
}

function unansweredSignals(
  failedTraces: readonly TraceView[],
  origins: ReadonlyMap<string, unknown>,
  add: Add,
): void {
  const calls = new Map<string, { failed: number; unanswered: number; example: Example }>();
  for (const trace of failedTraces) {
    for (const call of failedCalls(trace)) {
      const entry = calls.get(call.downstream) ?? {
        failed: 0,
        unanswered: 0,
        example: { trace, span: call.span },
      };
      entry.failed++;
      if (!call.answered) entry.unanswered++;
      calls.set(call.downstream, entry);
    }
  }
  for (const [downstream, entry] of [...calls].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    // Failed calls whose errors began below them: the downstream answered with its own failure.
    if (!origins.has(downstream)) {
      add({
        name: 'traces.errors.origin-share',
        subject: downstream,
        value: 0,
        unit: 'ratio',
        explanation: `failed calls ${downstream} failed because of errors further down, not at the call itself`,
        sources: [traceSource(entry.example.trace, entry.example.span)],
      });
    }
    const share = entry.unanswered / entry.failed;
    add({
      name: 'traces.errors.unanswered-share',
      subject: downstream,
      value: share,
      unit: 'ratio',
      explanation: `${entry.unanswered} of ${entry.failed} failed calls ${downstream} got no answer from a server span`,
      sources: [traceSource(entry.example.trace, entry.example.span)],
    });
  }
}

/**
 * Collateral failures: failed requests that never reached the place where errors began first, and
 * whose own errors began at one of its callers. When one dependency fails, the requests that call
 * it fail; when the failure spreads (callers' threads, connections or queues fill up waiting on
 * it), requests that never call it fail at those callers too.
 */
function collateralSignal(
  traces: readonly TraceView[],
  failedTraces: readonly TraceView[],
  origins: ReadonlyMap<string, { count: number; times: number[]; example: Example }>,
  add: Add,
): void {
  if (failedTraces.length < MIN_FAILED) return;
  const window = (traces[traces.length - 1] as TraceView).start - (traces[0] as TraceView).start;
  // The first origin whose failures clustered (three within a tenth of the window), among the
  // main ones: the cause comes before the failures it spreads to.
  const main = [...origins]
    .filter(([, e]) => e.count / failedTraces.length >= MAIN_ORIGIN_SHARE)
    .map(([origin, e]) => ({
      origin,
      e,
      began: firstCluster(e.times, window / 10) ?? Number.POSITIVE_INFINITY,
    }))
    .sort((a, b) => a.began - b.began || b.e.count - a.e.count)[0];
  if (!main) return;
  const reaches = (trace: TraceView) =>
    trace.spans.some(
      (s) => s.service === main.origin || (s.kind === 'client' && downstreamOf(s) === main.origin),
    );
  // The failure travels up the call graph: collateral failures begin at the callers of the origin.
  const callers = upstreamOf(main.origin, traces);
  const collateral = failedTraces.filter(
    (t) => !reaches(t) && errorOrigins(t).some(({ origin }) => callers.has(serviceOf(origin))),
  );
  const share = collateral.length / failedTraces.length;
  const onset = firstCluster(
    collateral.map((t) => t.start),
    window / 10,
  );
  add({
    name: 'traces.errors.collateral-share',
    value: share,
    unit: 'ratio',
    ...(onset !== undefined && share > 0 ? { onset: iso(onset) } : {}),
    explanation: `${collateral.length} of ${failedTraces.length} failed requests never reached ${main.origin}, where errors began first${Number.isFinite(main.began) ? ` (${iso(main.began)})` : ''}, and failed at its callers (${[...callers].sort().join(', ') || 'none'})`,
    sources: [
      traceSource(collateral[0] ?? main.e.example.trace, collateral[0] ? undefined : main.e.example.span),
    ],
  });
}

/** The service a failure origin names: the caller for a call ("orders → payments"), else itself. */
function serviceOf(origin: string): string {
  const arrow = origin.indexOf(' → ');
  return arrow >= 0 ? origin.slice(0, arrow) : origin;
}

/**
 * The services that call the origin, directly or through others: for a failing call, its caller
 * and the caller's callers; for a failing service, the services calling it and theirs.
 */
function upstreamOf(origin: string, traces: readonly TraceView[]): Set<string> {
  const callersOf = new Map<string, Set<string>>();
  for (const trace of traces) {
    for (const s of trace.spans) {
      if (s.kind !== 'client') continue;
      const answer = (trace.children.get(s.spanId) ?? []).find(
        (c) => c.kind === 'server' || c.kind === 'consumer',
      );
      const callee = answer?.service ?? downstreamOf(s).slice(s.service.length + 3);
      if (callee === s.service) continue;
      const set = callersOf.get(callee) ?? new Set<string>();
      set.add(s.service);
      callersOf.set(callee, set);
    }
  }
  const arrow = origin.indexOf(' → ');
  const found = new Set<string>(arrow >= 0 ? [origin.slice(0, arrow)] : []);
  const queue = arrow >= 0 ? [origin.slice(0, arrow)] : [origin];
  while (queue.length > 0) {
    for (const caller of callersOf.get(queue.pop() as string) ?? []) {
      if (found.has(caller)) continue;
      found.add(caller);
      queue.push(caller);
    }
  }
  return found;
}

/**
 * When failures started: the first failed request after which at least a quarter of requests in
 * every later tenth of the window failed; undefined when they failed from the start or never.
 */
function errorOnset(traces: readonly TraceView[]): number | undefined {
  const tenths = 10;
  const start = (traces[0] as TraceView).start;
  const span = Math.max(1, (traces[traces.length - 1] as TraceView).start - start);
  const buckets = Array.from({ length: tenths }, () => ({ n: 0, failed: 0 }));
  for (const t of traces) {
    const b = buckets[Math.min(tenths - 1, Math.floor(((t.start - start) / span) * tenths))] as {
      n: number;
      failed: number;
    };
    b.n++;
    if (failed(t)) b.failed++;
  }
  const bad = buckets.map((b) => b.n > 0 && b.failed / b.n >= 0.25);
  let from = tenths;
  while (from > 0 && bad[from - 1]) from--;
  if (from === tenths || from === 0) return undefined;
  const boundary = start + (from / tenths) * span;
  return traces.find((t) => t.start >= boundary - span / tenths && failed(t))?.start;
}
