import type { Change } from './onset.js';
import { joinSamples, rollingMean, type Samples, usualInterval } from './samples.js';
import type { RoleSeries } from './series-index.js';
import { rateWindowMs } from './timescale.js';

// Series read together: a usage over its limit, a part over its whole. Both are sampled at about
// the same times; ratios of event rates are taken over 5-minute sums so a scrape with no events
// does not make the ratio jump between 0 and 1.

/** Pairs two series sample by sample, within the larger of their usual intervals. */
export function pair(
  a: RoleSeries | Samples,
  b: RoleSeries | Samples,
  f: (x: number, y: number) => number,
): Samples {
  const sa = 'samples' in a ? a.samples : a;
  const sb = 'samples' in b ? b.samples : b;
  return joinSamples(sa, sb, Math.max(usualInterval(sa), usualInterval(sb)), f);
}

/** The series added up sample by sample (joined on the coarser interval); undefined for none. */
export function sumOf(all: readonly RoleSeries[]): Samples | undefined {
  const [first, ...rest] = all;
  if (!first) return undefined;
  let total = first.samples;
  for (const other of rest) total = pair(total, other.samples, (a, b) => a + b);
  return total;
}

/** value / limit, for limits that are positive. */
export function ratioTo(used: RoleSeries, limit: RoleSeries): Samples {
  return pair(used, limit, (u, m) => (m > 0 ? u / m : Number.NaN));
}

/**
 * Share of one rate in another over trailing 5-minute windows: Σpart / Σwhole. Windows whose
 * whole is below `minWhole` per second are left out (no traffic, no ratio).
 */
export function windowedShare(part: Samples, whole: Samples, minWhole = 0): Samples {
  return pair(rollingMean(part, rateWindowMs()), rollingMean(whole, rateWindowMs()), (p, w) =>
    w > minWhole ? p / w : Number.NaN,
  );
}

/** A change's window, or the fallback when there is no change. */
export function spanOf(change: Change | undefined, fallback: { start: number; end: number }) {
  return change ? { start: change.onset, end: Math.max(change.end, change.onset) } : fallback;
}
