import { median } from '../../anomaly/order-statistics.js';
import { type Add, iso, MIN_TRACES, ms, percent, RUN, sustainedLevel } from './emit.js';
import { isPoolWait, type TraceView, traceSource } from './model.js';
import { waitShare, waitsByService, worstRun } from './waits.js';

// Waiting for a database connection: where instrumentations record a pool handing out a
// connection (node-postgres' pg-pool.connect, generic-pool.acquire), the time a service's requests
// spend in those spans against the time their queries take. A pool that has connections free hands
// one out in well under a millisecond; an exhausted one makes requests queue.

/**
 * Waits under a millisecond are a free connection handed out; the shift is measured against at
 * least this, so a baseline of 0.05 ms does not turn a 2 ms wait into a "40× shift".
 */
const WAIT_FLOOR_MS = 1;

export function poolSignals(traces: readonly TraceView[], add: Add): void {
  for (const { service, before, after } of waitsByService(traces, isPoolWait)) {
    if (before.length < MIN_TRACES / 2 || after.length < RUN) continue;
    const baselineWait = median(before.map((r) => r.v));
    const baselineShare = waitShare(before);
    const worst = worstRun(after);
    if (!worst) continue;
    add({
      name: 'traces.pool.wait.share',
      subject: service,
      value: worst.share,
      unit: 'ratio',
      explanation: `${service}'s requests spent up to ${percent(worst.share)} of their database time waiting for a pooled connection (${RUN} requests in a row), against ${percent(baselineShare)} in the first quarter of the window`,
      sources: [traceSource(worst.longest.item.trace, worst.longest.item.span)],
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
