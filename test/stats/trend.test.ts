import { describe, expect, it } from 'vitest';
import { mannKendall, theilSen } from '../../src/stats/trend.js';
import { SeededRandom } from './random.js';

describe('Mann–Kendall and Theil–Sen', () => {
  it('finds a linear trend and its slope despite outliers', () => {
    const r = new SeededRandom(6);
    const x = Array.from({ length: 60 }, (_, i) => i);
    const y = x.map((i) => 2 + 0.05 * i + r.normal() * 0.3 + (i % 17 === 0 ? 10 : 0));
    const mk = mannKendall(y);
    expect(mk?.p).toBeLessThan(0.001);
    expect(mk?.tau).toBeGreaterThan(0.4);
    expect(theilSen(x, y).slope).toBeCloseTo(0.05, 2);
  });

  it('rejects a trend in pure noise at the stated 1% rate', () => {
    let significant = 0;
    for (let s = 0; s < 300; s++) {
      const r = new SeededRandom(3000 + s);
      const mk = mannKendall(Array.from({ length: 80 }, () => r.normal()));
      if ((mk?.p ?? 1) < 0.01) significant++;
    }
    expect(significant / 300).toBeLessThanOrEqual(0.025);
  });

  it('corrects the variance for ties', () => {
    const tied = [1, 1, 1, 2, 2, 2, 3, 3, 3, 3];
    const mk = mannKendall(tied);
    // With ties the variance shrinks, so the same S is more significant than without correction.
    const n = tied.length;
    const untied = (n * (n - 1) * (2 * n + 5)) / 18;
    expect(mk?.z).toBeGreaterThan(((mk?.s ?? 0) - 1) / Math.sqrt(untied));
    expect(mannKendall([5, 5, 5, 5])?.p).toBe(1);
    expect(mannKendall([1, 2])).toBeUndefined();
  });
});
