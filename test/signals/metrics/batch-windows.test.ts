import { describe, expect, it } from 'vitest';
import { daily, find, onsetMinute, signalsOf, value } from './synthetic.js';

const server = (i: number) => `instance=s${i}:8080`;
const DISK = 'instance=db:9100,device=nvme1n1';
/** 1 inside any of the windows [start, start + length), else 0. */
const windows = (starts: readonly number[], length: number) => (m: number) =>
  starts.some((s) => m >= s && m < s + length) ? 1 : 0;

describe('slow-window signals', () => {
  const job = windows([12, 72, 132, 192], 18);
  const signals = signalsOf(
    [
      { role: 'disk.io-utilization', subject: DISK, value: (m) => 0.2 + 0.5 * job(m), absNoise: 0.02 },
      // 1: slows 3× while the job runs. 2: slows once, at minute 100, with no resource busy.
      { role: 'http.latency-mean', subject: server(1), value: (m) => 0.045 * (1 + 2 * job(m)), noise: 0.08 },
      {
        role: 'http.latency-mean',
        subject: server(2),
        value: (m) => 0.045 * (1 + 2 * windows([100], 20)(m)),
        noise: 0.08,
      },
      // 3: steps up at minute 150 and stays: a lasting change, not windows.
      { role: 'http.latency-mean', subject: server(3), value: (m) => 0.045 * (m < 150 ? 1 : 3), noise: 0.08 },
      // 4: healthy, with the daily cycle.
      {
        role: 'http.latency-mean',
        subject: server(4),
        value: (m) => 0.045 * (1 + 0.1 * daily(m)),
        noise: 0.08,
      },
    ],
    { minutes: 240, seed: 81 },
  );

  it('finds recurring slow windows, their schedule and the busy resource behind them', () => {
    expect(value(signals, 'metrics.http.latency.episodes', server(1))).toBe(4);
    expect(Math.abs(onsetMinute(signals, 'metrics.http.latency.episodes', server(1)) - 12)).toBeLessThan(2);
    expect(value(signals, 'metrics.http.latency.episodes.period', server(1))).toBeCloseTo(60, 0);
    expect(value(signals, 'metrics.http.latency.episodes.resource-aligned', server(1))).toBe(1);
  });

  it('does not take one window for a schedule, nor a window without a busy resource for interference', () => {
    expect(value(signals, 'metrics.http.latency.episodes', server(2))).toBe(1);
    expect(value(signals, 'metrics.http.latency.episodes.period', server(2))).toBe(0);
    expect(value(signals, 'metrics.http.latency.episodes.resource-aligned', server(2))).toBe(0);
  });

  it('counts no window in a lasting step or a healthy service', () => {
    expect(value(signals, 'metrics.http.latency.episodes', server(3))).toBe(0);
    expect(value(signals, 'metrics.http.latency.episodes', server(4))).toBe(0);
    expect(find(signals, 'metrics.http.latency.episodes', server(4)).onset).toBeUndefined();
  });
});
