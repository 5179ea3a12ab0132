import { type CountSegment, dispersion, poissonSegments, rateRatio, riseP } from './poisson.js';

// Whether a per-bucket count series rose above its baseline, by how much, and from when. The
// series is cut where its rate changed; each stretch after the baseline is compared with the
// baseline by the quasi-Poisson test. The onset is the start of the first stretch significantly
// above the baseline, so a rate that stays flat, or rises by a couple of records, has none.

export interface Rise {
  /** Highest rate of a significantly raised stretch divided by the baseline rate; 1 when none. */
  ratio: number;
  significant: boolean;
  /** The smallest p-value among raised stretches, or that of the whole after-baseline window. */
  p: number;
  /** After-baseline rate over baseline rate, whether significant or not, for explanations. */
  measuredRatio: number;
  /** First and one-past-last bucket of the raised stretches. */
  onsetBucket?: number;
  endBucket?: number;
  baselineCount: number;
  afterCount: number;
  dispersion: number;
}

/**
 * Shortest stretch of a new rate, as a share of the buckets: a sixtieth of the log (30 s of a
 * 30-minute log) and at least 2 buckets, so a single busy bucket is a burst, not a new rate.
 */
const MIN_SEGMENT_SHARE = 1 / 60;

export function riseOf(counts: readonly number[], baselineBuckets: number, alpha: number): Rise {
  const n = counts.length;
  const b = Math.min(baselineBuckets, n);
  const base = counts.slice(0, b);
  const phi = dispersion(base);
  const baseline = { count: sum(base), exposure: b };
  const after = { count: sum(counts.slice(b)), exposure: n - b };
  const segments = poissonSegments(counts, {
    minSegment: Math.max(2, Math.round(n * MIN_SEGMENT_SHARE)),
    dispersion: phi,
  });
  const raised: Array<CountSegment & { p: number; ratio: number }> = [];
  for (const segment of segments) {
    const start = Math.max(segment.start, b);
    if (start >= segment.end) continue;
    const window = { count: sum(counts.slice(start, segment.end)), exposure: segment.end - start };
    if (window.count / window.exposure <= baseline.count / Math.max(baseline.exposure, 1)) continue;
    const p = riseP(baseline, window, phi);
    if (p < alpha) {
      raised.push({
        start,
        end: segment.end,
        count: window.count,
        rate: window.count / window.exposure,
        p,
        ratio: rateRatio(baseline, window),
      });
    }
  }
  const measuredRatio = rateRatio(baseline, after);
  const common = { measuredRatio, baselineCount: baseline.count, afterCount: after.count, dispersion: phi };
  if (raised.length === 0) return { ratio: 1, significant: false, p: riseP(baseline, after, phi), ...common };
  // A cut lands somewhere in the quiet buckets before the first record of a new rate (the
  // segment must be minSegment long); the rise starts at its first record, and ends at its last.
  const first = raised[0] as CountSegment;
  const last = raised[raised.length - 1] as CountSegment;
  let onsetBucket = first.start;
  while (onsetBucket < first.end - 1 && (counts[onsetBucket] ?? 0) === 0) onsetBucket++;
  let endBucket = last.end;
  while (endBucket > last.start + 1 && (counts[endBucket - 1] ?? 0) === 0) endBucket--;
  return {
    ratio: Math.max(...raised.map((r) => r.ratio)),
    significant: true,
    p: Math.min(...raised.map((r) => r.p)),
    onsetBucket,
    endBucket,
    ...common,
  };
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
