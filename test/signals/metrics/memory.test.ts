import { describe, expect, it } from 'vitest';
import { find, onsetMinute, type SeriesSpec, sawtooth, signalsOf, value } from './synthetic.js';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const pod = (name: string) => `namespace=shop,pod=${name}`;
const THREE_HOURS = { minutes: 180, seed: 7 };

/** A pod's working set (saw-tooth of 8% around `level`) and its 2 GiB limit. */
function podSeries(name: string, level: (m: number) => number, extra: SeriesSpec[] = []): SeriesSpec[] {
  return [
    { role: 'memory.resident', subject: pod(name), value: sawtooth(level, 0.08), noise: 0.006 },
    { role: 'memory.limit', subject: pod(name), value: () => 2 * GIB },
    ...extra,
  ];
}

describe('memory signals', () => {
  // A leak of 200 MiB/h from minute 70 on a 620 MiB pod, next to a flat pod and a pod that steps up once.
  const signals = signalsOf(
    [
      ...podSeries('leaky', (m) => 620 * MIB + (200 * MIB * Math.max(0, m - 70)) / 60),
      ...podSeries('flat', () => 600 * MIB),
      ...podSeries('step', (m) => (m < 90 ? 600 : 1000) * MIB),
    ],
    THREE_HOURS,
  );

  it('measures a leak as a rising floor dated where it began', () => {
    // Over the window the floor rose 367 MiB from 620 MiB in 3 h: about 20%/h of the start.
    expect(value(signals, 'metrics.memory.floor-growth', pod('leaky'))).toBeGreaterThan(0.12);
    expect(value(signals, 'metrics.memory.floor-growth', pod('leaky'))).toBeLessThan(0.3);
    expect(Math.abs(onsetMinute(signals, 'metrics.memory.floor-growth', pod('leaky')) - 70)).toBeLessThan(8);
    expect(value(signals, 'metrics.memory.step-share', pod('leaky'))).toBeLessThan(0.35);
    expect(value(signals, 'metrics.memory.leak-likelihood', pod('leaky'))).toBeGreaterThan(0.5);
  });

  it('projects the time to the limit from the recent growth', () => {
    // At the end memory peaks near 987 MiB × 1.08; 2 GiB is reached after about (2048 − 1066) / 200 ≈ 4.9 h.
    const hours = value(signals, 'metrics.memory.time-to-limit', pod('leaky'));
    expect(hours).toBeGreaterThan(3.5);
    expect(hours).toBeLessThan(6.5);
    expect(value(signals, 'metrics.memory.time-to-limit', pod('flat'))).toBe(8760);
    expect(value(signals, 'metrics.memory.time-to-limit', pod('step'))).toBe(8760);
  });

  it('emits the signals of a healthy pod with values that say so', () => {
    expect(value(signals, 'metrics.memory.floor-growth', pod('flat'))).toBe(0);
    expect(value(signals, 'metrics.memory.growth', pod('flat'))).toBe(0);
    expect(value(signals, 'metrics.memory.step-share', pod('flat'))).toBe(0);
    expect(value(signals, 'metrics.memory.leak-likelihood', pod('flat'))).toBe(0);
    expect(find(signals, 'metrics.memory.floor-growth', pod('flat')).onset).toBeUndefined();
    const ratio = value(signals, 'metrics.memory.limit-ratio', pod('flat'));
    expect(ratio).toBeGreaterThan(0.29);
    expect(ratio).toBeLessThan(0.34);
  });

  it('names the likeliest leak of all the scraped processes for the whole run', () => {
    const highest = find(signals, 'metrics.memory.leak-likelihood.highest');
    expect(highest.subject).toBeUndefined();
    expect(highest.value).toBe(value(signals, 'metrics.memory.leak-likelihood', pod('leaky')));
    expect(highest.explanation).toMatch(/3 memory series scraped is namespace=shop,pod=leaky's/);
    const flat = signalsOf(
      podSeries('flat', () => 600 * MIB),
      THREE_HOURS,
    );
    expect(value(flat, 'metrics.memory.leak-likelihood.highest')).toBe(0);
  });

  it('tells a one-off step from a leak', () => {
    expect(value(signals, 'metrics.memory.growth', pod('step'))).toBeGreaterThan(0);
    expect(value(signals, 'metrics.memory.step-share', pod('step'))).toBeGreaterThan(0.8);
    expect(value(signals, 'metrics.memory.leak-likelihood', pod('step'))).toBeLessThanOrEqual(0.3);
  });

  it('is not fooled by a saw-tooth whose peaks grow while its floor stays', () => {
    // The GC ceiling climbs (more garbage between collections) but what survives a collection does not.
    const growingGarbage = signalsOf(
      [
        {
          role: 'memory.heap-used',
          subject: 'instance=10.0.3.11:8080',
          value: (m) => 400 * MIB * (1 + (0.1 + m / 200) * ((m % 3) / 3)),
          noise: 0.005,
        },
      ],
      THREE_HOURS,
    );
    expect(value(growingGarbage, 'metrics.heap.growth', 'instance=10.0.3.11:8080')).toBeGreaterThan(0);
    expect(value(growingGarbage, 'metrics.heap.floor-growth', 'instance=10.0.3.11:8080')).toBe(0);
    expect(value(growingGarbage, 'metrics.memory.leak-likelihood', 'instance=10.0.3.11:8080')).toBe(0);
  });

  it('follows a leak across OOM kills: slope between restarts, kills and restarts counted with the first onset', () => {
    const kills = [114, 198];
    const since = (m: number) => Math.max(30, ...kills.filter((k) => k <= m));
    const event = (at: readonly number[]) => (m: number) => (at.some((k) => m > k && m - k <= 0.5) ? 1 : 0);
    const oom = signalsOf(
      [
        ...podSeries('cart', (m) => 650 * MIB + (600 * MIB * (m - since(m))) / 60),
        { role: 'process.oom-kills', subject: pod('cart'), value: event(kills), missing: 0 },
        { role: 'process.restarts', subject: pod('cart'), value: event(kills), missing: 0 },
      ],
      { minutes: 240, seed: 9 },
    );
    expect(value(oom, 'metrics.memory.oom-kills', pod('cart'))).toBe(2);
    expect(value(oom, 'metrics.process.restarts', pod('cart'))).toBe(2);
    expect(onsetMinute(oom, 'metrics.memory.oom-kills', pod('cart'))).toBeCloseTo(114.5, 0);
    // Within each climb memory grows 600 MiB/h from 650 MiB: about 90%/h, restarts left out.
    expect(value(oom, 'metrics.memory.floor-growth', pod('cart'))).toBeGreaterThan(0.6);
    expect(value(oom, 'metrics.memory.leak-likelihood', pod('cart'))).toBe(1);
  });

  it('keeps its footing with missing scrapes and a daily cycle', () => {
    const gappy = signalsOf(
      podSeries('gappy', (m) => 600 * MIB * (1 + 0.03 * Math.sin((2 * Math.PI * m) / 1440))).map((s) => ({
        ...s,
        missing: 0.1,
      })),
      THREE_HOURS,
    );
    expect(value(gappy, 'metrics.memory.leak-likelihood', pod('gappy'))).toBeLessThan(0.5);
    expect(value(gappy, 'metrics.memory.floor-growth', pod('gappy'))).toBeLessThan(0.05);
  });
});
