import { weightedQuantile } from './robust.js';

// Bimodality of a latency distribution, tested on the log scale (where a single service path is
// roughly symmetric) with a weighted kernel density over histogram bins (DDSketch bins: a value and
// a count). Two modes count only when each holds a real share of the requests and the valley
// between them is both deep and statistically unmistakable; a long unimodal tail has no second
// peak at all, and a ripple from sampling noise fails the count test.

export interface WeightedValue {
  value: number;
  weight: number;
}

export interface Mode {
  /** Location of the peak, in the data's unit. */
  location: number;
  /** Share of the weight in this mode's basin, 0..1. */
  share: number;
}

export interface Bimodality {
  /** Ratio of the upper to the lower of the two main modes; 0 when unimodal. */
  ratio: number;
  modes: Mode[];
  /** Density at the deepest valley between the two main modes divided by the smaller peak; 1 when unimodal. */
  valleyDepth: number;
}

/** Each of the two modes must hold at least this share: a 2% slow group is a tail, not a second path. */
const MIN_MODE_SHARE = 0.05;
/** Valley at most half the smaller peak: that needs the modes about three spreads apart, a visible gap. */
const MAX_VALLEY_RATIO = 0.5;
/** Peak-minus-valley counts in kernel windows must exceed 3 Poisson standard errors (p ≈ 0.001). */
const MIN_DIP_Z = 3;
/**
 * Narrowest kernel, in natural-log units (8%): the sketch resolves values to about 2%, so a narrower
 * kernel shows bin ripples, and paths less than ~20% apart are not told apart by latency anyway.
 */
const MIN_BANDWIDTH = 0.08;
/** Fewer weighted requests than this cannot show two modes with both ≥ 5% reliably. */
const MIN_WEIGHT = 100;

export function bimodality(values: readonly WeightedValue[]): Bimodality | undefined {
  const points = values.filter((p) => p.value > 0 && p.weight > 0 && Number.isFinite(p.value));
  const total = points.reduce((sum, p) => sum + p.weight, 0);
  if (total < MIN_WEIGHT) return undefined;
  const logs = points.map((p) => Math.log(p.value));
  const weights = points.map((p) => p.weight);
  const mean = logs.reduce((s, x, i) => s + x * (weights[i] as number), 0) / total;
  const sd = Math.sqrt(logs.reduce((s, x, i) => s + (x - mean) ** 2 * (weights[i] as number), 0) / total);
  const iqr = weightedQuantile(logs, weights, 0.75) - weightedQuantile(logs, weights, 0.25);
  // Silverman's rule of thumb with the robust spread; it oversmooths two modes a little, which only
  // makes the test more conservative.
  const spread = iqr > 0 ? Math.min(sd, iqr / 1.34) : sd;
  const h = Math.max(MIN_BANDWIDTH, 0.9 * spread * total ** -0.2);
  const lo = Math.min(...logs) - 3 * h;
  const hi = Math.max(...logs) + 3 * h;
  const step = Math.max(h / 4, (hi - lo) / 2000);
  const grid: number[] = [];
  for (let g = lo; g <= hi; g += step) grid.push(g);
  // Unnormalized Gaussian kernel: each value is then about the count within ±1.25h, so counts can
  // be compared with Poisson noise directly.
  const density = grid.map((g) => {
    let sum = 0;
    for (let i = 0; i < logs.length; i++) {
      const z = (g - (logs[i] as number)) / h;
      if (z > -6 && z < 6) sum += (weights[i] as number) * Math.exp(-0.5 * z * z);
    }
    return sum;
  });
  let peaks = localMaxima(density);
  // Merge the weakest neighbouring pair until every remaining valley is deep and significant.
  for (;;) {
    let weakest = -1;
    let weakestZ = Number.POSITIVE_INFINITY;
    for (let k = 0; k + 1 < peaks.length; k++) {
      const a = peaks[k] as number;
      const b = peaks[k + 1] as number;
      const valley = valleyBetween(density, a, b);
      const smaller = Math.min(density[a] as number, density[b] as number);
      const v = density[valley] as number;
      const z = (smaller - v) / Math.sqrt(smaller + v);
      const ok = v <= MAX_VALLEY_RATIO * smaller && z >= MIN_DIP_Z;
      if (!ok && z < weakestZ) {
        weakestZ = z;
        weakest = k;
      }
    }
    if (weakest < 0) break;
    const a = peaks[weakest] as number;
    const b = peaks[weakest + 1] as number;
    const drop = (density[a] as number) < (density[b] as number) ? weakest : weakest + 1;
    peaks = peaks.filter((_, i) => i !== drop);
  }
  const modes = basins(density, peaks, grid, logs, weights, total);
  const main = [...modes.entries()].sort((x, y) => y[1].share - x[1].share).slice(0, 2);
  const first = main[0];
  const second = main[1];
  if (!first || !second || second[1].share < MIN_MODE_SHARE) {
    return { ratio: 0, modes: modes.map((m) => m.mode), valleyDepth: 1 };
  }
  const [left, right] = first[0] < second[0] ? [first, second] : [second, first];
  const valley = valleyBetween(density, peaks[left[0]] as number, peaks[right[0]] as number);
  const smaller = Math.min(
    density[peaks[left[0]] as number] as number,
    density[peaks[right[0]] as number] as number,
  );
  return {
    ratio: right[1].mode.location / left[1].mode.location,
    modes: modes.map((m) => m.mode),
    valleyDepth: (density[valley] as number) / smaller,
  };
}

function localMaxima(density: readonly number[]): number[] {
  const peaks: number[] = [];
  for (let i = 0; i < density.length; i++) {
    const d = density[i] as number;
    if (d <= 0) continue;
    const before = i > 0 ? (density[i - 1] as number) : 0;
    // On a flat top, only its first point counts.
    let j = i;
    while (j + 1 < density.length && density[j + 1] === d) j++;
    const after = j + 1 < density.length ? (density[j + 1] as number) : 0;
    if (d > before && d > after) peaks.push(i);
    i = j;
  }
  return peaks;
}

function valleyBetween(density: readonly number[], a: number, b: number): number {
  let at = a;
  for (let i = a; i <= b; i++) if ((density[i] as number) < (density[at] as number)) at = i;
  return at;
}

/** Splits the weight at the valleys between peaks: each mode's share of the requests. */
function basins(
  density: readonly number[],
  peaks: readonly number[],
  grid: readonly number[],
  logs: readonly number[],
  weights: readonly number[],
  total: number,
): Array<{ mode: Mode; share: number }> {
  const cuts: number[] = [];
  for (let k = 0; k + 1 < peaks.length; k++) {
    cuts.push(grid[valleyBetween(density, peaks[k] as number, peaks[k + 1] as number)] as number);
  }
  const shares = new Array<number>(peaks.length).fill(0);
  logs.forEach((x, i) => {
    let k = 0;
    while (k < cuts.length && x > (cuts[k] as number)) k++;
    shares[k] = (shares[k] ?? 0) + (weights[i] as number);
  });
  return peaks.map((p, k) => {
    const share = (shares[k] ?? 0) / total;
    return { mode: { location: Math.exp(grid[p] as number), share }, share };
  });
}
