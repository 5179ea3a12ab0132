import { describe, expect, it } from 'vitest';
import { daily, find, onsetMinute, signalsOf, value } from './synthetic.js';

const server = (i: number) => `instance=s${i}:9464`;
const step = (m: number) => Math.min(1, Math.max(0, (m - 75) / 2));

describe('response size signals', () => {
  const signals = signalsOf(
    [
      // 1: responses grow from 14 kB to 1.2 MB at minute 75 and latency follows.
      { role: 'http.response-size', subject: server(1), value: (m) => 14_000 + 1.2e6 * step(m), noise: 0.06 },
      { role: 'http.latency-p99', subject: server(1), value: (m) => 0.1 + 2 * step(m), noise: 0.08 },
      // 2: the same sizes all along while latency rises with load.
      { role: 'http.response-size', subject: server(2), value: () => 14_000, noise: 0.06 },
      {
        role: 'http.latency-p99',
        subject: server(2),
        value: (m) => 0.1 * (1 + 0.5 * step(m) + 0.1 * daily(m)),
        noise: 0.08,
      },
    ],
    { minutes: 150, seed: 101 },
  );

  it('measures the size against its baseline and dates the rise', () => {
    expect(value(signals, 'metrics.http.response-size.shift', server(1))).toBeGreaterThan(50);
    expect(Math.abs(onsetMinute(signals, 'metrics.http.response-size.shift', server(1)) - 75)).toBeLessThan(
      3,
    );
    expect(value(signals, 'metrics.http.response-size.shift', server(2))).toBeLessThan(1.2);
    expect(find(signals, 'metrics.http.response-size.shift', server(2)).onset).toBeUndefined();
  });

  it('correlates latency with size only where size drives it', () => {
    expect(value(signals, 'metrics.http.latency.size-correlation', server(1))).toBeGreaterThan(0.6);
    expect(Math.abs(value(signals, 'metrics.http.latency.size-correlation', server(2)))).toBeLessThan(0.3);
  });
});
