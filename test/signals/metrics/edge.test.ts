import { describe, expect, it } from 'vitest';
import type { SeriesSpec } from './synthetic.js';
import { find, onsetMinute, signalsOf, value } from './synthetic.js';

const dist = (id: string) => `instance=yace:5000,dimension_DistributionId=${id}`;
const acl = (name: string) => `instance=yace:5000,dimension_WebACL=${name}`;
const fn = (region: string) => `instance=yace:5000,dimension_FunctionName=us-east-1.auth,region=${region}`;
const from80 = (m: number) => (m >= 80 ? 1 : 0);

function distribution(id: string, rps: (m: number) => number, hit: (m: number) => number): SeriesSpec[] {
  return [
    { role: 'cdn.requests', subject: dist(id), value: rps, noise: 0.03 },
    { role: 'cdn.cache-hit-rate', subject: dist(id), value: hit, absNoise: 0.01 },
    { role: 'cdn.5xx-rate', subject: dist(id), value: () => 0.001, absNoise: 0.0003 },
  ];
}

function webAcl(name: string, total: (m: number) => number, share: (m: number) => number): SeriesSpec[] {
  return [
    { role: 'waf.blocked', subject: acl(name), value: (m) => total(m) * share(m), noise: 0.05 },
    { role: 'waf.allowed', subject: acl(name), value: (m) => total(m) * (1 - share(m)), noise: 0.04 },
  ];
}

describe('CDN cache hit signals', () => {
  const signals = signalsOf(
    [
      ...distribution(
        'STATIC',
        () => 120_000,
        (m) => 0.9 - 0.5 * from80(m),
      ),
      ...distribution(
        'API',
        () => 90_000,
        () => 0.05,
      ),
      ...distribution(
        'SURGE',
        (m) => 120_000 * (1 + 2 * from80(m)),
        () => 0.9,
      ),
    ],
    { minutes: 180, stepS: 60, seed: 3101 },
  );

  it('measures a hit-rate drop and the origin fetches it adds, dated at the drop', () => {
    expect(value(signals, 'metrics.cdn.cache-hit.drop', dist('STATIC'))).toBeGreaterThan(0.4);
    expect(Math.abs(onsetMinute(signals, 'metrics.cdn.cache-hit.drop', dist('STATIC')) - 80)).toBeLessThan(3);
    expect(value(signals, 'metrics.cdn.origin-fetches.shift', dist('STATIC'))).toBeGreaterThan(4);
    expect(value(signals, 'metrics.cdn.requests.shift', dist('STATIC'))).toBeCloseTo(1, 1);
  });

  it('finds nothing in a hit rate that is low but steady', () => {
    expect(value(signals, 'metrics.cdn.cache-hit.drop', dist('API'))).toBeLessThan(0.03);
    expect(find(signals, 'metrics.cdn.cache-hit.drop', dist('API')).onset).toBeUndefined();
    expect(value(signals, 'metrics.cdn.origin-fetches.shift', dist('API'))).toBeLessThan(1.2);
  });

  it('sees more viewer traffic with the same hit rate as no drop', () => {
    expect(value(signals, 'metrics.cdn.cache-hit.drop', dist('SURGE'))).toBeLessThan(0.03);
  });
});

describe('WAF signals', () => {
  const signals = signalsOf(
    [
      ...webAcl(
        'rule',
        () => 90_000,
        (m) => 0.01 + 0.2 * from80(m),
      ),
      ...webAcl(
        'attack',
        (m) => 90_000 * (1 + 3 * from80(m)),
        (m) => (m >= 80 ? (0.01 + 3 * 0.95) / 4 : 0.01),
      ),
    ],
    { minutes: 180, stepS: 60, seed: 3102 },
  );

  it('measures a blocked share rising out of unchanged traffic', () => {
    expect(value(signals, 'metrics.waf.blocked-share.rise', acl('rule'))).toBeGreaterThan(0.15);
    expect(Math.abs(onsetMinute(signals, 'metrics.waf.blocked-share.rise', acl('rule')) - 80)).toBeLessThan(
      4,
    );
    expect(value(signals, 'metrics.waf.requests.shift', acl('rule'))).toBeLessThan(1.15);
  });

  it('sees an attack as blocks on top of more traffic', () => {
    expect(value(signals, 'metrics.waf.blocked-share.rise', acl('attack'))).toBeGreaterThan(0.5);
    expect(value(signals, 'metrics.waf.requests.shift', acl('attack'))).toBeGreaterThan(3);
  });
});

