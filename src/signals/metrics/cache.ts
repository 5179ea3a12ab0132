import { median } from '../../stats/robust.js';
import type { Signal } from '../signal.js';
import { clock, metricSignal, num, pct } from './emit.js';
import { levelOf, shiftOf } from './measures.js';
import { pair, ratioTo, spanOf, windowedShare } from './pairing.js';
import { MINUTE_MS, mapValues, rollingMean, type Samples } from './samples.js';
import type { RoleSeries, SeriesIndex } from './series-index.js';
import { levelName, rateWindowMs } from './timescale.js';

// Cache servers: the hit ratio and its drop, evictions and their rise, memory against maxmemory,
// jumps in connected clients, and how unevenly lookups spread over the instances of a cluster.

/** Memory at 90% of maxmemory: eviction (or OOM errors under noeviction) is imminent or under way. */
const NEARLY_FULL = 0.9;
/**
 * A lookup rate below 1 per second gives a hit ratio that swings on single requests; such windows
 * are left out.
 */
const MIN_LOOKUPS = 1;

export function cacheSignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  const baselineEnd = index.baselineEnd();
  for (const hits of index.all('cache.hits')) {
    const misses = index.companion(hits, 'cache.misses');
    if (!misses) continue;
    const lookups = pair(hits, misses, (h, m) => h + m);
    const ratio = windowedShare(hits.samples, lookups, MIN_LOOKUPS);
    // 5 points of hit ratio is 5% more of all lookups going to the backend: on a 95% cache that doubles its load.
    const drop = shiftOf(ratio, baselineEnd, { direction: 'down', minEffect: 0.05, smoothed: true });
    if (!drop) continue;
    const onset = drop.change?.onset;
    out.push(
      metricSignal({
        name: 'metrics.cache.hit-ratio',
        about: hits,
        value: drop.extreme.value,
        unit: 'ratio',
        window: spanOf(drop.change, index.window),
        onset,
        explanation: `The hit ratio fell to ${pct(drop.extreme.value)} at its lowest ${levelName()} level (around ${clock(drop.extreme.at)}), against ${pct(drop.baseline)} in the baseline.`,
      }),
      metricSignal({
        name: 'metrics.cache.hit-ratio.drop',
        about: hits,
        value: Math.max(0, -drop.effect),
        unit: 'ratio',
        window: spanOf(drop.change, index.window),
        onset,
        explanation: `The hit ratio dropped by ${pct(Math.max(0, -drop.effect))} points, from ${pct(drop.baseline)} to ${pct(drop.extreme.value)}${onset !== undefined ? ` from ${clock(onset)}` : ' (no sustained drop)'}.`,
      }),
    );
  }
  for (const evictions of index.all('cache.evictions')) {
    const perSecond = rollingMean(evictions.samples, rateWindowMs());
    // One eviction a second is the least a rise is measured from: fewer is the trickle of an LRU cache at equilibrium.
    const floor = 1;
    const shift = shiftOf(perSecond, baselineEnd, { direction: 'up', minEffect: floor, smoothed: true });
    if (!shift) continue;
    const rise = Math.max(0, shift.extreme.value) / Math.max(shift.baseline, floor);
    const onset = shift.change?.onset;
    out.push(
      metricSignal({
        name: 'metrics.cache.evictions',
        about: evictions,
        value: shift.extreme.value,
        unit: 'per-second',
        window: spanOf(shift.change, index.window),
        onset,
        explanation: `Up to ${num(shift.extreme.value)} keys evicted per second (${levelName()} average, around ${clock(shift.extreme.at)}), against ${num(shift.baseline)}/s in the baseline.`,
      }),
      metricSignal({
        name: 'metrics.cache.evictions.rise',
        about: evictions,
        value: rise,
        unit: 'ratio',
        window: spanOf(shift.change, index.window),
        onset,
        explanation: `Evictions rose to ${num(rise)}× the baseline rate (${num(shift.baseline)}/s, counted as at least ${floor}/s)${onset !== undefined ? ` from ${clock(onset)}` : ''}.`,
      }),
    );
  }
  for (const used of index.all('cache.memory-used')) {
    const max = index.companion(used, 'cache.memory-max');
    // maxmemory 0 means no limit: there is nothing to be near.
    if (!max || !(median(max.samples.values) > 0)) continue;
    const level = levelOf(ratioTo(used, max), NEARLY_FULL);
    if (!level) continue;
    out.push(
      metricSignal({
        name: 'metrics.cache.memory-ratio',
        about: used,
        value: level.peak.value,
        unit: 'ratio',
        window: spanOf(level.change, index.window),
        onset: level.change?.onset,
        explanation: `The cache used ${pct(level.peak.value)} of maxmemory at its highest ${levelName()} median${level.change ? `, above ${pct(NEARLY_FULL)} from ${clock(level.change.onset)}` : ''}.`,
      }),
    );
  }
  for (const clients of index.all('cache.connections')) {
    // Ten more clients is more than a deploy's overlap of old and new pods on a small service.
    const shift = shiftOf(clients.samples, baselineEnd, { direction: 'up', minEffect: 10 });
    if (!shift) continue;
    const ratio = Math.max(0, shift.extreme.value) / Math.max(shift.baseline, 1);
    out.push(
      metricSignal({
        name: 'metrics.cache.clients.jump',
        about: clients,
        value: ratio,
        unit: 'ratio',
        window: spanOf(shift.change, index.window),
        onset: shift.change?.onset,
        explanation: `Connected clients reached ${num(shift.extreme.value)}, ${num(ratio)}× the baseline of ${num(shift.baseline)}${shift.change ? `, from ${clock(shift.change.onset)}` : ''}.`,
      }),
    );
  }
  out.push(...skewSignals(index));
  return out;
}

