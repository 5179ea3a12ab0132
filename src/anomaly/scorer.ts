import { median, quantile, robustSigma } from './order-statistics.js';
import { detectPeriod, periodStrength } from './period.js';
import { ShiftDetector } from './shift-cusum.js';

// Online anomaly score for one metric. Each point is compared with an expectation built only from
// earlier points, so the same object scores a live feed: push() one sample at a time.
//
// The expectation has three parts:
// - seasonality: once the history shows a repeating cycle (see period.ts), each value is first
//   compared with the same phase of up to four earlier cycles, measured from each cycle's own
//   level, so a daily peak is not an anomaly and a night-time value at day-time level is;
// - level and trend: a robust line through the recent deseasonalized values (medians of the two
//   halves of a trend window, projected to now from the median of a shorter level window), so a
//   steady trend is followed rather than flagged and one wild point cannot move the line;
// - noise: the robust spread (MAD) of recent prediction errors, and the 99th percentile of recent
//   standardized errors, which measures how heavy the tails of this metric's noise are.
// A point scores high on its own (a spike) or as part of a sustained change: a two-sided CUSUM on
// the standardized errors (shift-cusum.ts) finds a 2σ–3σ shift that no single sample reveals, and
// dates it to where its evidence began. When a change is confirmed, or the errors stay on one side
// for a while, the baseline is re-anchored to the start of the change: the change is flagged while
// it is new, then becomes normal.
//
// Every window is a span of time, measured in multiples of the usual sampling interval (the median
// gap), so missing samples and irregular spacing shorten a window's content, never stretch it.

export interface AnomalyScorerOptions {
  /** Usual spacing of the samples, in ms; by default the median gap of the samples seen so far. */
  intervalMs?: number;
  /** 'auto' (default) detects a cycle from the data; 'off' ignores seasonality; a number fixes the period in ms. */
  seasonality?: 'auto' | 'off' | number;
}

export interface ScoreDetail {
  timestamp: number;
  value: number;
  /** Anomaly score in [0, 1]; 0 while the scorer is still learning the series. */
  score: number;
  /** What the scorer expected from earlier points; null while warming up. */
  expected: number | null;
  /** value − expected, 0 while warming up. */
  residual: number;
  /** Robust noise level the residual was measured against (same unit as the value). */
  scale: number;
  /** Cycle length in ms used for this point, null when no seasonality was used. */
  periodMs: number | null;
  /** The baseline was moved to a sustained new level (or slope) after this point. */
  reanchored: boolean;
  /**
   * Set when the score comes from accumulated evidence of a sustained shift rather than from this
   * sample alone: the shift's direction and its estimated first sample (ms).
   */
  shift: { sign: 1 | -1; start: number } | null;
}

/** Score at or above which a point is flagged; also where a flagged value stops feeding the baseline at face value. */
export const FLAG_SCORE = 0.8;

// Window lengths, in sampling intervals.
/** The level is the median of the last 30 intervals: after a shift half of them are new within 15. */
const LEVEL_WINDOW = 30;
/** The slope compares the medians of two 60-interval halves: noise moves it by < 0.1 σ per 15 intervals. */
const TREND_WINDOW = 120;
/** The noise scale is the MAD of 240 intervals of errors: stable to ±5%, still follows a change of regime. */
const SCALE_WINDOW = 240;
/** Tail heaviness is a 99th percentile: 1440 intervals put ~14 errors beyond it (one day at 1 minute). */
const CALIBRATION_WINDOW = 1440;
/** A run of same-sided errors lasting 10 intervals (and 5 samples) is a new level, not noise. */
const SHIFT_ACCEPT = 10;
const SHIFT_MIN_POINTS = 5;
/** A run survives a gap of up to 3 intervals (missing samples) between its points. */
const RUN_GAP = 3;
/** Samples kept: 20000 intervals (two weeks at 1 minute), and always five cycles of a detected period. */
const HISTORY_WINDOW = 20_000;
/** Up to four earlier cycles vote on the seasonal shape; their median ignores one unusual day. */
const REFERENCE_CYCLES = 4;
/** A cycle's level is the median of ≤ 97 evenly spread samples of it: accurate to ~0.1 σ, and cheap. */
const CYCLE_LEVEL_SAMPLES = 97;
/** Interpolating a reference needs neighbours at most 3 intervals apart. */
const REFERENCE_GAP = 3;

