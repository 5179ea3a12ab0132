import { describe, expect, it } from 'vitest';
import { type ScoredSeries, type SeriesPoint, scoreSeries } from '../../src/anomaly/score-series.js';
import { FLAG_SCORE, OnlineAnomalyScorer } from '../../src/anomaly/scorer.js';
import { DAY, dailyCycle, gaussian, MINUTE, prng, START, series, studentT } from './synthetic.js';

// Behaviour of the online scorer on seeded synthetic metrics sampled every minute. The bounds
// stated here are the contract: false flags < 0.5% of points after a 100-sample warm-up, a spike
// flagged at its sample, a level shift flagged within 3 samples and calm again after 15 minutes.

const WARMUP = 100;

function flaggedShare(result: ScoredSeries, from = WARMUP): number {
  const scored = result.points.slice(from).filter((p) => p.score !== null);
  return scored.filter((p) => (p.score as number) >= FLAG_SCORE).length / scored.length;
}

function scoresAt(result: ScoredSeries, from: number, to: number): number[] {
  return result.points.slice(from, to).map((p) => p.score ?? 0);
}

describe('OnlineAnomalyScorer: noise', () => {
  for (const seed of [1, 2, 3]) {
    it(`flags < 0.5% of Gaussian noise points (seed ${seed})`, () => {
      const noise = gaussian(prng(seed));
      const result = scoreSeries(series(4000, MINUTE, () => 100 + 5 * noise()));
      expect(flaggedShare(result)).toBeLessThan(0.005);
      expect(result.periodMs).toBeNull();
    });

    it(`flags < 0.5% of heavy-tailed Student-t(3) noise points (seed ${seed})`, () => {
      const noise = studentT(prng(seed), 3);
      const result = scoreSeries(series(4000, MINUTE, () => 100 + 5 * noise()));
      expect(flaggedShare(result)).toBeLessThan(0.005);
      // The tail calibration must not hide what heavy tails make rare: the wildest point still scores high.
      expect(Math.max(...scoresAt(result, WARMUP, 4000))).toBeGreaterThanOrEqual(FLAG_SCORE);
    });
  }

  it('gives every score in [0, 1]', () => {
    const noise = studentT(prng(4), 1);
    const result = scoreSeries(series(1500, MINUTE, () => 50 + noise()));
    for (const p of result.points) {
      expect(p.score).toBeGreaterThanOrEqual(0);
      expect(p.score).toBeLessThanOrEqual(1);
    }
  });
});

describe('OnlineAnomalyScorer: spikes and shifts', () => {
  it('scores an injected spike high at its sample and reports a spike window', () => {
    const noise = gaussian(prng(7));
    const result = scoreSeries(series(1000, MINUTE, (i) => 100 + 5 * noise() + (i === 600 ? 50 : 0)));
    expect(result.points[600]?.score).toBeGreaterThanOrEqual(0.95);
    expect(Math.max(...scoresAt(result, 601, 620))).toBeLessThan(0.5);
    const window = result.windows.find(
      (w) => w.start <= START + 600 * MINUTE && w.end >= START + 600 * MINUTE,
    );
    expect(window).toMatchObject({ direction: 'up', kind: 'spike' });
  });

  it('reports a dip as a downward window', () => {
    const noise = gaussian(prng(8));
    const result = scoreSeries(series(1000, MINUTE, (i) => 100 + 5 * noise() - (i === 700 ? 60 : 0)));
    expect(result.windows).toEqual([expect.objectContaining({ direction: 'down', kind: 'spike' })]);
  });

  for (const seed of [21, 22, 23]) {
    it(`flags a 6σ level shift within 3 samples, then re-anchors within 15 minutes (seed ${seed})`, () => {
      const noise = gaussian(prng(seed));
      const result = scoreSeries(series(1200, MINUTE, (i) => 100 + 5 * noise() + (i >= 600 ? 30 : 0)));
      expect(Math.max(...scoresAt(result, 600, 603))).toBeGreaterThanOrEqual(FLAG_SCORE);
      expect(Math.max(...scoresAt(result, 615, 1200))).toBeLessThan(0.5);
      expect(flaggedShare(result, WARMUP)).toBeLessThan(0.01);
      const shift = result.windows.find((w) => w.start >= START + 600 * MINUTE);
      expect(shift).toMatchObject({ direction: 'up', kind: 'level-shift' });
      expect(result.windows.filter((w) => w.start < START + 600 * MINUTE)).toEqual([]);
    });
  }
});

describe('OnlineAnomalyScorer: trends', () => {
  it('does not flag a steady linear trend point by point', () => {
    const noise = gaussian(prng(9));
    // 0.2 per minute is 4% of the noise σ per sample, 60σ over the run.
    const result = scoreSeries(series(3000, MINUTE, (i) => 100 + 0.2 * i + 5 * noise()));
    expect(flaggedShare(result)).toBeLessThan(0.005);
    expect(result.windows).toEqual([]);
  });

  it('reports a sharp change of slope as a trend window, then follows the new slope', () => {
    const noise = gaussian(prng(30));
    const result = scoreSeries(
      series(2000, MINUTE, (i) => 100 + 5 * noise() + (i >= 1000 ? 3 * (i - 1000) : 0)),
    );
    const change = result.windows.filter((w) => w.start >= START + 1000 * MINUTE);
    expect(change[0]).toMatchObject({ direction: 'up', kind: 'trend' });
    expect(change[0]?.start).toBeLessThanOrEqual(START + 1015 * MINUTE);
    expect(Math.max(...scoresAt(result, 1100, 2000))).toBeLessThan(0.5);
  });
});

