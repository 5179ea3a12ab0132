import { describe, expect, it } from 'vitest';
import { daily, find, onsetMinute, signalsOf, value } from './synthetic.js';

const GIB = 1024 ** 3;
const fs = (i: number) => `instance=10.0.${i}.23:9100,mountpoint=/var/lib/postgresql`;
const node = (i: number) => `instance=10.0.${i}.23:9100`;

describe('disk and file descriptor signals', () => {
  const signals = signalsOf(
    [
      // Volume 1 loses 0.55 GiB a minute from minute 60, starting at 58 GiB free of 200.
      {
        role: 'disk.free',
        subject: fs(1),
        value: (m) => Math.max(0, 58 * GIB - 0.55 * GIB * Math.max(0, m - 60)),
        absNoise: 0.05 * GIB,
      },
      { role: 'disk.size', subject: fs(1), value: () => 200 * GIB },
      // Volume 2 loses 0.24 GiB an hour from 44 GiB: about 180 hours left.
      { role: 'disk.free', subject: fs(2), value: (m) => 44 * GIB - 0.004 * GIB * m, absNoise: 0.02 * GIB },
      { role: 'disk.size', subject: fs(2), value: () => 200 * GIB },
      // Volume 3 is flat.
      { role: 'disk.free', subject: fs(3), value: () => 90 * GIB, absNoise: 0.05 * GIB },
      { role: 'disk.size', subject: fs(3), value: () => 200 * GIB },
      {
        role: 'disk.io-utilization',
        subject: `${node(1)},device=nvme1n1`,
        value: (m) => (m < 80 ? 0.2 : 0.98),
        absNoise: 0.02,
      },
      { role: 'fd.open', subject: 'instance=10.0.3.11:8080', value: (m) => 200 + 10 * m, absNoise: 3 },
      { role: 'fd.max', subject: 'instance=10.0.3.11:8080', value: () => 4096 },
    ],
    { minutes: 150, seed: 17 },
  );

  it('projects the time to a full disk only from a significant decline', () => {
    // At minute 150 volume 1 has reached 8.5 GiB and loses 33 GiB/h: about a quarter of an hour.
    const full = value(signals, 'metrics.disk.time-to-full', fs(1));
    expect(full).toBeLessThan(0.6);
    expect(Math.abs(onsetMinute(signals, 'metrics.disk.time-to-full', fs(1)) - 60)).toBeLessThan(6);
    const slow = value(signals, 'metrics.disk.time-to-full', fs(2));
    expect(slow).toBeGreaterThan(120);
    expect(slow).toBeLessThan(260);
    expect(value(signals, 'metrics.disk.time-to-full', fs(3))).toBe(8760);
    expect(value(signals, 'metrics.disk.free-ratio', fs(1))).toBeLessThan(0.06);
    expect(value(signals, 'metrics.disk.free-ratio', fs(3))).toBeCloseTo(0.45, 1);
  });

  it('reports a busy device with the onset of the busy stretch', () => {
    expect(value(signals, 'metrics.disk.io-utilization', `${node(1)},device=nvme1n1`)).toBeGreaterThan(0.95);
    expect(
      Math.abs(onsetMinute(signals, 'metrics.disk.io-utilization', `${node(1)},device=nvme1n1`) - 80),
    ).toBeLessThan(2);
  });

  it('relates open descriptors to the limit and projects exhaustion', () => {
    // 1700 of 4096 at the end, growing 600 an hour: about 4 hours left.
    expect(value(signals, 'metrics.fd.ratio', 'instance=10.0.3.11:8080')).toBeGreaterThan(0.38);
    const hours = value(signals, 'metrics.fd.time-to-exhaustion', 'instance=10.0.3.11:8080');
    expect(hours).toBeGreaterThan(3.5);
    expect(hours).toBeLessThan(4.6);
  });
});

describe('network signals', () => {
  const signals = signalsOf(
    [
      { role: 'net.segments-out', subject: node(1), value: (m) => 5200 * (1 + 0.3 * daily(m)), noise: 0.05 },
      {
        role: 'net.retransmits',
        subject: node(1),
        value: (m) => 5200 * (1 + 0.3 * daily(m)) * (m < 75 ? 0.0006 : 0.03),
        noise: 0.15,
      },
      { role: 'net.segments-out', subject: node(2), value: () => 5200, noise: 0.05 },
      { role: 'net.retransmits', subject: node(2), value: () => 5200 * 0.0006, noise: 0.15 },
      { role: 'net.drops', subject: node(1), value: (m) => (m < 75 ? 0 : 45), noise: 0.2 },
      { role: 'net.listen-overflows', subject: node(2), value: (m) => (m < 85 ? 0 : 850), noise: 0.1 },
      { role: 'net.conntrack-used', subject: node(2), value: () => 0.3, absNoise: 0.01 },
    ],
    { minutes: 150, seed: 19 },
  );

  it('measures the retransmission ratio over sent segments', () => {
    const lossy = value(signals, 'metrics.net.retransmit-ratio', node(1));
    expect(lossy).toBeGreaterThan(0.025);
    expect(lossy).toBeLessThan(0.035);
    expect(Math.abs(onsetMinute(signals, 'metrics.net.retransmit-ratio', node(1)) - 75)).toBeLessThan(2);
    expect(value(signals, 'metrics.net.retransmit-ratio', node(2))).toBeLessThan(0.001);
  });

  it('measures drops and listen overflows per second with their onsets', () => {
    expect(value(signals, 'metrics.net.drops', node(1))).toBeGreaterThan(40);
    expect(value(signals, 'metrics.net.listen-overflows', node(2))).toBeGreaterThan(800);
    expect(Math.abs(onsetMinute(signals, 'metrics.net.listen-overflows', node(2)) - 85)).toBeLessThan(2);
    expect(value(signals, 'metrics.net.conntrack', node(2))).toBeCloseTo(0.3, 1);
    expect(find(signals, 'metrics.net.conntrack', node(2)).onset).toBeUndefined();
  });
});
