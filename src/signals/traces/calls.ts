import { median, quantile } from '../../anomaly/order-statistics.js';
import type { Span } from '../../gather/traces/data.js';
import { type Add, firstCluster, iso, percent } from './emit.js';
import { operationOf, type TraceView, traceSource } from './model.js';
import { callsPerDownstream, deepestCalls, fanOut, REPEAT_MIN, repeatedCalls, retries } from './patterns.js';

// How requests call their downstreams: identical calls repeated under one parent (N+1), calls
// repeated after a failure (retries) and how retries at several layers multiply the calls that
// reach the deepest service, and how many children one span has (fan-out).

export function callSignals(traces: readonly TraceView[], add: Add): void {
  repeatedCallSignals(traces, add);
  retrySignals(traces, add);
  fanOutSignals(traces, add);
}

function repeatedCallSignals(traces: readonly TraceView[], add: Add): void {
  const byOperation = new Map<
    string,
    Array<{ count: number; key: string; trace: TraceView; parent: Span }>
  >();
  for (const trace of traces) {
    for (const r of repeatedCalls(trace)) {
      const op = operationOf(r.parent);
      const list = byOperation.get(op) ?? [];
      list.push({ count: r.count, key: r.key, trace, parent: r.parent });
      byOperation.set(op, list);
    }
  }
  for (const [op, list] of [...byOperation].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const typical = median(list.map((r) => r.count));
    const worst = list.reduce((a, b) => (b.count > a.count ? b : a));
    const affected = list.filter((r) => r.count >= REPEAT_MIN);
    const share = affected.length / list.length;
    const onset =
      affected[0] && affected[0].trace !== list[0]?.trace ? iso(affected[0].trace.start) : undefined;
    add({
      name: 'traces.repeated-calls',
      subject: op,
      value: typical,
      unit: 'calls',
      ...(onset ? { onset } : {}),
      explanation: `${op} makes a median of ${typical} identical calls per request (at most ${worst.count}: ${worst.key})`,
      sources: [traceSource(worst.trace, worst.parent)],
    });
    add({
      name: 'traces.repeated-calls.share',
      subject: op,
      value: share,
      unit: 'ratio',
      ...(onset ? { onset } : {}),
      explanation: `${percent(share)} of ${op} requests repeat one call ${REPEAT_MIN} times or more`,
      sources: [traceSource(worst.trace, worst.parent)],
    });
  }
}

function retrySignals(traces: readonly TraceView[], add: Add): void {
  let total = 0;
  const byDownstream = new Map<string, { retries: number; example: { trace: TraceView; span: Span } }>();
  const retried = new Map<TraceView, Set<string>>();
  for (const trace of traces) {
    for (const r of retries(trace)) {
      total += r.retries;
      retried.set(trace, (retried.get(trace) ?? new Set()).add(r.downstream));
      const entry = byDownstream.get(r.downstream) ?? { retries: 0, example: { trace, span: r.span } };
      entry.retries += r.retries;
      byDownstream.set(r.downstream, entry);
    }
  }
  const perRequest = total / traces.length;
  const onset = retryOnset(traces, retried);
  const firstRetried = traces.find((t) => retried.has(t) && (onset === undefined || t.start >= onset));
  add({
    name: 'traces.retries.per-request',
    value: perRequest,
    unit: 'retries',
    ...(onset !== undefined ? { onset: iso(onset) } : {}),
    explanation: `${total} retried calls over ${traces.length} requests: ${perRequest.toFixed(2)} per request`,
    sources: [traceSource(firstRetried ?? (traces[0] as TraceView))],
  });
  for (const [downstream, entry] of [...byDownstream].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    add({
      name: 'traces.retries',
      subject: downstream,
      value: entry.retries / traces.length,
      unit: 'retries',
      explanation: `${entry.retries} retries of calls ${downstream}, ${(entry.retries / traces.length).toFixed(2)} per request`,
      sources: [traceSource(entry.example.trace, entry.example.span)],
    });
  }
  amplification(traces, retried, onset, add);
}

/** Retries began in earnest with the first of three retried requests within a tenth of the window. */
function retryOnset(
  traces: readonly TraceView[],
  retried: ReadonlyMap<TraceView, unknown>,
): number | undefined {
  const first = traces[0] as TraceView;
  const span = (traces[traces.length - 1] as TraceView).start - first.start;
  const onset = firstCluster(
    traces.filter((t) => retried.has(t)).map((t) => t.start),
    span / 10,
  );
  return onset !== undefined && onset > first.start ? onset : undefined;
}

/** Requests without retries needed to know how often a request normally calls a downstream. */
const MIN_NORMAL = 5;

/**
 * Retry amplification: for requests that retried, the calls that reached the deepest downstream
 * of the request, against how many times requests without retries call it. Retries at one layer
 * add a few calls; retries at several layers multiply (3 at each of two layers make 9).
 */
function amplification(
  traces: readonly TraceView[],
  retried: ReadonlyMap<TraceView, Set<string>>,
  onset: number | undefined,
  add: Add,
): void {
  const normal = new Map<string, number[]>();
  const affected: Array<{ trace: TraceView; downstream: string; calls: number }> = [];
  for (const trace of traces) {
    const downstreams = retried.get(trace);
    if (downstreams) {
      const deepest = deepestCalls(trace, downstreams);
      if (deepest) affected.push({ trace, ...deepest });
      continue;
    }
    for (const [downstream, calls] of callsPerDownstream(trace)) {
      const list = normal.get(downstream) ?? [];
      list.push(calls);
      normal.set(downstream, list);
    }
  }
  if (affected.length === 0) {
    if (normal.size === 0) return;
    add({
      name: 'traces.retries.amplification',
      value: 1,
      unit: 'ratio',
      explanation: 'no request retried a call, so no call was multiplied',
      sources: [traceSource(traces[0] as TraceView)],
    });
    return;
  }
  const ratios = affected.map((a) => {
    const usual = normal.get(a.downstream) ?? [];
    const base = usual.length >= MIN_NORMAL ? Math.max(1, median(usual)) : 1;
    return { ...a, ratio: a.calls / base, base };
  });
  const typical = median(ratios.map((r) => r.ratio));
  const worst = ratios.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  add({
    name: 'traces.retries.amplification',
    value: typical,
    unit: 'ratio',
    ...(onset !== undefined ? { onset: iso(onset) } : {}),
    explanation: `requests that retried called their deepest downstream a median of ${typical.toFixed(1)}× as often as requests that did not (at most ${worst.calls} calls ${worst.downstream} in one request, against ${worst.base} normally)`,
    sources: [traceSource(worst.trace)],
  });
}

function fanOutSignals(traces: readonly TraceView[], add: Add): void {
  const widest = traces.reduce((a, b) => (fanOut(b) > fanOut(a) ? b : a));
  add({
    name: 'traces.fanout.max',
    value: fanOut(widest),
    unit: 'children',
    explanation: `the widest span has ${fanOut(widest)} direct children`,
    sources: [traceSource(widest)],
  });
  const widths = traces.flatMap((t) => [...t.children.values()].map((c) => c.length));
  if (widths.length === 0) return;
  const p99 = quantile(widths, 0.99);
  add({
    name: 'traces.fanout.p99',
    value: p99,
    unit: 'children',
    explanation: `99% of spans with children have at most ${Math.round(p99)} direct children (${widths.length} such spans)`,
    sources: [traceSource(widest)],
  });
}
