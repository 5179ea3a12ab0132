import { describe, expect, it } from 'vitest';
import {
  bonferroniAdjust,
  erfc,
  fisherExactTwoSided,
  groupedRankTest,
  holmAdjust,
  normalQuantile,
  rateTest,
  studentTwoSided,
} from '../../src/stats/compare-tests.js';

function groups(values: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const v of values) out.set(v, (out.get(v) ?? 0) + 1);
  return out;
}

describe('special functions', () => {
  it('erfc matches tabulated values over the body and the tail', () => {
    expect(erfc(0)).toBe(1);
    expect(erfc(1)).toBeCloseTo(0.1572992070502851, 14);
    expect(erfc(3) / 2.209049699858544e-5).toBeCloseTo(1, 10);
    expect(erfc(5) / 1.5374597944280351e-12).toBeCloseTo(1, 10);
    expect(erfc(-1)).toBeCloseTo(1.8427007929497148, 14);
  });

  it('normal quantile and Student t p-values match tables', () => {
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489, 8);
    expect(studentTwoSided(2.228138851986, 10)).toBeCloseTo(0.05, 8);
    expect(studentTwoSided(63.65674116, 1)).toBeCloseTo(0.01, 7);
    expect(studentTwoSided(1.959963984540054, 5e6)).toBeCloseTo(0.05, 6);
  });

  it("Fisher's exact test matches the classic 2x2 example", () => {
    // Failures 1 of 10 against 11 of 14: two-sided p = 0.002759.
    expect(fisherExactTwoSided(1, 10, 11, 14)).toBeCloseTo(0.0027594, 6);
    expect(fisherExactTwoSided(0, 100, 0, 100)).toBe(1);
  });

  it('Holm and Bonferroni adjust in input order', () => {
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    expect(adjusted.map((p) => Number(p.toFixed(6)))).toEqual([0.03, 0.06, 0.06, 0.02]);
    expect(bonferroniAdjust([0.01, Number.NaN, 0.3])).toEqual([0.02, Number.NaN, 0.6]);
  });
});

describe('groupedRankTest', () => {
  it('reproduces the Brunner–Munzel statistic of the pain-score example', () => {
    const x = [1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 4, 1, 1];
    const y = [3, 3, 4, 3, 1, 2, 3, 1, 1, 5, 4];
    const result = groupedRankTest(groups(x), groups(y));
    expect(result.statistic).toBeCloseTo(3.1374674823029505, 8);
    expect(result.pValue).toBeCloseTo(0.0057862086661515377, 8);
    expect(result.superiority).toBeGreaterThan(0.5);
  });

  it('counts ties as half in the probability of superiority', () => {
    const result = groupedRankTest(
      new Map([
        [1, 2],
        [2, 1],
      ]),
      new Map([
        [2, 1],
        [3, 2],
      ]),
    );
    expect(result.superiority).toBeCloseTo(8.5 / 9, 12);
    expect(result.cliffsDelta).toBeCloseTo(2 * (8.5 / 9) - 1, 12);
  });

  it('inflates the variance when time buckets differ more than chance allows', () => {
    // Each side: 10 buckets, each all-fast or all-slow; the totals alone look like 1000 independent values.
    const bucket = (value: number) => new Map([[value, 100]]);
    const baselineBuckets = [1, 2, 1, 2, 1, 2, 1, 2, 1, 2].map(bucket);
    const currentBuckets = [1, 2, 2, 2, 1, 2, 1, 2, 2, 2].map(bucket);
    const total = (buckets: Map<number, number>[]) => {
      const out = new Map<number, number>();
      for (const b of buckets) for (const [k, v] of b) out.set(k, (out.get(k) ?? 0) + v);
      return out;
    };
    const independent = groupedRankTest(total(baselineBuckets), total(currentBuckets));
    const clustered = groupedRankTest(total(baselineBuckets), total(currentBuckets), {
      baseline: baselineBuckets,
      current: currentBuckets,
    });
    expect(independent.pValue).toBeLessThan(1e-6);
    expect(clustered.pValue).toBeGreaterThan(0.05);
    expect(clustered.designEffect.baseline).toBeGreaterThan(50);
    expect(clustered.degreesOfFreedom).toBeLessThan(20);
  });
});

describe('rateTest', () => {
  it('uses the z test for common failures and inflates it for bursts', () => {
    const steady = Array.from({ length: 10 }, () => ({ count: 100, failures: 8 }));
    const bursty = Array.from({ length: 10 }, (_, i) => ({ count: 100, failures: i === 0 ? 50 : 0 }));
    const plain = rateTest({ count: 1000, failures: 50 }, { count: 1000, failures: 80 });
    expect(plain.method).toBe('two-proportion-z');
    expect(plain.pValue).toBeLessThan(0.01);
    const withBursts = rateTest(
      { count: 1000, failures: 50 },
      { count: 1000, failures: 80 },
      { baseline: bursty, current: steady },
    );
    expect(withBursts.designEffect.baseline).toBeGreaterThan(5);
    expect(withBursts.designEffect.current).toBe(1);
    expect(withBursts.pValue).toBeGreaterThan(plain.pValue);
  });
});