/** Fewer than 5 samples cannot give a median that one outlier does not move. */
const MIN_MODEL_POINTS = 5;
/** Scores stay 0 until 20 prediction errors give a noise scale (MAD of 20 is within ±30% of σ). */
const WARMUP_RESIDUALS = 20;
/** Below 200 errors the 99th percentile is underestimated; the tail unit is widened in proportion. */
const CALIBRATION_FULL = 200;
/** The 99th percentile of |z| for normal noise: the tail unit never assumes lighter tails than Gaussian. */
const GAUSSIAN_Q99 = 2.576;
/**
 * The score rises linearly from 0 at the 99th percentile of past errors (u = 1) to 1 at 2.5 times
 * it. FLAG_SCORE 0.8 is u = 2.2: 5.7 σ for normal noise (~1e-8 per point) and, because the unit
 * follows the observed tail, ~11 robust σ for Student-t(3) noise (~0.1% per point).
 */
const SCORE_SPAN = 1.5;
const FLAG_U = 1 + FLAG_SCORE * SCORE_SPAN;
/**
 * The persistent error is the median of 60 intervals of errors: within ±0.16 σ, and it follows an
 * offset that changes over hours. At least 20 errors are needed to tell an offset from noise.
 */
const BIAS_WINDOW = 60;
const MIN_BIAS_ERRORS = 20;
/** The period is looked for again whenever the history has grown by 10% of its span. */
const PERIOD_RECHECK_GROWTH = 0.1;
/** A period in use is kept while it still explains 20% of the variation (it was adopted at 30%). */
const KEEP_PERIOD_STRENGTH = 0.2;
/** How often (in samples) the usual interval is measured again, from the last 1024 gaps. */
const INTERVAL_REFRESH = 64;
const INTERVAL_GAPS = 1024;

interface Run {
  start: number;
  last: number;
  sign: number;
  points: number;
}

export class OnlineAnomalyScorer {
  private readonly options: AnomalyScorerOptions;
  private readonly times: number[] = [];
  private readonly values: number[] = [];
  /** Values as the seasonal references see them: flagged values are pulled in to the flag bound. */
  private readonly clean: number[] = [];
  /** Prediction errors (winsorized at the flag bound), NaN while warming up. */
  private readonly residuals: number[] = [];
  /** |standardized error|, flagged ones pulled in to the tail unit; NaN while warming up. */
  private readonly zAbs: number[] = [];
  /** Deseasonalized values and cycle levels, cached per point for the current period. */
  private readonly deseasonalized: number[] = [];
  private readonly cycleLevels: number[] = [];
  private lastTime = Number.NEGATIVE_INFINITY;
  private interval = 0;
  private periodMs: number | null = null;
  private periodCheckedAt = Number.NEGATIVE_INFINITY;
  private anchorTime = Number.NEGATIVE_INFINITY;
  private slopeAnchorTime = Number.NEGATIVE_INFINITY;
  private frozenSlope = 0;
  private run: Run | null = null;
  private readonly shifts = new ShiftDetector();
  private detail: ScoreDetail | null = null;

  constructor(options: AnomalyScorerOptions = {}) {
    if (options.intervalMs !== undefined && !(options.intervalMs > 0)) {
      throw new RangeError('intervalMs must be a positive number of milliseconds');
    }
    if (typeof options.seasonality === 'number' && !(options.seasonality > 0)) {
      throw new RangeError('a fixed seasonality must be a positive period in milliseconds');
    }
    this.options = options;
    if (typeof options.seasonality === 'number') this.periodMs = options.seasonality;
  }

  /**
   * Scores one sample (timestamp in ms, strictly after the previous one) against the earlier ones,
   * then learns from it. A missing value (null or NaN) returns null and teaches nothing.
   */
  push(timestamp: number, value: number | null): number | null {
    if (!Number.isFinite(timestamp)) throw new RangeError(`timestamp ${timestamp} is not a finite number`);
    if (timestamp <= this.lastTime) {
      throw new RangeError(`timestamp ${timestamp} is not after the previous one (${this.lastTime})`);
    }
    this.lastTime = timestamp;
    if (value === null || !Number.isFinite(value)) {
      this.detail = null;
      return null;
    }
    this.refreshInterval();
    this.refreshPeriod();
    const detail = this.score(timestamp, value);
    this.detail = detail;
    return detail.score;
  }

