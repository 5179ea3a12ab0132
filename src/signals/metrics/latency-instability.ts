import { median } from '../../stats/robust.js';
import type { Signal } from '../signal.js';
import { metricSignal, pct, seconds } from './emit.js';
import { bucketMedians, MINUTE_MS } from './samples.js';
import type { RoleSeries, SeriesIndex } from './series-index.js';

// Response time that cannot be relied on: a server's latency level (p99 from its histogram, else
// its mean) moving up and down from one 5-minute window to the next all through the window,
// rather than holding steady, stepping once to a new level, or rising in a few separate episodes.
// Two measures, both on 5-minute medians of the latency (a median of 10–20 scrapes, so one odd
// scrape moves neither):
// - instability: the median size of the move between consecutive 5-minute levels, over the
//   typical level. A single step is one large move among many small ones and leaves the median
//   move small; episodes a few windows long move it only at their edges. Only a level that keeps
//   moving in most windows has a large median move.
// - spread: the 10th to 90th percentile range of the 5-minute levels over the typical level, so
//   moves that stay within the noise of a per-scrape quantile (a few percent) do not count as
//   unreliable however often they happen.

/** 5-minute levels: the usual rate window of dashboards, and enough scrapes for a stable median. */
const LEVEL_MS = 5 * MINUTE_MS;
/** At least an hour of levels (12) before calling the level unstable: fewer cannot tell wandering from a few moves. */
const MIN_LEVELS = 12;

export function latencyInstabilitySignals(index: SeriesIndex): Signal[] {
  const bySubject = new Map<string, RoleSeries>();
  for (const role of ['http.latency-p99', 'http.latency-mean'] as const) {
    for (const s of index.all(role)) if (!bySubject.has(s.subject)) bySubject.set(s.subject, s);
  }
  const out: Signal[] = [];
  for (const latency of bySubject.values()) {
    const levels = bucketMedians(latency.samples, LEVEL_MS, index.window.start).values.filter((v) =>
      Number.isFinite(v),
    );
    if (levels.length < MIN_LEVELS) continue;
    const typical = median(levels);
    if (!(typical > 0)) continue;
    const moves = levels.slice(1).map((v, i) => Math.abs(v - (levels[i] as number)));
    const instability = median(moves) / typical;
    const sorted = [...levels].sort((a, b) => a - b);
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
    const spread = (q(0.9) - q(0.1)) / typical;
    const which = latency.role === 'http.latency-p99' ? 'p99 latency' : 'mean latency';
    out.push(
      metricSignal({
        name: 'metrics.http.latency.instability',
        about: latency,
        value: instability,
        unit: 'ratio',
        window: index.window,
        explanation: `From one 5-minute window to the next, the ${which} moved by ${pct(instability)} of its typical ${seconds(typical)} in the median window (${levels.length} windows).`,
      }),
      metricSignal({
        name: 'metrics.http.latency.spread',
        about: latency,
        value: spread,
        unit: 'ratio',
        window: index.window,
        explanation: `The 5-minute levels of the ${which} ranged from ${seconds(q(0.1))} to ${seconds(q(0.9))} (10th to 90th percentile), ${pct(spread)} of its typical ${seconds(typical)}.`,
      }),
    );
  }
  return out;
}
