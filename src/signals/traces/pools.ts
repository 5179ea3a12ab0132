import { median } from '../../anomaly/order-statistics.js';
import type { Span } from '../../gather/traces/data.js';
import {
  type Add,
  baselineEnd,
  iso,
  MIN_TRACES,
  ms,
  percent,
  RUN,
  sustainedLevel,
  type Timed,
} from './emit.js';
import { isDbCall, isPoolWait, type TraceView, traceSource } from './model.js';

// Waiting for a database connection: where instrumentations record a pool handing out a
// connection (node-postgres' pg-pool.connect, generic-pool.acquire), the time a service's requests
// spend in those spans against the time their queries take. A pool that has connections free hands
// one out in well under a millisecond; an exhausted one makes requests queue.

/**
 * Waits under a millisecond are a free connection handed out; the shift is measured against at
 * least this, so a baseline of 0.05 ms does not turn a 2 ms wait into a "40× shift".
 */
const WAIT_FLOOR_MS = 1;

type Request = Timed<{ trace: TraceView; span: Span }> & { query: number };

export function poolSignals(traces: readonly TraceView[], add: Add): void {
  const cut = baselineEnd(traces);
  const byService = new Map<string, { before: Request[]; after: Request[] }>();
  for (const trace of traces) {
    const perService = new Map<string, { wait: number; query: number; longest?: Span }>();
    for (const s of trace.spans) {
      const pool = isPoolWait(s);
      if (!pool && !isDbCall(s)) continue;
      const entry = perService.get(s.service) ?? { wait: 0, query: 0 };
      if (pool) {
        entry.wait += s.duration;
        if (!entry.longest || s.duration > entry.longest.duration) entry.longest = s;
      } else entry.query += s.duration;
      perService.set(s.service, entry);
    }
    for (const [service, { wait, query, longest }] of perService) {
      if (!longest) continue;
      const entry = byService.get(service) ?? { before: [], after: [] };
      const request = { t: trace.start, v: wait, query, item: { trace, span: longest } };
      (trace.start < cut ? entry.before : entry.after).push(request);
      byService.set(service, entry);
    }
  }
  for (const [service, { before, after }] of [...byService].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (before.length < MIN_TRACES / 2 || after.length < RUN) continue;
    const baselineWait = median(before.map((r) => r.v));
    const baselineShare = waitShare(before);
    // The worst run of consecutive requests after the baseline: a sustained exhaustion, not one
    // request that waited.
    let worst: { share: number; run: Request[] } | undefined;
    for (let i = 0; i + RUN <= after.length; i += RUN / 2) {
      const run = after.slice(i, i + RUN);
      const share = waitShare(run);
      if (!worst || share > worst.share) worst = { share, run };
    }
    if (!worst) continue;
    const longest = worst.run.reduce((a, b) => (b.v > a.v ? b : a));
    add({
      name: 'traces.pool.wait.share',
      subject: service,
      value: worst.share,
      unit: 'ratio',
      explanation: `${service}'s requests spent up to ${percent(worst.share)} of their database time waiting for a pooled connection (${RUN} requests in a row), against ${percent(baselineShare)} in the first quarter of the window`,
      sources: [traceSource(longest.item.trace, longest.item.span)],
    });
    const floor = Math.max(WAIT_FLOOR_MS, baselineWait);
    const level = sustainedLevel(after, floor);
    if (!level) continue;
    add({
      name: 'traces.pool.wait.shift',
      subject: service,
      value: level.level / floor,
      unit: 'ratio',
      ...(level.raisedAt !== undefined ? { onset: iso(level.raisedAt) } : {}),
      explanation: `${service}'s median wait for a connection per request reached ${ms(level.level)} against ${ms(baselineWait)} in the first quarter of the window`,
      sources: [traceSource(level.example.item.trace, level.example.item.span)],
    });
  }
}

function waitShare(requests: readonly Request[]): number {
  let wait = 0;
  let total = 0;
  for (const r of requests) {
    wait += r.v;
    total += r.v + r.query;
  }
  return total > 0 ? wait / total : 0;
}
