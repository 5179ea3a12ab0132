import { describe, expect, it } from 'vitest';
import { dispersion, poissonSegments, rateRatio, riseP } from '../../../src/signals/logs/poisson.js';
import { riseOf } from '../../../src/signals/logs/rise.js';
import { Rng } from '../../../src/simulate/random.js';

function poisson(rng: Rng, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

const series = (rng: Rng, rates: readonly number[]) => rates.map((rate) => poisson(rng, rate));

describe('riseP and rateRatio', () => {
  it('does not call 2 records against 1 a rise', () => {
    const p = riseP({ count: 1, exposure: 60 }, { count: 2, exposure: 60 }, 1);
    expect(p).toBeCloseTo(0.5, 6);
  });

  it('finds 30 records after none a rise, and rates it finitely', () => {
    expect(riseP({ count: 0, exposure: 60 }, { count: 30, exposure: 60 }, 1)).toBeLessThan(1e-6);
    expect(rateRatio({ count: 0, exposure: 60 }, { count: 30, exposure: 60 })).toBe(60);
  });

  it('asks more of bursty counts: the same rise is weaker evidence when the dispersion is high', () => {
    const baseline = { count: 10, exposure: 60 };
    const window = { count: 35, exposure: 60 };
    expect(riseP(baseline, window, 1)).toBeLessThan(0.001);
    expect(riseP(baseline, window, 5)).toBeGreaterThan(0.01);
  });
});

describe('dispersion', () => {
  it('is about 1 for Poisson counts and about the burst size for bursty ones', () => {
    const rng = new Rng(7);
    const plain = series(rng, new Array(400).fill(4));
    expect(dispersion(plain)).toBeLessThan(1.3);
    // Each event writes 5 lines at once.
    const bursty = series(rng, new Array(400).fill(1)).map((n) => n * 5);
    expect(dispersion(bursty)).toBeGreaterThan(3.5);
    expect(dispersion(bursty)).toBeLessThan(7);
  });

  it('is hardly moved by one change of level', () => {
    const rng = new Rng(8);
    const step = series(rng, [...new Array(200).fill(2), ...new Array(200).fill(20)]);
    expect(dispersion(step)).toBeLessThan(1.6);
  });
});

describe('poissonSegments', () => {
  it('cuts a step where it happened', () => {
    const rng = new Rng(11);
    const counts = series(rng, [...new Array(120).fill(1), ...new Array(60).fill(6)]);
    const segments = poissonSegments(counts, { minSegment: 3, dispersion: 1 });
    expect(segments.length).toBeGreaterThanOrEqual(2);
    const cut = segments[1]?.start as number;
    expect(Math.abs(cut - 120)).toBeLessThanOrEqual(3);
  });

  it('rarely cuts a constant rate (under 2% of 300 series)', () => {
    const rng = new Rng(12);
    let cut = 0;
    for (let i = 0; i < 300; i++) {
      const counts = series(rng, new Array(180).fill(3));
      if (poissonSegments(counts, { minSegment: 3, dispersion: dispersion(counts) }).length > 1) cut++;
    }
    expect(cut / 300).toBeLessThan(0.02);
  });
});

describe('riseOf', () => {
  it('dates a rise to its first record and measures it against the baseline', () => {
    const rng = new Rng(21);
    const counts = series(rng, [
      ...new Array(100).fill(0.5),
      ...new Array(80).fill(0),
      ...new Array(40).fill(5),
    ]);
    counts[180] = 4; // the first bucket of the new rate has records
    const rise = riseOf(counts, 45, 0.001);
    expect(rise.significant).toBe(true);
    expect(rise.onsetBucket).toBe(180);
    expect(rise.ratio).toBeGreaterThan(5);
  });

  it('finds no rise in a steady series, nor in 2 records after 1', () => {
    const rng = new Rng(22);
    expect(riseOf(series(rng, new Array(200).fill(2)), 50, 0.001)).toMatchObject({
      significant: false,
      ratio: 1,
    });
    const sparse = new Array(200).fill(0);
    sparse[10] = 1;
    sparse[120] = 1;
    sparse[160] = 1;
    expect(riseOf(sparse, 50, 0.001)).toMatchObject({ significant: false, ratio: 1 });
  });
});