  /** Details of the last scored sample (null after a missing value). */
  lastDetail(): ScoreDetail | null {
    return this.detail;
  }

  /** Cycle length in use, ms; null when the series shows no seasonality (yet). */
  currentPeriodMs(): number | null {
    return this.periodMs;
  }

  /** Usual sampling interval in ms as currently measured (0 before two samples). */
  currentIntervalMs(): number {
    return this.interval;
  }

  private score(t: number, v: number): ScoreDetail {
    const seasonal = this.seasonalBefore(this.times.length, t);
    const e = v - seasonal;
    const model = this.model(t);
    const detail: ScoreDetail = {
      timestamp: t,
      value: v,
      score: 0,
      expected: null,
      residual: 0,
      scale: 0,
      periodMs: this.periodMs,
      reanchored: false,
      shift: null,
    };
    let residual = Number.NaN;
    let z = Number.NaN;
    let flagBound = Number.POSITIVE_INFINITY;
    let calibration = Number.NaN;
    let clean = v;
    if (model) {
      const expected = model.level + seasonal;
      residual = e - model.level;
      detail.expected = expected;
      detail.residual = residual;
      const noise = this.noise();
      if (noise) {
        // A perfectly flat history has no spread; any change from it is then maximally surprising.
        const scale = noise.sigma > 0 ? noise.sigma : Number.EPSILON * Math.max(1, Math.abs(expected));
        z = residual / scale;
        const u = Math.abs(z) / noise.tailUnit;
        const pointScore = Math.min(1, Math.max(0, (u - 1) / SCORE_SPAN));
        this.shifts.calibrate(() => this.finiteFrom(this.zAbs, noise.calibrationFrom), noise.widen);
        const shift = this.shifts.add(
          t,
          e,
          {
            levelBefore: (before, at) => this.levelBefore(before, at, model.slope),
            level: () => model.level,
            bias: () => this.bias(t),
            slope: model.slope,
          },
          scale,
        );
        const sustained = shift ? shiftScore(shift.ratio) : 0;
        detail.scale = scale;
        detail.score = Math.max(pointScore, sustained);
        if (shift && sustained > 0 && sustained >= pointScore) {
          detail.shift = { sign: shift.sign, start: shift.start };
        }
        flagBound = FLAG_U * noise.tailUnit;
        if (Math.abs(z) > flagBound) clean = expected + Math.sign(residual) * flagBound * scale;
        // A flagged error counts as sitting at the current tail unit: it is beyond the 99th
        // percentile either way, and a burst of them (a shift) must not widen the unit it is judged by.
        calibration = Math.min(
          Math.abs(z),
          pointScore >= FLAG_SCORE ? noise.tailUnit : Number.POSITIVE_INFINITY,
        );
        residual = Math.max(-flagBound * scale, Math.min(flagBound * scale, residual));
        // A confirmed shift moves the baseline once it has MIN_MODEL_POINTS samples: the new level is
        // their median. Its samples were measured against the old level, so they leave the noise
        // estimates (this one included), which would otherwise widen to the size of the shift.
        if (shift && shift.ratio >= 1 && shift.points >= MIN_MODEL_POINTS) {
          this.reanchor(shift.start, model.slope);
          detail.reanchored = true;
          residual = Number.NaN;
          calibration = Number.NaN;
        } else {
          // The shift evidence keeps its own reference level, so it goes on through this re-anchoring.
          detail.reanchored = this.trackRun(t, residual, u, model.slope);
        }
      }
    }
    this.times.push(t);
    this.values.push(v);
    this.clean.push(clean);
    this.residuals.push(residual);
    this.zAbs.push(calibration);
    this.deseasonalized.push(e);
    this.cycleLevels.push(Number.NaN);
    this.prune(t);
    return detail;
  }

  /** Level expected at `t` (deseasonalized) and the slope used, from earlier samples only. */
  private model(t: number): { level: number; slope: number } | null {
    const n = this.times.length;
    if (n < MIN_MODEL_POINTS || !(this.interval > 0)) return null;
    const lastTime = this.times[n - 1] as number;
    const levelFrom = this.indexAtOrAfter(Math.max(lastTime - LEVEL_WINDOW * this.interval, this.anchorTime));
    if (n - levelFrom < MIN_MODEL_POINTS) return null;
    const slope = this.slope(lastTime);
    const projected: number[] = [];
    for (let i = levelFrom; i < n; i++) {
      projected.push(this.deseasonalizedAt(i) + slope * (t - (this.times[i] as number)));
    }
    return { level: median(projected), slope };
  }

