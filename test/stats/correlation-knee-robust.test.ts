import { describe, expect, it } from 'vitest';
import { pearsonFromSums, spearman } from '../../src/stats/correlation.js';
import { DDSketch } from '../../src/stats/ddsketch.js';
import { throughputKnee } from '../../src/stats/knee.js';
import { mad, median, noiseSigma, ranks, robustCv, weightedQuantile } from '../../src/stats/robust.js';
import { subtractSketch } from '../../src/stats/sketch-ops.js';
import { SeededRandom } from './random.js';

describe('robust statistics', () => {
  it('computes median, MAD, robust CV and the weighted quantile', () => {
    expect(median([3, 1, 2, 100])).toBe(2.5);
    expect(mad([1, 2, 3, 4, 100])).toBe(1);
    expect(robustCv([9, 10, 11, 10, 1000])).toBeCloseTo(0.14826, 4);
    expect(weightedQuantile([10, 20, 30], [1, 1, 8], 0.5)).toBe(30);
    expect(weightedQuantile([10, 20, 30], [5, 1, 1], 0.5)).toBe(10);
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
  });

  it('estimates noise from differences, ignoring a level shift', () => {
    const r = new SeededRandom(12);
    const xs = Array.from({ length: 400 }, (_, i) => r.normal() * 2 + (i > 200 ? 50 : 0));
    expect(noiseSigma(xs)).toBeGreaterThan(1.7);
    expect(noiseSigma(xs)).toBeLessThan(2.3);
  });
});

describe('correlation', () => {
  it('gives Spearman 1 for any monotone relation and ~0 for noise', () => {
    const x = Array.from({ length: 50 }, (_, i) => i);
    expect(
      spearman(
        x,
        x.map((v) => Math.exp(v / 5)),
      ),
    ).toBeCloseTo(1, 10);
    const r = new SeededRandom(13);
    expect(
      Math.abs(
        spearman(
          x,
          x.map(() => r.normal()),
        ),
      ),
    ).toBeLessThan(0.3);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
  });

  it('computes Pearson from sums', () => {
    const pairs = [
      [1, 2],
      [2, 4.1],
      [3, 5.9],
      [4, 8.2],
    ] as const;
    const sums = { n: 0, sumX: 0, sumY: 0, sumXX: 0, sumYY: 0, sumXY: 0 };
    for (const [x, y] of pairs) {
      sums.n++;
      sums.sumX += x;
      sums.sumY += y;
      sums.sumXX += x * x;
      sums.sumYY += y * y;
      sums.sumXY += x * y;
    }
    expect(pearsonFromSums(sums)).toBeGreaterThan(0.99);
  });
});

describe('throughputKnee', () => {
  const points = (capacity: number, seed: number) => {
    const r = new SeededRandom(seed);
    return Array.from({ length: 100 }, (_, i) => {
      const users = 10 + i;
      const throughput = Math.min(users * 4, capacity) * (1 + 0.03 * r.normal());
      return { users, throughput, latency: (users / throughput) * 1000 - 200 + 50 };
    });
  };

  it('finds the knee where throughput flattens and latency climbs', () => {
    const knee = throughputKnee(points(200, 14));
    expect(knee?.users).toBeGreaterThan(45);
    expect(knee?.users).toBeLessThan(56);
    expect(knee?.slopeAfter).toBeLessThan(0.2);
  });

  it('finds none while throughput keeps rising, and none without varying users', () => {
    expect(throughputKnee(points(1e6, 15))?.users).toBe(0);
    expect(
      throughputKnee(Array.from({ length: 20 }, () => ({ users: 10, throughput: 40, latency: 50 }))),
    ).toBeUndefined();
  });
});

describe('subtractSketch', () => {
  it('leaves the successful requests when the failed ones are removed', () => {
    const all = new DDSketch();
    const failed = new DDSketch();
    for (let i = 0; i < 100; i++) all.add(100);
    for (let i = 0; i < 50; i++) {
      all.add(2);
      failed.add(2);
    }
    const success = subtractSketch(all.toJSON(), failed.toJSON());
    expect(success.count).toBe(100);
    expect(success.quantile(0.01)).toBeCloseTo(100, -1);
  });
});