describe('OnlineAnomalyScorer: seasonality', () => {
  // Five days at one sample a minute; the daily cycle is 20× the noise.
  const anomalyFrom = 4 * 1440 + 20 * 60; // day 5, 20:00
  const anomalyLength = 180;
  const afternoon = dailyCycle(START + 15 * 60 * MINUTE, 500, 200);
  function seasonal(seed: number, withAnomaly: boolean): SeriesPoint[] {
    const noise = gaussian(prng(seed));
    return series(5 * 1440, MINUTE, (i, t) => {
      const inAnomaly = withAnomaly && i >= anomalyFrom && i < anomalyFrom + anomalyLength;
      return (inAnomaly ? afternoon : dailyCycle(t, 500, 200)) + 10 * noise();
    });
  }

  it('finds the daily period and does not flag the normal cycle', () => {
    const result = scoreSeries(seasonal(11, false));
    expect(Math.abs((result.periodMs ?? 0) - DAY)).toBeLessThan(10 * MINUTE);
    expect(flaggedShare(result)).toBeLessThan(0.005);
    expect(result.windows).toEqual([]);
  });

  it('flags an evening that stays at the afternoon level, a value ordinary for the series but not for the hour', () => {
    const result = scoreSeries(seasonal(11, true));
    const start = START + anomalyFrom * MINUTE;
    const inside = result.windows.filter((w) => w.end >= start && w.start <= start + anomalyLength * MINUTE);
    expect(inside[0]).toMatchObject({ direction: 'up', kind: 'seasonal' });
    expect(inside[0]?.start).toBeLessThanOrEqual(start + 5 * MINUTE);
    const before = result.points.slice(WARMUP, anomalyFrom);
    expect(before.filter((p) => (p.score ?? 0) >= FLAG_SCORE)).toEqual([]);
  });

  it('needs the cycle to see it: with seasonality off the same evening is a plain level change', () => {
    const result = scoreSeries(seasonal(11, true), { seasonality: 'off' });
    expect(result.periodMs).toBeNull();
    expect(result.windows.some((w) => w.kind === 'seasonal')).toBe(false);
  });
});

describe('OnlineAnomalyScorer: missing and irregular samples', () => {
  function irregular(seed: number): SeriesPoint[] {
    const random = prng(seed);
    const noise = gaussian(prng(seed + 1));
    let t = START;
    return Array.from({ length: 3000 }, (_, i) => {
      // Gaps from 30 s to 90 s, an hour-long outage of the exporter, and 10% missing values.
      t += MINUTE * (0.5 + random()) + (i === 1500 ? 60 * MINUTE : 0);
      const value = random() < 0.1 ? null : 100 + 5 * noise() + (i === 2000 ? 60 : 0);
      return { timestamp: Math.round(t), value };
    });
  }

  it('keeps one output point per input row, in order, with null scores for missing values', () => {
    const input = irregular(31);
    const result = scoreSeries(input);
    expect(result.points.map((p) => p.timestamp)).toEqual(input.map((p) => p.timestamp));
    input.forEach((p, i) => {
      expect(result.points[i]?.value).toBe(p.value);
      expect(result.points[i]?.score === null).toBe(p.value === null);
    });
  });

  it('measures windows in time: no false flags across gaps and the outage, the spike still found', () => {
    const input = irregular(31);
    const result = scoreSeries(input);
    expect(flaggedShare(result)).toBeLessThan(0.005);
    expect(Math.abs(result.intervalMs - MINUTE)).toBeLessThan(0.1 * MINUTE);
    if (input[2000]?.value !== null) expect(result.points[2000]?.score).toBeGreaterThanOrEqual(FLAG_SCORE);
    expect(result.windows.map((w) => w.kind)).toEqual(['spike']);
  });

  it('learns nothing from a missing value', () => {
    const a = new OnlineAnomalyScorer();
    const b = new OnlineAnomalyScorer();
    const noise = gaussian(prng(5));
    for (let i = 0; i < 300; i++) {
      const v = 10 + noise();
      const sa = a.push(START + i * MINUTE, v);
      if (i === 150) expect(b.push(START + i * MINUTE - 1, null)).toBeNull();
      expect(b.push(START + i * MINUTE, v)).toBe(sa);
    }
  });

  it('refuses timestamps that do not increase', () => {
    const scorer = new OnlineAnomalyScorer();
    scorer.push(START, 1);
    expect(() => scorer.push(START, 2)).toThrow(RangeError);
  });
});

describe('OnlineAnomalyScorer: determinism and streaming', () => {
  const noise = studentT(prng(40), 3);
  const input = series(3 * 1440, MINUTE, (i, t) => {
    if (i % 97 === 0) return null;
    return dailyCycle(t, 300, 100) + 8 * noise() + (i === 3000 ? 120 : 0) + (i >= 3500 ? 60 : 0);
  });

  it('gives the same output for the same input', () => {
    expect(scoreSeries(input)).toEqual(scoreSeries(input));
  });

  it('gives the same scores pushed one at a time as scored as a series', () => {
    const scorer = new OnlineAnomalyScorer();
    const streamed = input.map((p) => scorer.push(p.timestamp, p.value));
    expect(streamed).toEqual(scoreSeries(input).points.map((p) => p.score));
  });

  it('scores each point from earlier points only: a later change never alters an earlier score', () => {
    const changed = input.map((p, i) => (i >= 2000 && p.value !== null ? { ...p, value: p.value + 500 } : p));
    const original = scoreSeries(input).points.slice(0, 2000);
    expect(scoreSeries(changed).points.slice(0, 2000)).toEqual(original);
  });
});
