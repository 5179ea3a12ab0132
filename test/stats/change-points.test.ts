import { describe, expect, it } from 'vitest';
import { detectChangePoints } from '../../src/stats/change-points.js';
import { detectRateChanges } from '../../src/stats/rate-change.js';
import { SeededRandom } from './random.js';

describe('detectChangePoints', () => {
  it('finds a level shift with its onset and effect', () => {
    const r = new SeededRandom(2);
    const xs = Array.from({ length: 120 }, (_, i) => r.normal() * 0.1 + (i >= 70 ? 0.7 : 0));
    const seg = detectChangePoints(xs, { minSegment: 5 });
    expect(seg.changePoints).toHaveLength(1);
    expect(Math.abs((seg.changePoints[0]?.index ?? 0) - 70)).toBeLessThanOrEqual(1);
    expect(seg.changePoints[0]?.effect).toBeCloseTo(0.7, 1);
  });

  it('finds both edges of a temporary excursion', () => {
    const r = new SeededRandom(3);
    const xs = Array.from({ length: 200 }, (_, i) => r.normal() * 0.1 + (i >= 80 && i < 120 ? 1 : 0));
    const seg = detectChangePoints(xs, { minSegment: 5 });
    expect(seg.changePoints.map((c) => c.index)).toEqual([80, 120]);
  });

  it('does not mistake short isolated spikes for level changes', () => {
    const r = new SeededRandom(4);
    const xs = Array.from({ length: 200 }, (_, i) => r.normal() * 0.1 + (i % 40 === 0 ? 3 : 0));
    expect(detectChangePoints(xs, { minSegment: 10 }).changePoints).toHaveLength(0);
  });

  it('keeps false change points on pure noise at about 1% of series', () => {
    let falsePositives = 0;
    const trials = 200;
    for (let s = 0; s < trials; s++) {
      const r = new SeededRandom(1000 + s);
      const n = [20, 60, 240][s % 3] as number;
      const xs = Array.from({ length: n }, () => (s % 2 === 0 ? r.normal() : r.laplace(1)));
      if (detectChangePoints(xs, { minSegment: 3 }).changePoints.length > 0) falsePositives++;
    }
    expect(falsePositives / trials).toBeLessThanOrEqual(0.02);
  });

  it('finds a middle stretch that recovers (A, B, A), where no single cut pays', () => {
    for (const [seed, noise] of [
      [10, 'normal'],
      [11, 'laplace'],
    ] as const) {
      const r = new SeededRandom(seed);
      const xs = Array.from(
        { length: 300 },
        (_, i) => (noise === 'normal' ? r.normal() : r.laplace(1)) * 0.1 + (i >= 100 && i < 200 ? 0.5 : 0),
      );
      const seg = detectChangePoints(xs, { minSegment: 5 });
      const onsets = seg.changePoints.map((c) => c.index);
      expect(onsets).toHaveLength(2);
      expect(Math.abs((onsets[0] ?? 0) - 100)).toBeLessThanOrEqual(2);
      expect(Math.abs((onsets[1] ?? 0) - 200)).toBeLessThanOrEqual(2);
      expect(seg.segments[1]?.level).toBeCloseTo(0.5, 1);
    }
  });

  it('keeps false pairs of cuts on pure noise under 1% of series', () => {
    // The pair search runs only where no single cut pays, so this measures what it adds.
    let falsePositives = 0;
    const trials = 300;
    for (let s = 0; s < trials; s++) {
      const r = new SeededRandom(3000 + s);
      const n = [20, 60, 240][s % 3] as number;
      const xs = Array.from({ length: n }, () => (s % 2 === 0 ? r.normal() : r.laplace(1)));
      const withPairs = detectChangePoints(xs, { minSegment: 3 }).changePoints.length;
      const singleOnly = detectChangePoints(xs, { minSegment: 3, pairPenalty: Number.POSITIVE_INFINITY })
        .changePoints.length;
      if (withPairs > singleOnly) falsePositives++;
    }
    expect(falsePositives / trials).toBeLessThanOrEqual(0.01);
  });

  it('segments 960 points quickly', () => {
    const r = new SeededRandom(12);
    const xs = Array.from({ length: 960 }, (_, i) => r.normal() + (i >= 400 && i < 500 ? 2 : 0));
    detectChangePoints(xs, { minSegment: 5 });
    const t0 = performance.now();
    const seg = detectChangePoints(xs, { minSegment: 5 });
    console.log(`960-point segmentation: ${(performance.now() - t0).toFixed(1)} ms`);
    expect(seg.changePoints.map((c) => c.index)).toHaveLength(2);
  });

  it('returns one segment for short or constant series', () => {
    expect(detectChangePoints([1, 2, 3], { minSegment: 3 }).segments).toHaveLength(1);
    expect(detectChangePoints(new Array(50).fill(5), { minSegment: 3 }).changePoints).toHaveLength(0);
  });
});

