import { median, robustSigma } from './order-statistics.js';

// Seasonality of a metric (a daily traffic cycle, an hourly batch job): the period is the lag at
// which the series best resembles itself. The history is put on a regular time grid (irregular
// and missing samples allowed), a robust line is taken out so a trend does not pass for a long
// period, outliers are clipped, and the autocorrelation is searched for its strongest peak.

export interface PeriodEstimate {
  periodMs: number;
  /** Autocorrelation at the period, in [-1, 1]; how much of the variation repeats. */
  strength: number;
}

/** A cycle must span at least 10 samples: shorter "periods" are indistinguishable from noise wiggles. */
export const MIN_PERIOD_INTERVALS = 10;
/** 2.5 cycles must have been seen: with 2 the autocorrelation rests on a single overlap of one cycle. */
export const MIN_CYCLES = 2.5;
/** The coarse search grid has at most this many cells, which keeps it at ~0.5M operations. */
const MAX_COARSE_CELLS = 1024;
/**
 * A period must explain 30% of the (clipped, detrended) variation at its lag. Pure noise of n cells
 * gives autocorrelations of about ±2/√n (±0.06 for 1024 cells), far below; a real daily cycle with
 * noise of half its amplitude still reaches ~0.8.
 */
const MIN_STRENGTH = 0.3;
/** The peak must also rise 0.3 above the lowest autocorrelation before it: a decaying step has no peak. */
const MIN_PROMINENCE = 0.3;
/** Among peaks within 85% of the best, the shortest lag wins: 2P and 3P repeat the pattern as well as P. */
const HARMONIC_SHARE = 0.85;
/** Clipping at 4 robust σ keeps one incident from creating or hiding a period. */
const CLIP_SIGMAS = 4;

/** Regular grid of cell medians from `start`, empty cells filled by linear interpolation. */
function grid(
  times: readonly number[],
  values: readonly number[],
  start: number,
  cell: number,
  cells: number,
) {
  const buckets: number[][] = Array.from({ length: cells }, () => []);
  for (let i = 0; i < times.length; i++) {
    const index = Math.min(cells - 1, Math.floor(((times[i] as number) - start) / cell));
    if (index >= 0) buckets[index]?.push(values[i] as number);
  }
  const out = buckets.map((b) => (b.length ? median(b) : Number.NaN));
  let previous = -1;
  for (let i = 0; i < cells; i++) {
    if (Number.isNaN(out[i])) continue;
    const from = previous < 0 ? 0 : previous + 1;
    const left = previous < 0 ? (out[i] as number) : (out[previous] as number);
    for (let j = from; j < i; j++) {
      out[j] = previous < 0 ? left : left + ((out[i] as number) - left) * ((j - previous) / (i - previous));
    }
    previous = i;
  }
  for (let j = previous + 1; j < cells && previous >= 0; j++) out[j] = out[previous] as number;
  return out;
}

/** Removes a line through the medians of the two halves, then clips outliers; returns the residue. */
function detrendAndClip(series: number[]): number[] {
  const half = Math.floor(series.length / 2);
  const first = median(series.slice(0, half));
  const second = median(series.slice(half));
  const slope = (second - first) / Math.max(1, series.length - half);
  const centered = series.map((v, i) => v - first - slope * (i - (half - 1) / 2));
  const center = median(centered);
  const sigma = robustSigma(centered, center);
  const bound = CLIP_SIGMAS * (sigma || 1);
  return centered.map((v) => Math.min(center + bound, Math.max(center - bound, v)));
}

function autocorrelation(series: readonly number[], lag: number, mean: number, variance: number): number {
  let sum = 0;
  const pairs = series.length - lag;
  for (let i = 0; i < pairs; i++)
    sum += ((series[i] as number) - mean) * ((series[i + lag] as number) - mean);
  return pairs > 0 && variance > 0 ? sum / pairs / variance : 0;
}

function moments(series: readonly number[]): { mean: number; variance: number } {
  const mean = series.reduce((s, v) => s + v, 0) / series.length;
  const variance = series.reduce((s, v) => s + (v - mean) ** 2, 0) / series.length;
  return { mean, variance };
}

/**
 * The dominant period of the history, or null when none is convincing. `intervalMs` is the usual
 * spacing of the samples; the result is a whole number of intervals refined to a fraction by a
 * parabola through the autocorrelation peak.
 */
