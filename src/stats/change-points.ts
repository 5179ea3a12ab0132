import { median, noiseSigma } from './robust.js';

// Change points of a per-bucket series by binary segmentation with an L1 (median) cost. The L1
// cost makes a segment's level its median, so isolated spikes (a stall, one slow bucket) do not
// read as a level change, which is what lets periodic stalls and step shifts be told apart.
//
// A split is kept when the cost it saves, measured in units of the series' own noise, exceeds a
// penalty. The noise comes from the MAD of the first differences (robust to the very shifts being
// looked for), and the penalty grows with log(n) because binary segmentation tries every split
// position: the more positions, the larger the best gain that pure noise produces.

export interface Segment {
  /** First index of the segment. */
  start: number;
  /** One past the last index. */
  end: number;
  /** Median of the segment. */
  level: number;
}

export interface ChangePoint {
  /** Index of the first value of the new level. */
  index: number;
  /** Cost saved by the split, in units of the noise scale; compare with `penalty`. */
  score: number;
  /** Level of the segment starting here minus the level of the segment before. */
  effect: number;
}

export interface Segmentation {
  segments: Segment[];
  changePoints: ChangePoint[];
  /** Noise standard deviation used (robust, from first differences). */
  sigma: number;
  penalty: number;
}

export interface ChangePointOptions {
  /** Shortest segment, in points. Shorter excursions are spikes, not level changes. */
  minSegment: number;
  /** Floor for the noise estimate, for series that are nearly constant (quantized or resolution-limited). */
  minSigma?: number;
  /** Override of the penalty (in noise units); by default penaltyFor(n). */
  penalty?: number;
  /** Override of the penalty for a pair of cuts (a stretch that recovers); by default pairPenaltyFor(n). */
  pairPenalty?: number;
}

/**
 * Penalty for a series of n points. Calibrated by simulation over 300 series each of Gaussian,
 * Laplace and per-bucket-p99 (log of the 29th of 30 log-normal draws) noise: the 99th percentile
 * of the best noise-only score grows from about 10 at n = 20 to 11 at n = 480 (max seen 13), so
 * 7 + ln(n), never below 11, keeps false change points near 1% per series
 * (test/stats/change-points.test.ts checks it) while a 2σ shift over 30 points is still found.
 */
export function penaltyFor(n: number): number {
  return Math.max(11, 7 + Math.log(Math.max(n, 2)));
}

/**
 * Penalty for a pair of cuts, tried only where no single cut pays penaltyFor(n). Simulated like
 * penaltyFor (600 series each of Gaussian, Laplace and per-bucket-p99 noise at n = 20, 60, 240,
 * 150 each at 480 and 960, minSegment 3 and 5): the best pair's score has its 99th percentile at
 * 14 to 16.5, about 3 above the single-cut one, because the search runs over n² pairs instead of n
 * cuts. penaltyFor(n) + 6 was exceeded by 0.3% of series at n = 20 and 0.2% or less above
 * (test/stats/change-points.test.ts checks it); twice penaltyFor(n) would cost sensitivity to
 * short excursions for no measurable gain.
 */
export function pairPenaltyFor(n: number): number {
  return penaltyFor(n) + 6;
}

