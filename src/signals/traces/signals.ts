import { median, quantile } from '../../anomaly/order-statistics.js';
import type { SourcePointer } from '../../core/source-pointer.js';
import type { Span, TracesData } from '../../gather/traces/data.js';
import type { Signal } from '../signal.js';
import { buildTraces, downstreamOf, operationOf, type TraceView, traceSource } from './model.js';
import {
  calledServices,
  criticalPath,
  errorOrigins,
  failed,
  failedCalls,
  fanOut,
  REPEAT_MIN,
  repeatedCalls,
  retries,
} from './patterns.js';

// Trace signals: per operation, per downstream and for the whole window, each with an example
// trace as its source and, for behaviour that began part-way through, its onset.

export interface TracesSource {
  source: SourcePointer;
  data: TracesData;
}

/** Fewer traces than this say little about shares and medians; the signals need a sample. */
const MIN_TRACES = 20;
/** Failed calls needed before their durations can show a fixed timeout. */
const MIN_FAILED_CALLS = 5;
/**
 * Failed calls within ±5% of their median duration end at a configured timeout: network failures
 * and errors vary in duration by far more, a timer fires at the same moment every time.
 */
const TIMEOUT_BAND = 0.05;
/** The share of the window before the first fifth is the healthy baseline for latency shifts. */
const BASELINE_SHARE = 0.25;
/** A median 1.5× its baseline is a raised level: run-to-run medians of 20 calls vary by about ±20%. */
const RAISED = 1.5;

export function traceSignals(sources: readonly TracesSource[]): Signal[] {
  const traces = buildTraces(sources);
  if (traces.length === 0) return [];
  const first = traces[0] as TraceView;
  const last = traces[traces.length - 1] as TraceView;
  const window = { start: iso(first.start), end: iso(last.start) };
  const signals: Signal[] = [];
  const add = (signal: Omit<Signal, 'window'> & { window?: Signal['window'] }) =>
    signals.push({ window, ...signal });
  const enough = traces.length >= MIN_TRACES;
  add({
    name: 'traces.requests',
    value: traces.length,
    unit: 'traces',
    explanation: `${traces.length} traces between ${window.start} and ${window.end}`,
    sources: [traceSource(first)],
  });
  if (!enough) return signals;

  repeatedCallSignals(traces, add);
  retrySignals(traces, add);
  errorSignals(traces, add);
  timeoutSignals(traces, add);
  contextSignals(traces, add);
  latencySignals(traces, add);
  pathSignals(traces, add);
  samplingSignals(traces, add);
  return signals;
}

type Add = (signal: Omit<Signal, 'window'> & { window?: Signal['window'] }) => void;

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
  for (const [op, list] of byOperation) {
    const counts = list.map((r) => r.count);
    const typical = median(counts);
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
      explanation: `${percent(share)} of ${op} requests repeat one call ${REPEAT_MIN} times or more`,
      sources: [traceSource(worst.trace, worst.parent)],
    });
  }
}

function retrySignals(traces: readonly TraceView[], add: Add): void {
  let total = 0;
  const byDownstream = new Map<string, { retries: number; example: { trace: TraceView; span: Span } }>();
  let firstRetry: TraceView | undefined;
  for (const trace of traces) {
    for (const r of retries(trace)) {
      total += r.retries;
      firstRetry ??= trace;
      const entry = byDownstream.get(r.downstream) ?? { retries: 0, example: { trace, span: r.span } };
      entry.retries += r.retries;
      byDownstream.set(r.downstream, entry);
    }
  }
  const perRequest = total / traces.length;
  add({
    name: 'traces.retries.per-request',
    value: perRequest,
    unit: 'retries',
    ...(firstRetry && firstRetry !== traces[0] ? { onset: iso(firstRetry.start) } : {}),
    explanation: `${total} retried calls over ${traces.length} requests: ${perRequest.toFixed(2)} per request`,
    sources: [firstRetry ? traceSource(firstRetry) : traceSource(traces[0] as TraceView)],
  });
  for (const [downstream, entry] of byDownstream) {
    add({
      name: 'traces.retries',
      subject: downstream,
      value: entry.retries / traces.length,
      unit: 'retries',
      explanation: `${entry.retries} retries of calls ${downstream}, ${(entry.retries / traces.length).toFixed(2)} per request`,
      sources: [traceSource(entry.example.trace, entry.example.span)],
    });
  }
}

