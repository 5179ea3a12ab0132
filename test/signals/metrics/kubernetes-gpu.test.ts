import { describe, expect, it } from 'vitest';
import { find, onsetMinute, signalsOf, value } from './synthetic.js';

const GIB = 1024 ** 3;
const ksm = (node: string) => `instance=10.42.0.17:8080,node=${node}`;
const pod = (name: string) => `namespace=shop,pod=${name}`;

describe('kubernetes node pressure and evictions', () => {
  const signals = signalsOf(
    [
      // Node a: MemoryPressure from minute 80 to 95; node b: DiskPressure already set at the start.
      {
        role: 'node.memory-pressure',
        subject: ksm('a'),
        value: (m) => (m >= 80 && m < 95 ? 1 : 0),
        missing: 0,
      },
      { role: 'node.disk-pressure', subject: ksm('b'), value: (m) => (m < 20 ? 1 : 0), missing: 0 },
      { role: 'node.pid-pressure', subject: ksm('a'), value: () => 0, missing: 0 },
      // Two pods evicted at 81 and 83, one evicted before the window, one never.
      { role: 'pod.evicted', subject: pod('p1'), value: (m) => (m >= 81 ? 1 : 0), missing: 0 },
      { role: 'pod.evicted', subject: pod('p2'), value: (m) => (m >= 83 ? 1 : 0), missing: 0 },
      { role: 'pod.evicted', subject: pod('old'), value: () => 1, missing: 0 },
      { role: 'pod.evicted', subject: pod('fine'), value: () => 0, missing: 0 },
      // Node a's memory available falls from 40% to 3% between minutes 50 and 80 (node exporter, instance = node name).
      {
        role: 'node.memory-available',
        subject: 'instance=a',
        value: (m) => (m < 50 ? 0.4 : Math.max(0.03, 0.4 - (0.37 * (m - 50)) / 30)),
        absNoise: 0.003,
      },
      // Node a's root filesystem stays at 45% free; a data volume on it fills but is not the kubelet's.
      { role: 'disk.free', subject: 'instance=a:9100,mountpoint=/', value: () => 45 * GIB, noise: 0.001 },
      { role: 'disk.size', subject: 'instance=a:9100,mountpoint=/', value: () => 100 * GIB },
      {
        role: 'disk.free',
        subject: 'instance=a:9100,mountpoint=/data',
        value: (m) => Math.max(0, 50 - m / 2) * GIB,
        absNoise: 0.05 * GIB,
      },
      { role: 'disk.size', subject: 'instance=a:9100,mountpoint=/data', value: () => 100 * GIB },
    ],
    { minutes: 150, seed: 23 },
  );

  it('measures how long a node reported pressure, dated only when it began inside the window', () => {
    expect(value(signals, 'metrics.node.memory-pressure', 'node=a')).toBeCloseTo(15, 0);
    expect(Math.abs(onsetMinute(signals, 'metrics.node.memory-pressure', 'node=a') - 80)).toBeLessThan(1);
    expect(value(signals, 'metrics.node.disk-pressure', 'node=b')).toBeCloseTo(20, 0);
    expect(find(signals, 'metrics.node.disk-pressure', 'node=b').onset).toBeUndefined();
    expect(value(signals, 'metrics.node.pid-pressure', 'node=a')).toBe(0);
  });

  it('counts pods evicted inside the window, not old Evicted pods', () => {
    expect(value(signals, 'metrics.pods.evicted')).toBe(2);
    expect(Math.abs(onsetMinute(signals, 'metrics.pods.evicted') - 81)).toBeLessThan(1);
  });

  it("names node exporter's memory by the node, with the onset under 10% available", () => {
    expect(value(signals, 'metrics.node.memory-available', 'node=a')).toBeLessThan(0.04);
    expect(Math.abs(onsetMinute(signals, 'metrics.node.memory-available', 'node=a') - 72)).toBeLessThan(4);
  });

  it("reads only the filesystems that hold the kubelet's ephemeral storage", () => {
    expect(value(signals, 'metrics.node.kubelet-fs-free', 'node=a')).toBeCloseTo(0.45, 2);
    expect(find(signals, 'metrics.node.kubelet-fs-free', 'node=a').onset).toBeUndefined();
  });
});