/**
 * Per cache instance: its lookups per second divided by the median of the other instances' at
 * the same time, at the highest 5-minute level after the baseline. One hot key lives on one
 * instance, so only that instance's share climbs; load that rises everywhere leaves every ratio
 * near 1. Needs at least 3 instances, so the others' median is not just one more instance.
 */
function skewSignals(index: SeriesIndex): Signal[] {
  const lookups: Array<{ series: RoleSeries; rate: Samples }> = [];
  for (const hits of index.all('cache.hits')) {
    const misses = index.companion(hits, 'cache.misses');
    if (misses)
      lookups.push({
        series: hits,
        rate: rollingMean(
          pair(hits, misses, (h, m) => h + m),
          rateWindowMs(),
        ),
      });
  }
  if (lookups.length < 3) return [];
  const out: Signal[] = [];
  let hottest: { series: RoleSeries; value: number; onset?: number } | undefined;
  for (const { series, rate } of lookups) {
    const others = lookups.filter((l) => l.series !== series);
    const ratio = mapValues(rate, (v, t) => {
      const at = others.map((o) => valueNear(o.rate, t)).filter(Number.isFinite);
      const m = median(at);
      return at.length >= 2 && m >= MIN_LOOKUPS ? v / m : Number.NaN;
    });
    // Twice its usual share of the cluster's lookups is a hot spot, not the imbalance of hash slots (±20%).
    const shift = shiftOf(ratio, index.baselineEnd(), { direction: 'up', minEffect: 1, smoothed: true });
    if (!shift) continue;
    out.push(
      metricSignal({
        name: 'metrics.cache.load-skew',
        about: series,
        value: shift.extreme.value,
        unit: 'ratio',
        window: spanOf(shift.change, index.window),
        onset: shift.change?.onset,
        explanation: `This instance served ${num(shift.extreme.value)}× the median lookups per second of the other ${others.length} instances at its highest ${levelName()} level, against ${num(shift.baseline)}× in the baseline${shift.change ? `, from ${clock(shift.change.onset)}` : ''}.`,
      }),
    );
    if (!hottest || shift.extreme.value > hottest.value)
      hottest = {
        series,
        value: shift.extreme.value,
        ...(shift.change ? { onset: shift.change.onset } : {}),
      };
  }
  // The cluster's skew, about no one instance: judging any instance, a way can see that lookups
  // moved onto one of its siblings (its own hit ratio then falls with the traffic it lost).
  if (hottest)
    out.push(
      metricSignal({
        name: 'metrics.cache.load-skew.cluster',
        value: hottest.value,
        unit: 'ratio',
        window: index.window,
        ...(hottest.onset !== undefined ? { onset: hottest.onset } : {}),
        sources: [hottest.series.source],
        explanation: `The busiest of the ${lookups.length} cache instances (${hottest.series.subject}) served ${num(hottest.value)}× the median lookups of the others at its highest level.`,
      }),
    );
  return out;
}

/** The value of a series at the sample nearest to t, within one minute. */
function valueNear(samples: Samples, t: number): number {
  let lo = 0;
  let hi = samples.times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((samples.times[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  let best = lo;
  if (lo > 0 && Math.abs((samples.times[lo - 1] as number) - t) < Math.abs((samples.times[lo] as number) - t))
    best = lo - 1;
  const at = samples.times[best];
  return at !== undefined && Math.abs(at - t) <= MINUTE_MS ? (samples.values[best] as number) : Number.NaN;
}
