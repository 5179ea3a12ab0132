import { describe, expect, it } from 'vitest';
import { find, onsetMinute, signalsOf, value } from './synthetic.js';

const app = (i: number) => `instance=10.0.3.${i}:8080`;
const db = (name: string) => `instance=${name}:9187`;
const step = (at: number, before: number, after: number) => (m: number) => (m < at ? before : after);

describe('pool and thread signals', () => {
  const signals = signalsOf(
    [
      // Instance 1: pool of 10 pinned at 10 from minute 70, requests waiting and timing out 0.5/s.
      { role: 'pool.active', subject: app(1), value: step(70, 4, 10), absNoise: 0.3 },
      { role: 'pool.max', subject: app(1), value: () => 10 },
      { role: 'pool.pending', subject: app(1), value: step(70, 0, 20), noise: 0.3 },
      { role: 'pool.timeouts', subject: app(1), value: step(70, 0, 0.5), missing: 0 },
      // Instance 2: busy at 8 of 10 with a waiter in one scrape now and then.
      { role: 'pool.active', subject: app(2), value: step(70, 4, 8), absNoise: 0.3 },
      { role: 'pool.max', subject: app(2), value: () => 10 },
      {
        role: 'pool.pending',
        subject: app(2),
        value: (m) => (m > 70 && Math.round(m * 2) % 15 === 0 ? 2 : 0),
      },
      { role: 'pool.timeouts', subject: app(2), value: () => 0, missing: 0 },
      { role: 'threads.busy', subject: app(1), value: step(72, 40, 200) },
      { role: 'threads.max', subject: app(1), value: () => 200 },
    ],
    { minutes: 150, seed: 11 },
  );

  it('finds the pinned pool with its onset, and not the busy one', () => {
    expect(value(signals, 'metrics.pool.utilization', app(1))).toBeGreaterThan(0.95);
    expect(Math.abs(onsetMinute(signals, 'metrics.pool.utilization', app(1)) - 70)).toBeLessThan(2);
    expect(value(signals, 'metrics.pool.utilization', app(2))).toBeLessThan(0.9);
  });

  it("measures the pool's load as its busiest mean, not its highest median", () => {
    expect(value(signals, 'metrics.pool.utilization.mean', app(1))).toBeGreaterThan(0.95);
    const busy = value(signals, 'metrics.pool.utilization.mean', app(2));
    expect(busy).toBeGreaterThan(0.75);
    expect(busy).toBeLessThan(0.85);
  });

  it('counts minutes of sustained waiting, not single waiters', () => {
    expect(value(signals, 'metrics.pool.pending', app(1))).toBeGreaterThan(75);
    expect(Math.abs(onsetMinute(signals, 'metrics.pool.pending', app(1)) - 70)).toBeLessThan(2);
    expect(value(signals, 'metrics.pool.pending', app(2))).toBe(0);
  });

  it('counts timeouts from their rate (0.5/s for 80 minutes is 2400)', () => {
    const timeouts = value(signals, 'metrics.pool.timeouts', app(1));
    expect(timeouts).toBeGreaterThan(2300);
    expect(timeouts).toBeLessThan(2500);
    expect(value(signals, 'metrics.pool.timeouts', app(2))).toBe(0);
    expect(value(signals, 'metrics.threads.utilization', app(1))).toBe(1);
  });
});