export function detectPeriod(
  times: readonly number[],
  values: readonly number[],
  intervalMs: number,
): PeriodEstimate | null {
  if (times.length < 4 * MIN_PERIOD_INTERVALS || !(intervalMs > 0)) return null;
  const start = times[0] as number;
  const span = (times[times.length - 1] as number) - start;
  const minPeriod = MIN_PERIOD_INTERVALS * intervalMs;
  if (span < MIN_CYCLES * minPeriod) return null;

  const cell = Math.max(intervalMs, span / MAX_COARSE_CELLS);
  const cells = Math.floor(span / cell) + 1;
  const coarse = detrendAndClip(grid(times, values, start, cell, cells));
  const { mean, variance } = moments(coarse);
  if (!(variance > 0)) return null;
  const maxLag = Math.floor(cells / MIN_CYCLES);
  const minLag = Math.ceil(minPeriod / cell);
  if (maxLag < minLag + 1) return null;
  const acf = [1];
  for (let lag = 1; lag <= maxLag + 1; lag++) acf.push(autocorrelation(coarse, lag, mean, variance));

  const peaks: Array<{ lag: number; value: number }> = [];
  let lowest = 1;
  for (let lag = 1; lag <= maxLag; lag++) {
    const value = acf[lag] as number;
    lowest = Math.min(lowest, value);
    const isPeak = value >= (acf[lag - 1] as number) && value >= (acf[lag + 1] as number);
    if (lag >= minLag && isPeak && value >= MIN_STRENGTH && value - lowest >= MIN_PROMINENCE) {
      peaks.push({ lag, value });
    }
  }
  if (peaks.length === 0) return null;
  const best = Math.max(...peaks.map((p) => p.value));
  const chosen = peaks.find((p) => p.value >= HARMONIC_SHARE * best) as { lag: number; value: number };
  return (
    refine(times, values, intervalMs, chosen.lag * cell, cell) ?? {
      periodMs: chosen.lag * cell,
      strength: chosen.value,
    }
  );
}

/** Strength of a known period on the fine grid; lets a running detector keep a period it already uses. */
export function periodStrength(
  times: readonly number[],
  values: readonly number[],
  intervalMs: number,
  periodMs: number,
): number {
  const fine = fineGrid(times, values, intervalMs);
  if (!fine) return 0;
  const lag = Math.round(periodMs / intervalMs);
  if (lag < 1 || lag >= fine.series.length / 2) return 0;
  return autocorrelation(fine.series, lag, fine.mean, fine.variance);
}

function fineGrid(times: readonly number[], values: readonly number[], intervalMs: number) {
  const start = times[0] as number;
  const span = (times[times.length - 1] as number) - start;
  const cells = Math.floor(span / intervalMs) + 1;
  if (cells < 4) return null;
  const series = detrendAndClip(grid(times, values, start, intervalMs, cells));
  const { mean, variance } = moments(series);
  return variance > 0 ? { series, mean, variance } : null;
}

/** Searches one coarse cell either side of the coarse peak at the sampling resolution. */
function refine(
  times: readonly number[],
  values: readonly number[],
  intervalMs: number,
  coarsePeriod: number,
  cell: number,
): PeriodEstimate | null {
  if (cell <= intervalMs) return null;
  const fine = fineGrid(times, values, intervalMs);
  if (!fine) return null;
  const from = Math.max(MIN_PERIOD_INTERVALS, Math.floor((coarsePeriod - cell) / intervalMs));
  const to = Math.min(Math.floor(fine.series.length / 2), Math.ceil((coarsePeriod + cell) / intervalMs));
  let bestLag = -1;
  let bestValue = Number.NEGATIVE_INFINITY;
  const at = (lag: number) => autocorrelation(fine.series, lag, fine.mean, fine.variance);
  for (let lag = from; lag <= to; lag++) {
    const value = at(lag);
    if (value > bestValue) {
      bestValue = value;
      bestLag = lag;
    }
  }
  if (bestLag < 0) return null;
  const left = at(bestLag - 1);
  const right = at(bestLag + 1);
  const curvature = left - 2 * bestValue + right;
  const offset = curvature < 0 ? Math.max(-0.5, Math.min(0.5, (left - right) / (2 * curvature))) : 0;
  return { periodMs: (bestLag + offset) * intervalMs, strength: bestValue };
}
