// The statistical tests behind `faultline compare`: a rank test on grouped (binned) latency data,
// tests of two failure rates, quantile-ratio tests from order statistics, and multiple-testing
// corrections. Everything works on counts per bin or per time bucket, never on raw samples, because
// a load test reaches Faultline as DDSketch bins and per-bucket totals.
//
// Special functions are written here (about a hundred lines) so the comparison has no numeric
// dependency; their accuracy (relative 1e-10 or better in the range used) is far beyond what an
// alpha of 0.01 needs.

const SQRT_PI = Math.sqrt(Math.PI);

/** Complementary error function: power series near zero, Laplace continued fraction in the tail. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) {
    // erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1)); at x < 2.5 it loses at most 3 digits.
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / SQRT_PI) * sum;
  }
  // erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated bottom-up.
  let fraction = x;
  for (let n = 80; n >= 1; n--) fraction = x + n / 2 / fraction;
  return Math.exp(-x * x) / SQRT_PI / fraction;
}

/** P(Z <= z) for a standard normal Z. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Two-sided p-value of a standard normal statistic. */
export function normalTwoSided(z: number): number {
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

/** The z with P(Z <= z) = p, by bisection on normalCdf (only a handful of calls per comparison). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p <= 0 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** ln Gamma(x) for x > 0: Stirling's series after shifting x above 10 with the recurrence. */
export function logGamma(x: number): number {
  let shift = 0;
  let y = x;
  while (y < 10) {
    shift += Math.log(y);
    y += 1;
  }
  const inv = 1 / y;
  const inv2 = inv * inv;
  const series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680))));
  return (y - 0.5) * Math.log(y) - y + 0.5 * Math.log(2 * Math.PI) + series - shift;
}

/** Regularized incomplete beta I_x(a, b), by its continued fraction (modified Lentz). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  // The fraction converges fast for x < (a+1)/(a+b+2); otherwise use I_x(a,b) = 1 - I_{1-x}(b,a).
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b)) / a;
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let result = d;
  for (let m = 1; m <= 10_000; m++) {
    const even = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 + even * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + even / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    result *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 + odd * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + odd / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    result *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return front * result;
}

function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** Two-sided p-value of a Student t statistic with df degrees of freedom (fractional df allowed). */
export function studentTwoSided(t: number, df: number): number {
  if (Number.isNaN(t)) return Number.NaN;
  if (!Number.isFinite(t)) return 0;
  // Beyond a million degrees of freedom t and normal agree to 1e-6 and the fraction gets slow.
  if (!(df < 1e6)) return normalTwoSided(t);
  return Math.min(1, incompleteBeta(df / (df + t * t), df / 2, 0.5));
}

/** Fisher's exact test on a 2x2 table, two-sided (sum of the tables no more likely than the observed). */
export function fisherExactTwoSided(
  failuresA: number,
  totalA: number,
  failuresB: number,
  totalB: number,
): number {
  const k = failuresA + failuresB;
  const n = totalA + totalB;
  if (k === 0 || k === n) return 1;
  const logP = (x: number) => logChoose(totalA, x) + logChoose(totalB, k - x) - logChoose(n, k);
  const observed = logP(failuresA);
  let p = 0;
  for (let x = Math.max(0, k - totalB); x <= Math.min(k, totalA); x++) {
    const lp = logP(x);
    // Relative slack of 1e-7 so tables equal to the observed one up to rounding count as "as extreme".
    if (lp <= observed + 1e-7) p += Math.exp(lp);
  }
  return Math.min(1, p);
}

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/** Counts per value class: key is a bin index (any total order), value a possibly fractional count. */
export type Grouped = ReadonlyMap<number, number>;

export interface RankTestResult {
  /** P(current > baseline) + P(tie)/2: the probability that a random current value is the larger. */
  superiority: number;
  /** Cliff's delta, 2 * superiority - 1, in [-1, 1]; positive means current is larger. */
  cliffsDelta: number;
  /** Standard error of `superiority`, after the design-effect correction. */
  standardError: number;
  statistic: number;
  degreesOfFreedom: number;
  pValue: number;
  /** Variance inflation from clustering in time (1 = independent requests), per side. */
  designEffect: { baseline: number; current: number };
}

/**
 * Brunner–Munzel test on grouped data. Values in one bin are ties; their mid-rank placements make
 * the statistic exact for the grouped data. The variance is that of the estimated probability of
 * superiority (DeLong form: Var(placements)/n per side); when per-time-bucket groups are given, a
 * cluster-robust variance over buckets replaces it whenever larger, so requests that are correlated
 * in time never count as independent evidence.
 */
