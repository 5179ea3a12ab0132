import { describe, expect, it } from 'vitest';
import { daily, find, onsetMinute, signalsOf, value } from './synthetic.js';

const node = (i: number) => `instance=10.0.${i}.23:9100`;
const pod = (name: string) => `namespace=shop,pod=${name}`;

describe('CPU signals', () => {
  const signals = signalsOf(
    [
      // Node 2 climbs from 45% to 97% at minute 80 within 5 minutes; node 1 stays at 40% with the daily cycle.
      { role: 'cpu.utilization', subject: node(1), value: (m) => 0.4 + 0.06 * daily(m), absNoise: 0.02 },
      {
        role: 'cpu.utilization',
        subject: node(2),
        value: (m) => Math.min(0.97, 0.45 + 0.52 * Math.min(1, Math.max(0, (m - 80) / 5))),
        absNoise: 0.015,
      },
      { role: 'cpu.iowait', subject: node(1), value: () => 0.01, absNoise: 0.002 },
      // One container throttled in 45% of its periods from minute 60, near its 1-core limit.
      {
        role: 'cpu.throttled-ratio',
        subject: pod('search-a'),
        value: (m) => (m < 60 ? 0.03 : 0.45),
        absNoise: 0.02,
      },
      { role: 'cpu.throttled-ratio', subject: pod('search-b'), value: () => 0.03, absNoise: 0.01 },
      { role: 'cpu.usage', subject: pod('search-a'), value: (m) => (m < 60 ? 0.45 : 0.88), noise: 0.04 },
      { role: 'cpu.limit', subject: pod('search-a'), value: () => 1 },
    ],
    { minutes: 180, seed: 3 },
  );

  it('counts sustained saturation and dates it', () => {
    // 97% from minute ~84 to 180: about 95 minutes at ≥ 90%.
    expect(value(signals, 'metrics.cpu.saturation', node(2))).toBeGreaterThan(85);
    expect(value(signals, 'metrics.cpu.saturation', node(2))).toBeLessThan(100);
    expect(Math.abs(onsetMinute(signals, 'metrics.cpu.saturation', node(2)) - 84)).toBeLessThan(3);
    expect(value(signals, 'metrics.cpu.saturation', node(1))).toBe(0);
    expect(find(signals, 'metrics.cpu.saturation', node(1)).onset).toBeUndefined();
  });

  it('measures the rise over the node baseline, with its onset', () => {
    expect(value(signals, 'metrics.cpu.utilization.rise', node(2))).toBeGreaterThan(0.45);
    expect(Math.abs(onsetMinute(signals, 'metrics.cpu.utilization.rise', node(2)) - 81)).toBeLessThan(4);
    expect(value(signals, 'metrics.cpu.utilization.rise', node(1))).toBeLessThan(0.1);
    expect(find(signals, 'metrics.cpu.utilization.rise', node(1)).onset).toBeUndefined();
    // The run-level view names the busiest node.
    const busiest = find(signals, 'metrics.cpu.busiest-node');
    expect(busiest.subject).toBeUndefined();
    expect(busiest.value).toBeGreaterThan(0.94);
    expect(busiest.explanation).toContain(node(2));
  });

  it('reports CFS throttling and the container limit ratio', () => {
    expect(value(signals, 'metrics.cpu.throttled', pod('search-a'))).toBeGreaterThan(0.4);
    expect(Math.abs(onsetMinute(signals, 'metrics.cpu.throttled', pod('search-a')) - 60)).toBeLessThan(2);
    expect(value(signals, 'metrics.cpu.throttled', pod('search-b'))).toBeLessThan(0.06);
    expect(value(signals, 'metrics.cpu.limit-ratio', pod('search-a'))).toBeGreaterThan(0.8);
    expect(value(signals, 'metrics.cpu.iowait', node(1))).toBeLessThan(0.02);
  });
});

describe('runtime signals', () => {
  const signals = signalsOf(
    [
      // GC pauses go from 0.4% to 6% of wall time at minute 90; the event loop lags 0.8 s from minute 100.
      {
        role: 'gc.pause-ratio',
        subject: 'instance=a:8080',
        value: (m) => (m < 90 ? 0.004 : 0.06),
        noise: 0.1,
      },
      { role: 'gc.pause-ratio', subject: 'instance=b:8080', value: () => 0.004, noise: 0.1 },
      {
        role: 'eventloop.lag',
        subject: 'instance=c:9229',
        value: (m) => (m < 100 ? 0.012 : 0.8),
        noise: 0.1,
      },
    ],
    { minutes: 150, seed: 5 },
  );

  it('measures GC pause share and its rise over the baseline (floored at 0.5%)', () => {
    expect(value(signals, 'metrics.gc.pause-ratio', 'instance=a:8080')).toBeGreaterThan(0.05);
    // 6% over a baseline of 0.4% counted as 0.5%: about 12×.
    expect(value(signals, 'metrics.gc.pause-ratio.rise', 'instance=a:8080')).toBeGreaterThan(10);
    expect(value(signals, 'metrics.gc.pause-ratio.rise', 'instance=a:8080')).toBeLessThan(14);
    expect(
      Math.abs(onsetMinute(signals, 'metrics.gc.pause-ratio.rise', 'instance=a:8080') - 90),
    ).toBeLessThan(1.5);
    expect(value(signals, 'metrics.gc.pause-ratio.rise', 'instance=b:8080')).toBeLessThan(1.2);
  });

  it('measures event-loop lag and dates its rise', () => {
    expect(value(signals, 'metrics.eventloop.lag', 'instance=c:9229')).toBeGreaterThan(0.7);
    expect(Math.abs(onsetMinute(signals, 'metrics.eventloop.lag', 'instance=c:9229') - 100)).toBeLessThan(
      1.5,
    );
  });
});
