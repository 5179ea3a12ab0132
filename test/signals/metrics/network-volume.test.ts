import { describe, expect, it } from 'vitest';
import { daily, find, onsetMinute, signalsOf, value } from './synthetic.js';

const host = (i: number) => `instance=10.0.${i}.1:9100`;
const cycle = (m: number) => 1 + 0.3 * daily(m);

describe('inbound traffic signals', () => {
  it('tells a flood that is not requests from traffic that is', () => {
    // Host 1 is flooded from minute 80 (20× its bytes, 15× its packets) while the requests served fall by a third.
    const flood = (m: number) => (m >= 80 ? 1 : 0);
    const signals = signalsOf(
      [
        {
          role: 'net.receive-bytes',
          subject: host(1),
          value: (m) => 3e7 * cycle(m) * (1 + 19 * flood(m)),
          noise: 0.05,
        },
        {
          role: 'net.receive-packets',
          subject: host(1),
          value: (m) => 4e4 * cycle(m) * (1 + 14 * flood(m)),
          noise: 0.05,
        },
        { role: 'net.receive-bytes', subject: host(2), value: (m) => 3e7 * cycle(m), noise: 0.05 },
        {
          role: 'http.requests',
          subject: 'instance=s1:8080',
          value: (m) => 120 * cycle(m) * (1 - 0.35 * flood(m)),
          noise: 0.05,
        },
        {
          role: 'http.requests',
          subject: 'instance=s2:8080',
          value: (m) => 120 * cycle(m) * (1 - 0.35 * flood(m)),
          noise: 0.05,
        },
      ],
      { minutes: 180, seed: 71 },
    );
    expect(value(signals, 'metrics.net.receive.rise', host(1))).toBeGreaterThan(15);
    expect(Math.abs(onsetMinute(signals, 'metrics.net.receive.rise', host(1)) - 80)).toBeLessThan(3);
    expect(value(signals, 'metrics.net.receive-packets.rise', host(1))).toBeGreaterThan(11);
    expect(value(signals, 'metrics.net.receive.request-ratio', host(1))).toBeGreaterThan(20);
    expect(value(signals, 'metrics.net.receive.rise', host(2))).toBeLessThan(1.4);
    expect(find(signals, 'metrics.net.receive.rise', host(2)).onset).toBeUndefined();
  });

  it('finds traffic that grows with the requests near a ratio of 1', () => {
    const crowd = (m: number) => 1 + 5 * Math.min(1, Math.max(0, (m - 90) / 4));
    const signals = signalsOf(
      [
        { role: 'net.receive-bytes', subject: host(1), value: (m) => 3e7 * cycle(m) * crowd(m), noise: 0.05 },
        {
          role: 'http.requests',
          subject: 'instance=s1:8080',
          value: (m) => 120 * cycle(m) * crowd(m),
          noise: 0.05,
        },
      ],
      { minutes: 180, seed: 72 },
    );
    expect(value(signals, 'metrics.net.receive.rise', host(1))).toBeGreaterThan(5);
    expect(value(signals, 'metrics.net.receive.request-ratio', host(1))).toBeGreaterThan(0.8);
    expect(value(signals, 'metrics.net.receive.request-ratio', host(1))).toBeLessThan(1.25);
  });
});
