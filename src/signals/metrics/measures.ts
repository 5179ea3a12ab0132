import { normalTwoSided } from '../../stats/compare-tests.js';
import { median } from '../../stats/robust.js';
import { mannKendall, theilSen } from '../../stats/trend.js';
import { type Change, changeBeyond } from './onset.js';
import {
  atMost,
  bucketMedians,
  type Extreme,
  HOUR_MS,
  integrate,
  MINUTE_MS,
  type Samples,
  sliceTime,
  stretches,
  sustainedPeak,
  sustainedTrough,
  usualInterval,
} from './samples.js';
import { sustainMs } from './timescale.js';

// The measurements metric signals are made of: the level a series held, how far it moved from
// its own baseline and from when, whether it keeps growing, and how many events a rate adds up to.

/** A baseline needs a handful of samples for its median to stand for the series' normal level. */
const MIN_BASELINE_SAMPLES = 5;

export function baselineOf(samples: Samples, baselineEnd: number): number | undefined {
  const base = sliceTime(samples, Number.NEGATIVE_INFINITY, baselineEnd);
  return base.values.length >= MIN_BASELINE_SAMPLES ? median(base.values) : undefined;
}

export interface Shift {
  baseline: number;
  /** The sustained level farthest from the baseline in the direction looked at, after the baseline. */
  extreme: Extreme;
  /** extreme − baseline (negative for a drop). */
  effect: number;
  /** The change, dated, when the effect is at least the minimum effect. */
  change?: Change;
}

/**
 * How far a series moved from its own baseline after it, and from when. The onset is the start of
 * the first change-point segment whose level is half the minimum effect away from the baseline:
 * segment levels are medians of minutes of data and segments only exist where the series changed
 * beyond its own noise, so half a meaningful effect dates a climb near its start and a step at the
 * step. A move smaller than `minEffect` has no change and no onset.
 */
export function shiftOf(
  samples: Samples,
  baselineEnd: number,
  options: {
    direction: 'up' | 'down';
    minEffect: number;
    spanMs?: number;
    /**
     * The series is a centered moving average (event rates over 5 minutes). Smoothing spreads a
     * step symmetrically around it, so the step is dated where the average crosses half-way, and
     * the anomaly scorer, which would see the first edge of the smear, is not asked.
     */
    smoothed?: boolean;
  },
): Shift | undefined {
  const baseline = baselineOf(samples, baselineEnd);
  if (baseline === undefined) return undefined;
  const after = sliceTime(samples, baselineEnd);
  const pick = options.direction === 'up' ? sustainedPeak : sustainedTrough;
  const extreme = pick(after.values.length > 0 ? after : samples, options.spanMs ?? sustainMs());
  if (!extreme) return undefined;
  const effect = extreme.value - baseline;
  const sign = options.direction === 'up' ? 1 : -1;
  if (!(sign * effect >= options.minEffect)) return { baseline, extreme, effect };
  const threshold = baseline + (options.smoothed ? effect : sign * options.minEffect) / 2;
  const change = changeBeyond(samples, {
    direction: options.direction,
    threshold,
    ...(options.smoothed ? { refine: false } : {}),
  });
  return { baseline, extreme, effect, ...(change ? { change } : {}) };
}

/** The highest sustained level, and when the series first got past `threshold` (if it did, after its first segment). */
export function levelOf(
  samples: Samples,
  threshold: number,
  spanMs = sustainMs(),
): { peak: Extreme; change?: Change } | undefined {
  const peak = sustainedPeak(samples, spanMs);
  if (!peak) return undefined;
  const change = changeBeyond(samples, { direction: 'up', threshold });
  return { peak, ...(change ? { change } : {}) };
}

export interface Trend {
  /** Theil–Sen slope, value units per hour (pooled over the parts). */
  slopePerHour: number;
  /** Two-sided Mann–Kendall p-value (stratified over the parts). */
  p: number;
  z: number;
  /** Bucket medians tested. */
  n: number;
}

/**
 * Mann–Kendall significance: p < 0.01 keeps false trends near 1 in 100 stationary series while a
 * steady climb over an hour of minute buckets reaches p < 1e-6.
 */
export const TREND_ALPHA = 0.01;

/**
 * Monotone trend of one or several parts of a series (the stretches between restarts): the
 * Mann–Kendall test stratified over the parts (S and its variance added up, as in the seasonal
 * Kendall test) and Sen's slope over the pairs within each part, so a restart's drop is never read
 * as a slope. Each part is reduced to medians of buckets at least `bucketMs` wide first: raw
 * scrapes are autocorrelated, which makes a rank test see trends in noise.
 */