describe('GPU signals', () => {
  const gpu = (i: number) => `instance=gpu-node:9400,gpu=${i}`;
  const MIB = 1024 ** 2;
  const signals = signalsOf(
    [
      // GPU 0 fills its framebuffer from 72% to 99% between minutes 60 and 90.
      {
        role: 'gpu.memory-used',
        subject: gpu(0),
        value: (m) => 40_536 * MIB * (0.72 + 0.27 * Math.min(1, Math.max(0, (m - 60) / 30))),
        noise: 0.002,
      },
      {
        role: 'gpu.memory-free',
        subject: gpu(0),
        value: (m) => 40_536 * MIB * (0.28 - 0.27 * Math.min(1, Math.max(0, (m - 60) / 30))),
        noise: 0.002,
      },
      // GPU 1 sits at 90% full all along (a serving engine's preallocation).
      { role: 'gpu.memory-used', subject: gpu(1), value: () => 36_480 * MIB, noise: 0.001 },
      { role: 'gpu.memory-free', subject: gpu(1), value: () => 4_056 * MIB, noise: 0.001 },
      // GPU 0 heats from minute 70 and loses clock while busy; GPU 1 loses its load at minute 70 and clocks down idle.
      { role: 'gpu.utilization', subject: gpu(0), value: () => 0.97, absNoise: 0.01 },
      { role: 'gpu.sm-clock', subject: gpu(0), value: (m) => (m < 70 ? 1410 : 1150), absNoise: 8 },
      { role: 'gpu.temperature', subject: gpu(0), value: (m) => (m < 70 ? 66 : 88), absNoise: 0.8 },
      { role: 'gpu.clock-events', subject: gpu(0), value: (m) => (m < 70 ? 0 : 0x20), missing: 0 },
      { role: 'gpu.utilization', subject: gpu(1), value: (m) => (m < 70 ? 0.95 : 0.02), absNoise: 0.01 },
      { role: 'gpu.sm-clock', subject: gpu(1), value: (m) => (m < 70 ? 1410 : 210), absNoise: 8 },
      { role: 'gpu.temperature', subject: gpu(1), value: (m) => (m < 70 ? 64 : 41), absNoise: 0.8 },
      { role: 'gpu.clock-events', subject: gpu(1), value: (m) => (m < 70 ? 0x4 : 0x1), missing: 0 },
    ],
    { minutes: 150, seed: 29 },
  );

  it('reports a framebuffer that filled, and not one that is steadily full of its preallocation', () => {
    expect(value(signals, 'metrics.gpu.memory-ratio', gpu(0))).toBeGreaterThan(0.98);
    expect(value(signals, 'metrics.gpu.memory-ratio.rise', gpu(0))).toBeGreaterThan(0.2);
    expect(Math.abs(onsetMinute(signals, 'metrics.gpu.memory-ratio', gpu(0)) - 86)).toBeLessThan(4);
    expect(value(signals, 'metrics.gpu.memory-ratio', gpu(1))).toBeCloseTo(0.9, 2);
    expect(value(signals, 'metrics.gpu.memory-ratio.rise', gpu(1))).toBeLessThan(0.02);
  });

  it('sees a clock that fell under load, and not one that fell with the load', () => {
    expect(value(signals, 'metrics.gpu.clock-drop', gpu(0))).toBeCloseTo(0.18, 1);
    expect(Math.abs(onsetMinute(signals, 'metrics.gpu.clock-drop', gpu(0)) - 70)).toBeLessThan(2);
    expect(value(signals, 'metrics.gpu.clock-drop', gpu(1))).toBeLessThan(0.02);
    expect(value(signals, 'metrics.gpu.temperature', gpu(0))).toBeGreaterThan(86);
  });

  it('reads thermal and power bits of the clocks event reasons apart', () => {
    expect(value(signals, 'metrics.gpu.thermal-slowdown', gpu(0))).toBeCloseTo(80, -1);
    expect(value(signals, 'metrics.gpu.power-capped', gpu(0))).toBe(0);
    expect(value(signals, 'metrics.gpu.thermal-slowdown', gpu(1))).toBe(0);
    expect(value(signals, 'metrics.gpu.power-capped', gpu(1))).toBeCloseTo(70, -1);
  });
});