export function detectChangePoints(series: readonly number[], options: ChangePointOptions): Segmentation {
  const n = series.length;
  const minSegment = Math.max(1, Math.floor(options.minSegment));
  const sigma = Math.max(noiseSigma(series) || 0, options.minSigma ?? 0);
  const penalty = options.penalty ?? penaltyFor(n);
  const empty: Segmentation = {
    segments: n > 0 ? [{ start: 0, end: n, level: median(series) }] : [],
    changePoints: [],
    sigma,
    penalty,
  };
  if (n < 2 * minSegment || !(sigma > 0)) return empty;
  // Mean absolute deviation of a normal variable is σ·√(2/π); dividing the L1 gain by it gives the
  // log-likelihood ratio of a Laplace model with the same spread.
  const scale = sigma * Math.sqrt(2 / Math.PI);
  const pairPenalty = options.pairPenalty ?? pairPenaltyFor(n);
  let costs: SegmentCosts | undefined;
  const cuts: Array<{ index: number; score: number }> = [];
  const stack: Array<[number, number]> = [[0, n]];
  while (stack.length > 0) {
    const [a, b] = stack.pop() as [number, number];
    const best = bestSplit(series, a, b, minSegment);
    if (!best) continue;
    const score = best.gain / scale;
    if (score > penalty) {
      cuts.push({ index: best.index, score });
      stack.push([a, best.index], [best.index, b]);
      continue;
    }
    // A stretch that departs and comes back (A, B, A) can leave no single cut worth its penalty:
    // with the median as level, cutting at either edge leaves the other half an even mix whose L1
    // cost is as high as before. Two cuts at once isolate the stretch.
    if (b - a < 3 * minSegment) continue;
    costs ??= segmentCosts(series);
    if (!costs) continue;
    const pair = bestPair(costs, a, b, minSegment);
    if (!pair || pair.gain / scale <= pairPenalty) continue;
    const pairScore = pair.gain / scale;
    cuts.push({ index: pair.first, score: pairScore }, { index: pair.second, score: pairScore });
    stack.push([a, pair.first], [pair.first, pair.second], [pair.second, b]);
  }
  cuts.sort((x, y) => x.index - y.index);
  refine(series, cuts, n, minSegment, scale, penalty);
  const bounds = [0, ...cuts.map((c) => c.index), n];
  const segments: Segment[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const start = bounds[i] as number;
    const end = bounds[i + 1] as number;
    segments.push({ start, end, level: median(series.slice(start, end)) });
  }
  const changePoints = cuts.map((cut, i) => ({
    index: cut.index,
    score: cut.score,
    effect: (segments[i + 1]?.level ?? 0) - (segments[i]?.level ?? 0),
  }));
  return { segments, changePoints, sigma, penalty };
}

/**
 * Binary segmentation places each cut while later cuts are unknown, so a cut can land a few points
 * off (a bump's first edge found from the whole series) and leave a sliver beside the true edge.
 * Each cut is moved to the best split between its neighbours, and cuts that no longer pay their
 * penalty there are dropped, weakest first, until nothing changes.
 */
function refine(
  series: readonly number[],
  cuts: Array<{ index: number; score: number }>,
  n: number,
  minSegment: number,
  scale: number,
  penalty: number,
): void {
  for (let round = 0; round < 20; round++) {
    let changed = false;
    for (let i = 0; i < cuts.length; i++) {
      const a = i > 0 ? (cuts[i - 1] as { index: number }).index : 0;
      const b = i + 1 < cuts.length ? (cuts[i + 1] as { index: number }).index : n;
      const best = bestSplit(series, a, b, minSegment);
      const cut = cuts[i] as { index: number; score: number };
      if (!best) {
        cut.score = 0;
        continue;
      }
      if (best.index !== cut.index) changed = true;
      cut.index = best.index;
      cut.score = best.gain / scale;
    }
    let weakest = -1;
    cuts.forEach((c, i) => {
      if (c.score <= penalty && (weakest < 0 || c.score < (cuts[weakest] as { score: number }).score))
        weakest = i;
    });
    if (weakest >= 0) {
      cuts.splice(weakest, 1);
      changed = true;
    }
    if (!changed) break;
  }
}

/** The split of series[a, b) that saves the most L1 cost, with both parts at least minSegment long. */
function bestSplit(
  series: readonly number[],
  a: number,
  b: number,
  minSegment: number,
): { index: number; gain: number } | undefined {
  const length = b - a;
  if (length < 2 * minSegment) return undefined;
  const prefix = runningCosts(series, a, b, 1);
  const suffix = runningCosts(series, b - 1, a - 1, -1);
  const whole = prefix[length - 1] ?? 0;
  let best: { index: number; gain: number } | undefined;
  for (let k = minSegment; k <= length - minSegment; k++) {
    // prefix[k-1] is the cost of series[a, a+k); suffix[length-k-1] that of series[a+k, b).
    const gain = whole - (prefix[k - 1] ?? 0) - (suffix[length - k - 1] ?? 0);
    if (!best || gain > best.gain) best = { index: a + k, gain };
  }
  return best;
}

