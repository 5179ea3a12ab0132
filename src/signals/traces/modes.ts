import type { Span } from '../../gather/traces/data.js';
import { bimodality } from '../../stats/bimodality.js';
import { type Add, baselineEnd, excessShare, ms, percent } from './emit.js';
import { downstreamOf, operationOf, statusOf, type TraceView, traceSource } from './model.js';

// Two latency modes: an operation whose successful calls take one of two paths, a fast one and a
// slow one, with few calls in between (the same kernel-density test as load-test latencies). What
// makes it a path rather than an incident: the slow mode's share held steady through the window,
// and the slow calls contain a span (a cache miss's query, a token refresh) that the fast ones lack.

/** Descendants walked per call when looking for what the slow calls do; deeper spans add nothing. */
const MAX_DESCENDANTS = 2000;

interface Call {
  trace: TraceView;
  span: Span;
}

export function modeSignals(traces: readonly TraceView[], add: Add): void {
  const cut = baselineEnd(traces);
  const byOperation = new Map<string, Call[]>();
  for (const trace of traces) {
    for (const span of trace.spans) {
      if (span.error || (span.kind !== 'server' && span.kind !== 'consumer')) continue;
      // A server span answering 4xx is not an error by the HTTP conventions, but a request turned
      // away (429, 404) took no path of the operation: its speed is no second mode.
      if (statusOf(span) >= 400) continue;
      const op = operationOf(span);
      const list = byOperation.get(op) ?? [];
      list.push({ trace, span });
      byOperation.set(op, list);
    }
  }
  for (const [op, calls] of [...byOperation].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const shape = bimodality(calls.map((c) => ({ value: c.span.duration, weight: 1 })));
    if (!shape) continue;
    const main = [...shape.modes].sort((a, b) => b.share - a.share).slice(0, 2);
    const [low, high] = [...main].sort((a, b) => a.location - b.location);
    if (shape.ratio === 0 || !low || !high) {
      add({
        name: 'traces.latency.bimodal',
        subject: op,
        value: 0,
        unit: 'ratio',
        explanation: `successful calls of ${op} form one group of durations (${calls.length} calls)`,
        sources: [traceSource((calls[0] as Call).trace, (calls[0] as Call).span)],
      });
      add({
        name: 'traces.latency.slow-mode.growth',
        subject: op,
        value: 0,
        unit: 'ratio',
        explanation: `${op} has no slow mode whose share could grow`,
        sources: [traceSource((calls[0] as Call).trace, (calls[0] as Call).span)],
      });
      continue;
    }
    // The boundary between the modes: their geometric middle, where the valley of a log-scale
    // density lies for two modes of similar spread.
    const boundary = Math.sqrt(low.location * high.location);
    const slow = calls.filter((c) => c.span.duration > boundary);
    const fast = calls.filter((c) => c.span.duration <= boundary);
    const slowBefore = slow.filter((c) => c.span.start < cut).length;
    const nBefore = calls.filter((c) => c.span.start < cut).length;
    const growth = excessShare(slowBefore, nBefore, slow.length - slowBefore, calls.length - nBefore);
    const example = slow[Math.floor(slow.length / 2)] ?? (calls[0] as Call);
    add({
      name: 'traces.latency.bimodal',
      subject: op,
      value: shape.ratio,
      unit: 'ratio',
      explanation: `successful calls of ${op} form two groups: ${percent(1 - slow.length / calls.length)} around ${ms(low.location)} and ${percent(slow.length / calls.length)} around ${ms(high.location)} (${shape.ratio.toFixed(1)}× slower), with few in between`,
      sources: [traceSource(example.trace, example.span)],
    });
    add({
      name: 'traces.latency.slow-mode.growth',
      subject: op,
      value: growth,
      unit: 'ratio',
      explanation: `${percent(nBefore ? slowBefore / nBefore : 0)} of the calls of ${op} took the slow path in the first quarter of the window and ${percent(calls.length > nBefore ? (slow.length - slowBefore) / (calls.length - nBefore) : 0)} after; ${percent(growth)} more at the least`,
      sources: [traceSource(example.trace, example.span)],
    });
    const marker = distinguishingSpan(slow, fast);
    if (marker) {
      add({
        name: 'traces.latency.slow-mode.marker',
        subject: op,
        value: marker.difference,
        unit: 'ratio',
        explanation: `${percent(marker.inSlow)} of the slow calls of ${op} contain ${marker.key}, against ${percent(marker.inFast)} of the fast ones`,
        sources: [traceSource(example.trace, example.span)],
      });
    }
  }
}

/** What a span under a call is, for comparing calls: a client call by its downstream, others by operation. */
function stepOf(span: Span): string {
  return span.kind === 'client' ? `${downstreamOf(span)} ${span.name}` : operationOf(span);
}

function stepsUnder(call: Call): Set<string> {
  const steps = new Set<string>();
  const stack = [...(call.trace.children.get(call.span.spanId) ?? [])];
  let seen = 0;
  while (stack.length > 0 && seen < MAX_DESCENDANTS) {
    const span = stack.pop() as Span;
    seen++;
    steps.add(stepOf(span));
    stack.push(...(call.trace.children.get(span.spanId) ?? []));
  }
  return steps;
}

/**
 * The span whose presence best tells slow calls from fast ones: the largest difference between
 * the share of slow calls containing it and the share of fast calls containing it.
 */
function distinguishingSpan(
  slow: readonly Call[],
  fast: readonly Call[],
): { key: string; inSlow: number; inFast: number; difference: number } | undefined {
  if (slow.length === 0 || fast.length === 0) return undefined;
  const count = (calls: readonly Call[]) => {
    const counts = new Map<string, number>();
    for (const call of calls)
      for (const step of stepsUnder(call)) counts.set(step, (counts.get(step) ?? 0) + 1);
    return counts;
  };
  const inSlow = count(slow);
  const inFast = count(fast);
  let best: { key: string; inSlow: number; inFast: number; difference: number } | undefined;
  for (const [key, n] of [...inSlow].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const s = n / slow.length;
    const f = (inFast.get(key) ?? 0) / fast.length;
    if (!best || s - f > best.difference) best = { key, inSlow: s, inFast: f, difference: s - f };
  }
  return best;
}
