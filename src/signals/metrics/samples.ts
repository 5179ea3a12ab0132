import type { MetricSeries } from '../../gather/metrics/data.js';
import { median } from '../../stats/robust.js';

// Time-ordered samples of one series and the time-based operations every metric signal is built
// from. Every window here is a span of time, never a number of rows, so scrape gaps, missing
// points and irregular spacing shorten what a window holds instead of stretching it.

export interface Samples {
  /** Epoch ms, strictly ascending. */
  times: number[];
  /** Finite values, one per time. */
  values: number[];
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** The finite samples of a series in time order; nulls and NaN are left out, a repeated timestamp keeps its last value. */
export function samplesOf(series: Pick<MetricSeries, 'timestamps' | 'values'>): Samples {
  const pairs: Array<[number, number]> = [];
  const n = Math.min(series.timestamps.length, series.values.length);
  for (let i = 0; i < n; i++) {
    const t = series.timestamps[i] as number;
    const v = series.values[i];
    if (v !== null && v !== undefined && Number.isFinite(v) && Number.isFinite(t)) pairs.push([t, v]);
  }
  pairs.sort((a, b) => a[0] - b[0]);
  const times: number[] = [];
  const values: number[] = [];
  for (const [t, v] of pairs) {
    if (times.length > 0 && times[times.length - 1] === t) values[values.length - 1] = v;
    else {
      times.push(t);
      values.push(v);
    }
  }
  return { times, values };
}

export function sliceTime(samples: Samples, from: number, to = Number.POSITIVE_INFINITY): Samples {
  const times: number[] = [];
  const values: number[] = [];
  samples.times.forEach((t, i) => {
    if (t >= from && t < to) {
      times.push(t);
      values.push(samples.values[i] as number);
    }
  });
  return { times, values };
}

export function mapValues(samples: Samples, f: (v: number, t: number) => number): Samples {
  const times: number[] = [];
  const values: number[] = [];
  samples.times.forEach((t, i) => {
    const v = f(samples.values[i] as number, t);
    if (Number.isFinite(v)) {
      times.push(t);
      values.push(v);
    }
  });
  return { times, values };
}

/** The usual spacing of the samples: the median gap, which a few missing scrapes do not move. */
export function usualInterval(samples: Samples): number {
  const gaps: number[] = [];
  for (let i = 1; i < samples.times.length; i++) {
    gaps.push((samples.times[i] as number) - (samples.times[i - 1] as number));
  }
  const gap = median(gaps);
  return Number.isFinite(gap) && gap > 0 ? gap : MINUTE_MS;
}

/**
 * Medians of fixed time buckets starting at `origin`; empty buckets are left out. Reduces a long
 * series to a few hundred points for the O(n²) rank statistics, and bucket medians are what a
 * robust trend test should see: neighbouring raw scrapes are strongly autocorrelated.
 */
export function bucketMedians(samples: Samples, bucketMs: number, origin = samples.times[0] ?? 0): Samples {
  const times: number[] = [];
  const values: number[] = [];
  let current: number[] = [];
  let bucket = Number.NaN;
  const flush = () => {
    if (current.length > 0) {
      times.push(origin + bucket * bucketMs);
      values.push(median(current));
    }
    current = [];
  };
  samples.times.forEach((t, i) => {
    const b = Math.floor((t - origin) / bucketMs);
    if (b !== bucket) {
      flush();
      bucket = b;
    }
    current.push(samples.values[i] as number);
  });
  flush();
  return { times, values };
}

/** The samples bucketed to at most `maxPoints` points (unchanged when already that short). */
export function atMost(samples: Samples, maxPoints: number): Samples {
  if (samples.times.length <= maxPoints) return samples;
  const first = samples.times[0] as number;
  const last = samples.times[samples.times.length - 1] as number;
  const bucketMs = Math.max(usualInterval(samples), Math.ceil((last - first + 1) / maxPoints));
  return bucketMedians(samples, bucketMs, first);
}

/**
 * Trailing rolling statistic over a time span: at each sample, `reduce` of the samples in
 * (t − spanMs, t]. Spans shorter than `minCoverage` of their length (gaps) are left out.
 */
export function rolling(
  samples: Samples,
  spanMs: number,
  reduce: (window: number[]) => number,
  minCoverage = 0.5,
): Samples {
  const times: number[] = [];
  const values: number[] = [];
  const interval = usualInterval(samples);
  const expected = Math.max(1, spanMs / interval);
  let from = 0;
  for (let i = 0; i < samples.times.length; i++) {
    const t = samples.times[i] as number;
    while ((samples.times[from] as number) <= t - spanMs) from++;
    const window = samples.values.slice(from, i + 1);
    // The first span is complete once the series has run for spanMs; before that it is partial.
    if (t - (samples.times[0] as number) < spanMs - interval / 2) continue;
    if (window.length < Math.min(expected, 3) || window.length < minCoverage * expected) continue;
    times.push(t);
    values.push(reduce(window));
  }
  return { times, values };
}

export function rollingMedian(samples: Samples, spanMs: number): Samples {
  return rolling(samples, spanMs, median);
}

export function rollingMin(samples: Samples, spanMs: number): Samples {
  return rolling(samples, spanMs, (w) => Math.min(...w));
}

export interface Extreme {
  value: number;
  /** End of the span that held the value. */
  at: number;
}

/**
 * The highest level the series held for a span: the maximum of its trailing rolling median. At
 * least half of the samples of that span were at or above it, so one wild scrape cannot make it.
 * Falls back to the median of everything when the series is shorter than the span.
 */
export function sustainedPeak(samples: Samples, spanMs: number): Extreme | undefined {
  return sustainedExtreme(samples, spanMs, 1);
}

/** The lowest level held for a span (see sustainedPeak). */
export function sustainedTrough(samples: Samples, spanMs: number): Extreme | undefined {
  return sustainedExtreme(samples, spanMs, -1);
}

function sustainedExtreme(samples: Samples, spanMs: number, sign: 1 | -1): Extreme | undefined {
  if (samples.times.length === 0) return undefined;
  const rolled = rollingMedian(samples, spanMs);
  if (rolled.times.length === 0) {
    return { value: median(samples.values), at: samples.times[samples.times.length - 1] as number };
  }
  let best = 0;
  rolled.values.forEach((v, i) => {
    if (sign * v > sign * (rolled.values[best] as number)) best = i;
  });
  return { value: rolled.values[best] as number, at: rolled.times[best] as number };
}

/**
 * Pairs the samples of two series taken at about the same time: each sample of `a` with the
 * nearest sample of `b` within `toleranceMs`, combined by `f`. Series scraped together share
 * timestamps; from different scrape jobs they are a fraction of an interval apart.
 */
export function joinSamples(
  a: Samples,
  b: Samples,
  toleranceMs: number,
  f: (x: number, y: number) => number,
): Samples {
  const times: number[] = [];
  const values: number[] = [];
  let j = 0;
  a.times.forEach((t, i) => {
    while (
      j + 1 < b.times.length &&
      Math.abs((b.times[j + 1] as number) - t) <= Math.abs((b.times[j] as number) - t)
    )
      j++;
    const bt = b.times[j];
    if (bt === undefined || Math.abs(bt - t) > toleranceMs) return;
    const v = f(a.values[i] as number, b.values[j] as number);
    if (Number.isFinite(v)) {
      times.push(t);
      values.push(v);
    }
  });
  return { times, values };
}

/**
 * The total of a per-second rate over the samples: each rate times the time since the previous
 * sample (gaps longer than three usual intervals count as three, so a long scrape outage does not
 * multiply one rate over it). The first sample counts for one usual interval.
 */
export function integrate(samples: Samples): number {
  const interval = usualInterval(samples);
  let total = 0;
  samples.times.forEach((t, i) => {
    const previous = i > 0 ? (samples.times[i - 1] as number) : t - interval;
    total += (samples.values[i] as number) * (Math.min(t - previous, 3 * interval) / 1000);
  });
  return total;
}

/** Stretches where the predicate holds for consecutive samples (a gap of ≤ 3 intervals does not break one). */
export function stretches(
  samples: Samples,
  holds: (v: number, t: number) => boolean,
): Array<{ start: number; end: number }> {
  const interval = usualInterval(samples);
  const result: Array<{ start: number; end: number }> = [];
  let open: { start: number; end: number } | undefined;
  samples.times.forEach((t, i) => {
    if (holds(samples.values[i] as number, t)) {
      if (open && t - open.end <= 3 * interval) open.end = t;
      else {
        if (open) result.push(open);
        open = { start: t, end: t };
      }
    } else if (open) {
      result.push(open);
      open = undefined;
    }
  });
  if (open) result.push(open);
  return result;
}

/** Time covered by a stretch: from its first sample to one usual interval past its last. */
export function stretchMs(stretch: { start: number; end: number }, interval: number): number {
  return stretch.end - stretch.start + interval;
}

/**
 * Mean over spans of `spanMs`, each dated at its middle: a rate averaged over 5 minutes describes
 * those 5 minutes, so a step in the rate is dated where it happened, not a span later.
 */
export function rollingMean(samples: Samples, spanMs: number): Samples {
  const rolled = rolling(samples, spanMs, (w) => w.reduce((s, v) => s + v, 0) / w.length);
  return { times: rolled.times.map((t) => t - spanMs / 2), values: rolled.values };
}
