import { describe, expect, it } from 'vitest';
import type { SeriesSpec } from './synthetic.js';
import { find, onsetMinute, signalsOf, value } from './synthetic.js';

const lb = (name: string) => `instance=yace:5000,dimension_LoadBalancer=app/${name}/1`;

/** One balancer's requests per period, with the shares of 5xx it generates and its targets return. */
function balancer(name: string, own: (m: number) => number, targets: (m: number) => number): SeriesSpec[] {
  return [
    { role: 'lb.requests', subject: lb(name), value: () => 54_000, noise: 0.04 },
    { role: 'lb.own-5xx', subject: lb(name), value: (m) => 54_000 * own(m), noise: 0.1 },
    { role: 'lb.target-5xx', subject: lb(name), value: (m) => 54_000 * targets(m), noise: 0.1 },
  ];
}

describe('load balancer signals', () => {
  const from80 = (m: number) => (m >= 80 ? 1 : 0);
  const signals = signalsOf(
    [
      ...balancer(
        'public',
        (m) => 0.0002 + 0.035 * from80(m),
        () => 0.001,
      ),
      ...balancer(
        'targets',
        (m) => 0.0002 + 0.003 * from80(m),
        (m) => 0.001 + 0.04 * from80(m),
      ),
    ],
    { minutes: 180, stepS: 60, seed: 111 },
  );

  it('measures the 5xx the balancer generates itself and dates their rise', () => {
    expect(value(signals, 'metrics.lb.own-5xx.rise', lb('public'))).toBeGreaterThan(0.03);
    expect(Math.abs(onsetMinute(signals, 'metrics.lb.own-5xx.rise', lb('public')) - 80)).toBeLessThan(3);
    expect(value(signals, 'metrics.lb.own-5xx.share', lb('public'))).toBeGreaterThan(0.9);
  });

  it('tells failing targets behind a working balancer apart', () => {
    expect(value(signals, 'metrics.lb.own-5xx.rise', lb('targets'))).toBeLessThan(0.01);
    expect(find(signals, 'metrics.lb.own-5xx.rise', lb('targets')).onset).toBeUndefined();
    expect(value(signals, 'metrics.lb.own-5xx.share', lb('targets'))).toBeLessThan(0.2);
  });
});
