// Medians and quantiles for the anomaly scorer. The scorer asks for several order statistics per
// point, so they are found by selection (linear time on average) on a scratch copy instead of a
// full sort; the caller's array is never reordered.

/** Scale factor that makes the MAD estimate the standard deviation of normally distributed data. */
export const MAD_TO_SIGMA = 1.4826;

/** Mean absolute deviation × √(π/2) estimates σ of normal data; used when half the values tie (MAD 0). */
export const MEAN_ABS_TO_SIGMA = 1.2533;

/** The k-th smallest value (0-based) of `scratch`, which is reordered. */
function select(scratch: number[], k: number): number {
  let lo = 0;
  let hi = scratch.length - 1;
  while (hi > lo) {
    // Median of three pivot keeps sorted and reverse-sorted inputs (slow trends) linear.
    const mid = (lo + hi) >>> 1;
    const a = scratch[lo] as number;
    const b = scratch[mid] as number;
    const c = scratch[hi] as number;
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((scratch[i] as number) < pivot) i++;
      while ((scratch[j] as number) > pivot) j--;
      if (i <= j) {
        const t = scratch[i] as number;
        scratch[i] = scratch[j] as number;
        scratch[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return scratch[k] as number;
  }
  return scratch[k] as number;
}

/** Quantile q in [0, 1] with linear interpolation between order statistics; NaN for no values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const scratch = values.slice();
  const position = Math.min(1, Math.max(0, q)) * (scratch.length - 1);
  const below = Math.floor(position);
  const low = select(scratch, below);
  if (position === below) return low;
  // After selection everything right of `below` is ≥ low; the next order statistic is their minimum.
  let next = Number.POSITIVE_INFINITY;
  for (let i = below + 1; i < scratch.length; i++) next = Math.min(next, scratch[i] as number);
  return low + (position - below) * (next - low);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/**
 * Robust standard deviation of `values` around `center`: 1.4826 × MAD, or the scaled mean absolute
 * deviation when more than half the values equal the center (counts, quantized gauges), so a series
 * that mostly repeats one value still gets a finite scale. 0 only when every value equals the center.
 */
export function robustSigma(values: readonly number[], center = median(values)): number {
  if (values.length === 0) return Number.NaN;
  const deviations = values.map((v) => Math.abs(v - center));
  const mad = median(deviations);
  if (mad > 0) return MAD_TO_SIGMA * mad;
  return (MEAN_ABS_TO_SIGMA * deviations.reduce((sum, d) => sum + d, 0)) / deviations.length;
}
