import { describe, expect, it } from 'vitest';
import { filledIn, recoverResponseTimes } from '../../../src/gather/load-test/autocannon-omission.js';

// The histogram autocannon fills in at a fixed rate holds one value per millisecond below each
// response; these tests fill one in exactly that way from known response times and read them back.

/** Percentiles of the filled-in histogram of `responses` (ms), as autocannon would report them. */
function filledPercentiles(responses: number[], levels: number[]): Array<{ q: number; value: number }> {
  const values: number[] = [];
  for (const l of responses) for (let v = l; v >= 1; v--) values.push(v);
  values.sort((a, b) => a - b);
  return levels.map((q) => ({
    q,
    value: values[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)] as number,
  }));
}

const LEVELS = [0.00001, 0.0001, 0.001, 0.01, 0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975, 0.99, 0.999, 0.9999];
const at = (qs: Array<{ q: number; value: number }>, q: number) =>
  qs.find((p) => p.q === q)?.value ?? Number.NaN;

describe('coordinated-omission fill-in of autocannon', () => {
  it('is told by more histogram values than responses', () => {
    expect(filledIn(12_249, 300)).toBe(true);
    expect(filledIn(300, 300)).toBe(false);
    expect(filledIn(240, 300)).toBe(false);
    expect(filledIn(undefined, 300)).toBe(false);
  });

  it('reads a fast majority and a slow tenth back at their own times', () => {
    // 90% at 5 ms, 10% at 200 ms: the filled-in median sits far from both.
    const responses = [...Array.from({ length: 900 }, () => 5), ...Array.from({ length: 100 }, () => 200)];
    const filled = filledPercentiles(responses, LEVELS);
    expect(at(filled, 0.5)).toBeGreaterThan(50);
    const recovered = recoverResponseTimes(filled, 200);
    expect(recovered).toBeDefined();
    const qs = recovered?.quantiles ?? [];
    expect(at(qs, 0.5)).toBeLessThan(10);
    // Between the reported p10 (3) and p25 (17) the knee at 5 ms is blurred to that resolution.
    expect(at(qs, 0.75)).toBeLessThan(25);
    expect(at(qs, 0.9)).toBeGreaterThan(150);
    expect(at(qs, 0.975)).toBeGreaterThan(190);
    // The true mean is 24.5 ms.
    expect(recovered?.mean).toBeGreaterThan(20);
    expect(recovered?.mean).toBeLessThan(30);
  });

  it('needs at least two distinct values to read a spacing', () => {
    expect(recoverResponseTimes([{ q: 0.5, value: 1 }], 1)).toBeUndefined();
  });
});
