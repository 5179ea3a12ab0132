import { describe, expect, it } from 'vitest';
import type { SeriesSpec } from './synthetic.js';
import { find, onsetMinute, signalsOf, value } from './synthetic.js';

const call = (destination: string) =>
  `namespace=shop,pod=frontend-a,destination_service=${destination}.shop.svc.cluster.local`;

describe('service-mesh proxy signals', () => {
  const from80 = (m: number) => (m >= 80 ? 1 : 0);
  const specs: SeriesSpec[] = [
    { role: 'mesh.requests', subject: call('reviews'), value: () => 20, noise: 0.05 },
    // A third of the calls answered 503 UH by the proxy from minute 80, over a restart's few UF.
    {
      role: 'mesh.proxy-failures',
      subject: call('reviews'),
      value: (m) => 20 * (0.0004 + 0.3 * from80(m)),
      noise: 0.1,
    },
    { role: 'mesh.requests', subject: call('ratings'), value: () => 12, noise: 0.05 },
    { role: 'mesh.proxy-failures', subject: call('ratings'), value: () => 12 * 0.0004, noise: 0.1 },
    // A service the proxy never failed a request to has no flagged series at all.
    { role: 'mesh.requests', subject: call('details'), value: () => 8, noise: 0.05 },
  ];
  const signals = signalsOf(specs, { minutes: 180, stepS: 60, seed: 4011 });

  it('measures the requests the calling proxy failed itself and dates their rise', () => {
    expect(value(signals, 'metrics.mesh.proxy-failures.rise', call('reviews'))).toBeGreaterThan(0.25);
    expect(
      Math.abs(onsetMinute(signals, 'metrics.mesh.proxy-failures.rise', call('reviews')) - 80),
    ).toBeLessThan(3);
  });

  it('leaves steady restart noise and unflagged services at nothing', () => {
    expect(value(signals, 'metrics.mesh.proxy-failures.rise', call('ratings'))).toBeLessThan(0.002);
    expect(find(signals, 'metrics.mesh.proxy-failures.rise', call('ratings')).onset).toBeUndefined();
    expect(value(signals, 'metrics.mesh.proxy-failures.rise', call('details'))).toBe(0);
  });
});
