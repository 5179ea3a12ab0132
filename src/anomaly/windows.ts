import { median } from './order-statistics.js';
import { FLAG_SCORE, type ScoreDetail } from './scorer.js';

// Flagged points grouped into windows, each named by the shape of what happened. The grouping runs
// after scoring and uses only what the scorer reported, so it never changes a score.

export const ANOMALY_KINDS = ['spike', 'level-shift', 'trend', 'excursion', 'seasonal'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

export interface AnomalyWindow {
  /** First and last flagged sample, ms. */
  start: number;
  end: number;
  peakScore: number;
  direction: 'up' | 'down';
  /**
   * spike: a few samples out of line; level-shift: the series settled at a new level (the baseline
   * re-anchored); trend: the errors grew steadily before crossing the line (a changed slope);
   * excursion: a sustained departure that came back; seasonal: the value is ordinary for the series
   * but not for this phase of its cycle.
   */
  kind: AnomalyKind;
}

/** A window stays open through samples scoring ≥ 0.5: half-way up the scale is still clearly unusual. */
const CONTINUE_SCORE = 0.5;
/** Windows of one direction less than 3 intervals apart are one event interrupted by noise. */
const MERGE_GAP = 3;
/** A spike lasts at most 2 intervals (up to three consecutive samples). */
const SPIKE_SPAN = 2;
/** A re-anchoring up to 10 intervals after the window (the scorer's acceptance time) confirms a shift. */
const SHIFT_CONFIRM = 10;
/**
 * A window is a trend change when the slope of the values after it differs from the slope before
 * it by enough to move the series 4 σ over a level window (30 intervals). Slopes from 15 noisy
 * samples a side make that difference vary by ~1.3 σ, so a plain shift is rarely called a trend.
 */
const SLOPE_SPAN = 30;
const SLOPE_CHANGE_SIGMAS = 4;
/** A seasonal anomaly's value lies within the middle 90% of the previous cycle's values. */
const ORDINARY_RANGE = [0.05, 0.95] as const;

interface Segment {
  from: number;
  to: number;
  peak: number;
}

/** Windows from the scorer's details in time order (missing samples already left out). */
export function anomalyWindows(details: readonly ScoreDetail[], intervalMs: number): AnomalyWindow[] {
  const segments: Segment[] = [];
  let open: Segment | null = null;
  let flagged = false;
  const close = () => {
    if (open && flagged) segments.push(open);
    open = null;
    flagged = false;
  };
  details.forEach((d, i) => {
    if (d.score < CONTINUE_SCORE) {
      close();
      return;
    }
    if (open && sideOf(details[open.to] as ScoreDetail) !== sideOf(d)) close();
    if (!open) open = { from: i, to: i, peak: i };
    open.to = i;
    if (d.score > (details[open.peak] as ScoreDetail).score) open.peak = i;
    if (d.score >= FLAG_SCORE) flagged = true;
  });
  close();

  const merged: Segment[] = [];
  for (const segment of segments) {
    const last = merged[merged.length - 1];
    const gap = last
      ? (details[segment.from] as ScoreDetail).timestamp - (details[last.to] as ScoreDetail).timestamp
      : Number.POSITIVE_INFINITY;
    if (
      last &&
      gap <= MERGE_GAP * intervalMs &&
      sideOf(details[last.peak] as ScoreDetail) === sideOf(details[segment.peak] as ScoreDetail)
    ) {
      last.to = segment.to;
      if ((details[segment.peak] as ScoreDetail).score > (details[last.peak] as ScoreDetail).score) {
        last.peak = segment.peak;
      }
    } else {
      merged.push({ ...segment });
    }
  }
  return merged.map((segment) => describe(details, segment, intervalMs));
}

/** A sample scored for a sustained shift belongs to the shift's side, whatever its own error. */
function sideOf(detail: ScoreDetail): 'up' | 'down' {
  if (detail.shift) return detail.shift.sign > 0 ? 'up' : 'down';
  return detail.residual >= 0 ? 'up' : 'down';
}

/**
 * First sample of the window: a sustained shift is found some samples after it began, and the
 * scorer reports where its evidence started (the CUSUM's change-point estimate); the window opens there.
 */
function startOf(details: readonly ScoreDetail[], segment: Segment): number {
  let start = (details[segment.from] as ScoreDetail).timestamp;
  for (let i = segment.from; i <= segment.to; i++) {
    const shift = (details[i] as ScoreDetail).shift;
    if (shift && shift.start < start) start = shift.start;
  }
  return start;
}

function describe(details: readonly ScoreDetail[], segment: Segment, intervalMs: number): AnomalyWindow {
  const last = details[segment.to] as ScoreDetail;
  const peak = details[segment.peak] as ScoreDetail;
  const direction = sideOf(peak);
  return {
    start: startOf(details, segment),
    end: last.timestamp,
    peakScore: peak.score,
    direction,
    kind: kindOf(details, segment, direction, intervalMs),
  };
}

function kindOf(
  details: readonly ScoreDetail[],
  segment: Segment,
  direction: 'up' | 'down',
  intervalMs: number,
): AnomalyKind {
  const last = details[segment.to] as ScoreDetail;
  const peak = details[segment.peak] as ScoreDetail;
  if (ordinaryForTheSeries(details, segment.peak, peak)) return 'seasonal';
  const sign = direction === 'up' ? 1 : -1;
  const drifting = slopeChange(details, segment, intervalMs) >= SLOPE_CHANGE_SIGMAS;
  let reanchored = false;
  for (let i = segment.from; i < details.length; i++) {
    const d = details[i] as ScoreDetail;
    if (d.timestamp > last.timestamp + SHIFT_CONFIRM * intervalMs) break;
    if (d.reanchored && (sideOf(d) === 'up' ? 1 : -1) === sign) reanchored = true;
  }
  if (drifting) return 'trend';
  if (reanchored) return 'level-shift';
  if (last.timestamp - startOf(details, segment) <= SPIKE_SPAN * intervalMs) return 'spike';
  return 'excursion';
}

/** Change of slope across the window, as the distance it adds up to over SLOPE_SPAN, in σ. */
function slopeChange(details: readonly ScoreDetail[], segment: Segment, intervalMs: number): number {
  const from = startOf(details, segment);
  const last = details[segment.to] as ScoreDetail;
  const scale = (details[segment.peak] as ScoreDetail).scale;
  const before = details.filter((d) => d.timestamp < from && d.timestamp >= from - SLOPE_SPAN * intervalMs);
  const after = details.filter(
    (d) => d.timestamp > last.timestamp && d.timestamp <= last.timestamp + SLOPE_SPAN * intervalMs,
  );
  const a = slopeOf(before);
  const b = slopeOf(after);
  if (a === null || b === null || !(scale > 0)) return 0;
  return (Math.abs(b - a) * SLOPE_SPAN * intervalMs) / scale;
}

/** Slope through the medians of the two halves; null with fewer than 3 samples a half. */
function slopeOf(points: readonly ScoreDetail[]): number | null {
  const half = Math.floor(points.length / 2);
  if (half < 3) return null;
  const first = points.slice(0, half);
  const second = points.slice(points.length - half);
  const dt = median(second.map((d) => d.timestamp)) - median(first.map((d) => d.timestamp));
  return dt > 0 ? (median(second.map((d) => d.value)) - median(first.map((d) => d.value))) / dt : null;
}

/** True when the cycle is in use and the peak value is ordinary among the previous cycle's values. */
function ordinaryForTheSeries(
  details: readonly ScoreDetail[],
  peakIndex: number,
  peak: ScoreDetail,
): boolean {
  if (peak.periodMs === null) return false;
  const values: number[] = [];
  for (let i = peakIndex - 1; i >= 0; i--) {
    const d = details[i] as ScoreDetail;
    if (d.timestamp < peak.timestamp - peak.periodMs) break;
    values.push(d.value);
  }
  if (values.length < 10) return false;
  values.sort((a, b) => a - b);
  const low = values[Math.floor(ORDINARY_RANGE[0] * (values.length - 1))] as number;
  const high = values[Math.ceil(ORDINARY_RANGE[1] * (values.length - 1))] as number;
  return peak.value >= low && peak.value <= high;
}