describe('autoscaler signals', () => {
  const hpa = (name: string) => `instance=10.42.0.17:8080,namespace=shop,horizontalpodautoscaler=${name}`;
  const signals = signalsOf(
    [
      // HPA a loses its metrics from minute 60 to 100; HPA b scales from 4 to its maximum of 10 at minute 90.
      {
        role: 'hpa.scaling-inactive',
        subject: hpa('a'),
        value: (m) => (m >= 60 && m < 100 ? 1 : 0),
        missing: 0,
      },
      { role: 'hpa.current-replicas', subject: hpa('a'), value: () => 4, missing: 0 },
      { role: 'hpa.max-replicas', subject: hpa('a'), value: () => 12, missing: 0 },
      { role: 'hpa.scaling-inactive', subject: hpa('b'), value: () => 0, missing: 0 },
      { role: 'hpa.current-replicas', subject: hpa('b'), value: (m) => (m < 90 ? 4 : 10), missing: 0 },
      { role: 'hpa.max-replicas', subject: hpa('b'), value: () => 10, missing: 0 },
    ],
    { minutes: 150, seed: 31 },
  );

  it('tells an autoscaler without metrics from one held at its maximum', () => {
    expect(value(signals, 'metrics.hpa.scaling-inactive', 'hpa=shop/a')).toBeCloseTo(40, 0);
    expect(Math.abs(onsetMinute(signals, 'metrics.hpa.scaling-inactive', 'hpa=shop/a') - 60)).toBeLessThan(1);
    expect(value(signals, 'metrics.hpa.at-max', 'hpa=shop/a')).toBe(0);
    expect(value(signals, 'metrics.hpa.scaling-inactive', 'hpa=shop/b')).toBe(0);
    expect(value(signals, 'metrics.hpa.at-max', 'hpa=shop/b')).toBeCloseTo(60, 0);
    expect(Math.abs(onsetMinute(signals, 'metrics.hpa.at-max', 'hpa=shop/b') - 90)).toBeLessThan(1);
  });
});

describe('PCIe signals', () => {
  const gpu = (i: number) => `instance=gpu-node:9400,gpu=${i}`;
  const signals = signalsOf(
    [
      // GPU 0's link trained at Gen3 x8 (7.9 GB/s): 6.6 GB/s fills it while the SMs idle.
      { role: 'gpu.pcie-rx', subject: gpu(0), value: (m) => (m < 60 ? 2e9 : 6.6e9), noise: 0.03 },
      { role: 'gpu.pcie-tx', subject: gpu(0), value: () => 3e8, noise: 0.03 },
      { role: 'gpu.pcie-link-gen', subject: gpu(0), value: () => 3, missing: 0 },
      { role: 'gpu.pcie-link-width', subject: gpu(0), value: () => 8, missing: 0 },
      { role: 'gpu.sm-active', subject: gpu(0), value: (m) => (m < 60 ? 0.5 : 0.2), absNoise: 0.02 },
      // GPU 1 (Gen4 x16, 31.5 GB/s) sends 6.6 GB/s the other way with busy SMs.
      { role: 'gpu.pcie-rx', subject: gpu(1), value: () => 1e9, noise: 0.03 },
      { role: 'gpu.pcie-tx', subject: gpu(1), value: () => 6.6e9, noise: 0.03 },
      { role: 'gpu.pcie-link-gen', subject: gpu(1), value: () => 4, missing: 0 },
      { role: 'gpu.pcie-link-width', subject: gpu(1), value: () => 16, missing: 0 },
      { role: 'gpu.sm-active', subject: gpu(1), value: () => 0.85, absNoise: 0.02 },
    ],
    { minutes: 150, seed: 37 },
  );

  it('relates the busier direction to the link as trained, and reads the SMs at the busiest traffic', () => {
    expect(value(signals, 'metrics.gpu.pcie-link-share', gpu(0))).toBeCloseTo(6.6e9 / (8 * 984.6e6), 1);
    expect(Math.abs(onsetMinute(signals, 'metrics.gpu.pcie-link-share', gpu(0)) - 60)).toBeLessThan(2);
    expect(value(signals, 'metrics.gpu.sm-active.at-pcie-peak', gpu(0))).toBeCloseTo(0.2, 1);
    expect(value(signals, 'metrics.gpu.pcie-link-share', gpu(1))).toBeCloseTo(6.6e9 / (16 * 1969e6), 1);
    expect(find(signals, 'metrics.gpu.pcie-link-share', gpu(1)).onset).toBeUndefined();
    expect(value(signals, 'metrics.gpu.sm-active.at-pcie-peak', gpu(1))).toBeCloseTo(0.85, 1);
  });
});

