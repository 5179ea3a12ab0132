import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MetricsData } from '../../../src/gather/metrics/data.js';
import { METRIC_ROLES } from '../../../src/gather/metrics/data.js';
import { readMetricsFile } from '../../../src/gather/metrics/gatherer.js';
import { METRICS_SIGNALS } from '../../../src/signals/metrics/definitions.js';
import { SeriesIndex, sameThing } from '../../../src/signals/metrics/series-index.js';
import { metricSignals } from '../../../src/signals/metrics/signals.js';
import { SignalSchema } from '../../../src/signals/signal.js';
import { daily, data, find, type SeriesSpec, START, signalsOf, value } from './synthetic.js';

const GIB = 1024 ** 3;

/** One of everything, healthy: every signal family has its evidence. */
const EVERYTHING: SeriesSpec[] = [
  ...(['memory.resident', 'memory.heap-used'] as const).map((role) => ({
    role,
    subject: 'namespace=shop,pod=a',
    value: () => GIB,
    noise: 0.01,
  })),
  { role: 'memory.limit', subject: 'namespace=shop,pod=a', value: () => 2 * GIB },
  { role: 'process.restarts', subject: 'namespace=shop,pod=a', value: () => 0, missing: 0 },
  { role: 'process.oom-kills', subject: 'namespace=shop,pod=a', value: () => 0, missing: 0 },
  {
    role: 'cpu.utilization',
    subject: 'instance=n:9100',
    value: (m) => 0.4 + 0.05 * daily(m),
    absNoise: 0.02,
  },
  { role: 'cpu.iowait', subject: 'instance=n:9100', value: () => 0.01, absNoise: 0.002 },
  { role: 'cpu.usage', subject: 'namespace=shop,pod=a', value: () => 0.4, noise: 0.05 },
  { role: 'cpu.limit', subject: 'namespace=shop,pod=a', value: () => 1 },
  { role: 'cpu.throttled-ratio', subject: 'namespace=shop,pod=a', value: () => 0.02, absNoise: 0.005 },
  { role: 'gc.pause-ratio', subject: 'instance=a:8080', value: () => 0.004, noise: 0.1 },
  { role: 'eventloop.lag', subject: 'instance=b:9229', value: () => 0.012, noise: 0.1 },
  { role: 'pool.active', subject: 'instance=a:8080', value: () => 4, absNoise: 0.5 },
  { role: 'pool.max', subject: 'instance=a:8080', value: () => 10 },
  { role: 'pool.pending', subject: 'instance=a:8080', value: () => 0 },
  { role: 'pool.timeouts', subject: 'instance=a:8080', value: () => 0 },
  { role: 'threads.busy', subject: 'instance=a:8080', value: () => 40, absNoise: 2 },
  { role: 'threads.max', subject: 'instance=a:8080', value: () => 200 },
  { role: 'db.connections', subject: 'instance=db:9187', value: () => 100, noise: 0.03 },
  { role: 'db.connections.max', subject: 'instance=db:9187', value: () => 300 },
  { role: 'db.deadlocks', subject: 'instance=db:9187', value: () => 0 },
  { role: 'db.slow-queries', subject: 'instance=db:9187', value: () => 0.2, noise: 0.2 },
  { role: 'db.locks-waiting', subject: 'instance=db:9187', value: () => 2, absNoise: 1 },
  { role: 'db.locks-exclusive', subject: 'instance=db:9187', value: () => 1, absNoise: 0.5 },
  { role: 'db.replication-lag', subject: 'instance=replica:9187', value: () => 0.3, noise: 0.1 },
  { role: 'db.xid-age', subject: 'instance=db:9187', value: () => 1.2e8, noise: 0.01 },
  { role: 'disk.io-utilization', subject: 'instance=n:9100,device=sda', value: () => 0.2, absNoise: 0.02 },
  { role: 'disk.free', subject: 'instance=n:9100,mountpoint=/', value: () => 40 * GIB, noise: 0.001 },
  { role: 'disk.size', subject: 'instance=n:9100,mountpoint=/', value: () => 100 * GIB },
  { role: 'fd.open', subject: 'instance=a:8080', value: () => 300, absNoise: 5 },
  { role: 'fd.max', subject: 'instance=a:8080', value: () => 4096 },
  { role: 'net.errors', subject: 'instance=n:9100', value: () => 0 },
  { role: 'net.drops', subject: 'instance=n:9100', value: () => 0.01 },
  { role: 'net.retransmits', subject: 'instance=n:9100', value: () => 3, noise: 0.2 },
  { role: 'net.segments-out', subject: 'instance=n:9100', value: () => 5000, noise: 0.05 },
  { role: 'net.listen-overflows', subject: 'instance=n:9100', value: () => 0 },
  { role: 'net.conntrack-used', subject: 'instance=n:9100', value: () => 0.2, absNoise: 0.01 },
  ...[0, 1, 2].flatMap((i): SeriesSpec[] => [
    { role: 'cache.hits', subject: `instance=r${i}:9121`, value: () => 1900, noise: 0.04 },
    { role: 'cache.misses', subject: `instance=r${i}:9121`, value: () => 100, noise: 0.04 },
    { role: 'cache.evictions', subject: `instance=r${i}:9121`, value: () => 0 },
    { role: 'cache.memory-used', subject: `instance=r${i}:9121`, value: () => 2 * GIB, noise: 0.003 },
    { role: 'cache.memory-max', subject: `instance=r${i}:9121`, value: () => 4 * GIB },
    { role: 'cache.connections', subject: `instance=r${i}:9121`, value: () => 40, absNoise: 1 },
  ]),
  { role: 'queue.lag', subject: 'instance=k:9308,consumergroup=g,topic=t', value: () => 300, absNoise: 30 },
  {
    role: 'queue.consumed',
    subject: 'instance=k:9308,consumergroup=g,topic=t',
    value: () => 800,
    noise: 0.03,
  },
  { role: 'queue.published', subject: 'instance=k:9308,topic=t', value: () => 800, noise: 0.03 },
  ...[1, 2].flatMap((i): SeriesSpec[] => [
    { role: 'http.requests', subject: `instance=s${i}:8080`, value: () => 100, noise: 0.05 },
    { role: 'http.errors', subject: `instance=s${i}:8080`, value: () => 0.1, noise: 0.2 },
    { role: 'http.throttled', subject: `instance=s${i}:8080`, value: () => 0 },
    { role: 'http.latency-p99', subject: `instance=s${i}:8080`, value: () => 0.2, noise: 0.08 },
  ]),
  { role: 'tsdb.series', subject: 'instance=p:9090', value: () => 1e6, noise: 0.002 },
  { role: 'scrape.up', subject: 'instance=n:9100', value: () => 1, missing: 0 },
  { role: 'scrape.duration', subject: 'instance=n:9100', value: () => 0.05, noise: 0.1 },
  { role: 'scrape.samples', subject: 'instance=n:9100', value: () => 1500, noise: 0.01 },
  ...[0, 1, 2].map(
    (i): SeriesSpec => ({
      role: 'cache.keys',
      subject: `instance=r${i}:9121`,
      value: () => 1_200_000,
      noise: 0.0005,
    }),
  ),
  { role: 'db.connections.active', subject: 'instance=db:9187', value: () => 8, absNoise: 1 },
  { role: 'db.transactions', subject: 'instance=db:9187', value: () => 300, noise: 0.04 },
  { role: 'net.receive-bytes', subject: 'instance=n:9100', value: () => 4e7, noise: 0.05 },
  { role: 'net.receive-packets', subject: 'instance=n:9100', value: () => 6e4, noise: 0.05 },
  ...[1, 2].map(
    (i): SeriesSpec => ({
      role: 'http.response-size',
      subject: `instance=s${i}:8080`,
      value: () => 12_000,
      noise: 0.05,
    }),
  ),
  ...(['lb.requests', 'lb.own-5xx', 'lb.target-5xx'] as const).map(
    (role, i): SeriesSpec => ({
      role,
      subject: 'instance=yace:5000,dimension_LoadBalancer=app/shop/1',
      value: () => [30_000, 6, 20][i] as number,
      noise: 0.05,
    }),
  ),
  ...(['node.memory-pressure', 'node.disk-pressure', 'node.pid-pressure'] as const).map((role) => ({
    role,
    subject: 'instance=ksm:8080,node=n',
    value: () => 0,
    missing: 0,
  })),
  { role: 'pod.evicted', subject: 'namespace=shop,pod=a', value: () => 0, missing: 0 },
  {
    role: 'hpa.current-replicas',
    subject: 'namespace=shop,horizontalpodautoscaler=a',
    value: () => 4,
    missing: 0,
  },
  {
    role: 'hpa.max-replicas',
    subject: 'namespace=shop,horizontalpodautoscaler=a',
    value: () => 10,
    missing: 0,
  },
  {
    role: 'hpa.scaling-inactive',
    subject: 'namespace=shop,horizontalpodautoscaler=a',
    value: () => 0,
    missing: 0,
  },
  { role: 'node.memory-available', subject: 'instance=n:9100', value: () => 0.4, absNoise: 0.01 },
  { role: 'gpu.memory-used', subject: 'instance=g:9400,gpu=0', value: () => 36 * GIB, noise: 0.002 },
  { role: 'gpu.memory-free', subject: 'instance=g:9400,gpu=0', value: () => 4 * GIB, noise: 0.002 },
  { role: 'gpu.utilization', subject: 'instance=g:9400,gpu=0', value: () => 0.93, absNoise: 0.02 },
  { role: 'gpu.temperature', subject: 'instance=g:9400,gpu=0', value: () => 64, absNoise: 1 },
  { role: 'gpu.sm-clock', subject: 'instance=g:9400,gpu=0', value: () => 1410, absNoise: 5 },
  { role: 'gpu.clock-events', subject: 'instance=g:9400,gpu=0', value: () => 0, missing: 0 },
  { role: 'gpu.sm-active', subject: 'instance=g:9400,gpu=0', value: () => 0.8, absNoise: 0.02 },
  { role: 'gpu.pcie-rx', subject: 'instance=g:9400,gpu=0', value: () => 3e9, noise: 0.05 },
  { role: 'gpu.pcie-tx', subject: 'instance=g:9400,gpu=0', value: () => 4e8, noise: 0.05 },
  { role: 'gpu.pcie-link-gen', subject: 'instance=g:9400,gpu=0', value: () => 4, missing: 0 },
  { role: 'gpu.pcie-link-width', subject: 'instance=g:9400,gpu=0', value: () => 16, missing: 0 },
  { role: 'llm.inter-token-latency', subject: 'instance=v:8000', value: () => 0.028, noise: 0.04 },
  { role: 'llm.ttft', subject: 'instance=v:8000', value: () => 0.35, noise: 0.05 },
  { role: 'node.running-pods', subject: 'instance=n:10250,node=n', value: () => 28, missing: 0 },
  { role: 'node.shim-processes', subject: 'instance=pe:9256,node=n', value: () => 29, missing: 0 },
  { role: 'bpf.map-memory', subject: 'namespace=kube-system,pod=cilium-a', value: () => 92e6, noise: 0.002 },
  { role: 'bpf.endpoints', subject: 'namespace=kube-system,pod=cilium-a', value: () => 30, missing: 0 },
  ...(['cdn.requests', 'cdn.cache-hit-rate', 'cdn.5xx-rate'] as const).map(
    (role, i): SeriesSpec => ({
      role,
      subject: 'instance=yace:5000,dimension_DistributionId=E2QWRUHAPOMQZL',
      value: () => [60_000, 0.9, 0.002][i] as number,
      absNoise: [3000, 0.01, 0.0005][i] as number,
    }),
  ),
  ...(['waf.blocked', 'waf.allowed'] as const).map(
    (role, i): SeriesSpec => ({
      role,
      subject: 'instance=yace:5000,dimension_WebACL=shop-edge',
      value: () => [300, 59_000][i] as number,
      noise: 0.05,
    }),
  ),
  ...(['edge-fn.invocations', 'edge-fn.errors'] as const).map(
    (role, i): SeriesSpec => ({
      role,
      subject: 'instance=yace:5000,dimension_FunctionName=us-east-1.auth,region=eu-west-1',
      value: () => [20_000, 4][i] as number,
      noise: 0.05,
    }),
  ),
  {
    role: 'edge-fn.duration',
    subject: 'instance=yace:5000,dimension_FunctionName=us-east-1.auth,region=eu-west-1',
    value: () => 0.005,
    noise: 0.1,
  },
  {
    role: 'mesh.requests',
    subject: 'namespace=shop,pod=frontend-a,destination_service=reviews.shop.svc.cluster.local',
    value: () => 20,
    noise: 0.05,
  },
  {
    role: 'mesh.proxy-failures',
    subject: 'namespace=shop,pod=frontend-a,destination_service=reviews.shop.svc.cluster.local',
    value: () => 0.01,
    noise: 0.2,
  },
  ...(['lb.healthy-hosts', 'lb.unhealthy-hosts'] as const).map(
    (role, i): SeriesSpec => ({
      role,
      subject: 'instance=yace:5000,dimension_LoadBalancer=app/shop/1,dimension_TargetGroup=targetgroup/web/1',
      value: () => [6, 0][i] as number,
      missing: 0,
    }),
  ),
  ...(['deployment.desired-replicas', 'deployment.available-replicas'] as const).map(
    (role): SeriesSpec => ({
      role,
      subject: 'instance=ksm:8080,namespace=shop,deployment=a',
      value: () => 4,
      missing: 0,
    }),
  ),
];