  /**
   * Robust slope: the change between the medians of the two halves of the trend window. Until a
   * re-anchored baseline has a level window's worth of history, the slope from before is kept.
   */
  private slope(lastTime: number): number {
    const from = this.indexAtOrAfter(Math.max(lastTime - TREND_WINDOW * this.interval, this.slopeAnchorTime));
    const n = this.times.length;
    const start = this.times[from] as number;
    // From the first samples on, 10 intervals give a usable slope; after a re-anchoring the new slope
    // needs a whole level window, because the old one is a better guess than a noisy short fit.
    const needed = this.slopeAnchorTime === Number.NEGATIVE_INFINITY ? SHIFT_ACCEPT : LEVEL_WINDOW;
    if (lastTime - start < needed * this.interval) return this.frozenSlope;
    const middle = start + (lastTime - start) / 2;
    const split = this.indexAtOrAfter(middle, from);
    if (split - from < 3 || n - split < 3) return this.frozenSlope;
    const firstValues: number[] = [];
    const secondValues: number[] = [];
    for (let i = from; i < n; i++) (i < split ? firstValues : secondValues).push(this.deseasonalizedAt(i));
    const firstTime = median(this.times.slice(from, split));
    const secondTime = median(this.times.slice(split, n));
    return (median(secondValues) - median(firstValues)) / (secondTime - firstTime);
  }

  /** Noise scale and tail unit from recent prediction errors; null until there are enough. */
  private noise(): { sigma: number; tailUnit: number; widen: number; calibrationFrom: number } | null {
    const n = this.times.length;
    const lastTime = this.times[n - 1] as number;
    const recent = this.finiteFrom(
      this.residuals,
      this.indexAtOrAfter(lastTime - SCALE_WINDOW * this.interval),
    );
    if (recent.length < WARMUP_RESIDUALS) return null;
    // Values rounded to a unit (integer counts, one decimal) cannot be predicted closer than half that
    // unit; without this floor a perfectly regular rounded series would make rounding an anomaly.
    const sigma = Math.max(robustSigma(recent), this.resolution(n) / 2);
    const calibrationFrom = this.indexAtOrAfter(lastTime - CALIBRATION_WINDOW * this.interval);
    const calibration = this.finiteFrom(this.zAbs, calibrationFrom);
    const q99 = calibration.length ? quantile(calibration, 0.99) : GAUSSIAN_Q99;
    const shortfall = Math.max(0, CALIBRATION_FULL - calibration.length) / CALIBRATION_FULL;
    const widen = 1 + shortfall;
    return { sigma, tailUnit: Math.max(GAUSSIAN_Q99, q99) * widen, widen, calibrationFrom };
  }

  /**
   * Level expected at `t` from the level window before `before` (and after the anchor), projected
   * along `slope`: the model's level as it was before a suspected change, with today's slope, which
   * keeps improving while the change is weighed. Null with fewer than MIN_MODEL_POINTS samples.
   */
  private levelBefore(before: number, t: number, slope: number): number | null {
    const to = this.indexAtOrAfter(before);
    const from = this.indexAtOrAfter(Math.max(before - LEVEL_WINDOW * this.interval, this.anchorTime));
    if (to - from < MIN_MODEL_POINTS) return null;
    const projected: number[] = [];
    for (let i = from; i < to; i++)
      projected.push(this.deseasonalizedAt(i) + slope * (t - (this.times[i] as number)));
    return median(projected);
  }

  /**
   * Typical recent prediction error: the median of the errors of the last BIAS_WINDOW intervals,
   * 0 with fewer than MIN_BIAS_ERRORS of them. A model that is slightly off for hours (a curved
   * stretch of a cycle not yet learned, a period a few minutes off) leaves such a persistent error;
   * the shift evidence is measured from where the errors have been, so it sees a change, not that offset.
   */
  private bias(t: number): number {
    const from = Math.max(t - BIAS_WINDOW * this.interval, this.anchorTime);
    const recent = this.finiteFrom(this.residuals, this.indexAtOrAfter(from));
    return recent.length >= MIN_BIAS_ERRORS ? median(recent) : 0;
  }

