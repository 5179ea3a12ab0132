import type { Span } from '../../gather/traces/data.js';
import { baselineEnd, RUN, type Timed } from './emit.js';
import { isDbCall, type TraceView } from './model.js';

// Time requests spend waiting (for a pooled connection, for a lock) against the time of their
// other database work, per service: the common ground of the pool and lock signals.

/** One request of one service: its waiting time (`v`), its other database time, its longest wait. */
export type WaitRequest = Timed<{ trace: TraceView; span: Span }> & { work: number };

export interface ServiceWaits {
  service: string;
  /** Requests that started in the window's first quarter, the baseline. */
  before: WaitRequest[];
  after: WaitRequest[];
}

/** Per service (sorted by name), each trace's waits as `isWait` tells them from database calls. */
export function waitsByService(
  traces: readonly TraceView[],
  isWait: (span: Span) => boolean,
): ServiceWaits[] {
  const cut = baselineEnd(traces);
  const byService = new Map<string, ServiceWaits>();
  for (const trace of traces) {
    const perService = new Map<string, { wait: number; work: number; longest?: Span }>();
    for (const span of trace.spans) {
      const waiting = isWait(span);
      if (!waiting && !isDbCall(span)) continue;
      const entry = perService.get(span.service) ?? { wait: 0, work: 0 };
      if (waiting) {
        entry.wait += span.duration;
        if (!entry.longest || span.duration > entry.longest.duration) entry.longest = span;
      } else entry.work += span.duration;
      perService.set(span.service, entry);
    }
    for (const [service, { wait, work, longest }] of perService) {
      if (!longest) continue;
      const entry = byService.get(service) ?? { service, before: [], after: [] };
      const request = { t: trace.start, v: wait, work, item: { trace, span: longest } };
      (trace.start < cut ? entry.before : entry.after).push(request);
      byService.set(service, entry);
    }
  }
  return [...byService.values()].sort((a, b) => (a.service < b.service ? -1 : 1));
}

/** The share of the requests' database time spent waiting. */
export function waitShare(requests: readonly WaitRequest[]): number {
  let wait = 0;
  let total = 0;
  for (const r of requests) {
    wait += r.v;
    total += r.v + r.work;
  }
  return total > 0 ? wait / total : 0;
}

/**
 * The run of RUN consecutive requests (stepping by half a run) whose share of database time spent
 * waiting is highest, and its longest wait: a sustained queue, not one request that waited.
 */
export function worstRun(
  requests: readonly WaitRequest[],
): { share: number; longest: WaitRequest } | undefined {
  let worst: { share: number; run: readonly WaitRequest[] } | undefined;
  for (let i = 0; i + RUN <= requests.length; i += RUN / 2) {
    const run = requests.slice(i, i + RUN);
    const share = waitShare(run);
    if (!worst || share > worst.share) worst = { share, run };
  }
  if (!worst) return undefined;
  return { share: worst.share, longest: worst.run.reduce((a, b) => (b.v > a.v ? b : a)) };
}