export function groupedRankTest(
  baseline: Grouped,
  current: Grouped,
  clusters: { baseline?: readonly Grouped[]; current?: readonly Grouped[] } = {},
): RankTestResult {
  const keys = [...new Set([...baseline.keys(), ...current.keys()])].sort((a, b) => a - b);
  const n1 = sum(baseline.values());
  const n2 = sum(current.values());
  // Mid-distribution functions: G(k) = P(X < k) + P(X = k)/2, the placement of a value in bin k.
  const placeInBaseline = new Map<number, number>();
  const placeInCurrent = new Map<number, number>();
  let belowBaseline = 0;
  let belowCurrent = 0;
  for (const key of keys) {
    const a = baseline.get(key) ?? 0;
    const c = current.get(key) ?? 0;
    placeInBaseline.set(key, (belowBaseline + a / 2) / n1);
    placeInCurrent.set(key, (belowCurrent + c / 2) / n2);
    belowBaseline += a;
    belowCurrent += c;
  }
  // superiority = mean placement of current values among baseline values.
  const superiority = weightedMean(current, placeInBaseline);
  const baselineMean = weightedMean(baseline, placeInCurrent);
  const iidBaseline = weightedVariance(baseline, placeInCurrent, baselineMean) / n1;
  const iidCurrent = weightedVariance(current, placeInBaseline, superiority) / n2;
  const clusteredBaseline = clusterVariance(clusters.baseline, placeInCurrent, baselineMean, n1);
  const clusteredCurrent = clusterVariance(clusters.current, placeInBaseline, superiority, n2);
  const useClusterBaseline = clusteredBaseline !== undefined && clusteredBaseline.variance > iidBaseline;
  const useClusterCurrent = clusteredCurrent !== undefined && clusteredCurrent.variance > iidCurrent;
  const varBaseline = useClusterBaseline ? clusteredBaseline.variance : iidBaseline;
  const varCurrent = useClusterCurrent ? clusteredCurrent.variance : iidCurrent;
  let variance = varBaseline + varCurrent;
  if (!(variance > 0)) {
    // No overlap at all leaves Brunner–Munzel without a variance; the Mann–Whitney null variance
    // of the superiority is a conservative stand-in.
    variance = (n1 + n2 + 1) / (12 * n1 * n2);
  }
  const standardError = Math.sqrt(variance);
  const statistic = (superiority - 0.5) / standardError;
  const dfBaseline = useClusterBaseline ? clusteredBaseline.clusters - 1 : n1 - 1;
  const dfCurrent = useClusterCurrent ? clusteredCurrent.clusters - 1 : n2 - 1;
  const df = welchDegrees(varBaseline, dfBaseline, varCurrent, dfCurrent);
  return {
    superiority,
    cliffsDelta: 2 * superiority - 1,
    standardError,
    statistic,
    degreesOfFreedom: df,
    pValue: superiority === 0.5 ? 1 : studentTwoSided(statistic, df),
    designEffect: {
      baseline: iidBaseline > 0 ? Math.max(1, varBaseline / iidBaseline) : 1,
      current: iidCurrent > 0 ? Math.max(1, varCurrent / iidCurrent) : 1,
    },
  };
}

/** Welch–Satterthwaite degrees of freedom; falls back to the larger side when a variance is zero. */
function welchDegrees(v1: number, df1: number, v2: number, df2: number): number {
  const denominator = (df1 > 0 ? (v1 * v1) / df1 : 0) + (df2 > 0 ? (v2 * v2) / df2 : 0);
  if (!(denominator > 0)) return Math.max(1, df1 + df2);
  return Math.max(1, ((v1 + v2) * (v1 + v2)) / denominator);
}

/**
 * Cluster-robust (sandwich) variance of a mean placement: each time bucket is one cluster. Only
 * used when the buckets account for (almost) all the requests and there are at least two.
 */
function clusterVariance(
  clusters: readonly Grouped[] | undefined,
  place: ReadonlyMap<number, number>,
  mean: number,
  total: number,
): { variance: number; clusters: number } | undefined {
  if (!clusters || clusters.length < 2) return undefined;
  let covered = 0;
  let squares = 0;
  for (const cluster of clusters) {
    let size = 0;
    let placed = 0;
    for (const [key, count] of cluster) {
      size += count;
      placed += count * (place.get(key) ?? 0);
    }
    covered += size;
    squares += (placed - size * mean) ** 2;
  }
  // Buckets that miss requests (totals-only input) would understate the spread.
  if (covered < 0.99 * total) return undefined;
  const k = clusters.length;
  return { variance: ((k / (k - 1)) * squares) / (total * total), clusters: k };
}

export interface RateTestResult {
  method: 'two-proportion-z' | 'fisher-exact';
  statistic: number | null;
  pValue: number;
  designEffect: { baseline: number; current: number };
}

