import { incompleteBeta } from '../../stats/compare-tests.js';
import { ratePenalty } from '../../stats/rate-change.js';

// Counts of log records per time bucket as a Poisson process whose rate may change: how much to
// widen the Poisson noise for bursty logs (dispersion), where the rate changed (binary
// segmentation on the Poisson likelihood), and whether a window's rate is above a baseline's
// (the conditional binomial test, so that 2 records against 1 is no rise).

export interface CountSegment {
  /** First bucket of the segment. */
  start: number;
  /** One past its last bucket. */
  end: number;
  count: number;
  /** Records per bucket. */
  rate: number;
}

/**
 * How much more the counts vary than a Poisson process would: the sum of squared differences of
 * neighbouring buckets over the sum of their counts, which is 1 for Poisson counts whatever the
 * rate, and is hardly moved by a single change of level (one difference among many). Logs are
 * bursty (a request writes several lines at once), so this is usually above 1; never below 1, so
 * that a quiet series is not judged more precisely than Poisson noise allows.
 */
export function dispersion(counts: readonly number[]): number {
  let squares = 0;
  let sums = 0;
  for (let i = 1; i < counts.length; i++) {
    const a = counts[i - 1] as number;
    const b = counts[i] as number;
    squares += (a - b) ** 2;
    sums += a + b;
  }
  return sums > 0 ? Math.max(1, squares / sums) : 1;
}

/**
 * Segments of constant rate by binary segmentation: a cut is kept when twice the Poisson
 * log-likelihood gain, divided by the dispersion (quasi-likelihood), exceeds the penalty for
 * n buckets. The statistic behaves like the binomial one of rate-change.ts (the maximum of n
 * correlated χ²(1) values), so the same calibrated penalty, 10 + 2·ln(n), keeps false cuts under
 * 1% per series.
 */
export function poissonSegments(
  counts: readonly number[],
  options: { minSegment: number; dispersion: number },
): CountSegment[] {
  const n = counts.length;
  const minSegment = Math.max(1, Math.floor(options.minSegment));
  const phi = Math.max(1, options.dispersion);
  const penalty = ratePenalty(n);
  const cum = [0];
  for (let i = 0; i < n; i++) cum.push((cum[i] as number) + Math.max(0, counts[i] ?? 0));
  const total = (a: number, b: number) => (cum[b] as number) - (cum[a] as number);
  const ll = (a: number, b: number) => {
    const k = total(a, b);
    return k > 0 ? k * Math.log(k / (b - a)) - k : 0;
  };
  const cuts: number[] = [];
  const stack: Array<[number, number]> = [[0, n]];
  while (stack.length > 0) {
    const [a, b] = stack.pop() as [number, number];
    if (b - a < 2 * minSegment) continue;
    const whole = ll(a, b);
    let best: { index: number; score: number } | undefined;
    for (let k = a + minSegment; k <= b - minSegment; k++) {
      const score = (2 * (ll(a, k) + ll(k, b) - whole)) / phi;
      if (!best || score > best.score) best = { index: k, score };
    }
    if (!best || best.score <= penalty) continue;
    cuts.push(best.index);
    stack.push([a, best.index], [best.index, b]);
  }
  cuts.sort((x, y) => x - y);
  const bounds = [0, ...cuts, n];
  const segments: CountSegment[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const start = bounds[i] as number;
    const end = bounds[i + 1] as number;
    const count = total(start, end);
    segments.push({ start, end, count, rate: end > start ? count / (end - start) : 0 });
  }
  return segments;
}

/**
 * One-sided p-value that a window's rate is above a baseline's: given the k₁ + k₂ records of both,
 * the window's k₂ is binomial with p = t₂ / (t₁ + t₂) when the rates are equal. Counts are divided
 * by the dispersion first, so that bursts do not pass for evidence.
 */
export function riseP(
  baseline: { count: number; exposure: number },
  window: { count: number; exposure: number },
  phi: number,
): number {
  const scale = Math.max(1, phi);
  const k1 = baseline.count / scale;
  const k2 = window.count / scale;
  if (k2 <= 0 || window.exposure <= 0 || baseline.exposure <= 0) return 1;
  const p = window.exposure / (window.exposure + baseline.exposure);
  // P(X ≥ k2) for X ~ Binomial(k1 + k2, p) is I_p(k2, k1 + 1).
  return incompleteBeta(p, k2, k1 + 1);
}

/**
 * The ratio of a window's rate to a baseline's. A baseline without records is rated as if half a
 * record had been seen, so that the ratio of something new stays finite and understated rather
 * than infinite.
 */
export function rateRatio(
  baseline: { count: number; exposure: number },
  window: { count: number; exposure: number },
): number {
  if (window.exposure <= 0 || baseline.exposure <= 0) return 1;
  return window.count / window.exposure / (Math.max(baseline.count, 0.5) / baseline.exposure);
}
