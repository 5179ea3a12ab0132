import { describe, expect, it } from 'vitest';
import type { SeriesSpec } from './synthetic.js';
import { daily, find, onsetMinute, signalsOf, value } from './synthetic.js';

const GIB = 1024 ** 3;
const redis = (i: number) => `instance=redis-${i}:9121`;

/** A Redis instance's lookups split into hits and misses by `hit`, with evictions and memory. */
function cache(
  i: number,
  spec: {
    lookups: (m: number) => number;
    hit: (m: number) => number;
    evictions?: (m: number) => number;
    memory?: number;
  },
): SeriesSpec[] {
  return [
    { role: 'cache.hits', subject: redis(i), value: (m) => spec.lookups(m) * spec.hit(m), noise: 0.04 },
    {
      role: 'cache.misses',
      subject: redis(i),
      value: (m) => spec.lookups(m) * (1 - spec.hit(m)),
      noise: 0.04,
    },
    { role: 'cache.evictions', subject: redis(i), value: spec.evictions ?? (() => 0.3), noise: 0.1 },
    { role: 'cache.memory-used', subject: redis(i), value: () => (spec.memory ?? 2) * GIB, noise: 0.003 },
    { role: 'cache.memory-max', subject: redis(i), value: () => 4 * GIB },
  ];
}

describe('cache signals', () => {
  const traffic = (m: number) => 2000 * (1 + 0.3 * daily(m));
  const signals = signalsOf(
    [
      // Instance 0: the hit ratio collapses from 94% to 45% at minute 90 and refills over 45 minutes.
      ...cache(0, {
        lookups: traffic,
        hit: (m) => 0.94 - 0.49 * Math.max(0, m < 90 ? 0 : 1 - (m - 90) / 45),
      }),
      // Instance 1: at maxmemory, evictions from 0.5/s to 400/s from minute 70.
      ...cache(1, {
        lookups: traffic,
        hit: (m) => (m < 70 ? 0.95 : 0.8),
        evictions: (m) => (m < 70 ? 0.5 : 400),
        memory: 4,
      }),
      // Instance 2: healthy. Instance 3: six times the others' lookups from minute 75 (a hot key).
      ...cache(2, { lookups: traffic, hit: () => 0.95 }),
      ...cache(3, { lookups: (m) => traffic(m) * (m < 75 ? 1 : 6), hit: () => 0.95 }),
    ],
    { minutes: 180, seed: 23 },
  );

  it('measures the hit-ratio drop from the baseline and dates it', () => {
    expect(value(signals, 'metrics.cache.hit-ratio.drop', redis(0))).toBeGreaterThan(0.4);
    expect(value(signals, 'metrics.cache.hit-ratio', redis(0))).toBeLessThan(0.55);
    expect(Math.abs(onsetMinute(signals, 'metrics.cache.hit-ratio.drop', redis(0)) - 90)).toBeLessThan(3);
    expect(value(signals, 'metrics.cache.hit-ratio.drop', redis(2))).toBeLessThan(0.02);
    expect(find(signals, 'metrics.cache.hit-ratio.drop', redis(2)).onset).toBeUndefined();
  });

  it('measures evictions and their rise over a floored baseline, and memory against maxmemory', () => {
    // 400/s over a baseline of 0.5/s counted as 1/s.
    expect(value(signals, 'metrics.cache.evictions.rise', redis(1))).toBeGreaterThan(350);
    expect(Math.abs(onsetMinute(signals, 'metrics.cache.evictions.rise', redis(1)) - 70)).toBeLessThan(2);
    expect(value(signals, 'metrics.cache.evictions.rise', redis(0))).toBeLessThan(1);
    expect(value(signals, 'metrics.cache.memory-ratio', redis(1))).toBeGreaterThan(0.99);
    expect(value(signals, 'metrics.cache.memory-ratio', redis(0))).toBeCloseTo(0.5, 1);
  });

  it('finds the one instance serving several times the median of the others', () => {
    expect(value(signals, 'metrics.cache.load-skew', redis(3))).toBeGreaterThan(5);
    expect(Math.abs(onsetMinute(signals, 'metrics.cache.load-skew', redis(3)) - 75)).toBeLessThan(3);
    for (const i of [0, 1, 2]) expect(value(signals, 'metrics.cache.load-skew', redis(i))).toBeLessThan(1.3);
  });

  it('does not measure skew with fewer than three instances', () => {
    const two = signalsOf(
      [...cache(0, { lookups: traffic, hit: () => 0.9 }), ...cache(1, { lookups: traffic, hit: () => 0.9 })],
      {
        minutes: 60,
      },
    );
    expect(two.some((s) => s.name === 'metrics.cache.load-skew')).toBe(false);
  });
});

