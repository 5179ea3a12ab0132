import type { Span } from '../../gather/traces/data.js';
import { type Add, baselineEnd, excessShare, percent } from './emit.js';
import { downstreamOf, isPoolWait, type TraceView, traceSource } from './model.js';

// Call cycles across services: a client call to a service that is already serving the same
// request further up the trace (orders → payments → orders). Such a call completes at once when
// the callee has a free worker; when the callee's workers are all held by the outer requests that
// wait on this very call, it is not served until a timeout breaks the cycle, or ever: a distributed
// deadlock. Cycles that keep completing are a design choice, not a failure.

/** Closing calls of a cycle needed before a share of them says anything. */
const MIN_CLOSING_CALLS = 10;
/**
 * A callee that starts serving a call only after half of the call's time passed waited for a
 * worker: a served call starts within a millisecond or two of the client's span. Calls under
 * 100 ms are not judged, so clock differences between hosts cannot make a fast call look queued.
 */
const LATE_SHARE = 0.5;
const MIN_JUDGED_MS = 100;

interface Closing {
  trace: TraceView;
  span: Span;
  stuck: boolean;
  /** A call further up the cycle failed too (the outer request gave up as well). */
  outerFailed: boolean;
}

export function cycleSignals(traces: readonly TraceView[], add: Add): void {
  const cut = baselineEnd(traces);
  const bySubject = new Map<string, Closing[]>();
  for (const trace of traces) {
    const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
    for (const span of trace.spans) {
      if (span.kind !== 'client' || isPoolWait(span)) continue;
      const served = (trace.children.get(span.spanId) ?? []).filter((c) => c.kind === 'server');
      const peer = span.attributes['peer.service'];
      const callee = served[0]?.service ?? (typeof peer === 'string' ? peer : undefined);
      if (callee === undefined || callee === span.service) continue;
      // Walk up: is the callee already serving this request, and did a call above fail too?
      let outerFailed = false;
      let inCycle = false;
      let parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
      for (let depth = 0; parent && depth < 200; depth++) {
        if (parent.kind === 'client' && parent.error) outerFailed = true;
        if ((parent.kind === 'server' || parent.kind === 'consumer') && parent.service === callee) {
          inCycle = true;
          break;
        }
        parent = parent.parentSpanId ? byId.get(parent.parentSpanId) : undefined;
      }
      if (!inCycle) continue;
      const firstServed = served.reduce<number | undefined>(
        (earliest, s) => (earliest === undefined ? s.start : Math.min(earliest, s.start)),
        undefined,
      );
      const late =
        span.duration >= MIN_JUDGED_MS &&
        (firstServed === undefined ? span.error : firstServed - span.start > LATE_SHARE * span.duration);
      const key = downstreamOf(span);
      const list = bySubject.get(key) ?? [];
      list.push({ trace, span, stuck: late, outerFailed });
      bySubject.set(key, list);
    }
  }
  for (const [subject, calls] of [...bySubject].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (calls.length < MIN_CLOSING_CALLS) continue;
    const before = calls.filter((c) => c.span.start < cut);
    const after = calls.filter((c) => c.span.start >= cut);
    const stuckBefore = before.filter((c) => c.stuck).length;
    const stuckAfter = after.filter((c) => c.stuck);
    const excess = excessShare(stuckBefore, before.length, stuckAfter.length, after.length);
    const example = stuckAfter[0] ?? (calls[calls.length - 1] as Closing);
    const callee = subject.slice(subject.indexOf('→') + 2);
    add({
      name: 'traces.cycle.stuck-share',
      subject,
      value: excess,
      unit: 'ratio',
      explanation: `${calls.length} calls ${subject} went back to a service already serving the same request (a call cycle); ${stuckAfter.length} of ${after.length} after the first quarter of the window were not served by ${callee} in time or at all, against ${stuckBefore} of ${before.length} in it; ${percent(excess)} more at the least`,
      sources: [traceSource(example.trace, example.span)],
    });
    if (stuckAfter.length === 0) continue;
    const both = stuckAfter.filter((c) => c.outerFailed).length;
    add({
      name: 'traces.cycle.outer-failed-share',
      subject,
      value: both / stuckAfter.length,
      unit: 'ratio',
      explanation: `in ${both} of ${stuckAfter.length} requests where ${subject} got stuck, the call that entered the cycle failed too: both sides of the cycle gave up`,
      sources: [traceSource(example.trace, example.span)],
    });
  }
}