describe('LLM server signals', () => {
  const server = (i: number) => `instance=10.42.5.${i}:8000`;
  const signals = signalsOf(
    [
      // Server 1's decode slows from 28 ms to 90 ms a token at minute 70; its first token barely moves.
      {
        role: 'llm.inter-token-latency',
        subject: server(1),
        value: (m) => (m < 70 ? 0.028 : 0.09),
        noise: 0.04,
      },
      { role: 'llm.ttft', subject: server(1), value: (m) => (m < 70 ? 0.35 : 0.45), noise: 0.05 },
      // Server 2's first token queues from minute 70 while each token keeps its pace.
      { role: 'llm.inter-token-latency', subject: server(2), value: () => 0.028, noise: 0.04 },
      { role: 'llm.ttft', subject: server(2), value: (m) => (m < 70 ? 0.35 : 3), noise: 0.05 },
    ],
    { minutes: 150, seed: 41 },
  );

  it('dates a slower decode and tells it from a slower first token', () => {
    expect(value(signals, 'metrics.llm.inter-token-latency.shift', server(1))).toBeCloseTo(3.2, 0);
    expect(
      Math.abs(onsetMinute(signals, 'metrics.llm.inter-token-latency.shift', server(1)) - 70),
    ).toBeLessThan(2);
    expect(value(signals, 'metrics.llm.inter-token-latency', server(1))).toBeGreaterThan(0.085);
    expect(value(signals, 'metrics.llm.ttft.shift', server(1))).toBeLessThan(1.5);
    expect(value(signals, 'metrics.llm.inter-token-latency.shift', server(2))).toBeLessThan(1.2);
    expect(find(signals, 'metrics.llm.inter-token-latency.shift', server(2)).onset).toBeUndefined();
    expect(value(signals, 'metrics.llm.ttft.shift', server(2))).toBeGreaterThan(7);
  });
});

describe('containerd shim signals', () => {
  const kubelet = (node: string) => `instance=${node}:10250,node=${node}`;
  const shims = (node: string) => `instance=10.42.0.9:9256,node=${node}`;
  const churn = (m: number) => 28 + Math.round(2 * Math.sin(m / 9));
  const signals = signalsOf(
    [
      // Node a leaks 8 shims an hour from minute 40; node b's shims follow a burst of pods.
      { role: 'node.running-pods', subject: kubelet('a'), value: churn, missing: 0 },
      {
        role: 'node.shim-processes',
        subject: shims('a'),
        value: (m) => churn(m) + 1 + Math.floor((8 * Math.max(0, m - 40)) / 60),
        missing: 0,
      },
      {
        role: 'node.running-pods',
        subject: kubelet('b'),
        value: (m) => churn(m) + (m > 60 && m < 120 ? 30 : 0),
        missing: 0,
      },
      {
        role: 'node.shim-processes',
        subject: shims('b'),
        value: (m) => churn(m) + 1 + (m > 60 && m < 120 ? 30 : 0),
        missing: 0,
      },
    ],
    { minutes: 240, stepS: 60, seed: 43 },
  );

  it('sees shims that outlive their pods, and not shims that leave with them', () => {
    expect(value(signals, 'metrics.node.shim-excess-growth', 'node=a')).toBeCloseTo(8, 0);
    expect(Math.abs(onsetMinute(signals, 'metrics.node.shim-excess-growth', 'node=a') - 40)).toBeLessThan(10);
    expect(value(signals, 'metrics.node.shims-per-pod', 'node=a')).toBeGreaterThan(1.8);
    expect(value(signals, 'metrics.node.shim-excess-growth', 'node=b')).toBe(0);
    expect(value(signals, 'metrics.node.shims-per-pod', 'node=b')).toBeLessThan(1.1);
  });
});

describe('eBPF map memory signals', () => {
  const agent = (name: string) => `namespace=kube-system,pod=cilium-${name}`;
  const MIB = 1024 ** 2;
  const signals = signalsOf(
    [
      // Agent a's maps grow 6 MiB an hour from 90 MiB with 30 endpoints; agent b's grow with its endpoints.
      {
        role: 'bpf.map-memory',
        subject: agent('a'),
        value: (m) => 90 * MIB + (6 * MIB * m) / 60,
        noise: 0.002,
      },
      { role: 'bpf.endpoints', subject: agent('a'), value: () => 30, missing: 0 },
      {
        role: 'bpf.map-memory',
        subject: agent('b'),
        value: (m) => 55 * MIB + 1.2 * MIB * (30 + m / 8),
        noise: 0.002,
      },
      { role: 'bpf.endpoints', subject: agent('b'), value: (m) => 30 + m / 8, missing: 0 },
    ],
    { minutes: 360, stepS: 60, seed: 47 },
  );

  it('tells map memory the endpoints do not explain from growth that follows them', () => {
    expect(value(signals, 'metrics.bpf.map-memory.growth', agent('a'))).toBeCloseTo(6 / 90, 1);
    expect(value(signals, 'metrics.bpf.map-memory-per-endpoint.growth', agent('a'))).toBeCloseTo(6 / 90, 1);
    expect(value(signals, 'metrics.bpf.map-memory.growth', agent('b'))).toBeGreaterThan(0.05);
    expect(value(signals, 'metrics.bpf.map-memory-per-endpoint.growth', agent('b'))).toBeLessThanOrEqual(0);
  });
});
