import { median } from '../../anomaly/order-statistics.js';
import type { Signal } from '../signal.js';
import type { TraceView } from './model.js';

// What the trace signal families share: how a signal is added, the healthy baseline (the window's
// first quarter), and how a raised level and its onset are found in a sequence of calls.

export type Add = (signal: Omit<Signal, 'window'> & { window?: Signal['window'] }) => void;

/** Fewer traces than this say little about shares and medians; the signals need a sample. */
export const MIN_TRACES = 20;

/**
 * The first quarter of the window is the healthy baseline: an incident window is usually opened a
 * little before the trouble, and a quarter of a few hundred traces is enough for medians.
 */
export const BASELINE_SHARE = 0.25;

/** A median 1.5× its baseline is a raised level: run-to-run medians of 20 calls vary by about ±20%. */
export const RAISED = 1.5;

/** Calls per run when looking for a sustained level: one slow call is not a level, twenty are. */
export const RUN = 20;

/** The end of the baseline: traces and spans starting before it are the system's healthy behaviour. */
export function baselineEnd(traces: readonly TraceView[]): number {
  const start = (traces[0] as TraceView).start;
  const end = (traces[traces.length - 1] as TraceView).start;
  return start + BASELINE_SHARE * (end - start);
}

export interface Timed<T> {
  t: number;
  v: number;
  item: T;
}

/**
 * The highest sustained level after the baseline (the median of runs of consecutive calls, half
 * overlapping) and when a raised level first began: the first raised call of the first raised run,
 * not the start of the run that shows it.
 */
export function sustainedLevel<T>(
  after: ReadonlyArray<Timed<T>>,
  baseline: number,
): { level: number; example: Timed<T>; raisedAt?: number } | undefined {
  if (after.length < RUN) return undefined;
  let worst: { level: number; example: Timed<T> } | undefined;
  let raisedAt: number | undefined;
  for (let i = 0; i + RUN <= after.length; i += RUN / 2) {
    const slice = after.slice(i, i + RUN);
    const level = median(slice.map((x) => x.v));
    if (raisedAt === undefined && level > RAISED * baseline) {
      raisedAt = (slice.find((x) => x.v > RAISED * baseline) ?? (slice[0] as Timed<T>)).t;
    }
    if (!worst || level > worst.level) worst = { level, example: slice[slice.length - 1] as Timed<T> };
  }
  if (!worst) return undefined;
  return { ...worst, ...(raisedAt !== undefined ? { raisedAt } : {}) };
}

/**
 * When a sparse kind of event began in earnest: the first one followed by at least `count - 1`
 * more within `within` ms, so one stray event long before the others is not the onset.
 */
export function firstCluster(times: readonly number[], within: number, count = 3): number | undefined {
  const sorted = [...times].sort((a, b) => a - b);
  for (let i = 0; i + count - 1 < sorted.length; i++) {
    if ((sorted[i + count - 1] as number) - (sorted[i] as number) <= within) return sorted[i];
  }
  return undefined;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function percent(ratio: number): string {
  return `${(100 * ratio).toFixed(ratio < 0.1 ? 1 : 0)}%`;
}

export function ms(value: number): string {
  return value >= 10 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}

/**
 * How much a share grew from the baseline, at the low end of what the samples allow: the one-sided
 * 95% lower bound of the difference of two proportions (Agresti–Caffo: one hit and one miss added
 * to each side, so an empty baseline still has an error), floored at 0. The same steady tail
 * measured on 90 and on 270 calls differs by a few points of noise; this keeps that noise out,
 * while a new tail of several percent over a few hundred calls remains.
 */
export function excessShare(hitsBefore: number, nBefore: number, hitsAfter: number, nAfter: number): number {
  if (nBefore === 0 || nAfter === 0) return 0;
  const before = (hitsBefore + 1) / (nBefore + 2);
  const after = (hitsAfter + 1) / (nAfter + 2);
  const standardError = Math.sqrt(
    (before * (1 - before)) / (nBefore + 2) + (after * (1 - after)) / (nAfter + 2),
  );
  return Math.max(0, after - before - 1.645 * standardError);
}