describe('database signals', () => {
  const signals = signalsOf(
    [
      // A reconnection wave: 95 → 295 of 300 connections within a minute at minute 75.
      {
        role: 'db.connections',
        subject: db('orders-db-0'),
        value: (m) => (m >= 75 && m < 98 ? 295 : 95),
        noise: 0.03,
      },
      { role: 'db.connections.max', subject: db('orders-db-0'), value: () => 300 },
      // Organic growth: 95 → 245 over 100 minutes.
      {
        role: 'db.connections',
        subject: db('orders-db-1'),
        value: (m) => 95 + 1.5 * Math.max(0, Math.min(100, m - 40)),
        noise: 0.03,
      },
      { role: 'db.connections.max', subject: db('orders-db-1'), value: () => 300 },
      // Deadlocks: from one an hour to 4 a minute at minute 85 (rates per second, as the gatherer gives them).
      { role: 'db.deadlocks', subject: db('orders-db-0'), value: step(85, 1 / 3600, 4 / 60), noise: 0.3 },
      { role: 'db.deadlocks', subject: db('orders-db-1'), value: () => 1 / 3600, noise: 0.3 },
      // Replica lag grows at 0.2 s/s from minute 70.
      {
        role: 'db.replication-lag',
        subject: db('orders-db-2'),
        value: (m) => 0.3 + 12 * Math.max(0, m - 70),
        noise: 0.05,
      },
      { role: 'db.replication-lag', subject: db('orders-db-3'), value: () => 0.3, noise: 0.1 },
      { role: 'db.xid-age', subject: db('orders-db-0'), value: (m) => 1.18e9 + 9e5 * m },
      { role: 'db.xid-age', subject: db('orders-db-1'), value: (m) => 5e7 + ((m * 1.6e6) % 1.5e8) },
    ],
    { minutes: 180, seed: 13 },
  );

  it('measures a connection storm as a jump within 2 minutes, and growth as none', () => {
    expect(value(signals, 'metrics.db.connections.jump', db('orders-db-0'))).toBeGreaterThan(0.55);
    expect(
      Math.abs(onsetMinute(signals, 'metrics.db.connections.jump', db('orders-db-0')) - 75),
    ).toBeLessThan(2);
    expect(value(signals, 'metrics.db.connections.utilization', db('orders-db-0'))).toBeGreaterThan(0.9);
    expect(value(signals, 'metrics.db.connections.jump', db('orders-db-1'))).toBeLessThan(0.12);
    expect(value(signals, 'metrics.db.connections.utilization', db('orders-db-1'))).toBeLessThan(0.9);
  });

  it('measures deadlocks per minute and their rise', () => {
    const perMinute = value(signals, 'metrics.db.deadlocks', db('orders-db-0'));
    expect(perMinute).toBeGreaterThan(3.3);
    expect(perMinute).toBeLessThan(5);
    // 4/min over a baseline floored at 0.1/min.
    expect(value(signals, 'metrics.db.deadlocks.rise', db('orders-db-0'))).toBeGreaterThan(30);
    expect(Math.abs(onsetMinute(signals, 'metrics.db.deadlocks.rise', db('orders-db-0')) - 85)).toBeLessThan(
      2,
    );
    expect(value(signals, 'metrics.db.deadlocks.rise', db('orders-db-1'))).toBeLessThan(1.5);
    expect(find(signals, 'metrics.db.deadlocks.rise', db('orders-db-1')).onset).toBeUndefined();
  });

  it('measures replica lag, its growth per second and its onset', () => {
    expect(value(signals, 'metrics.db.replication-lag', db('orders-db-2'))).toBeGreaterThan(1200);
    const growth = value(signals, 'metrics.db.replication-lag.growth', db('orders-db-2'));
    expect(growth).toBeGreaterThan(0.17);
    expect(growth).toBeLessThan(0.23);
    expect(Math.abs(onsetMinute(signals, 'metrics.db.replication-lag', db('orders-db-2')) - 70)).toBeLessThan(
      3,
    );
    expect(value(signals, 'metrics.db.replication-lag.growth', db('orders-db-3'))).toBe(0);
  });

  it('relates the transaction ID age to the 2^31 limit', () => {
    expect(value(signals, 'metrics.db.xid-age.ratio', db('orders-db-0'))).toBeCloseTo(
      (1.18e9 + 9e5 * 178) / 2 ** 31,
      1,
    );
    expect(value(signals, 'metrics.db.xid-age.ratio', db('orders-db-1'))).toBeLessThan(0.1);
  });
});
