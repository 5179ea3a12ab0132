import jStat from 'jstat';
import { median } from './robust.js';

// Monotone trend: the Mann–Kendall rank test (does the series keep rising or falling, whatever the
// shape?) and the Theil–Sen slope (by how much, robust to outliers: the median of all pairwise
// slopes). Both ignore the noise distribution, which for per-bucket latency quantiles is skewed.

export interface MannKendall {
  /** S: concordant minus discordant pairs (in time order). */
  s: number;
  /** Kendall's tau-a: S divided by the number of pairs, -1..1. */
  tau: number;
  /** Normal score with the continuity correction. */
  z: number;
  /** Two-sided p-value. */
  p: number;
  n: number;
}

/** Mann–Kendall test; ties get the usual variance correction. Needs at least 3 finite values. */
export function mannKendall(series: readonly number[]): MannKendall | undefined {
  const xs = series.filter(Number.isFinite);
  const n = xs.length;
  if (n < 3) return undefined;
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    const xi = xs[i] as number;
    for (let j = i + 1; j < n; j++) s += Math.sign((xs[j] as number) - xi);
  }
  const tieCounts = new Map<number, number>();
  for (const x of xs) tieCounts.set(x, (tieCounts.get(x) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of tieCounts.values()) if (t > 1) tieTerm += t * (t - 1) * (2 * t + 5);
  const variance = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  const z = variance > 0 ? (s - Math.sign(s)) / Math.sqrt(variance) : 0;
  const p = Math.min(1, 2 * (1 - jStat.normal.cdf(Math.abs(z), 0, 1)));
  return { s, tau: s / ((n * (n - 1)) / 2), z, p, n };
}

/** Theil–Sen slope of y against x (median of pairwise slopes over pairs with distinct x). */
export function theilSen(x: readonly number[], y: readonly number[]): { slope: number; intercept: number } {
  const slopes: number[] = [];
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n - 1; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = (x[j] as number) - (x[i] as number);
      const dy = (y[j] as number) - (y[i] as number);
      if (dx !== 0 && Number.isFinite(dy)) slopes.push(dy / dx);
    }
  }
  const slope = median(slopes);
  if (Number.isNaN(slope)) return { slope: Number.NaN, intercept: Number.NaN };
  const intercept = median(Array.from({ length: n }, (_, i) => (y[i] as number) - slope * (x[i] as number)));
  return { slope, intercept };
}
