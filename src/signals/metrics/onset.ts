import { scoreSeries } from '../../anomaly/score-series.js';
import { detectChangePoints } from '../../stats/change-points.js';
import { atMost, MINUTE_MS, type Samples, usualInterval } from './samples.js';
import { sustainMs } from './timescale.js';

// When a change started. Onsets order cause before symptom in the diagnosis, so they come from
// the shape of the series, not from the first sample over a threshold: a step is dated by the
// change point that opens the raised level, refined by the online anomaly scorer's first flagged
// sample when that comes earlier inside the same change; a slow climb is dated by the bend of a
// flat-then-rising fit.

/**
 * Change points run on at most this many points: 30 s buckets over 3 hours, 1-minute buckets over 6
 * (the pair-of-cuts search is quadratic; 360 points take a few milliseconds). The anomaly scorer
 * then dates a step to the scrape.
 */
const MAX_POINTS = 360;
/**
 * A level must last 2 minutes to be a level at the 5-minute scale (shorter excursions are spikes,
 * one or two bad scrapes): 0.4 of the time a level is held, on shorter windows too.
 */
const MIN_SEGMENT_SHARE = 0.4;

export interface Change {
  /** First sample of the changed level, ms. */
  onset: number;
  /** Last sample of the last segment beyond the threshold, ms. */
  end: number;
  /** Level of the first changed segment. */
  level: number;
}

/**
 * The first sustained change of the series beyond `threshold` in `direction` (values above it for
 * 'up', below it for 'down'), starting after `notBefore`. Undefined when no segment of the series
 * gets past the threshold, or when the series was already past it from its first segment: the change
 * then started before the window and its onset is unknown.
 */
export function changeBeyond(
  samples: Samples,
  options: { direction: 'up' | 'down'; threshold: number; minSigma?: number; refine?: boolean },
): Change | undefined {
  const sign = options.direction === 'up' ? 1 : -1;
  // No segment's median can pass a threshold that no sample passes.
  if (!samples.values.some((v) => sign * (v - options.threshold) > 0)) return undefined;
  const points = atMost(samples, MAX_POINTS);
  const n = points.values.length;
  if (n < 6) return undefined;
  const interval = usualInterval(points);
  const minSegment = Math.max(3, Math.round((MIN_SEGMENT_SHARE * sustainMs()) / interval));
  const span = Math.abs(options.threshold) || 1;
  const { segments } = detectChangePoints(points.values, {
    minSegment,
    // A nearly constant series (a gauge stuck at 0) still needs a noise scale; 0.1% of the threshold is far below any effect we report.
    minSigma: options.minSigma ?? span * 1e-3,
  });
  const isBeyond = (s: (typeof segments)[number]) => sign * (s.level - options.threshold) > 0;
  const beyond = segments.filter(isBeyond);
  // The change is the first run of segments beyond the threshold that is held for a level's span;
  // shorter runs before it are excursions (a burst of slow scrapes). Without such a run, the first
  // segment beyond.
  let first = beyond[0];
  for (let i = 0; i < segments.length; i++) {
    if (!isBeyond(segments[i] as (typeof segments)[number])) continue;
    let j = i;
    while (j + 1 < segments.length && isBeyond(segments[j + 1] as (typeof segments)[number])) j++;
    const from = points.times[(segments[i] as (typeof segments)[number]).start] as number;
    const to = points.times[(segments[j] as (typeof segments)[number]).end - 1] as number;
    if (to - from >= sustainMs()) {
      first = segments[i];
      break;
    }
    i = j;
  }
  if (!first || first.start === 0) return undefined;
  const last = beyond[beyond.length - 1] ?? first;
  let onset = points.times[first.start] as number;
  const refined =
    options.refine === false ? undefined : anomalyStart(samples, options.direction, onset, interval);
  if (refined !== undefined) onset = Math.min(onset, refined);
  return { onset, end: points.times[last.end - 1] as number, level: first.level };
}

/**
 * The first flagged sample of the online anomaly scorer that belongs to the change found at
 * `cut`: a window in the same direction that reaches within three bucket intervals of the cut.
 * The scorer sees each raw sample as it came, so it dates a step to the scrape, where a change
 * point on bucket medians dates it to the bucket.
 */
function anomalyStart(
  samples: Samples,
  direction: 'up' | 'down',
  cut: number,
  bucketInterval: number,
): number | undefined {
  const points = samples.times.map((timestamp, i) => ({ timestamp, value: samples.values[i] as number }));
  const { windows } = scoreSeries(points, { seasonality: 'off' });
  const near = windows.find(
    (w) =>
      w.direction === direction &&
      w.kind !== 'seasonal' &&
      w.end >= cut - 3 * bucketInterval &&
      w.start <= cut + 3 * bucketInterval,
  );
  return near?.start;
}

/**
 * Where a flat series starts to climb: the bend of the best flat-then-linear fit (least squares on
 * bucket medians, every bend position tried). Undefined when the climb starts at the window's
 * beginning or the fit with a bend is not clearly better than a straight line.
 */
export function bendOnset(samples: Samples, direction: 'up' | 'down'): number | undefined {
  const points = atMost(samples, 120);
  const n = points.values.length;
  if (n < 8) return undefined;
  const t0 = points.times[0] as number;
  const x = points.times.map((t) => (t - t0) / MINUTE_MS);
  const y = points.values;
  const line = fitHinge(x, y, x[0] as number);
  let best = { bend: 0, sse: line.sse, slope: line.slope };
  for (let k = 2; k < n - 3; k++) {
    const fit = fitHinge(x, y, x[k] as number);
    if (fit.sse < best.sse) best = { bend: k, sse: fit.sse, slope: fit.slope };
  }
  const sign = direction === 'up' ? 1 : -1;
  // A bend must explain at least a fifth of what the straight line leaves unexplained; below that
  // the series is as well described by one slope from the start, and an interior bend is noise.
  if (best.bend === 0 || sign * best.slope <= 0 || best.sse > 0.8 * line.sse) return undefined;
  return points.times[best.bend] as number;
}

/** Least squares of y = a + b·max(0, x − bend). */
function fitHinge(x: readonly number[], y: readonly number[], bend: number): { sse: number; slope: number } {
  const n = x.length;
  let sh = 0;
  let shh = 0;
  let sy = 0;
  let shy = 0;
  for (let i = 0; i < n; i++) {
    const h = Math.max(0, (x[i] as number) - bend);
    const v = y[i] as number;
    sh += h;
    shh += h * h;
    sy += v;
    shy += h * v;
  }
  const det = n * shh - sh * sh;
  const b = det > 0 ? (n * shy - sh * sy) / det : 0;
  const a = (sy - b * sh) / n;
  let sse = 0;
  for (let i = 0; i < n; i++) {
    const r = (y[i] as number) - a - b * Math.max(0, (x[i] as number) - bend);
    sse += r * r;
  }
  return { sse, slope: b };
}