/** L1 cost (sum of absolute deviations from the median) of each growing run from `from` towards `to`. */
function runningCosts(series: readonly number[], from: number, to: number, step: 1 | -1): number[] {
  const sorted: number[] = [];
  const costs: number[] = [];
  for (let i = from; i !== to; i += step) {
    const value = series[i] ?? 0;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] ?? 0) < value) lo = mid + 1;
      else hi = mid;
    }
    sorted.splice(lo, 0, value);
    const center = sorted[(sorted.length - 1) >> 1] ?? 0;
    let cost = 0;
    for (const v of sorted) cost += Math.abs(v - center);
    costs.push(cost);
  }
  return costs;
}

/** L1 cost of every segment series[i, j), so that the best pair of cuts is an O(n²) search. */
interface SegmentCosts {
  n: number;
  /** cost[i * (n + 1) + j] is the L1 cost of series[i, j) for i < j. */
  cost: Float64Array;
}

/**
 * Costs of all segments, for each start growing the segment one point at a time and keeping its
 * values in a Fenwick tree over their ranks, so each step finds the median and the sum below it in
 * O(log n): O(n² log n) in all, a few milliseconds at n = 960. Undefined if a value is not finite.
 */
function segmentCosts(series: readonly number[]): SegmentCosts | undefined {
  const n = series.length;
  if (!series.every(Number.isFinite)) return undefined;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (x, y) => (series[x] as number) - (series[y] as number),
  );
  const rank = new Int32Array(n);
  const sortedValues = new Float64Array(n);
  order.forEach((index, r) => {
    rank[index] = r + 1;
    sortedValues[r] = series[index] as number;
  });
  const cost = new Float64Array(n * (n + 1));
  const counts = new Int32Array(n + 1);
  const sums = new Float64Array(n + 1);
  let top = 1;
  while (top * 2 <= n) top *= 2;
  for (let i = 0; i < n; i++) {
    counts.fill(0);
    sums.fill(0);
    let total = 0;
    for (let j = i; j < n; j++) {
      const value = series[j] as number;
      total += value;
      for (let r = rank[j] as number; r <= n; r += r & -r) {
        (counts[r] as number)++;
        sums[r] = (sums[r] as number) + value;
      }
      const count = j - i + 1;
      const half = count >> 1;
      // Descend to the (half + 1)-th smallest value (the upper median), summing the half below it.
      let pos = 0;
      let before = 0;
      let seen = 0;
      for (let step = top; step > 0; step >>= 1) {
        const next = pos + step;
        if (next <= n && seen + (counts[next] as number) <= half) {
          pos = next;
          seen += counts[next] as number;
          before += sums[next] as number;
        }
      }
      const center = count % 2 === 1 ? (sortedValues[pos] as number) : 0;
      // Sum of |v − median| is the upper half's sum minus the lower half's (median itself excluded).
      cost[i * (n + 1) + j + 1] = Math.max(0, total - center - 2 * before);
    }
  }
  return { n, cost };
}

/** The pair of cuts of series[a, b) that saves the most L1 cost, all three parts at least minSegment long. */
function bestPair(
  costs: SegmentCosts,
  a: number,
  b: number,
  minSegment: number,
): { first: number; second: number; gain: number } | undefined {
  const stride = costs.n + 1;
  const c = costs.cost;
  const whole = c[a * stride + b] as number;
  let best: { first: number; second: number; gain: number } | undefined;
  for (let x = a + minSegment; x <= b - 2 * minSegment; x++) {
    const left = c[a * stride + x] as number;
    for (let y = x + minSegment; y <= b - minSegment; y++) {
      const gain = whole - left - (c[x * stride + y] as number) - (c[y * stride + b] as number);
      if (!best || gain > best.gain) best = { first: x, second: y, gain };
    }
  }
  return best;
}
