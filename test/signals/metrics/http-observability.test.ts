import { describe, expect, it } from 'vitest';
import type { SeriesSpec } from './synthetic.js';
import { daily, find, onsetMinute, signalsOf, value } from './synthetic.js';

const server = (i: number) => `instance=10.0.3.${i}:8080`;

function http(
  i: number,
  spec: {
    rps?: number;
    errors?: (m: number) => number;
    throttled?: (m: number) => number;
    latency: (m: number) => number;
    p99?: boolean;
  },
): SeriesSpec[] {
  const rps = (m: number) => (spec.rps ?? 120) * (1 + 0.3 * daily(m));
  return [
    { role: 'http.requests', subject: server(i), value: rps, noise: 0.05 },
    {
      role: 'http.errors',
      subject: server(i),
      value: (m) => rps(m) * (spec.errors ?? (() => 0.001))(m),
      noise: 0.2,
    },
    {
      role: 'http.throttled',
      subject: server(i),
      value: (m) => rps(m) * (spec.throttled ?? (() => 0))(m),
      noise: 0.1,
    },
    {
      role: spec.p99 ? 'http.latency-p99' : 'http.latency-mean',
      subject: server(i),
      value: spec.latency,
      noise: 0.08,
    },
  ];
}

describe('HTTP server signals', () => {
  const signals = signalsOf(
    [
      ...http(1, { latency: () => 0.045, errors: (m) => (m < 100 ? 0.001 : 0.09) }),
      ...http(2, { latency: () => 0.05, throttled: (m) => (m < 100 ? 0 : 0.12) }),
      ...http(3, { latency: (m) => (m < 90 ? 0.2 : 0.6), p99: true }),
    ],
    { minutes: 150, seed: 53 },
  );

  it('measures the 5xx share rise per server with its onset', () => {
    const rise = value(signals, 'metrics.http.errors.ratio.rise', server(1));
    expect(rise).toBeGreaterThan(0.07);
    expect(rise).toBeLessThan(0.1);
    expect(Math.abs(onsetMinute(signals, 'metrics.http.errors.ratio.rise', server(1)) - 100)).toBeLessThan(2);
    expect(value(signals, 'metrics.http.errors.ratio.rise', server(2))).toBeLessThan(0.005);
    expect(value(signals, 'metrics.http.throttled.ratio', server(2))).toBeGreaterThan(0.1);
  });

  it('uses p99 latency when there is one, the mean otherwise', () => {
    expect(value(signals, 'metrics.http.latency.shift', server(3))).toBeCloseTo(3, 0);
    expect(find(signals, 'metrics.http.latency.shift', server(3)).explanation).toContain('p99');
    expect(find(signals, 'metrics.http.latency.shift', server(1)).explanation).toContain('mean');
    expect(Math.abs(onsetMinute(signals, 'metrics.http.latency.shift', server(3)) - 90)).toBeLessThan(1.5);
  });

  it('says how many servers slowed together, at run level', () => {
    const share = find(signals, 'metrics.http.latency.slow-share');
    expect(share.subject).toBeUndefined();
    expect(share.value).toBeCloseTo(1 / 3, 5);
    const together = signalsOf(
      [1, 2, 3, 4].flatMap((i) => http(i, { latency: (m) => 0.04 * (m < 90 ? 1 : 2.2) })),
      { minutes: 150, seed: 59 },
    );
    expect(value(together, 'metrics.http.latency.slow-share')).toBe(1);
    expect(value(together, 'metrics.http.latency.median-shift')).toBeGreaterThan(1.9);
    expect(Math.abs(onsetMinute(together, 'metrics.http.latency.slow-share') - 90)).toBeLessThan(1.5);
    // Traffic followed the daily cycle (up to +18%): no change of load.
    expect(value(together, 'metrics.http.requests.total-shift')).toBeLessThan(1.3);
    expect(find(together, 'metrics.http.requests.total-shift').onset).toBeUndefined();
  });
});

describe('monitoring signals', () => {
  const target = (name: string) => `instance=${name}`;
  const signals = signalsOf(
    [
      {
        role: 'tsdb.series',
        subject: target('prometheus-0:9090'),
        value: (m) => 1.2e6 + 4.8e6 * Math.min(1, Math.max(0, (m - 90) / 40)),
        noise: 0.002,
      },
      { role: 'tsdb.series', subject: target('prometheus-1:9090'), value: () => 1.05e6, noise: 0.002 },
      // A target down from minute 100, and one timing out in about half its scrapes from minute 80.
      { role: 'scrape.up', subject: target('node-1:9100'), value: (m) => (m < 100 ? 1 : 0), missing: 0 },
      {
        role: 'scrape.duration',
        subject: target('node-1:9100'),
        value: (m) => (m < 100 ? 0.05 : 0.002),
        noise: 0.1,
      },
      {
        role: 'scrape.up',
        subject: target('mysqld:9104'),
        value: (m) => (m < 80 || Math.floor(m * 2) % 2 === 0 ? 1 : 0),
        missing: 0,
      },
      {
        role: 'scrape.duration',
        subject: target('mysqld:9104'),
        value: (m) => (m < 80 ? 1.6 : 9.8),
        noise: 0.02,
      },
    ],
    { minutes: 150, seed: 61 },
  );

  it('measures cardinality growth over the baseline and dates it', () => {
    expect(value(signals, 'metrics.tsdb.series.growth', target('prometheus-0:9090'))).toBeCloseTo(5, 0);
    expect(
      Math.abs(onsetMinute(signals, 'metrics.tsdb.series.growth', target('prometheus-0:9090')) - 90),
    ).toBeLessThan(6);
    expect(value(signals, 'metrics.tsdb.series.growth', target('prometheus-1:9090'))).toBeLessThan(1.01);
  });

  it('tells a target that went down from one that flaps on timeouts', () => {
    // Down from minute 100 of 150: a third of the samples.
    expect(value(signals, 'metrics.scrape.failures', target('node-1:9100'))).toBeCloseTo(1 / 3, 1);
    expect(onsetMinute(signals, 'metrics.scrape.failures', target('node-1:9100'))).toBeCloseTo(100, 0);
    expect(value(signals, 'metrics.scrape.flaps', target('node-1:9100'))).toBe(1);
    expect(value(signals, 'metrics.scrape.flaps', target('mysqld:9104'))).toBeGreaterThan(30);
    // Against the 10 s default timeout.
    expect(value(signals, 'metrics.scrape.duration.timeout-ratio', target('mysqld:9104'))).toBeGreaterThan(
      0.95,
    );
    expect(value(signals, 'metrics.scrape.duration.timeout-ratio', target('node-1:9100'))).toBeLessThan(0.01);
    expect(
      Math.abs(onsetMinute(signals, 'metrics.scrape.duration.rise', target('mysqld:9104')) - 80),
    ).toBeLessThan(1.5);
  });
});
