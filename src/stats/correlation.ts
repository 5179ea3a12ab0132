import { sampleCorrelation } from 'simple-statistics';
import { ranks } from './robust.js';

// Correlations: Spearman's rho (ranks, so any monotone relation counts, and outliers weigh no more
// than other points) and Pearson's r from running sums (what the bundle keeps for payload sizes).

/** Spearman rank correlation of paired values; NaN when fewer than 3 pairs or either side is constant. */
export function spearman(x: readonly number[], y: readonly number[]): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const a = x[i] as number;
    const b = y[i] as number;
    if (Number.isFinite(a) && Number.isFinite(b)) {
      xs.push(a);
      ys.push(b);
    }
  }
  if (xs.length < 3) return Number.NaN;
  const rx = ranks(xs);
  const ry = ranks(ys);
  if (rx.every((r) => r === rx[0]) || ry.every((r) => r === ry[0])) return Number.NaN;
  return sampleCorrelation(rx, ry);
}

export interface PairSums {
  n: number;
  sumX: number;
  sumY: number;
  sumXX: number;
  sumYY: number;
  sumXY: number;
}

/** Pearson correlation from sums; NaN when either variable has no variance. */
export function pearsonFromSums(s: PairSums): number {
  const vx = s.n * s.sumXX - s.sumX * s.sumX;
  const vy = s.n * s.sumYY - s.sumY * s.sumY;
  // Relative tolerance: the sums of identical values cancel only up to rounding.
  if (!(vx > 1e-12 * s.n * s.sumXX) || !(vy > 1e-12 * s.n * s.sumYY)) return Number.NaN;
  const r = (s.n * s.sumXY - s.sumX * s.sumY) / Math.sqrt(vx * vy);
  return Math.max(-1, Math.min(1, r));
}