/** Per-bucket totals of one side, for the design effect of a rate. */
export interface RateCluster {
  count: number;
  failures: number;
}

/**
 * Compares two failure rates. Fisher's exact test when an expected cell count is below 5 (the
 * normal approximation is poor there); otherwise a pooled two-proportion z test whose binomial
 * variance is inflated by each side's design effect (failures come in bursts: a cluster-robust
 * variance over time buckets divided by the binomial one, never below 1).
 */
export function rateTest(
  baseline: RateCluster,
  current: RateCluster,
  clusters: { baseline?: readonly RateCluster[]; current?: readonly RateCluster[] } = {},
): RateTestResult {
  const n1 = baseline.count;
  const n2 = current.count;
  const k = baseline.failures + current.failures;
  const n = n1 + n2;
  const pooled = k / n;
  const designEffect = {
    baseline: rateDesignEffect(baseline, clusters.baseline),
    current: rateDesignEffect(current, clusters.current),
  };
  const minExpected = Math.min(n1, n2) * Math.min(pooled, 1 - pooled);
  if (minExpected < 5) {
    const p = fisherExactTwoSided(
      Math.round(baseline.failures),
      Math.round(n1),
      Math.round(current.failures),
      Math.round(n2),
    );
    return { method: 'fisher-exact', statistic: null, pValue: p, designEffect };
  }
  const variance = pooled * (1 - pooled) * (designEffect.baseline / n1 + designEffect.current / n2);
  const diff = current.failures / n2 - baseline.failures / n1;
  const z = variance > 0 ? diff / Math.sqrt(variance) : 0;
  return { method: 'two-proportion-z', statistic: z, pValue: normalTwoSided(z), designEffect };
}

function rateDesignEffect(total: RateCluster, clusters: readonly RateCluster[] | undefined): number {
  if (!clusters || clusters.length < 2 || total.count <= 0) return 1;
  const p = total.failures / total.count;
  const binomial = (p * (1 - p)) / total.count;
  if (!(binomial > 0)) return 1;
  let covered = 0;
  let squares = 0;
  for (const c of clusters) {
    covered += c.count;
    squares += (c.failures - c.count * p) ** 2;
  }
  if (covered < 0.99 * total.count) return 1;
  const k = clusters.length;
  const clustered = ((k / (k - 1)) * squares) / (total.count * total.count);
  return Math.max(1, clustered / binomial);
}

/**
 * Standard error of log(quantile q) from order statistics: the rank of the sample q-quantile has
 * standard deviation sqrt(q(1-q)/n), so the values at q ± k times that rank bracket k standard errors.
 * `quantile` reads the sketch; `floor` is the resolution of its bins.
 */
export function logQuantileStandardError(
  quantile: (q: number) => number,
  q: number,
  effectiveCount: number,
  floor: number,
): number {
  if (!(effectiveCount > 0)) return Number.POSITIVE_INFINITY;
  const spread = Math.sqrt((q * (1 - q)) / effectiveCount);
  // The slope is read over ±2 standard errors of rank: over ±1 it rests on too few tail values.
  const low = Math.max(quantile(Math.max(0, q - 2 * spread)), 1e-3);
  const high = Math.max(quantile(Math.min(1, q + 2 * spread)), 1e-3);
  return Math.max(floor, (Math.log(high) - Math.log(low)) / 4);
}

/** Holm's step-down adjusted p-values (monotone), in the input order; NaN entries stay NaN. */
export function holmAdjust(pValues: readonly number[]): number[] {
  const order = pValues
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => !Number.isNaN(p))
    .sort((a, b) => a.p - b.p || a.i - b.i);
  const m = order.length;
  const adjusted = pValues.map(() => Number.NaN);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

/** Bonferroni-adjusted p-values; NaN entries stay NaN and do not count. */
export function bonferroniAdjust(pValues: readonly number[]): number[] {
  const m = pValues.filter((p) => !Number.isNaN(p)).length;
  return pValues.map((p) => (Number.isNaN(p) ? p : Math.min(1, p * m)));
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

function weightedMean(counts: Grouped, value: ReadonlyMap<number, number>): number {
  let total = 0;
  let weight = 0;
  for (const [key, count] of counts) {
    total += count * (value.get(key) ?? 0);
    weight += count;
  }
  return weight > 0 ? total / weight : Number.NaN;
}

function weightedVariance(counts: Grouped, value: ReadonlyMap<number, number>, mean: number): number {
  let squares = 0;
  let weight = 0;
  for (const [key, count] of counts) {
    squares += count * ((value.get(key) ?? 0) - mean) ** 2;
    weight += count;
  }
  return weight > 1 ? squares / (weight - 1) : 0;
}
