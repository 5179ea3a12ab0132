import { describe, expect, it } from 'vitest';
import { timescaleOf } from '../../../src/signals/metrics/timescale.js';
import { find, MINUTE, START, signalsOf } from './synthetic.js';

// Metric levels are judged on the time scale of the window: 5 minutes for incident windows of 40
// minutes and more, an eighth of a shorter window (never under 8 samples), so a two-minute
// rehearsal scraped every second still holds levels.

describe('the metric time scale', () => {
  it('keeps 5-minute levels and rates for windows of 40 minutes and more', () => {
    expect(timescaleOf(40 * MINUTE, 15_000)).toEqual({ sustainMs: 5 * MINUTE, rateWindowMs: 5 * MINUTE });
    expect(timescaleOf(6 * 60 * MINUTE, 30_000).sustainMs).toBe(5 * MINUTE);
  });

  it('shrinks to an eighth of a shorter window, and to no fewer than 8 samples', () => {
    expect(timescaleOf(2 * MINUTE, 1000).sustainMs).toBe(15_000);
    expect(timescaleOf(20 * MINUTE, 15_000).sustainMs).toBe(150_000);
    // 8 scrapes at 15 s are 2 minutes, more than an eighth of 4 minutes.
    expect(timescaleOf(4 * MINUTE, 15_000).sustainMs).toBe(120_000);
  });

  it('dates a one-minute drop of the hit ratio in a two-minute window scraped every second', () => {
    const dropAt = 1; // minute
    const signals = signalsOf(
      [
        {
          role: 'cache.hits',
          subject: 'instance=redis:9121',
          value: (m) => (m < dropAt ? 90 : 40),
          noise: 0.03,
        },
        {
          role: 'cache.misses',
          subject: 'instance=redis:9121',
          value: (m) => (m < dropAt ? 10 : 60),
          noise: 0.05,
        },
      ],
      { minutes: 2, stepS: 1 },
    );
    const drop = find(signals, 'metrics.cache.hit-ratio.drop');
    expect(drop.value).toBeGreaterThan(0.3);
    expect(drop.onset).toBeDefined();
    // The rate window is 15 s, so the drop is dated within it.
    expect(Math.abs(Date.parse(drop.onset as string) - (START + dropAt * MINUTE))).toBeLessThan(15_000);
    expect(find(signals, 'metrics.cache.hit-ratio').explanation).toMatch(/lowest 15-second level/);
  });

  it('sees a consumer that stops for the last half of a three-minute window scraped every second', () => {
    const stopAt = 1.5; // minute
    const subject = 'stream_name=ORDERS,consumer_name=worker';
    const series = (consumed: number) => [
      {
        role: 'queue.lag' as const,
        subject,
        value: (m: number) => Math.max(0, m - stopAt) * 60 * 30,
        absNoise: 2,
      },
      { role: 'queue.published' as const, subject, value: () => 30, noise: 0.05 },
      {
        role: 'queue.consumed' as const,
        subject,
        value: (m: number) => (m < stopAt ? 30 : consumed),
        noise: 0.05,
      },
    ];
    const stalled = signalsOf(series(0), { minutes: 3, stepS: 1 });
    const share = find(stalled, 'metrics.queue.stall.share');
    expect(share.value).toBeGreaterThan(0.4);
    expect(Math.abs(Date.parse(share.onset as string) - (START + stopAt * MINUTE))).toBeLessThan(15_000);
    // A consumer that slowed to half its rate is not stalled.
    const slowed = signalsOf(series(15), { minutes: 3, stepS: 1 });
    expect(find(slowed, 'metrics.queue.stall.share').value).toBe(0);
  });
});