  /** Smallest step between recent consecutive values: the unit the metric is rounded to. */
  private resolution(n: number): number {
    let smallest = Number.POSITIVE_INFINITY;
    const from = this.indexAtOrAfter((this.times[n - 1] as number) - SCALE_WINDOW * this.interval);
    for (let i = Math.max(1, from); i < n; i++) {
      const step = Math.abs((this.values[i] as number) - (this.values[i - 1] as number));
      if (step > 0 && step < smallest) smallest = step;
    }
    return Number.isFinite(smallest) ? smallest : 0;
  }

  /**
   * Follows runs of errors on one side. A run starts beyond the 99% band (u ≥ 1) and continues while
   * errors stay on that side and above half the band; one that lasts SHIFT_ACCEPT is a new normal.
   */
  private trackRun(t: number, residual: number, u: number, slope: number): boolean {
    const sign = Math.sign(residual);
    const run = this.run;
    if (run && run.sign === sign && u >= 0.5 && t - run.last <= RUN_GAP * this.interval) {
      run.last = t;
      run.points++;
    } else if (u >= 1) {
      this.run = { start: t, last: t, sign, points: 1 };
    } else {
      this.run = null;
    }
    const current = this.run;
    if (!current || current.points < SHIFT_MIN_POINTS || t - current.start < SHIFT_ACCEPT * this.interval) {
      return false;
    }
    this.moveAnchor(current.start, slope);
    return true;
  }

  /** Re-anchors to a shift confirmed by the CUSUM at `start`; its errors leave the noise estimates. */
  private reanchor(start: number, slope: number): void {
    this.moveAnchor(start, slope);
    for (let i = this.indexAtOrAfter(start); i < this.times.length; i++) {
      this.residuals[i] = Number.NaN;
      this.zAbs[i] = Number.NaN;
    }
    this.shifts.reset();
  }

  private moveAnchor(start: number, slope: number): void {
    // A new trend re-anchors repeatedly while its slope is learned; the slope window keeps the first anchor.
    if (start - this.slopeAnchorTime > TREND_WINDOW * this.interval) {
      this.slopeAnchorTime = start;
      this.frozenSlope = slope;
    }
    this.anchorTime = start;
    this.run = null;
  }

  /** Clean value at time `reference`, interpolated between neighbours; null across a gap. */
  private cleanAt(reference: number): { value: number; nearest: number } | null {
    const after = this.indexAtOrAfter(reference);
    const before = after - 1;
    const n = this.times.length;
    const tAfter = after < n ? (this.times[after] as number) : Number.POSITIVE_INFINITY;
    const tBefore = before >= 0 ? (this.times[before] as number) : Number.NEGATIVE_INFINITY;
    if (tAfter === reference) return { value: this.clean[after] as number, nearest: after };
    if (tAfter - tBefore <= REFERENCE_GAP * this.interval) {
      const w = (reference - tBefore) / (tAfter - tBefore);
      const value = (this.clean[before] as number) * (1 - w) + (this.clean[after] as number) * w;
      return { value, nearest: w < 0.5 ? before : after };
    }
    if (tAfter - reference <= this.interval) return { value: this.clean[after] as number, nearest: after };
    if (reference - tBefore <= this.interval) return { value: this.clean[before] as number, nearest: before };
    return null;
  }

  /** Median of the clean values in the cycle centred on sample i; only past samples are involved. */
  private cycleLevel(i: number, period: number): number {
    const cached = this.cycleLevels[i] as number;
    if (!Number.isNaN(cached)) return cached;
    const t = this.times[i] as number;
    const from = this.indexAtOrAfter(t - period / 2);
    const to = this.indexAtOrAfter(t + period / 2);
    const count = to - from;
    const step = Math.max(1, count / CYCLE_LEVEL_SAMPLES);
    const sample: number[] = [];
    for (let k = from; k < to; k += step) sample.push(this.clean[Math.floor(k)] as number);
    const level = sample.length ? median(sample) : (this.clean[i] as number);
    this.cycleLevels[i] = level;
    return level;
  }

