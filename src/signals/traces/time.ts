import { median } from '../../anomaly/order-statistics.js';
import type { Span } from '../../gather/traces/data.js';
import { type Add, baselineEnd, iso, ms, percent, sustainedLevel, type Timed } from './emit.js';
import { operationOf, type TraceView, traceSource } from './model.js';

// Where requests spend their time: each span's self time (its duration less the time its children
// cover) and its part of the critical path, summed per service and per operation; and how a
// service's share of the path and its own time moved from the window's first quarter.

/** Nesting followed when walking a trace; deeper spans are taken as leaves (no real trace nests this deep). */
const MAX_DEPTH = 500;

/**
 * The part of a span's time not covered by its children (their intervals merged, clipped to the
 * span): the span's own work, or for a client span the network and queues before the answer.
 */
export function selfTime(span: Span, children: readonly Span[]): number {
  const end = span.start + span.duration;
  const intervals = children
    .map((c) => [Math.max(c.start, span.start), Math.min(c.start + c.duration, end)] as const)
    .filter(([from, to]) => to > from)
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let from = Number.NEGATIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const [a, b] of intervals) {
    if (a > to) {
      if (to > from) covered += to - from;
      from = a;
      to = b;
    } else to = Math.max(to, b);
  }
  if (to > from) covered += to - from;
  return Math.max(0, span.duration - covered);
}

/**
 * The critical path of a trace: from the root, the child that finished last, then the child that
 * finished last before that one started, and so on down each chosen child. Each span on it is
 * charged the part of its time not covered by the chosen children: the time the request waited
 * on that span's own work. A child running past its parent's end is charged only up to it.
 */
export function criticalPath(trace: TraceView): Map<Span, number> {
  const charged = new Map<Span, number>();
  const walk = (span: Span, limit: number, depth: number): void => {
    const end = Math.min(span.start + span.duration, limit);
    const children =
      depth >= MAX_DEPTH
        ? []
        : [...(trace.children.get(span.spanId) ?? [])].sort(
            (a, b) => b.start + b.duration - (a.start + a.duration),
          );
    let cursor = end;
    let own = 0;
    for (const child of children) {
      const childEnd = Math.min(cursor, child.start + child.duration);
      if (childEnd <= span.start || child.start >= cursor) continue;
      own += cursor - childEnd;
      walk(child, childEnd, depth + 1);
      cursor = Math.max(span.start, child.start);
    }
    own += Math.max(0, cursor - span.start);
    charged.set(span, (charged.get(span) ?? 0) + own);
  };
  const root = trace.roots[0];
  if (root) walk(root, root.start + root.duration, 0);
  return charged;
}

export function timeSignals(traces: readonly TraceView[], add: Add): void {
  const cut = baselineEnd(traces);
  criticalPathSignals(traces, cut, add);
  selfTimeSignals(traces, cut, add);
}

function criticalPathSignals(traces: readonly TraceView[], cut: number, add: Add): void {
  const before = new Map<string, number>();
  const after = new Map<string, number>();
  const byOperation = new Map<string, number>();
  const example = new Map<string, { trace: TraceView; span: Span; ms: number }>();
  let totalBefore = 0;
  let totalAfter = 0;
  for (const trace of traces) {
    const into = trace.start < cut ? before : after;
    for (const [span, charged] of criticalPath(trace)) {
      into.set(span.service, (into.get(span.service) ?? 0) + charged);
      if (trace.start < cut) totalBefore += charged;
      else totalAfter += charged;
      const op = operationOf(span);
      byOperation.set(op, (byOperation.get(op) ?? 0) + charged);
      for (const key of [span.service, op]) {
        const best = example.get(key);
        if (!best || charged > best.ms) example.set(key, { trace, span, ms: charged });
      }
    }
  }
  const total = totalBefore + totalAfter;
  if (total <= 0) return;
  const sourceOf = (key: string) => {
    const e = example.get(key);
    return e ? [traceSource(e.trace, e.span)] : [];
  };
  for (const service of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const share = ((before.get(service) ?? 0) + (after.get(service) ?? 0)) / total;
    const shareBefore = totalBefore > 0 ? (before.get(service) ?? 0) / totalBefore : 0;
    const shareAfter = totalAfter > 0 ? (after.get(service) ?? 0) / totalAfter : 0;
    add({
      name: 'traces.critical-path.share',
      subject: service,
      value: share,
      unit: 'ratio',
      explanation: `${service} holds ${percent(share)} of the requests' critical path (${percent(shareBefore)} in the first quarter of the window, ${percent(shareAfter)} after)`,
      sources: sourceOf(service),
    });
    add({
      name: 'traces.critical-path.shift',
      subject: service,
      value: shareAfter - shareBefore,
      unit: 'ratio',
      explanation: `${service}'s share of the critical path moved from ${percent(shareBefore)} to ${percent(shareAfter)}`,
      sources: sourceOf(service),
    });
  }
  for (const [op, charged] of [...byOperation].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const share = charged / total;
    add({
      name: 'traces.operation.critical-path.share',
      subject: op,
      value: share,
      unit: 'ratio',
      explanation: `${op} holds ${percent(share)} of the requests' critical path`,
      sources: sourceOf(op),
    });
  }
}

