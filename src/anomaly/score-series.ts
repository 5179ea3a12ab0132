import { type AnomalyScorerOptions, OnlineAnomalyScorer, type ScoreDetail } from './scorer.js';
import { type AnomalyWindow, anomalyWindows } from './windows.js';

// A whole series scored exactly as a live feed would be: one push() per sample, in order, so the
// scores of a file and of a stream agree to the last bit.

export interface SeriesPoint {
  /** ms since the epoch. */
  timestamp: number;
  /** null for a missing sample; it keeps its place and gets no score. */
  value: number | null;
}

export interface ScoredPoint extends SeriesPoint {
  score: number | null;
}

export interface ScoredSeries {
  points: ScoredPoint[];
  windows: AnomalyWindow[];
  /** Cycle length in use at the end, ms; null when no seasonality was found. */
  periodMs: number | null;
  /** Usual sampling interval, ms. */
  intervalMs: number;
}

export function scoreSeries(
  points: readonly SeriesPoint[],
  options: AnomalyScorerOptions = {},
): ScoredSeries {
  const scorer = new OnlineAnomalyScorer(options);
  const details: ScoreDetail[] = [];
  const scored = points.map((point) => {
    const score = scorer.push(point.timestamp, point.value);
    const detail = scorer.lastDetail();
    if (detail) details.push(detail);
    return { timestamp: point.timestamp, value: point.value, score };
  });
  const intervalMs = scorer.currentIntervalMs();
  return {
    points: scored,
    windows: anomalyWindows(details, intervalMs),
    periodMs: scorer.currentPeriodMs(),
    intervalMs,
  };
}
