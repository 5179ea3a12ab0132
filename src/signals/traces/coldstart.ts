import { median, quantile } from '../../anomaly/order-statistics.js';
import type { Span } from '../../gather/traces/data.js';
import { type Add, iso, ms, percent, RUN } from './emit.js';
import { operationOf, type TraceView, traceSource } from './model.js';

// Cold starts: function invocations that found no warm execution environment, which FaaS
// instrumentations mark with faas.coldstart = true. The environment's start-up runs before the
// handler's span begins, so the time it costs is seen by the caller (the client span around the
// invocation), not in the handler span itself.

/** Cold invocations needed before their median says anything. */
const MIN_COLD = 3;
/** Warm invocations needed for the baseline a cold one is compared with. */
const MIN_WARM = 10;

interface Invocation {
  trace: TraceView;
  span: Span;
  cold: boolean;
  /** What the caller waited: the client span around the invocation, or the handler span without one. */
  observed: number;
}

/**
 * A process's first calls, for services with no FaaS flag: the first calls of each operation in
 * the window, judged against the operation's own steady calls. Five are the first calls a start-up
 * slows (routes initialising, connections opening, code compiling); their median must pass the
 * steady p90, which three of five ordinary calls do about once in a hundred windows even on an
 * operation with a slow path, and add at least 25 ms, the load test's floor for a cold start.
 */
const FIRST_CALLS = 5;
const MIN_STEADY_CALLS = 30;
const MIN_FIRST_EXCESS_MS = 25;

function firstCallSignals(traces: readonly TraceView[], add: Add): void {
  const byOperation = new Map<string, Array<{ trace: TraceView; span: Span }>>();
  for (const trace of traces) {
    for (const span of trace.roots) {
      if (span.kind !== 'server' || span.error) continue;
      const op = operationOf(span);
      const list = byOperation.get(op) ?? [];
      list.push({ trace, span });
      byOperation.set(op, list);
    }
  }
  for (const [op, calls] of [...byOperation].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (calls.length < FIRST_CALLS + MIN_STEADY_CALLS) continue;
    const ordered = [...calls].sort((a, b) => a.span.start - b.span.start);
    const first = ordered.slice(0, FIRST_CALLS);
    // Steady: the second half of the operation's calls, well after any start-up.
    const steady = ordered.slice(Math.floor(ordered.length / 2)).map((c) => c.span.duration);
    const firstMedian = median(first.map((c) => c.span.duration));
    const steadyMedian = median(steady);
    const steadyP90 = quantile(steady, 0.9);
    if (!(steadyMedian > 0)) continue;
    const cold = firstMedian > steadyP90 && firstMedian - steadyMedian >= MIN_FIRST_EXCESS_MS;
    const slowest = first.reduce((a, b) => (b.span.duration > a.span.duration ? b : a));
    add({
      name: 'traces.coldstart.first-calls',
      subject: op,
      value: cold ? firstMedian / steadyMedian : Math.min(1, firstMedian / steadyMedian),
      unit: 'ratio',
      ...(cold ? { onset: iso((first[0] as (typeof first)[number]).span.start) } : {}),
      explanation: `the first ${FIRST_CALLS} calls of ${op} in the window took a median of ${ms(firstMedian)}, against ${ms(steadyMedian)} (p90 ${ms(steadyP90)}) for its steady calls${cold ? '' : `; not beyond the steady p90 by ${MIN_FIRST_EXCESS_MS} ms, counted as none`}`,
      sources: [traceSource(slowest.trace, slowest.span)],
    });
  }
}

export function coldStartSignals(traces: readonly TraceView[], add: Add): void {
  firstCallSignals(traces, add);
  const byOperation = new Map<string, Invocation[]>();
  for (const trace of traces) {
    const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
    for (const span of trace.spans) {
      const flag = span.attributes['faas.coldstart'];
      if (flag === undefined || (span.kind !== 'server' && span.kind !== 'consumer')) continue;
      const caller = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
      const observed = caller?.kind === 'client' ? Math.max(caller.duration, span.duration) : span.duration;
      const op = operationOf(span);
      const list = byOperation.get(op) ?? [];
      list.push({ trace, span, cold: flag === true || flag === 'true', observed });
      byOperation.set(op, list);
    }
  }
  for (const [op, invocations] of [...byOperation].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const cold = invocations.filter((i) => i.cold && !i.span.error);
    const warm = invocations.filter((i) => !i.cold && !i.span.error);
    if (cold.length < MIN_COLD || warm.length < MIN_WARM) continue;
    const coldMedian = median(cold.map((i) => i.observed));
    const warmMedian = median(warm.map((i) => i.observed));
    if (!(warmMedian > 0)) continue;
    const slowest = cold.reduce((a, b) => (b.observed > a.observed ? b : a));
    add({
      name: 'traces.coldstart.penalty',
      subject: op,
      value: coldMedian / warmMedian,
      unit: 'ratio',
      explanation: `${cold.length} of ${invocations.length} invocations of ${op} were cold starts (faas.coldstart); their callers waited a median of ${ms(coldMedian)} against ${ms(warmMedian)} for warm ones`,
      sources: [traceSource(slowest.trace, slowest.span)],
    });
    // The densest run of cold starts: a deploy or a scale-out replaces many environments at once.
    const ordered = [...invocations].sort((a, b) => a.span.start - b.span.start);
    let worst: { share: number; run: Invocation[] } | undefined;
    for (let i = 0; i + RUN <= ordered.length; i += RUN / 2) {
      const run = ordered.slice(i, i + RUN);
      const share = run.filter((x) => x.cold).length / run.length;
      if (!worst || share > worst.share) worst = { share, run };
    }
    if (!worst) continue;
    const firstCold = worst.run.find((x) => x.cold) ?? (worst.run[0] as Invocation);
    add({
      name: 'traces.coldstart.burst-share',
      subject: op,
      value: worst.share,
      unit: 'ratio',
      ...(worst.share > 0 ? { onset: iso(firstCold.span.start) } : {}),
      explanation: `up to ${percent(worst.share)} of ${RUN} invocations of ${op} in a row were cold starts, against ${percent(cold.length / invocations.length)} over the whole window`,
      sources: [traceSource(firstCold.trace, firstCold.span)],
    });
  }
}
