import type { Span } from '../../gather/traces/data.js';
import { type Add, firstCluster, iso, percent } from './emit.js';
import { downstreamOf, isDbCall, isPoolWait, type TraceView, traceSource } from './model.js';
import { calledServices } from './patterns.js';

// Whether traces are whole: spans whose parent is not in their trace, traces that start at a
// service other traces show being called (the caller's context did not reach it), traces in
// several pieces, and calls whose server span is missing for some calls but not others (spans
// dropped by a sampler that does not follow the caller's decision, or lost on the way).

export function contextSignals(traces: readonly TraceView[], add: Add): void {
  const spans = traces.reduce((n, t) => n + t.spans.length, 0);
  const orphans = traces.reduce((n, t) => n + t.orphans, 0);
  const called = calledServices(traces);
  const broken = traces.filter((t) =>
    t.roots.some((r) => (r.kind === 'server' || r.kind === 'consumer') && called.has(r.service)),
  );
  const window = (traces[traces.length - 1] as TraceView).start - (traces[0] as TraceView).start;
  const orphanExample = traces.find((t) => t.orphans > 0);
  add({
    name: 'traces.orphan-share',
    value: orphans / Math.max(1, spans),
    unit: 'ratio',
    explanation: `${orphans} of ${spans} spans name a parent that is not in their trace`,
    sources: [traceSource(orphanExample ?? (traces[0] as TraceView))],
  });
  const brokenOnset = firstCluster(
    broken.map((t) => t.start),
    window / 10,
  );
  add({
    name: 'traces.broken-roots-share',
    value: broken.length / traces.length,
    unit: 'ratio',
    ...(brokenOnset !== undefined && brokenOnset > (traces[0] as TraceView).start
      ? { onset: iso(brokenOnset) }
      : {}),
    explanation: `${broken.length} of ${traces.length} traces start at a service that is otherwise called by others: the caller's context did not reach it`,
    sources: [traceSource(broken[0] ?? (traces[0] as TraceView))],
  });
  const pieces = traces.filter((t) => t.roots.length > 1);
  add({
    name: 'traces.multi-root-share',
    value: pieces.length / traces.length,
    unit: 'ratio',
    explanation: `${pieces.length} of ${traces.length} traces have more than one span without a parent in the trace`,
    sources: [traceSource(pieces[0] ?? (traces[0] as TraceView))],
  });
  samplingSignals(traces, add);
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
      // Databases and pools never answer with spans of their own: nothing can be missing there.
      if (s.kind !== 'client' || s.error || isDbCall(s) || isPoolWait(s)) continue;
      const key = downstreamOf(s);
      const entry = calls.get(key) ?? { ok: 0, answered: 0 };
      entry.ok++;
      if ((trace.children.get(s.spanId) ?? []).some((c) => c.kind === 'server' || c.kind === 'consumer'))
        entry.answered++;
      else entry.gap ??= { trace, span: s };
      calls.set(key, entry);
    }
  }
  for (const [downstream, entry] of [...calls].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
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