  private refreshInterval(): void {
    if (this.options.intervalMs !== undefined) {
      this.interval = this.options.intervalMs;
      return;
    }
    const n = this.times.length;
    if (n < 1 || (n > INTERVAL_REFRESH && n % INTERVAL_REFRESH !== 0)) return;
    const gaps: number[] = [];
    for (let i = Math.max(1, n - INTERVAL_GAPS); i < n; i++) {
      gaps.push((this.times[i] as number) - (this.times[i - 1] as number));
    }
    // Until two samples exist, the first gap is the only evidence of the spacing.
    this.interval = gaps.length ? median(gaps) : this.lastTime - (this.times[0] as number);
  }

  private refreshPeriod(): void {
    if (this.options.seasonality !== undefined && this.options.seasonality !== 'auto') return;
    const n = this.times.length;
    if (n < 2 || !(this.interval > 0)) return;
    const now = this.times[n - 1] as number;
    const span = now - (this.times[0] as number);
    if (now - this.periodCheckedAt < PERIOD_RECHECK_GROWTH * span) return;
    this.periodCheckedAt = now;
    const found = detectPeriod(this.times, this.values, this.interval);
    let next = this.periodMs;
    if (found) {
      // Jitter of less than one interval is not a new period; keeping it keeps the cached shapes.
      if (next === null || Math.abs(found.periodMs - next) > this.interval) next = found.periodMs;
    } else if (
      next !== null &&
      periodStrength(this.times, this.values, this.interval, next) < KEEP_PERIOD_STRENGTH
    ) {
      next = null;
    }
    if (next !== this.periodMs) {
      // A new period changes every deseasonalized value; they are recomputed lazily from each point's past.
      this.periodMs = next;
      this.cycleLevels.fill(Number.NaN);
      // Evidence measured against the old seasonal shape is void under the new one.
      this.shifts.reset();
      this.deseasonalized.fill(Number.NaN);
    }
  }

  /** Deseasonalized value of sample i under the current period. */
  private deseasonalizedAt(i: number): number {
    const cached = this.deseasonalized[i] as number;
    if (!Number.isNaN(cached)) return cached;
    const value = (this.values[i] as number) - this.seasonalBefore(i, this.times[i] as number);
    this.deseasonalized[i] = value;
    return value;
  }

  /** Seasonal component at `t` from the samples before index i: median over earlier cycles of
   * (value at the same phase − that cycle's level). */
  private seasonalBefore(i: number, t: number): number {
    const period = this.periodMs;
    if (period === null) return 0;
    const offsets: number[] = [];
    for (let k = 1; k <= REFERENCE_CYCLES; k++) {
      const reference = t - k * period;
      if (reference < (this.times[0] as number)) break;
      const sample = this.cleanAt(reference);
      if (!sample || sample.nearest >= i) continue;
      offsets.push(sample.value - this.cycleLevel(sample.nearest, period));
    }
    return offsets.length ? median(offsets) : 0;
  }

  private prune(now: number): void {
    const keep = Math.max(
      HISTORY_WINDOW * this.interval,
      this.periodMs === null ? 0 : (REFERENCE_CYCLES + 1) * this.periodMs,
    );
    const drop = this.indexAtOrAfter(now - keep);
    // Dropping in batches keeps the cost of shifting the arrays negligible.
    if (drop < 1024) return;
    for (const array of [
      this.times,
      this.values,
      this.clean,
      this.residuals,
      this.zAbs,
      this.deseasonalized,
      this.cycleLevels,
    ]) {
      array.splice(0, drop);
    }
  }

  private finiteFrom(array: readonly number[], from: number): number[] {
    const out: number[] = [];
    for (let i = from; i < array.length; i++) {
      const value = array[i] as number;
      if (!Number.isNaN(value)) out.push(value);
    }
    return out;
  }

  /** First index whose time is ≥ `time` (binary search; times are increasing). */
  private indexAtOrAfter(time: number, from = 0): number {
    let lo = from;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.times[mid] as number) < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * Score of a sample from the shift evidence (accumulated sum over the threshold). Evidence below half
 * the threshold scores 0: the in-control run length grows exponentially with the level reached, so
 * noise reaches H/2 about √ARL0 times as often as H, i.e. routinely. From there the score rises to
 * FLAG_SCORE when the shift is confirmed (ratio 1) and to 1 at 1.5 times the threshold.
 */
function shiftScore(ratio: number): number {
  if (ratio < 1) return Math.max(0, FLAG_SCORE * (ratio - 0.5) * 2);
  return Math.min(1, FLAG_SCORE + (1 - FLAG_SCORE) * (ratio - 1) * 2);
}