describe('metric signals contract', () => {
  const signals = signalsOf(EVERYTHING, { minutes: 120, seed: 67 });

  it('emits every registered signal on healthy evidence, valid, with the registered unit', () => {
    const definitions = new Map(METRICS_SIGNALS.map((d) => [d.name, d]));
    for (const s of signals) {
      expect(() => SignalSchema.parse(s), s.name).not.toThrow();
      expect(definitions.get(s.name)?.unit, s.name).toBe(s.unit);
      expect(definitions.get(s.name)?.from).toBe('metrics');
      expect(s.sources.length, s.name).toBeGreaterThan(0);
      expect(s.window, s.name).toBeDefined();
    }
    const emitted = new Set(signals.map((s) => s.name));
    const missing = METRICS_SIGNALS.map((d) => d.name).filter((n) => !emitted.has(n));
    expect(missing).toEqual([]);
  });

  it('reports no change on healthy evidence: no onsets', () => {
    const onsets = signals.filter((s) => s.onset !== undefined).map((s) => `${s.name} ${s.subject ?? ''}`);
    expect(onsets).toEqual([]);
  });

  it('is deterministic', () => {
    expect(signalsOf(EVERYTHING, { minutes: 120, seed: 67 })).toEqual(signals);
  });

  it('computes nothing from an empty source', () => {
    const empty: MetricsData = { format: 'csv', series: [], queries: [], notes: [] };
    expect(metricSignals([{ source: { type: 'file', path: 'empty.csv' }, data: empty }])).toEqual([]);
  });
});

