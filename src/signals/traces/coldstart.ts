import { median } from '../../anomaly/order-statistics.js';
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

export function coldStartSignals(traces: readonly TraceView[], add: Add): void {
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
