// Change points of a rate observed as counts: k events out of n trials per bucket (failed
// requests out of requests). Binary segmentation on the binomial likelihood: a split is kept when
// twice the log-likelihood gain exceeds a penalty. Counting noise is then modelled exactly, so a
// bucket with 2 requests and 1 failure weighs as little as it should, and a rate of zero needs no
// noise floor.

export interface RateSegment {
  start: number;
  end: number;
  events: number;
  trials: number;
  /** events / trials (0 for no trials). */
  rate: number;
}

export interface RateSegmentation {
  segments: RateSegment[];
  changePoints: Array<{ index: number; score: number }>;
  penalty: number;
}

/**
 * Twice the log-likelihood gain of the best split of n buckets into two binomial rates behaves
 * like the maximum of n correlated χ²(1) statistics; its 99th percentile under a constant rate is
 * about 2·ln(n) + 7 for n from 20 to 480 (simulated; test/stats/change-points.test.ts checks the false-split rate), so
 * 2·ln(n) + 10 keeps false splits well under 1% per series.
 */
export function ratePenalty(n: number): number {
  return 10 + 2 * Math.log(Math.max(n, 2));
}

/**
 * Penalty for a pair of cuts, tried only where no single cut pays ratePenalty(n). Simulated at
 * n = 20 to 240 and rates 0.2%, 2% and 20% (400 series each, 20 to 100 trials per bucket): the best
 * pair's 99th percentile stays between 10 and 19, below ratePenalty(n), but its maximum reached 27
 * at n = 20; ratePenalty(n) + 6 was exceeded by 1 series in 4800 (test/stats/change-points.test.ts
 * checks the false-split rate).
 */
export function ratePairPenalty(n: number): number {
  return ratePenalty(n) + 6;
}

export function detectRateChanges(
  events: readonly number[],
  trials: readonly number[],
  options: { minSegment: number; penalty?: number; pairPenalty?: number },
): RateSegmentation {
  const n = Math.min(events.length, trials.length);
  const penalty = options.penalty ?? ratePenalty(n);
  const pairPenalty = options.pairPenalty ?? ratePairPenalty(n);
  const minSegment = Math.max(1, Math.floor(options.minSegment));
  const cumE = [0];
  const cumN = [0];
  for (let i = 0; i < n; i++) {
    cumE.push((cumE[i] as number) + Math.max(0, events[i] ?? 0));
    cumN.push((cumN[i] as number) + Math.max(0, trials[i] ?? 0));
  }
  const ll = (a: number, b: number) =>
    logLikelihood((cumE[b] as number) - (cumE[a] as number), (cumN[b] as number) - (cumN[a] as number));
  const cuts: Array<{ index: number; score: number }> = [];
  const stack: Array<[number, number]> = [[0, n]];
  while (stack.length > 0) {
    const [a, b] = stack.pop() as [number, number];
    if (b - a < 2 * minSegment) continue;
    const whole = ll(a, b);
    let best: { index: number; score: number } | undefined;
    for (let k = a + minSegment; k <= b - minSegment; k++) {
      const score = 2 * (ll(a, k) + ll(k, b) - whole);
      if (!best || score > best.score) best = { index: k, score };
    }
    if (best && best.score > penalty) {
      cuts.push(best);
      stack.push([a, best.index], [best.index, b]);
      continue;
    }
    // A rate that rises and falls back (1%, 20%, 1%) may have no single cut worth its penalty when
    // the stretch sits in the middle; two cuts at once isolate it.
    let pair: { first: number; second: number; score: number } | undefined;
    for (let x = a + minSegment; x <= b - 2 * minSegment; x++) {
      const left = ll(a, x);
      for (let y = x + minSegment; y <= b - minSegment; y++) {
        const score = 2 * (left + ll(x, y) + ll(y, b) - whole);
        if (!pair || score > pair.score) pair = { first: x, second: y, score };
      }
    }
    if (!pair || pair.score <= pairPenalty) continue;
    cuts.push({ index: pair.first, score: pair.score }, { index: pair.second, score: pair.score });
    stack.push([a, pair.first], [pair.first, pair.second], [pair.second, b]);
  }
  cuts.sort((x, y) => x.index - y.index);
  const bounds = [0, ...cuts.map((c) => c.index), n];
  const segments: RateSegment[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const start = bounds[i] as number;
    const end = bounds[i + 1] as number;
    const e = (cumE[end] as number) - (cumE[start] as number);
    const t = (cumN[end] as number) - (cumN[start] as number);
    segments.push({ start, end, events: e, trials: t, rate: t > 0 ? e / t : 0 });
  }
  return { segments, changePoints: cuts, penalty };
}

function logLikelihood(k: number, n: number): number {
  if (n <= 0 || k <= 0 || k >= n) return 0;
  const p = k / n;
  return k * Math.log(p) + (n - k) * Math.log(1 - p);
}
