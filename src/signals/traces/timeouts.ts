import { median } from '../../anomaly/order-statistics.js';
import type { Span } from '../../gather/traces/data.js';
import { type Add, ms } from './emit.js';
import { downstreamOf, isPoolWait, type TraceView, traceSource } from './model.js';

// Timeouts at a hop: failed client calls that end at one fixed duration, longer than the calls
// that succeed, where the error began at the call itself. Whether a server answered tells a
// timeout waiting for the answer (the server was reached and kept working) from one waiting for
// the connection (nothing answered).

/** Failed calls needed before their durations can show a fixed timeout. */
const MIN_FAILED_CALLS = 5;
/**
 * Failed calls within ±5% of their median duration end at a configured timeout: network failures
 * and errors vary in duration by far more, a timer fires at the same moment every time.
 */
const TIMEOUT_BAND = 0.05;
/** Most failures (80%) at that duration: a timer, not a coincidence of a few. */
const AT_TIMER_SHARE = 0.8;
/**
 * A timeout is set well above the calls' normal duration (else it would cut healthy calls): the
 * fixed duration must be at least 3× the median successful call, or 100 ms when none succeeded.
 * Refused connections fail fast at an equally steady duration and are not timeouts.
 */
const ABOVE_NORMAL = 3;
const MIN_TIMEOUT_MS = 100;
const MIN_SUCCESSES = 5;

/** Successful calls with a server span under them, at least half: the callee is traced. */
const TRACED_CALLEE_SHARE = 0.5;

type Call = { trace: TraceView; span: Span };

export function timeoutSignals(traces: readonly TraceView[], add: Add): void {
  const byDownstream = new Map<
    string,
    { calls: number; ok: number[]; okAnswered: number; failed: Call[]; answeredFailures: Call[] }
  >();
  for (const trace of traces) {
    for (const s of trace.spans) {
      // A pool's acquire timeout is a wait for a free connection, read by the pool signals.
      if (s.kind !== 'client' || isPoolWait(s)) continue;
      const key = downstreamOf(s);
      const entry = byDownstream.get(key) ?? {
        calls: 0,
        ok: [],
        okAnswered: 0,
        failed: [],
        answeredFailures: [],
      };
      entry.calls++;
      const children = trace.children.get(s.spanId) ?? [];
      // Only where the error began: a caller's call that failed because its callee timed out is
      // the same timeout seen from further up.
      if (!s.error) {
        entry.ok.push(s.duration);
        if (children.length > 0) entry.okAnswered++;
      } else if (!children.some((c) => c.error)) entry.failed.push({ trace, span: s });
      else entry.answeredFailures.push({ trace, span: s });
      byDownstream.set(key, entry);
    }
  }
  for (const [downstream, entry] of [...byDownstream].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (entry.failed.length < MIN_FAILED_CALLS) {
      const answered = entry.answeredFailures[0];
      if (entry.failed.length + entry.answeredFailures.length >= MIN_FAILED_CALLS && answered) {
        add({
          name: 'traces.timeouts.fixed-share',
          subject: downstream,
          value: 0,
          unit: 'ratio',
          explanation: `${entry.answeredFailures.length} of ${entry.failed.length + entry.answeredFailures.length} failed calls ${downstream} were answered with an error by the server, not cut by a timeout`,
          sources: [traceSource(answered.trace, answered.span)],
        });
      }
      continue;
    }
    const mid = median(entry.failed.map((f) => f.span.duration));
    const normal = entry.ok.length >= MIN_SUCCESSES ? median(entry.ok) : undefined;
    const floor = normal !== undefined ? ABOVE_NORMAL * normal : MIN_TIMEOUT_MS;
    const atTimer = entry.failed.filter((f) => Math.abs(f.span.duration - mid) <= TIMEOUT_BAND * mid);
    const fixed = atTimer.length / entry.failed.length >= AT_TIMER_SHARE && mid >= floor;
    const example = atTimer[0] ?? (entry.failed[0] as Call);
    const unanswered = atTimer.filter((f) => (f.trace.children.get(f.span.spanId) ?? []).length === 0).length;
    add({
      name: 'traces.timeouts.fixed-share',
      subject: downstream,
      value: fixed ? atTimer.length / entry.calls : 0,
      unit: 'ratio',
      explanation: fixed
        ? `${atTimer.length} of ${entry.calls} calls ${downstream} failed after ${ms(mid)} (±5%): a timeout`
        : mid < floor
          ? `failed calls ${downstream} end after a median ${ms(mid)}, not well above successful calls${normal !== undefined ? ` (${ms(normal)})` : ''}: failing fast, not timing out`
          : `failed calls ${downstream} end at varied times (median ${ms(mid)}), not at one timeout`,
      sources: [traceSource(example.trace, example.span)],
    });
    add({
      name: 'traces.timeouts.duration',
      subject: downstream,
      value: Math.round(mid),
      unit: 'ms',
      explanation: `failed calls ${downstream} last a median of ${ms(mid)}`,
      sources: [traceSource(example.trace, example.span)],
    });
    if (!fixed) continue;
    // A callee that is not traced leaves no server span under its successful calls either: then a
    // timed-out call without one says nothing about whether the connection was made.
    if (entry.ok.length >= MIN_SUCCESSES && entry.okAnswered < TRACED_CALLEE_SHARE * entry.ok.length)
      continue;
    add({
      name: 'traces.timeouts.unanswered-share',
      subject: downstream,
      value: unanswered / atTimer.length,
      unit: 'ratio',
      explanation: `${unanswered} of ${atTimer.length} calls ${downstream} that timed out had no server span under them: ${unanswered / atTimer.length > 0.5 ? 'the connection was never made' : 'the server got the request and was still working'}`,
      sources: [traceSource(example.trace, example.span)],
    });
  }
}
