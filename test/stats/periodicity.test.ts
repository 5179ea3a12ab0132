import { describe, expect, it } from 'vitest';
import { spikePeriodicity } from '../../src/stats/periodicity.js';
import { SeededRandom } from './random.js';

const options = { bucketWidth: 2, minJump: Math.log(2) };

describe('spikePeriodicity', () => {
  it('finds spikes every 60 s', () => {
    const r = new SeededRandom(11);
    const times = Array.from({ length: 300 }, (_, i) => i * 2);
    const values = times.map((t) => r.normal() * 0.1 + (t % 60 >= 30 && t % 60 < 40 ? 2 : 0));
    const result = spikePeriodicity(times, values, options);
    expect(result.period).toBe(60);
    expect(result.events).toBe(10);
    expect(result.spikeBuckets).toBe(50);
  });

  it('tolerates one missed spike', () => {
    const times = Array.from({ length: 300 }, (_, i) => i * 2);
    const values = times.map((t) => (t % 60 === 0 && t !== 240 ? 3 : 0));
    expect(spikePeriodicity(times, values, options).period).toBe(60);
  });

  it('finds the period when spikes were lost, one of them twice in a row', () => {
    // Spikes every 47 s from t = 54 s; the 2nd and the 5th were lost (a load step hid them), so the
    // gaps are 92, 48, 94 and 48 s and their median fits neither one period nor two.
    const times = Array.from({ length: 180 }, (_, i) => i * 2);
    const spikes = [54, 146, 194, 288, 336];
    const values = times.map((t) => (spikes.includes(t) ? 3 : 0));
    const result = spikePeriodicity(times, values, options);
    expect(result.period).toBeGreaterThan(45);
    expect(result.period).toBeLessThan(49);
  });

  it('does not take five randomly timed spikes for a grid with gaps', () => {
    let found = 0;
    for (let s = 0; s < 300; s++) {
      const r = new SeededRandom(900 + s);
      const spikes = new Set<number>();
      while (spikes.size < 5) spikes.add(2 * Math.floor(r.next() * 180));
      const times = Array.from({ length: 180 }, (_, i) => i * 2);
      const values = times.map((t) => (spikes.has(t) ? 3 : 0));
      if (spikePeriodicity(times, values, options).period > 0) found++;
    }
    // Measured: about 1 draw in 100 (see GRID_TOLERANCE); 9 of 300 would be three times that.
    expect(found).toBeLessThanOrEqual(9);
  });

  it('does not find a period in randomly timed spikes or in noise', () => {
    let falsePositives = 0;
    for (let s = 0; s < 100; s++) {
      const r = new SeededRandom(400 + s);
      const times = Array.from({ length: 300 }, (_, i) => i * 2);
      const values = times.map(() => r.normal() * 0.1 + (r.chance(s % 2 === 0 ? 0.03 : 0) ? 2 : 0));
      if (spikePeriodicity(times, values, options).period > 0) falsePositives++;
    }
    expect(falsePositives).toBeLessThanOrEqual(1);
  });
});