describe('series index', () => {
  it('pairs series of one thing across exporters by their identifying labels', () => {
    // cAdvisor reports the pod under the node's address, kube-state-metrics under its own.
    expect(
      sameThing(
        { namespace: 'shop', pod: 'a', instance: '10.0.1.23:10250' },
        { namespace: 'shop', pod: 'a', instance: '10.42.0.17:8080' },
      ),
    ).toBe(true);
    expect(sameThing({ namespace: 'shop', pod: 'a' }, { namespace: 'shop', pod: 'b' })).toBe(false);
    expect(
      sameThing({ instance: 'k:9308', consumergroup: 'g', topic: 't' }, { instance: 'k:9308', topic: 't' }),
    ).toBe(true);
    expect(sameThing({ instance: 'k:9308', topic: 't' }, { instance: 'k:9308', topic: 'u' })).toBe(false);
    expect(sameThing({ job: 'x' }, { job: 'x' })).toBe(false);
  });

  it('combines series of one role and subject from two sources, adding amounts', () => {
    const a = data([{ role: 'memory.resident', subject: 'pod=a', value: () => 100 }], {
      minutes: 10,
      seed: 1,
    });
    const b = data([{ role: 'memory.resident', subject: 'pod=a', value: () => 50 }], {
      minutes: 10,
      seed: 2,
    });
    const index = new SeriesIndex(
      [
        { source: { type: 'file', path: 'a.prom' }, data: a },
        { source: { type: 'file', path: 'b.prom' }, data: b },
      ],
      METRIC_ROLES,
    );
    const [memory] = index.all('memory.resident');
    expect(index.all('memory.resident')).toHaveLength(1);
    expect(Math.min(...(memory?.samples.values ?? []))).toBe(150);
    expect(Math.abs(index.window.start - START)).toBeLessThan(30_000);
  });

  it('reports the query behind a series read from a server', () => {
    const fromServer: MetricsData = {
      ...data([{ role: 'pool.active', subject: 'instance=a:8080', value: () => 10 }], { minutes: 30 }),
      format: 'prometheus-api',
      queries: [
        {
          id: 'pool.active',
          query: 'sum by (instance, job) (hikaricp_connections_active)',
          status: 'ok',
          series: 1,
        },
      ],
    };
    const withMax: MetricsData = {
      ...fromServer,
      series: [
        ...fromServer.series,
        ...data([{ role: 'pool.max', subject: 'instance=a:8080', value: () => 10 }], { minutes: 30 }).series,
      ],
    };
    const range = { start: new Date(START).toISOString(), end: new Date(START + 1_800_000).toISOString() };
    const signals = metricSignals([
      {
        source: {
          type: 'query',
          language: 'promql',
          query: 'default query set',
          server: 'http://prometheus:9090',
          range,
        },
        data: withMax,
      },
    ]);
    expect(find(signals, 'metrics.pool.utilization').sources[0]).toMatchObject({
      type: 'query',
      query: 'sum by (instance, job) (hikaricp_connections_active)',
      server: 'http://prometheus:9090',
    });
  });
});

describe('the whole path from an OpenMetrics file', () => {
  it('reads a memory-leak fixture with the file gatherer and finds the OOM saw-tooth', async () => {
    const path = join(
      'catalog',
      'scenarios',
      'memory-leak',
      'fixtures',
      'positive-oom-sawtooth.metrics.prom.gz',
    );
    const read = await readMetricsFile({ type: 'file', path });
    const signals = metricSignals([{ source: { type: 'file', path }, data: read }]);
    const leaky = 'namespace=shop,pod=cart-7d9f5c6b8-m4tzr';
    expect(value(signals, 'metrics.memory.oom-kills', leaky)).toBe(2);
    expect(value(signals, 'metrics.memory.leak-likelihood', leaky)).toBe(1);
    expect(value(signals, 'metrics.memory.limit-ratio', leaky)).toBeGreaterThan(0.9);
    expect(value(signals, 'metrics.memory.oom-kills', 'namespace=shop,pod=cart-7d9f5c6b8-x2kqp')).toBe(0);
    expect(value(signals, 'metrics.memory.leak-likelihood', 'namespace=shop,pod=cart-7d9f5c6b8-x2kqp')).toBe(
      0,
    );
  });
});
