import { median } from '../../anomaly/order-statistics.js';
import type { Span } from '../../gather/traces/data.js';
import { spearman } from '../../stats/correlation.js';
import { isDnsLookup } from './dns.js';
import { type Add, ms } from './emit.js';
import { downstreamOf, isPoolWait, type TraceView, traceSource } from './model.js';

// A link that caps throughput: the calls to one downstream get slower as the request rate rises and
// faster as it falls, while the calls to the others keep their time. The rate is read from the
// traces themselves (sampled at a steady rate, their count per interval follows the traffic), so the
// window is cut into equal intervals and each downstream's median per interval is set against it.

/** Intervals the window is cut into: enough points for a rank correlation, each with a few calls. */
const INTERVALS = 20;
/** Calls of a downstream an interval needs for its median to count. */
const MIN_CALLS = 3;
/** Intervals with a median needed before a correlation over them means anything. */
const MIN_INTERVALS = 10;
/**
 * The rate must vary by half between the quietest and busiest quarter of the intervals for latency
 * to be set against it: under that, interval counts differ by little more than sampling noise.
 */
const MIN_LOAD_RANGE = 1.5;

interface Call {
  trace: TraceView;
  span: Span;
}

export function scalingSignals(traces: readonly TraceView[], add: Add): void {
  const start = (traces[0] as TraceView).start;
  const width = ((traces[traces.length - 1] as TraceView).start - start) / INTERVALS;
  if (!(width > 0)) return;
  const slot = (t: number) => Math.min(INTERVALS - 1, Math.max(0, Math.floor((t - start) / width)));
  const rate = new Array<number>(INTERVALS).fill(0);
  const byDownstream = new Map<string, { calls: Call[][]; above: Set<string> }>();
  for (const trace of traces) {
    rate[slot(trace.start)] = (rate[slot(trace.start)] ?? 0) + 1;
    const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
    for (const span of trace.spans) {
      if (span.kind !== 'client' || span.error || isPoolWait(span) || isDnsLookup(span)) continue;
      const key = downstreamOf(span);
      const entry = byDownstream.get(key) ?? {
        calls: Array.from({ length: INTERVALS }, () => []),
        above: new Set<string>(),
      };
      entry.calls[slot(trace.start)]?.push({ trace, span });
      // The calls this one runs inside: their time includes its own, so they are not "the others".
      let parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
      for (let depth = 0; parent && depth < 200; depth++) {
        if (parent.kind === 'client') entry.above.add(downstreamOf(parent));
        parent = parent.parentSpanId ? byId.get(parent.parentSpanId) : undefined;
      }
      byDownstream.set(key, entry);
    }
  }
  const order = [...rate.keys()].sort((a, b) => (rate[a] as number) - (rate[b] as number));
  const quarter = Math.max(1, Math.floor(INTERVALS / 4));
  const quiet = order.slice(0, quarter);
  const busy = order.slice(-quarter);
  const mean = (slots: number[]) => slots.reduce((sum, i) => sum + (rate[i] as number), 0) / slots.length;
  const loadRange = mean(quiet) > 0 ? mean(busy) / mean(quiet) : Number.POSITIVE_INFINITY;
  const growth = new Map<string, { value: number; quiet: number; busy: number; example: Call }>();
  const coupling = new Map<string, number>();
  for (const [key, { calls }] of [...byDownstream].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const medians = calls.map((list) =>
      list.length >= MIN_CALLS ? median(list.map((c) => c.span.duration)) : Number.NaN,
    );
    const usable = medians.filter((m) => Number.isFinite(m)).length;
    if (usable < MIN_INTERVALS) continue;
    const pooled = (slots: number[]) => {
      const values = slots.flatMap((i) => (calls[i] ?? []).map((c) => c.span.duration));
      return values.length > 0 ? median(values) : Number.NaN;
    };
    const atQuiet = pooled(quiet);
    const atBusy = pooled(busy);
    const slowest = busy
      .flatMap((i) => calls[i] ?? [])
      .reduce<Call | undefined>((a, b) => (!a || b.span.duration > a.span.duration ? b : a), undefined);
    if (!(atQuiet > 0) || !Number.isFinite(atBusy) || !slowest) continue;
    growth.set(key, { value: atBusy / atQuiet, quiet: atQuiet, busy: atBusy, example: slowest });
    coupling.set(key, loadRange >= MIN_LOAD_RANGE ? spearman(rate, medians) : 0);
  }
  for (const [key, g] of growth) {
    const rho = coupling.get(key) ?? 0;
    const source = [traceSource(g.example.trace, g.example.span)];
    add({
      name: 'traces.load.latency-coupling',
      subject: key,
      value: Number.isFinite(rho) ? rho : 0,
      unit: 'ratio',
      explanation:
        loadRange >= MIN_LOAD_RANGE
          ? `over ${INTERVALS} intervals of the window, the median time of calls ${key} rose and fell with the request rate by a rank correlation of ${(Number.isFinite(rho) ? rho : 0).toFixed(2)}`
          : `the request rate stayed within ${loadRange.toFixed(1)}× between quiet and busy intervals, too steady to set latency against`,
      sources: source,
    });
    add({
      name: 'traces.load.latency-growth',
      subject: key,
      value: g.value,
      unit: 'ratio',
      explanation: `calls ${key} took a median of ${ms(g.busy)} in the busiest quarter of the intervals (${loadRange.toFixed(1)}× the request rate of the quietest) against ${ms(g.quiet)} in the quietest`,
      sources: source,
    });
    const above = byDownstream.get(key)?.above ?? new Set<string>();
    const others = [...growth].filter(([other]) => other !== key && !above.has(other));
    const most = others.reduce<[string, number] | undefined>(
      (a, [other, o]) => (!a || o.value > a[1] ? [other, o.value] : a),
      undefined,
    );
    add({
      name: 'traces.load.others-growth',
      subject: key,
      value: most ? most[1] : 1,
      unit: 'ratio',
      explanation: most
        ? `of the other downstreams (not the calls ${key} runs inside), ${most[0]} grew most between the quietest and busiest intervals: ${most[1].toFixed(1)}×`
        : `no other downstream had calls enough in the intervals to compare`,
      sources: source,
    });
  }
}