function errorSignals(traces: readonly TraceView[], add: Add): void {
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
  if (failedTraces.length === 0) return;
  const origins = new Map<string, { count: number; example: { trace: TraceView; span: Span } }>();
  for (const trace of failedTraces) {
    const seen = new Set<string>();
    for (const { origin, span } of errorOrigins(trace)) {
      if (seen.has(origin)) continue;
      seen.add(origin);
      const entry = origins.get(origin) ?? { count: 0, example: { trace, span } };
      entry.count++;
      origins.set(origin, entry);
    }
  }
  for (const [origin, entry] of origins) {
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
  const calls = new Map<
    string,
    { failed: number; unanswered: number; example: { trace: TraceView; span: Span } }
  >();
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
  for (const [downstream, entry] of calls) {
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

function timeoutSignals(traces: readonly TraceView[], add: Add): void {
  const byDownstream = new Map<string, { calls: number; failed: Array<{ trace: TraceView; span: Span }> }>();
  for (const trace of traces) {
    for (const s of trace.spans) {
      if (s.kind !== 'client') continue;
      const key = downstreamOf(s);
      const entry = byDownstream.get(key) ?? { calls: 0, failed: [] };
      entry.calls++;
      if (s.error) entry.failed.push({ trace, span: s });
      byDownstream.set(key, entry);
    }
  }
  for (const [downstream, entry] of byDownstream) {
    if (entry.failed.length < MIN_FAILED_CALLS) continue;
    const durations = entry.failed.map((f) => f.span.duration);
    const mid = median(durations);
    const atTimer = entry.failed.filter((f) => Math.abs(f.span.duration - mid) <= TIMEOUT_BAND * mid);
    const share = atTimer.length / entry.calls;
    const example = atTimer[0] ?? (entry.failed[0] as { trace: TraceView; span: Span });
    const fixed = atTimer.length / entry.failed.length;
    add({
      name: 'traces.timeouts.fixed-share',
      subject: downstream,
      value: fixed >= 0.8 ? share : 0,
      unit: 'ratio',
      explanation:
        fixed >= 0.8
          ? `${atTimer.length} of ${entry.calls} calls ${downstream} failed after ${Math.round(mid)} ms (±5%): a timeout`
          : `failed calls ${downstream} end at varied times (median ${Math.round(mid)} ms), not at one timeout`,
      sources: [traceSource(example.trace, example.span)],
    });
    add({
      name: 'traces.timeouts.duration',
      subject: downstream,
      value: Math.round(mid),
      unit: 'ms',
      explanation: `failed calls ${downstream} last a median of ${Math.round(mid)} ms`,
      sources: [traceSource(example.trace, example.span)],
    });
  }
}

function contextSignals(traces: readonly TraceView[], add: Add): void {
  const spans = traces.reduce((n, t) => n + t.spans.length, 0);
  const orphans = traces.reduce((n, t) => n + t.orphans, 0);
  const called = calledServices(traces);
  const broken = traces.filter((t) =>
    t.roots.some((r) => (r.kind === 'server' || r.kind === 'consumer') && called.has(r.service)),
  );
  const orphanExample = traces.find((t) => t.orphans > 0);
  add({
    name: 'traces.orphan-share',
    value: orphans / Math.max(1, spans),
    unit: 'ratio',
    explanation: `${orphans} of ${spans} spans name a parent that is not in their trace`,
    sources: [traceSource(orphanExample ?? (traces[0] as TraceView))],
  });
  add({
    name: 'traces.broken-roots-share',
    value: broken.length / traces.length,
    unit: 'ratio',
    ...(broken[0] && broken[0] !== traces[0] ? { onset: iso(broken[0].start) } : {}),
    explanation: `${broken.length} of ${traces.length} traces start at a service that is otherwise called by others: the caller's context did not reach it`,
    sources: [traceSource(broken[0] ?? (traces[0] as TraceView))],
  });
}

function latencySignals(traces: readonly TraceView[], add: Add): void {
  const start = (traces[0] as TraceView).start;
  const end = (traces[traces.length - 1] as TraceView).start;
  const cut = start + BASELINE_SHARE * (end - start);
  const groups = new Map<
    string,
    {
      kind: 'db' | 'root';
      before: number[];
      after: Array<{ t: number; d: number; trace: TraceView; span: Span }>;
    }
  >();
  const put = (key: string, kind: 'db' | 'root', trace: TraceView, span: Span) => {
    const g = groups.get(key) ?? { kind, before: [], after: [] };
    if (span.start < cut) g.before.push(span.duration);
    else g.after.push({ t: span.start, d: span.duration, trace, span });
    groups.set(key, g);
  };
  for (const trace of traces) {
    for (const root of trace.roots) if (root.kind === 'server') put(operationOf(root), 'root', trace, root);
    for (const s of trace.spans) {
      if (
        s.kind === 'client' &&
        (s.attributes['db.system'] !== undefined || s.attributes['db.system.name'] !== undefined)
      ) {
        put(downstreamOf(s), 'db', trace, s);
      }
    }
  }
  for (const [subject, g] of groups) {
    if (g.before.length < MIN_TRACES / 2 || g.after.length < MIN_TRACES / 2) continue;
    const baseline = median(g.before);
    if (!(baseline > 0)) continue;
    // The worst sustained level after the baseline, and when a raised level first began: medians
    // of consecutive runs of 20 calls, so one slow call is not a level.
    const run = 20;
    let worst = { level: 0, example: g.after[0] as (typeof g.after)[number] };
    let raisedAt: number | undefined;
    for (let i = 0; i + run <= g.after.length; i += run / 2) {
      const slice = g.after.slice(i, i + run);
      const level = median(slice.map((x) => x.d));
      if (raisedAt === undefined && level > RAISED * baseline) {
        // The raised level began at its first raised call, not at the start of the run that shows it.
        raisedAt = (slice.find((x) => x.d > RAISED * baseline) ?? (slice[0] as (typeof g.after)[number])).t;
      }
      if (level > worst.level)
        worst = { level, example: slice[slice.length - 1] as (typeof g.after)[number] };
    }
    const shift = worst.level / baseline;
    const p99 = quantile(
      g.after.map((x) => x.d),
      0.99,
    );
    add({
      name: g.kind === 'db' ? 'traces.db.latency.shift' : 'traces.latency.shift',
      subject,
      value: shift,
      unit: 'ratio',
      ...(raisedAt !== undefined ? { onset: iso(raisedAt) } : {}),
      explanation: `median ${g.kind === 'db' ? 'query' : 'request'} time of ${subject} reached ${Math.round(worst.level)} ms against ${Math.round(baseline)} ms in the first quarter of the window (p99 after: ${Math.round(p99)} ms)`,
      sources: [traceSource(worst.example.trace, worst.example.span)],
    });
  }
}

/**
 * Where requests spend their time: each service's share of the critical path over all traces,
 * and how that share moved from the window's first quarter, which names the service that made
 * requests slower; and the largest fan-out of a span.
 */
function pathSignals(traces: readonly TraceView[], add: Add): void {
  const start = (traces[0] as TraceView).start;
  const cut = start + BASELINE_SHARE * ((traces[traces.length - 1] as TraceView).start - start);
  const before = new Map<string, number>();
  const after = new Map<string, number>();
  let totalBefore = 0;
  let totalAfter = 0;
  for (const trace of traces) {
    const into = trace.start < cut ? before : after;
    for (const [service, ms] of criticalPath(trace)) {
      into.set(service, (into.get(service) ?? 0) + ms);
      if (trace.start < cut) totalBefore += ms;
      else totalAfter += ms;
    }
  }
  const total = totalBefore + totalAfter;
  if (total <= 0) return;
  for (const service of new Set([...before.keys(), ...after.keys()])) {
    const share = ((before.get(service) ?? 0) + (after.get(service) ?? 0)) / total;
    const shareBefore = totalBefore > 0 ? (before.get(service) ?? 0) / totalBefore : 0;
    const shareAfter = totalAfter > 0 ? (after.get(service) ?? 0) / totalAfter : 0;
    add({
      name: 'traces.critical-path.share',
      subject: service,
      value: share,
      unit: 'ratio',
      explanation: `${service} holds ${percent(share)} of the requests' critical path (${percent(shareBefore)} in the first quarter of the window, ${percent(shareAfter)} after)`,
      sources: [traceSource(traces.find((t) => t.spans.some((s) => s.service === service)) as TraceView)],
    });
    add({
      name: 'traces.critical-path.shift',
      subject: service,
      value: shareAfter - shareBefore,
      unit: 'ratio',
      explanation: `${service}'s share of the critical path moved from ${percent(shareBefore)} to ${percent(shareAfter)}`,
      sources: [traceSource(traces.find((t) => t.spans.some((s) => s.service === service)) as TraceView)],
    });
  }
  const widest = traces.reduce((a, b) => (fanOut(b) > fanOut(a) ? b : a));
  add({
    name: 'traces.fanout.max',
    value: fanOut(widest),
    unit: 'children',
    explanation: `the widest span has ${fanOut(widest)} direct children`,
    sources: [traceSource(widest)],
  });
}

/** Successful calls needed before the share of them a downstream recorded means anything. */
const MIN_CALLS = 20;
/**
 * A downstream that recorded fewer than 5% of the calls made to it is not instrumented (an
 * external API); one that recorded some but not all drops spans: a sampler that does not follow
 * the caller's decision, or a collector that lost them.
 */
const UNINSTRUMENTED = 0.05;

/**
 * Sampling gaps: successful calls to a service that answers some calls with a server span but not
 * others. A consistent (parent-based) sampler keeps all of a sampled trace or none of it.
 */
function samplingSignals(traces: readonly TraceView[], add: Add): void {
  const calls = new Map<string, { ok: number; answered: number; gap?: { trace: TraceView; span: Span } }>();
  for (const trace of traces) {
    for (const s of trace.spans) {
      if (s.kind !== 'client' || s.error) continue;
      const key = downstreamOf(s);
      const entry = calls.get(key) ?? { ok: 0, answered: 0 };
      entry.ok++;
      if ((trace.children.get(s.spanId) ?? []).some((c) => c.kind === 'server' || c.kind === 'consumer'))
        entry.answered++;
      else entry.gap ??= { trace, span: s };
      calls.set(key, entry);
    }
  }
  for (const [downstream, entry] of calls) {
    if (entry.ok < MIN_CALLS) continue;
    const answered = entry.answered / entry.ok;
    const missing = answered < UNINSTRUMENTED ? 0 : 1 - answered;
    add({
      name: 'traces.sampling-gap.share',
      subject: downstream,
      value: missing,
      unit: 'ratio',
      explanation:
        answered < UNINSTRUMENTED
          ? `${downstream} recorded none of the ${entry.ok} successful calls to it: not instrumented, not a sampling gap`
          : `${downstream} recorded a server span for ${entry.answered} of ${entry.ok} successful calls; ${percent(missing)} are missing from their traces`,
      sources: [
        entry.gap ? traceSource(entry.gap.trace, entry.gap.span) : traceSource(traces[0] as TraceView),
      ],
    });
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function percent(ratio: number): string {
  return `${(100 * ratio).toFixed(ratio < 0.1 ? 1 : 0)}%`;
}