const group = (name: string) => `instance=kafka-exporter:9308,consumergroup=${name},topic=orders`;
const exporter = 'instance=kafka-exporter:9308';

/**
 * A consumer group's lag, consumed and published rates integrated from a produce rate and the
 * group's capacity, minute by minute (the lag is what was produced and not yet consumed).
 */
function topic(
  name: string,
  produced: (m: number) => number,
  capacity: (m: number) => number,
  minutes: number,
): SeriesSpec[] {
  const lag: number[] = [0];
  const consumed: number[] = [];
  for (let m = 0; m <= minutes; m++) {
    const backlog = (lag[m] as number) + produced(m) * 60;
    const took = Math.min(backlog, capacity(m) * 60);
    consumed.push(took / 60);
    lag.push(backlog - took);
  }
  const at = (list: number[]) => (m: number) => list[Math.min(list.length - 1, Math.floor(m))] as number;
  return [
    { role: 'queue.lag', subject: group(name), value: at(lag.slice(1)), absNoise: 20 },
    {
      role: 'queue.consumed',
      subject: `${exporter},consumergroup=${name}`,
      value: at(consumed),
      noise: 0.03,
    },
    {
      role: 'queue.published',
      subject: `${exporter},consumergroup=${name},topic=orders`,
      value: produced,
      noise: 0.03,
    },
  ];
}

describe('queue signals', () => {
  const minutes = 150;
  it('measures lag growth as the share of arriving messages left behind', () => {
    // From minute 80 consumers take 600/s of 800/s: a quarter of the inflow piles up.
    const signals = signalsOf(
      topic(
        'slow',
        () => 800,
        (m) => (m < 80 ? 1300 : 600),
        minutes,
      ),
      { minutes, seed: 29 },
    );
    const growth = value(signals, 'metrics.queue.lag.growth', group('slow'));
    expect(growth).toBeGreaterThan(0.2);
    expect(growth).toBeLessThan(0.3);
    expect(Math.abs(onsetMinute(signals, 'metrics.queue.lag.growth', group('slow')) - 80)).toBeLessThan(4);
    expect(value(signals, 'metrics.queue.stall', group('slow'))).toBe(0);
  });

  it('counts the minutes of a stall: nothing consumed while the backlog grows', () => {
    const signals = signalsOf(
      topic(
        'stuck',
        () => 800,
        (m) => (m < 95 ? 1300 : 0),
        minutes,
      ),
      { minutes, seed: 31 },
    );
    const stall = value(signals, 'metrics.queue.stall', group('stuck'));
    expect(stall).toBeGreaterThan(50);
    expect(stall).toBeLessThan(58);
    expect(Math.abs(onsetMinute(signals, 'metrics.queue.stall', group('stuck')) - 95)).toBeLessThan(2.5);
  });

  it('does not call a quiet topic stalled, and sees a publish burst that drains', () => {
    const quiet = signalsOf(
      topic(
        'quiet',
        (m) => (m < 60 ? 50 : 0),
        () => 1300,
        minutes,
      ),
      { minutes, seed: 37 },
    );
    expect(value(quiet, 'metrics.queue.stall', group('quiet'))).toBe(0);
    const burst = signalsOf(
      topic(
        'burst',
        (m) => (m >= 80 && m < 95 ? 2400 : 800),
        () => 1300,
        minutes,
      ),
      {
        minutes,
        seed: 41,
      },
    );
    expect(value(burst, 'metrics.queue.published.rise', group('burst'))).toBeGreaterThan(2.5);
    expect(Math.abs(onsetMinute(burst, 'metrics.queue.published.rise', group('burst')) - 80)).toBeLessThan(2);
    expect(value(burst, 'metrics.queue.stall', group('burst'))).toBe(0);
  });

  it('finds messages that were published but neither consumed nor kept (dropped at a length limit)', () => {
    // From minute 90 the queue sits at its 50,000-message limit and drops the 300/s it cannot take.
    const limit = 50_000;
    const dropping: SeriesSpec[] = [
      { role: 'queue.lag', subject: group('capped'), value: (m) => (m < 90 ? 200 : limit), absNoise: 10 },
      { role: 'queue.published', subject: group('capped'), value: () => 1000, noise: 0.02 },
      { role: 'queue.consumed', subject: group('capped'), value: (m) => (m < 90 ? 1000 : 700), noise: 0.02 },
    ];
    const signals = signalsOf(dropping, { minutes, seed: 43 });
    const share = value(signals, 'metrics.queue.overflow-share', group('capped'));
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.35);
    const kept = signalsOf(
      topic(
        'kept',
        () => 800,
        (m) => (m < 80 ? 1300 : 600),
        minutes,
      ),
      { minutes, seed: 47 },
    );
    expect(Math.abs(value(kept, 'metrics.queue.overflow-share', group('kept')))).toBeLessThan(0.05);
  });
});
