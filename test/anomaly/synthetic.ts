import type { SeriesPoint } from '../../src/anomaly/score-series.js';

// Seeded synthetic metrics for the anomaly scorer's tests: the same seed gives the same series, so
// every measured rate below is reproducible.

export const MINUTE = 60_000;
export const DAY = 1440 * MINUTE;
export const START = Date.UTC(2024, 0, 1);

/** mulberry32: a small 32-bit generator with good statistical quality for test data. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box–Muller). */
export function gaussian(random: () => number): () => number {
  return () => {
    const u = Math.max(random(), Number.MIN_VALUE);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
}

/** Student-t draws with `df` degrees of freedom: a normal over the root of a scaled chi-square. */
export function studentT(random: () => number, df: number): () => number {
  const normal = gaussian(random);
  return () => {
    let chi = 0;
    for (let i = 0; i < df; i++) chi += normal() ** 2;
    return normal() / Math.sqrt(chi / df);
  };
}

/** `count` samples every `stepMs` from START with value f(i, t). */
export function series(
  count: number,
  stepMs: number,
  f: (i: number, t: number) => number | null,
): SeriesPoint[] {
  return Array.from({ length: count }, (_, i) => {
    const timestamp = START + i * stepMs;
    return { timestamp, value: f(i, timestamp) };
  });
}

/** A daily cycle (low at night, high in the afternoon) of the given amplitude around `level`. */
export function dailyCycle(t: number, level: number, amplitude: number): number {
  const phase = ((t - START) % DAY) / DAY;
  return level + amplitude * Math.sin(2 * Math.PI * (phase - 0.25));
}
