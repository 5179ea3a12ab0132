import { median as ssMedian } from 'simple-statistics';

// Robust location and scale: medians and median absolute deviations, which a few wild buckets
// (a GC pause, a retry storm) cannot drag around the way means and standard deviations are dragged.

/** Scale factor that makes the MAD estimate the standard deviation of normally distributed data. */
export const MAD_TO_SIGMA = 1.4826;

/** Median of finite values; NaN for none. */
export function median(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? Number.NaN : ssMedian(finite);
}

/** Median absolute deviation from the median (unscaled); NaN for none. */
export function mad(values: readonly number[]): number {
  const center = median(values);
  if (Number.isNaN(center)) return Number.NaN;
  return median(values.filter(Number.isFinite).map((v) => Math.abs(v - center)));
}

/** Robust standard deviation: 1.4826 × MAD. */
export function robustSigma(values: readonly number[]): number {
  return MAD_TO_SIGMA * mad(values);
}

/** Robust coefficient of variation: 1.4826 × MAD / median. */
export function robustCv(values: readonly number[]): number {
  const center = median(values);
  return center === 0 ? Number.NaN : robustSigma(values) / Math.abs(center);
}

/**
 * Noise level of a series from its first differences: a level shift or a trend changes only a
 * handful of differences, so the MAD of the differences sees the bucket-to-bucket noise alone.
 * Differences of independent noise have √2 times its spread, hence the division.
 */
export function noiseSigma(series: readonly number[]): number {
  const diffs: number[] = [];
  for (let i = 1; i < series.length; i++) {
    const a = series[i - 1];
    const b = series[i];
    if (a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b)) diffs.push(b - a);
  }
  if (diffs.length === 0) return Number.NaN;
  return robustSigma(diffs) / Math.SQRT2;
}

/**
 * Weighted quantile: the smallest value whose cumulative weight reaches q of the total. Values
 * need not be sorted; zero and negative weights are ignored.
 */
export function weightedQuantile(values: readonly number[], weights: readonly number[], q: number): number {
  const pairs: Array<[number, number]> = [];
  let total = 0;
  values.forEach((v, i) => {
    const w = weights[i] ?? 0;
    if (w > 0 && Number.isFinite(v)) {
      pairs.push([v, w]);
      total += w;
    }
  });
  if (pairs.length === 0) return Number.NaN;
  pairs.sort((a, b) => a[0] - b[0]);
  const target = Math.min(1, Math.max(0, q)) * total;
  let seen = 0;
  for (const [v, w] of pairs) {
    seen += w;
    if (seen >= target) return v;
  }
  return pairs[pairs.length - 1]?.[0] ?? Number.NaN;
}

/** Ranks from 1, ties sharing their average rank. */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const result = new Array<number>(values.length).fill(0);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]?.[0] === order[i]?.[0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      const index = order[k]?.[1];
      if (index !== undefined) result[index] = rank;
    }
    i = j + 1;
  }
  return result;
}
