import { describe, expect, it } from 'vitest';
import { type SeriesPoint, scoreSeries } from '../../src/anomaly/score-series.js';
import { FLAG_SCORE, OnlineAnomalyScorer, type ScoreDetail } from '../../src/anomaly/scorer.js';
import { solveTilt } from '../../src/anomaly/shift-cusum.js';
import { dailyCycle, gaussian, MINUTE, prng, START, series, studentT } from './synthetic.js';

// Sustained small level shifts: no single sample of a 3σ shift is remarkable, only their run is.
// The scorer accumulates that evidence (a CUSUM on its standardized errors) and must find such a
// shift within 30 samples, date the window to the change, and stay quiet on noise, heavy tails and
// daily cycles.

const SHIFT_AT = 600;

function details(points: readonly SeriesPoint[]): ScoreDetail[] {
  const scorer = new OnlineAnomalyScorer();
  const out: ScoreDetail[] = [];
  for (const p of points) {
    scorer.push(p.timestamp, p.value);
    const d = scorer.lastDetail();
    if (d) out.push(d);
  }
  return out;
}

/** Samples flagged because of accumulated shift evidence. */
function shiftFlags(points: readonly SeriesPoint[]): ScoreDetail[] {
  return details(points).filter((d) => d.shift !== null && d.score >= FLAG_SCORE);
}

describe('OnlineAnomalyScorer: sustained level shifts', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`flags a 3σ level shift within 30 samples and dates its window to the change (seed ${seed})`, () => {
      const noise = gaussian(prng(seed));
      const points = series(1200, MINUTE, (i) => 100 + 5 * noise() + (i >= SHIFT_AT ? 15 : 0));
      const result = scoreSeries(points);
      const firstFlag = result.points.findIndex((p, i) => i >= SHIFT_AT && (p.score ?? 0) >= FLAG_SCORE);
      expect(firstFlag).toBeGreaterThanOrEqual(SHIFT_AT);
      expect(firstFlag).toBeLessThan(SHIFT_AT + 30);
      const windows = result.windows.filter((w) => w.end >= START + (SHIFT_AT - 10) * MINUTE);
      expect(windows[0]).toMatchObject({ direction: 'up', kind: 'level-shift' });
      // The change-point estimate (where the evidence began) is within a few samples of the change.
      expect(Math.abs((windows[0]?.start ?? 0) - (START + SHIFT_AT * MINUTE))).toBeLessThanOrEqual(
        5 * MINUTE,
      );
      // Nothing before the change; once re-anchored, the new level is normal.
      expect(result.windows.filter((w) => w.end < START + (SHIFT_AT - 10) * MINUTE)).toEqual([]);
      expect(Math.max(...result.points.slice(SHIFT_AT + 60).map((p) => p.score ?? 0))).toBeLessThan(
        FLAG_SCORE,
      );
    });
  }

  it('flags a 3σ downward shift as a downward level shift', () => {
    const noise = gaussian(prng(12));
    const points = series(1200, MINUTE, (i) => 100 + 5 * noise() - (i >= SHIFT_AT ? 15 : 0));
    const shift = scoreSeries(points).windows.find((w) => w.end >= START + SHIFT_AT * MINUTE);
    expect(shift).toMatchObject({ direction: 'down', kind: 'level-shift' });
  });

  it('finds at least half of 2σ shifts within 30 samples (none were found before the shift evidence)', () => {
    let found = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const noise = gaussian(prng(seed));
      const points = series(1000, MINUTE, (i) => 100 + 5 * noise() + (i >= SHIFT_AT ? 10 : 0));
      const scores = scoreSeries(points).points.slice(SHIFT_AT, SHIFT_AT + 30);
      if (scores.some((p) => (p.score ?? 0) >= FLAG_SCORE)) found++;
    }
    expect(found).toBeGreaterThanOrEqual(5);
  });

  it('finds a 3σ shift in heavy-tailed Student-t(3) noise', () => {
    const noise = studentT(prng(3), 3);
    // 5·t(3) has a robust σ of 5.7; the shift is 3 of those.
    const points = series(1200, MINUTE, (i) => 100 + 5 * noise() + (i >= SHIFT_AT ? 17 : 0));
    const flags = shiftFlags(points).filter((d) => d.timestamp >= START + SHIFT_AT * MINUTE);
    expect(flags[0]?.timestamp).toBeLessThan(START + (SHIFT_AT + 30) * MINUTE);
  });
});

describe('OnlineAnomalyScorer: no shift evidence from noise', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`raises no sustained-shift flag on Student-t(3) noise (seed ${seed})`, () => {
      const noise = studentT(prng(seed), 3);
      expect(shiftFlags(series(4000, MINUTE, () => 100 + 5 * noise()))).toEqual([]);
    });

    it(`raises no flag at all on a daily cycle 20× its noise, before or after the cycle is learned (seed ${seed})`, () => {
      const noise = gaussian(prng(seed));
      const result = scoreSeries(series(4 * 1440, MINUTE, (_i, t) => dailyCycle(t, 500, 200) + 10 * noise()));
      expect(result.windows).toEqual([]);
    });
  }

  it('cannot be triggered by a few wild samples: each one counts as at most 3σ', () => {
    const noise = gaussian(prng(9));
    const points = series(1000, MINUTE, (i) => 100 + 5 * noise() + (i >= 600 && i < 603 ? 100 : 0));
    expect(shiftFlags(points)).toEqual([]);
    const burst = scoreSeries(points).windows.filter((w) => w.start >= START + 590 * MINUTE);
    expect(burst.map((w) => w.kind)).not.toContain('level-shift');
  });

  it('does not flag a steady trend', () => {
    const noise = gaussian(prng(10));
    expect(shiftFlags(series(3000, MINUTE, (i) => 100 + 0.2 * i + 5 * noise()))).toEqual([]);
  });
});

describe('solveTilt', () => {
  it('keeps the Gaussian tilt (threshold unchanged) for Gaussian errors', () => {
    const noise = gaussian(prng(1));
    const errors = Array.from({ length: 1440 }, () => Math.abs(noise()));
    expect(solveTilt(errors)).toBe(3);
  });

  it('finds a smaller tilt (a higher threshold) for wider-tailed errors', () => {
    const noise = studentT(prng(1), 3);
    // 1.134 is the robust σ of t(3): errors in the unit the scorer uses.
    const errors = Array.from({ length: 1440 }, () => Math.abs(noise() / 1.134));
    const theta = solveTilt(errors);
    expect(theta).toBeGreaterThan(0);
    expect(theta).toBeLessThan(3);
  });
});