describe('edge function signals', () => {
  const signals = signalsOf(
    [
      { role: 'edge-fn.invocations', subject: fn('eu-west-1'), value: () => 40_000, noise: 0.04 },
      {
        role: 'edge-fn.errors',
        subject: fn('eu-west-1'),
        value: (m) => 40_000 * (0.0003 + 0.08 * from80(m)),
        noise: 0.1,
      },
      { role: 'edge-fn.invocations', subject: fn('us-east-1'), value: () => 60_000, noise: 0.04 },
      { role: 'edge-fn.errors', subject: fn('us-east-1'), value: () => 60_000 * 0.0003, noise: 0.1 },
    ],
    { minutes: 180, stepS: 60, seed: 3103 },
  );

  it('measures failing invocations per Region replica', () => {
    expect(value(signals, 'metrics.edge-fn.errors.rise', fn('eu-west-1'))).toBeGreaterThan(0.06);
    expect(Math.abs(onsetMinute(signals, 'metrics.edge-fn.errors.rise', fn('eu-west-1')) - 80)).toBeLessThan(
      4,
    );
    expect(value(signals, 'metrics.edge-fn.errors.rise', fn('us-east-1'))).toBeLessThan(0.005);
    expect(find(signals, 'metrics.edge-fn.errors.rise', fn('us-east-1')).onset).toBeUndefined();
  });
});

describe('edge function duration', () => {
  const signals = signalsOf(
    [
      {
        role: 'edge-fn.duration',
        subject: fn('ap-northeast-1'),
        value: (m) => 0.005 + 0.3 * from80(m),
        noise: 0.1,
      },
      {
        role: 'edge-fn.duration',
        subject: fn('us-east-1'),
        value: (m) => 0.005 + 0.004 * from80(m),
        noise: 0.1,
      },
    ],
    { minutes: 180, stepS: 60, seed: 3104 },
  );

  it('measures seconds added to every invocation, not a few milliseconds', () => {
    expect(value(signals, 'metrics.edge-fn.duration.rise', fn('ap-northeast-1'))).toBeGreaterThan(0.25);
    expect(
      Math.abs(onsetMinute(signals, 'metrics.edge-fn.duration.rise', fn('ap-northeast-1')) - 80),
    ).toBeLessThan(4);
    expect(value(signals, 'metrics.edge-fn.duration.rise', fn('us-east-1'))).toBeLessThan(0.01);
    expect(find(signals, 'metrics.edge-fn.duration.rise', fn('us-east-1')).onset).toBeUndefined();
  });
});

describe('CDN cache purges', () => {
  const refill = (at: readonly number[]) => (m: number) =>
    Math.max(0, ...at.map((p) => (m >= p ? Math.exp(-(m - p) / 5) : 0)));
  const many = refill([20, 60, 100, 140]);
  const once = refill([100]);
  const signals = signalsOf(
    [
      ...distribution(
        'PURGED',
        () => 120_000,
        (m) => 0.9 - 0.6 * many(m),
      ),
      ...distribution(
        'RELEASE',
        () => 120_000,
        (m) => 0.9 - 0.6 * once(m),
      ),
    ],
    { minutes: 180, stepS: 60, seed: 3105 },
  );

  it('counts each purge the cache refilled from, and does not read refills as a low hit ratio', () => {
    expect(value(signals, 'metrics.cdn.cache-hit.dips', dist('PURGED'))).toBe(4);
    expect(value(signals, 'metrics.cdn.cache-hit.dips', dist('RELEASE'))).toBe(1);
    expect(value(signals, 'metrics.cdn.cache-hit.drop', dist('PURGED'))).toBeLessThan(0.15);
  });
});