/**
 * Own time per service and request (the self time of all its spans in the trace) and per
 * operation and call; a service whose own work grew, not its calls, shows here.
 */
function selfTimeSignals(traces: readonly TraceView[], cut: number, add: Add): void {
  const perService = new Map<
    string,
    { before: number[]; after: Array<Timed<{ trace: TraceView; span: Span }>> }
  >();
  const perOperation = new Map<
    string,
    { values: number[]; worst?: { trace: TraceView; span: Span; ms: number } }
  >();
  for (const trace of traces) {
    const ownByService = new Map<string, { ms: number; span: Span }>();
    for (const span of trace.spans) {
      const own = selfTime(span, trace.children.get(span.spanId) ?? []);
      const entry = ownByService.get(span.service) ?? { ms: 0, span };
      entry.ms += own;
      ownByService.set(span.service, entry);
      const op = operationOf(span);
      const opEntry = perOperation.get(op) ?? { values: [] };
      opEntry.values.push(own);
      if (!opEntry.worst || own > opEntry.worst.ms) opEntry.worst = { trace, span, ms: own };
      perOperation.set(op, opEntry);
    }
    for (const [service, { ms: own, span }] of ownByService) {
      const entry = perService.get(service) ?? { before: [], after: [] };
      if (trace.start < cut) entry.before.push(own);
      else entry.after.push({ t: trace.start, v: own, item: { trace, span } });
      perService.set(service, entry);
    }
  }
  for (const [service, { before, after }] of [...perService].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const all = [...before, ...after.map((x) => x.v)];
    const typical = median(all);
    const worst = after.reduce<Timed<{ trace: TraceView; span: Span }> | undefined>(
      (a, b) => (!a || b.v > a.v ? b : a),
      undefined,
    );
    add({
      name: 'traces.service.self-time',
      subject: service,
      value: typical,
      unit: 'ms',
      explanation: `${service} spends a median of ${ms(typical)} of its own time per request it takes part in`,
      sources: worst ? [traceSource(worst.item.trace, worst.item.span)] : [],
    });
    const baseline = before.length >= 10 ? median(before) : Number.NaN;
    if (!(baseline > 0)) continue;
    const level = sustainedLevel(after, baseline);
    if (!level) continue;
    add({
      name: 'traces.service.self-time.shift',
      subject: service,
      value: level.level / baseline,
      unit: 'ratio',
      ...(level.raisedAt !== undefined ? { onset: iso(level.raisedAt) } : {}),
      explanation: `${service}'s own time per request reached a median of ${ms(level.level)} against ${ms(baseline)} in the first quarter of the window`,
      sources: [traceSource(level.example.item.trace, level.example.item.span)],
    });
  }
  for (const [op, { values, worst }] of [...perOperation].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (values.length < 10) continue;
    const typical = median(values);
    add({
      name: 'traces.operation.self-time',
      subject: op,
      value: typical,
      unit: 'ms',
      explanation: `${op} spends a median of ${ms(typical)} of its own time per call (${values.length} calls)`,
      sources: worst ? [traceSource(worst.trace, worst.span)] : [],
    });
  }
}
