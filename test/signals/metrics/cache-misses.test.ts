import { describe, expect, it } from 'vitest';
import type { SeriesSpec } from './synthetic.js';
import { daily, find, onsetMinute, signalsOf, value } from './synthetic.js';

const redis = (i: number) => `instance=redis-${i}:9121`;
const DB = 'instance=orders-db-0:9187';

/** A Redis instance's lookups split into hits and misses, and its key count. */
function cache(
  i: number,
  spec: { hits: (m: number) => number; misses: (m: number) => number; keys?: (m: number) => number },
): SeriesSpec[] {
  return [
    { role: 'cache.hits', subject: redis(i), value: spec.hits, noise: 0.04 },
    { role: 'cache.misses', subject: redis(i), value: spec.misses, noise: 0.1 },
    { role: 'cache.keys', subject: redis(i), value: spec.keys ?? (() => 1_200_000), noise: 0.0005 },
  ];
}

const traffic = (m: number) => 2000 * (1 + 0.3 * daily(m));
/** One 30-second scrape at each minute listed (a burst of one scrape), else 0. */
const at = (minutes: readonly number[]) => (m: number) =>
  minutes.some((b) => m > b && m <= b + 0.5) ? 1 : 0;

const ttl = at(Array.from({ length: 18 }, (_, k) => 4 + 10 * k));
// Irregular bursts: gaps of 3 to 40 minutes.
const irregular = at([12, 15, 55, 61, 100, 140, 143]);

describe('cache miss signals', () => {
  const signals = signalsOf(
    [
      // 0: a hot key expiring every 10 minutes, the database's active sessions bursting with it.
      ...cache(0, {
        hits: (m) => traffic(m) * (0.95 - 0.15 * ttl(m)),
        misses: (m) => traffic(m) * (0.05 + 0.15 * ttl(m)),
      }),
      { role: 'db.connections.active', subject: DB, value: (m) => 6 + 70 * ttl(m), noise: 0.1 },
      { role: 'db.transactions', subject: DB, value: (m) => 300 + (m >= 75 ? 1700 : 0), noise: 0.04 },
      // 1: healthy.
      ...cache(1, { hits: (m) => traffic(m) * 0.95, misses: (m) => traffic(m) * 0.05 }),
      // 2: from minute 75, 1700 lookups/s of absent keys on top of the usual traffic; keys flat.
      ...cache(2, {
        hits: (m) => traffic(m) * 0.95,
        misses: (m) => traffic(m) * 0.05 + (m >= 75 ? 1700 : 0),
      }),
      // 3: bursts at irregular times.
      ...cache(3, {
        hits: (m) => traffic(m) * 0.95,
        misses: (m) => traffic(m) * (0.05 + 0.15 * irregular(m)),
      }),
      // 4: keys expire together at minute 90 (hits turn into misses) and the key count halves.
      ...cache(4, {
        hits: (m) => traffic(m) * (m < 90 ? 0.95 : 0.6),
        misses: (m) => traffic(m) * (m < 90 ? 0.05 : 0.4),
        keys: (m) => (m < 90 ? 1_200_000 : 600_000),
      }),
    ],
    { minutes: 180, seed: 41 },
  );

  it('counts short miss bursts, finds their period and dates the first', () => {
    expect(value(signals, 'metrics.cache.miss-bursts', redis(0))).toBe(18);
    expect(value(signals, 'metrics.cache.miss-bursts.period', redis(0))).toBeCloseTo(10, 0);
    expect(Math.abs(onsetMinute(signals, 'metrics.cache.miss-bursts', redis(0)) - 4.5)).toBeLessThan(1);
    expect(value(signals, 'metrics.cache.miss-bursts.db-aligned', redis(0))).toBeGreaterThan(0.9);
  });

  it('finds no bursts in a steady cache, and no period in irregular bursts', () => {
    expect(value(signals, 'metrics.cache.miss-bursts', redis(1))).toBe(0);
    expect(value(signals, 'metrics.cache.miss-bursts', redis(3))).toBe(7);
    expect(value(signals, 'metrics.cache.miss-bursts.period', redis(3))).toBe(0);
    expect(value(signals, 'metrics.cache.miss-bursts.db-aligned', redis(3))).toBeLessThan(0.3);
  });

  it('does not count a lasting rise of misses as a burst', () => {
    expect(value(signals, 'metrics.cache.miss-bursts', redis(2))).toBe(0);
    expect(value(signals, 'metrics.cache.miss-bursts', redis(4))).toBe(0);
  });

  it('tells misses added on top of hits from hits turned into misses', () => {
    expect(value(signals, 'metrics.cache.misses.rise', redis(2))).toBeGreaterThan(10);
    expect(value(signals, 'metrics.cache.misses.added-share', redis(2))).toBeGreaterThan(0.9);
    expect(Math.abs(onsetMinute(signals, 'metrics.cache.misses.rise', redis(2)) - 75)).toBeLessThan(3);
    expect(value(signals, 'metrics.cache.misses.backend-rise', redis(2))).toBeGreaterThan(4);
    expect(value(signals, 'metrics.cache.misses.added-share', redis(4))).toBeLessThan(0.2);
    // A steady cache has no rise to take apart.
    expect(value(signals, 'metrics.cache.misses.added-share', redis(1))).toBe(0);
    expect(find(signals, 'metrics.cache.misses.added-share', redis(1)).onset).toBeUndefined();
  });

  it('measures the key count against its baseline', () => {
    expect(value(signals, 'metrics.cache.keys.shift', redis(2))).toBeCloseTo(1, 1);
    expect(value(signals, 'metrics.cache.keys.shift', redis(4))).toBeCloseTo(0.5, 1);
    expect(Math.abs(onsetMinute(signals, 'metrics.cache.keys.shift', redis(4)) - 90)).toBeLessThan(2);
    expect(find(signals, 'metrics.cache.keys.shift', redis(2)).onset).toBeUndefined();
  });
});

describe('keys against the traffic', () => {
  const SERVICE = 'instance=shop-0:8080';
  // The service's requests climb in three steps (a stepped load test), or hold steady.
  const stepped = (m: number) => (m < 60 ? 200 : m < 120 ? 400 : 600);
  const run = (requests: (m: number) => number, keys: (m: number) => number) =>
    signalsOf(
      [
        { role: 'http.requests', subject: SERVICE, value: requests, noise: 0.04 },
        ...cache(0, { hits: (m) => requests(m) * 0.9, misses: (m) => requests(m) * 0.1, keys }),
      ],
      { minutes: 180, seed: 43 },
    );

  it('sees a key count that only followed the load as no growth per request', () => {
    // More requests over the same key space hold more of its keys within their TTL, less than in proportion.
    const signals = run(stepped, (m) => 10_000 * Math.sqrt(stepped(m) / 200));
    expect(value(signals, 'metrics.cache.keys.shift', redis(0))).toBeGreaterThan(1.5);
    expect(value(signals, 'metrics.cache.keys.per-request.shift', redis(0))).toBeLessThan(1.15);
  });

  it('sees keys stored at a steady load (a widening key space) as growth per request', () => {
    const signals = run(
      () => 400,
      (m) => (m < 75 ? 10_000 : 30_000),
    );
    expect(value(signals, 'metrics.cache.keys.per-request.shift', redis(0))).toBeGreaterThan(2.5);
  });
});