export function trendOf(parts: readonly Samples[], bucketMs: number): Trend | undefined {
  const reduced = parts
    .map((part) => bucketMedians(part, Math.max(bucketMs, usualInterval(part))))
    .filter((part) => part.values.length >= 3);
  if (reduced.length === 0) return undefined;
  if (reduced.length === 1) {
    const part = reduced[0] as Samples;
    const mk = mannKendall(part.values);
    const ts = theilSen(
      part.times.map((t) => t / HOUR_MS),
      part.values,
    );
    if (!mk || !Number.isFinite(ts.slope)) return undefined;
    return { slopePerHour: ts.slope, p: mk.p, z: mk.z, n: mk.n };
  }
  let s = 0;
  let variance = 0;
  let n = 0;
  const slopes: number[] = [];
  for (const part of reduced) {
    const mk = mannKendall(part.values);
    if (!mk) continue;
    s += mk.s;
    variance += kendallVariance(part.values);
    n += mk.n;
    for (let i = 0; i < part.values.length - 1; i++) {
      for (let j = i + 1; j < part.values.length; j++) {
        const dt = ((part.times[j] as number) - (part.times[i] as number)) / HOUR_MS;
        if (dt > 0) slopes.push(((part.values[j] as number) - (part.values[i] as number)) / dt);
      }
    }
  }
  if (variance <= 0 || slopes.length === 0) return undefined;
  const z = (s - Math.sign(s)) / Math.sqrt(variance);
  return { slopePerHour: median(slopes), p: normalTwoSided(z), z, n };
}

/** Variance of the Mann–Kendall S with the correction for tied values (floors and gauges tie often). */
function kendallVariance(values: readonly number[]): number {
  const n = values.length;
  const ties = new Map<number, number>();
  for (const v of values) ties.set(v, (ties.get(v) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of ties.values()) if (t > 1) tieTerm += t * (t - 1) * (2 * t + 5);
  return (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
}

/** Bucket width for trend tests: at least 2 scrapes, and the window cut into at most 120 buckets. */
export function trendBucket(window: { start: number; end: number }, intervalMs: number): number {
  return Math.max(2 * intervalMs, (window.end - window.start) / 120);
}

export interface Count {
  /** Events in the window. */
  total: number;
  /** First sample at which events happened, ms. */
  first?: number;
  last?: number;
}

/**
 * Events a per-second rate adds up to, and when they happened. A sample counts as events when its
 * rate is at least half an event over its interval, so the rounding noise of rates computed from
 * counters with jittered scrapes is not read as an event.
 */
export function countOf(samples: Samples): Count {
  const interval = usualInterval(samples);
  return counted(
    integrate(samples),
    stretches(samples, (v) => v * (interval / 1000) >= 0.5),
  );
}

/** Events of a series that holds the increase per sample interval (restarts, OOM kills): their sum. */
export function countIncrements(samples: Samples): Count {
  const total = samples.values.reduce((sum, v) => sum + Math.max(0, v), 0);
  return counted(
    total,
    stretches(samples, (v) => v >= 0.5),
  );
}

function counted(total: number, eventful: Array<{ start: number; end: number }>): Count {
  const first = eventful[0]?.start;
  const last = eventful[eventful.length - 1]?.end;
  return { total, ...(first !== undefined ? { first } : {}), ...(last !== undefined ? { last } : {}) };
}

/**
 * Time the series spent in sustained stretches where `holds`: the predicate tested on the rolling
 * median over `spanMs`, so a stretch is a state the series was in, not a few scrapes crossing a line.
 */
export function sustainedTime(
  samples: Samples,
  holds: (v: number) => boolean,
  spanMs = 2 * MINUTE_MS,
): { ms: number; first?: number; last?: number } {
  const points = atMost(samples, 2000);
  const interval = usualInterval(points);
  const smoothed = rollingMedianAligned(points, spanMs);
  const found = stretches(smoothed, holds);
  let ms = 0;
  for (const s of found) ms += s.end - s.start + interval;
  const first = found[0];
  const last = found[found.length - 1];
  return {
    ms,
    // The rolling median confirms a state half a span after it began; the stretch is dated from there.
    ...(first ? { first: Math.max(points.times[0] as number, first.start - spanMs / 2) } : {}),
    ...(last ? { last: last.end } : {}),
  };
}

/** Centered rolling median over a time span (each sample with the samples within ±spanMs/2). */
function rollingMedianAligned(samples: Samples, spanMs: number): Samples {
  const values: number[] = [];
  let from = 0;
  let to = 0;
  const n = samples.times.length;
  for (let i = 0; i < n; i++) {
    const t = samples.times[i] as number;
    while ((samples.times[from] as number) < t - spanMs / 2) from++;
    while (to < n && (samples.times[to] as number) <= t + spanMs / 2) to++;
    // The lower median: a state holds when more than half of the span's samples show it, so two
    // samples of which one is a blip do not make one.
    const window = samples.values.slice(from, to).sort((a, b) => a - b);
    values.push(window[Math.floor((window.length - 1) / 2)] as number);
  }
  return { times: [...samples.times], values };
}
