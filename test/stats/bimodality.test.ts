import { describe, expect, it } from 'vitest';
import { bimodality } from '../../src/stats/bimodality.js';
import { DDSketch } from '../../src/stats/ddsketch.js';
import { sketchBins } from '../../src/stats/sketch-ops.js';
import { SeededRandom } from './random.js';

function binsOf(draw: (r: SeededRandom) => number, n: number, seed: number) {
  const r = new SeededRandom(seed);
  const sketch = new DDSketch();
  for (let i = 0; i < n; i++) sketch.add(draw(r));
  return sketchBins(sketch);
}

describe('bimodality', () => {
  it('catches two real modes at 20 ms and 200 ms (70/30)', () => {
    const result = bimodality(binsOf((r) => r.logNormal(r.chance(0.3) ? 200 : 20, 0.25), 20_000, 7));
    expect(result?.ratio).toBeGreaterThan(8);
    expect(result?.ratio).toBeLessThan(12.5);
    expect(result?.valleyDepth).toBeLessThan(0.2);
  });

  it('does not call a heavy-tailed unimodal distribution bimodal', () => {
    // Log-normal body with a Pareto tail (alpha 1.5) from 100 ms on.
    const draw = (r: SeededRandom) =>
      r.chance(0.15) ? 100 * (1 - r.next()) ** (-1 / 1.5) : r.logNormal(60, 0.4);
    for (let seed = 0; seed < 10; seed++) expect(bimodality(binsOf(draw, 20_000, 100 + seed))?.ratio).toBe(0);
  });

  it('finds no second mode in pure log-normal noise, whatever the sample size', () => {
    let falsePositives = 0;
    for (let seed = 0; seed < 60; seed++) {
      const n = [150, 1000, 50_000][seed % 3] as number;
      const r = bimodality(binsOf((x) => x.logNormal(50, 0.5), n, 200 + seed));
      if ((r?.ratio ?? 0) > 0) falsePositives++;
    }
    expect(falsePositives).toBe(0);
  });

  it('ignores a slow group under 5% and declines tiny samples', () => {
    const result = bimodality(binsOf((r) => r.logNormal(r.chance(0.03) ? 500 : 20, 0.2), 20_000, 9));
    expect(result?.ratio).toBe(0);
    expect(bimodality(binsOf((r) => r.logNormal(20, 0.2), 50, 10))).toBeUndefined();
  });
});