describe('detectRateChanges', () => {
  it('finds a rise of the failure rate', () => {
    const r = new SeededRandom(5);
    const trials = new Array(100).fill(100);
    const events = trials.map((n, i) => {
      let k = 0;
      for (let j = 0; j < n; j++) if (r.chance(i >= 60 ? 0.2 : 0.01)) k++;
      return k;
    });
    const seg = detectRateChanges(events, trials, { minSegment: 3 });
    expect(seg.changePoints.map((c) => c.index)).toEqual([60]);
    expect(seg.segments[1]?.rate).toBeCloseTo(0.2, 1);
  });

  it('finds a failure rate that rises and recovers (1%, 20%, 1%)', () => {
    const r = new SeededRandom(6);
    const trials = new Array(150).fill(100);
    const events = trials.map((n, i) => {
      let k = 0;
      for (let j = 0; j < n; j++) if (r.chance(i >= 50 && i < 100 ? 0.2 : 0.01)) k++;
      return k;
    });
    const seg = detectRateChanges(events, trials, { minSegment: 3 });
    const onsets = seg.changePoints.map((c) => c.index);
    expect(onsets).toHaveLength(2);
    expect(Math.abs((onsets[0] ?? 0) - 50)).toBeLessThanOrEqual(2);
    expect(Math.abs((onsets[1] ?? 0) - 100)).toBeLessThanOrEqual(2);
    expect(seg.segments[1]?.rate).toBeCloseTo(0.2, 1);
  });

  it('keeps false pairs of cuts of a constant rate under 1% of series', () => {
    let falsePositives = 0;
    for (let s = 0; s < 200; s++) {
      const r = new SeededRandom(4000 + s);
      const trials = Array.from(
        { length: [20, 60, 120][s % 3] as number },
        () => 20 + Math.floor(r.next() * 80),
      );
      const events = trials.map((n) => {
        let k = 0;
        for (let j = 0; j < n; j++) if (r.chance(0.02)) k++;
        return k;
      });
      const withPairs = detectRateChanges(events, trials, { minSegment: 3 }).changePoints.length;
      const singleOnly = detectRateChanges(events, trials, {
        minSegment: 3,
        pairPenalty: Number.POSITIVE_INFINITY,
      }).changePoints.length;
      if (withPairs > singleOnly) falsePositives++;
    }
    expect(falsePositives).toBeLessThanOrEqual(2);
  });

  it('keeps false splits of a constant rate rare', () => {
    let falsePositives = 0;
    for (let s = 0; s < 100; s++) {
      const r = new SeededRandom(2000 + s);
      const trials = Array.from({ length: 120 }, () => 20 + Math.floor(r.next() * 80));
      const events = trials.map((n) => {
        let k = 0;
        for (let j = 0; j < n; j++) if (r.chance(0.02)) k++;
        return k;
      });
      if (detectRateChanges(events, trials, { minSegment: 3 }).changePoints.length > 0) falsePositives++;
    }
    expect(falsePositives).toBeLessThanOrEqual(2);
  });
});
