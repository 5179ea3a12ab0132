import { describe, expect, it } from 'vitest';
import { DDSketch } from '../../src/stats/ddsketch.js';
import { SeededRandom } from './random.js';

function exactQuantile(sorted: number[], q: number): number {
  // The sketch's rank convention: the value at rank q·(n−1), rounded down.
  return sorted[Math.floor(q * (sorted.length - 1))] as number;
}

describe('DDSketch', () => {
  const random = new SeededRandom(1);
  const heavy = Array.from({ length: 20_000 }, () =>
    random.chance(0.1) ? random.logNormal(2000, 1.5) : random.logNormal(40, 0.5),
  );

  it('keeps every quantile within the relative accuracy of the exact value of the same rank', () => {
    const sketch = new DDSketch(0.01);
    for (const v of heavy) sketch.add(v);
    const sorted = [...heavy].sort((a, b) => a - b);
    for (const q of [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999]) {
      const exact = exactQuantile(sorted, q);
      expect(Math.abs(sketch.quantile(q) - exact) / exact).toBeLessThanOrEqual(0.01 + 1e-9);
    }
    expect(sketch.quantile(0)).toBe(sorted[0]);
    expect(sketch.quantile(1)).toBe(sorted[sorted.length - 1]);
  });

  it('merges to the same quantiles as one sketch of all values', () => {
    const one = new DDSketch();
    const a = new DDSketch();
    const b = new DDSketch();
    heavy.forEach((v, i) => {
      one.add(v);
      (i % 3 === 0 ? a : b).add(v);
    });
    a.merge(b);
    expect(a.count).toBe(one.count);
    for (const q of [0.5, 0.9, 0.99]) expect(a.quantile(q)).toBe(one.quantile(q));
    expect(a.min).toBe(one.min);
    expect(a.max).toBe(one.max);
  });

  it('round-trips through JSON, zeros included', () => {
    const sketch = new DDSketch();
    for (const v of heavy.slice(0, 500)) sketch.add(v);
    sketch.add(0, 3);
    const copy = DDSketch.fromJSON(JSON.parse(JSON.stringify(sketch.toJSON())));
    expect(copy.toJSON()).toEqual(sketch.toJSON());
    expect(copy.quantile(0.5)).toBe(sketch.quantile(0.5));
    expect(copy.rankOf(40)).toBe(sketch.rankOf(40));
  });

  it('refuses to merge sketches of different accuracy and is NaN when empty', () => {
    const other = new DDSketch(0.02);
    other.add(5);
    expect(() => new DDSketch(0.01).merge(other)).toThrow(/accuracy/);
    expect(new DDSketch().quantile(0.5)).toBeNaN();
  });

  it('pre-sizes for a range at or below the smallest indexable value without throwing', () => {
    for (const [low, high] of [
      [0, 0],
      [0, 1e-4],
      [5, 1],
    ] as const) {
      const sketch = DDSketch.forRange(low, high);
      sketch.add(0);
      sketch.add(250);
      expect(sketch.count).toBe(2);
      expect(sketch.quantile(1)).toBe(250);
    }
  });
});
