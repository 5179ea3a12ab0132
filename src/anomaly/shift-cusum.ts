// Evidence for a sustained level shift, accumulated over consecutive samples: a two-sided CUSUM
// (Page's test) on robustly standardized prediction errors. One sample 3σ out is ordinary noise; ten
// samples in a row 3σ out are not, although none of them would be flagged on its own.
//
// Each side keeps S ← max(0, S + w − K), where w is the winsorized standardized error (signed
// towards that side) and K the drift allowance; S only grows while the errors keep leaning to its
// side, and a change is confirmed when S reaches H. The change point is estimated as the first
// sample after S last left 0, the classical CUSUM estimate.
//
// The errors are measured against the level from before the run: while a side is above 0, its
// reference is the scorer's level computed from the samples before the run began (projected along
// the scorer's current slope), not the moving level, which starts to follow a shift after a few
// samples and would hide it before the evidence is complete.
//
// Tuning, in units of the robust noise σ (MAD of the scorer's errors):
// - K = 1.5: the CUSUM is quickest for a shift of 2K = 3σ, the size no single sample reveals (larger
//   shifts are flagged point by point). The errors are not exactly centred: the reference level is
//   a median of recent samples (off by ~0.25σ), and a model that lags a curve (the turn of a daily
//   cycle whose period is not learned yet) is off by up to ~0.7σ for an hour. K must cover such
//   offsets with room to spare; measured on the synthetic cases, K = 1 (optimal for 2σ) raised false
//   shifts on Gaussian noise and daily cycles, K = 1.25 still some, K = 1.5 none. (Offsets that last
//   longer are taken out: each run is measured from where the errors have recently been.)
// - Winsorizing at ±3 (WINSOR): one wild sample adds at most 3 − K = 1.5 to S, a fifth of H, so no
//   outlier, nor a handful of them, can confirm a change; a 3σ shift loses little to the clip.
// - H = 7: for independent Gaussian errors Siegmund's approximation gives a one-sided in-control run
//   length ARL0 ≈ (e^{2K(H+1.166)} − 2K(H+1.166) − 1)/(2K²) ≈ 10^10 samples; even while the model
//   is off by 0.7σ (drift −0.8 instead of −1.5) it is ~4·10^5, so the offsets above cannot raise
//   alarms in the hour they last. The same formula with drift δ − K gives the mean delay
//   ≈ (H + 1.166)/(δ − K) + 1: ~6 samples for a 3σ shift, ~17 for 2σ (found within 30 samples about
//   half the time); larger shifts count as 3σ after the clip, but their samples are flagged
//   one by one at once. A higher H only adds delay: no false shift was left to remove.
// - Heavy tails: ARL0 ≈ e^{θH}, where θ is the exponential tilt of the errors, the root of
//   E[e^{θ(w − K)}] = 1 (θ = 2K for unit Gaussian errors). Errors with heavier tails, even after the
//   clip, have a smaller θ, so H is raised to H·2K/θ to keep the Gaussian run length; θ is measured
//   from the metric's own recent errors.

/** Drift allowance K, in robust σ (see above). */
const DRIFT = 1.5;
/** Standardized errors are clipped to ±3 before they are accumulated (see above). */
const WINSOR = 3;
/** Decision threshold H for Gaussian errors, in robust σ (see above). */
const THRESHOLD = 7;
/** θ for unit Gaussian errors: the tilt the threshold is calibrated for. */
const GAUSSIAN_TILT = 2 * DRIFT;
/** The tilt is measured again every 64 samples: the errors it comes from change slowly. */
const TILT_REFRESH = 64;
/** Newton steps for the tilt; from the right of a convex root it converges in far fewer. */
const TILT_STEPS = 30;
/** Fewer than 50 errors cannot show a tail; the Gaussian tilt is assumed until then. */
const TILT_MIN_ERRORS = 50;

export interface ShiftEvidence {
  /** +1 for a shift upwards, −1 downwards. */
  sign: 1 | -1;
  /** Estimated change point: time of the first sample since the sum last left 0. */
  start: number;
  /** Samples accumulated since `start`, this one included. */
  points: number;
  /** Accumulated sum over the threshold: ≥ 1 is a confirmed shift. */
  ratio: number;
}

/** What the errors are measured against; supplied by the scorer, from earlier samples only. */
export interface Baseline {
  /** Expected (deseasonalized) value at `t` from the samples before `before`; null with too few. */
  levelBefore(before: number, t: number): number | null;
  /** The expectation for the current sample, from all earlier samples. */
  level(): number;
  /** Persistent offset of the scorer's recent errors (its model lagging a curve, say). */
  bias(): number;
  /** Slope (per ms) the levels are projected with. */
  slope: number;
}

