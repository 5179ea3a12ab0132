import { describe, expect, it } from 'vitest';
import {
  allowedStep,
  chooseStep,
  parsePromDuration,
  rateWindowMs,
} from '../../../src/gather/metrics/step.js';

// The resolution of range queries, chosen from the window and the server's scrape interval.

const HOUR = 3_600_000;
const window = (ms: number) => ({ start: 0, end: ms });

describe('query step', () => {
  it('aims at about 1,100 points, never below 15 s or the scrape interval, on a readable step', () => {
    expect(chooseStep(window(HOUR))).toBe(15_000);
    expect(chooseStep(window(6 * HOUR))).toBe(30_000);
    expect(chooseStep(window(24 * HOUR))).toBe(120_000);
    expect(chooseStep(window(7 * 24 * HOUR))).toBe(600_000);
    expect(chooseStep(window(HOUR), 60_000)).toBe(60_000);
    expect(chooseStep(window(HOUR), 1000)).toBe(15_000);
    for (const span of [HOUR, 6 * HOUR, 24 * HOUR, 30 * 24 * HOUR, 400 * 24 * HOUR])
      expect(span / chooseStep(window(span))).toBeLessThanOrEqual(1100);
  });

  it('raises a given step only when the server would refuse it', () => {
    expect(allowedStep(window(HOUR), 5000)).toBe(5000);
    expect(allowedStep(window(30 * 24 * HOUR), 15_000)).toBe(236_000);
  });

  it('keeps rate windows at four steps, a minute and four scrapes at least', () => {
    expect(rateWindowMs(15_000)).toBe(60_000);
    expect(rateWindowMs(120_000)).toBe(480_000);
    expect(rateWindowMs(15_000, 30_000)).toBe(120_000);
  });

  it('reads Prometheus durations', () => {
    expect(parsePromDuration('15s')).toBe(15_000);
    expect(parsePromDuration('1m30s')).toBe(90_000);
    expect(parsePromDuration('2h')).toBe(7_200_000);
    expect(parsePromDuration('1.5m')).toBeUndefined();
    expect(parsePromDuration('soon')).toBeUndefined();
  });
});