interface Side {
  sign: 1 | -1;
  sum: number;
  start: number;
  points: number;
  /** The offset of the errors when the run began. */
  bias: number;
  /** Level expected when the run began, and its time: the reference when no earlier level is left. */
  level: number;
  time: number;
}

export class ShiftDetector {
  private up: Side = idle(1);
  private down: Side = idle(-1);
  private tilt = GAUSSIAN_TILT;
  private sinceTilt = Number.POSITIVE_INFINITY;
  private widen = 1;

  /**
   * Measures the noise the evidence is judged against. `absErrors` gives recent |standardized
   * errors| (asked for only when the tilt is due for a refresh); `widen` ≥ 1 raises the threshold
   * while there are still few errors, as the point scores' tail unit is widened.
   */
  calibrate(absErrors: () => number[], widen: number): void {
    this.widen = widen;
    if (++this.sinceTilt < TILT_REFRESH) return;
    this.sinceTilt = 0;
    this.tilt = solveTilt(absErrors());
  }

  /**
   * Adds one sample: `value` deseasonalized, measured against `baseline`,
   * (from earlier samples only), `scale` the robust σ. Returns the stronger side's evidence, or null
   * when neither side has accumulated anything.
   */
  add(t: number, value: number, baseline: Baseline, scale: number): ShiftEvidence | null {
    const threshold = this.threshold();
    let best: ShiftEvidence | null = null;
    for (const side of [this.up, this.down]) {
      advance(side, t, value, baseline, scale);
      if (side.sum <= 0) continue;
      const ratio = side.sum / threshold;
      if (!best || ratio > best.ratio)
        best = { sign: side.sign, start: side.start, points: side.points, ratio };
    }
    return best;
  }

  /** Forgets all evidence: after the baseline moves, errors are measured from the new level. */
  reset(): void {
    this.up = idle(1);
    this.down = idle(-1);
  }

  /** H for this metric's noise: never below the Gaussian H, whatever the errors look like. */
  private threshold(): number {
    return THRESHOLD * Math.max(1, GAUSSIAN_TILT / this.tilt) * this.widen;
  }
}

function idle(sign: 1 | -1): Side {
  return { sign, sum: 0, start: 0, points: 0, bias: 0, level: 0, time: 0 };
}

/** One CUSUM step of one side. */
function advance(side: Side, t: number, value: number, baseline: Baseline, scale: number): void {
  let reference: number;
  if (side.sum === 0) {
    // A new run is measured from the level expected before it began.
    side.bias = baseline.bias();
    side.level = baseline.level();
    side.time = t;
    reference = side.level + side.bias;
  } else {
    const before = baseline.levelBefore(side.start, t) ?? side.level + baseline.slope * (t - side.time);
    reference = before + side.bias;
  }
  const z = (side.sign * (value - reference)) / scale;
  const w = Math.max(-WINSOR, Math.min(WINSOR, z));
  const next = side.sum + w - DRIFT;
  if (next <= 0) {
    side.sum = 0;
    side.points = 0;
    return;
  }
  if (side.sum === 0) side.start = t;
  side.sum = next;
  side.points++;
}

/**
 * The tilt θ > 0 solving mean(cosh(θa)) = e^{θK} over the clipped |errors| a (each standing for
 * +a and −a: the errors are taken as symmetric, so one side's tilt serves both). g(θ) =
 * log mean cosh(θa) − θK is convex with g(0) = 0 and g'(0) = −K < 0, so its positive root is found
 * by Newton's method from the right, where g decreases monotonically to it. Roots above the
 * Gaussian 2K (lighter tails, or no error beyond K) are reported as 2K: they would never lower H.
 */
export function solveTilt(absErrors: readonly number[]): number {
  if (absErrors.length < TILT_MIN_ERRORS) return GAUSSIAN_TILT;
  const a = absErrors.map((e) => Math.min(Math.abs(e), WINSOR));
  if (!a.some((e) => e > DRIFT)) return GAUSSIAN_TILT;
  const g = (theta: number) => {
    let c = 0;
    let s = 0;
    for (const e of a) {
      c += Math.cosh(theta * e);
      s += e * Math.sinh(theta * e);
    }
    return { value: Math.log(c / a.length) - theta * DRIFT, slope: s / c - DRIFT };
  };
  // Only a tilt below the Gaussian one changes H; g(2K) ≤ 0 means the root is at or beyond it.
  let theta = GAUSSIAN_TILT;
  let at = g(theta);
  if (at.value <= 0) return GAUSSIAN_TILT;
  for (let step = 0; step < TILT_STEPS && at.value > 1e-9; step++) {
    theta -= at.value / at.slope;
    at = g(theta);
  }
  return theta;
}
