import { describe, expect, it } from 'vitest';
import { LoadTestSummarySchema } from '../../src/diagnosis/load-test-summary.js';
import { LoadTestAccumulator } from '../../src/gather/load-test/accumulate.js';
import { mergeSources } from '../../src/signals/load-test/merge.js';
import { loadTestSignals } from '../../src/signals/load-test/signals.js';
import { loadTestSummary } from '../../src/signals/load-test/summary.js';
import { SignalSchema } from '../../src/signals/signal.js';
import { RUN_START, syntheticRun } from './synthetic-run.js';

const injector = (seed: number, start = RUN_START) =>
  syntheticRun({ seed, durationS: 300, start, users: (t) => (t < 30 ? 10 : 20), rate: (_, u) => u * 2 });

describe('mergeSources', () => {
  it('merges injectors of one run: requests add up, users sum per bucket, sketches merge', () => {
    const a = injector(31);
    const b = injector(32);
    const merged = mergeSources([
      { path: 'a.jtl', data: a },
      { path: 'b.jtl', data: b },
    ]);
    const count = (d: typeof a) => d.endpoints.reduce((s, e) => s + e.total.count, 0);
    expect(merged.endpoints.reduce((s, e) => s + e.total.count, 0)).toBe(count(a) + count(b));
    expect(Math.max(...merged.users.values())).toBe(40);
    const items = merged.endpoints.find((e) => e.name === 'GET /items');
    expect(items?.total.latency.count).toBe(items?.total.count);
    expect(merged.notes.some((n) => n.includes('clock skew'))).toBe(false);
    expect(a.bucketMs).toBe(1000);
  });

  it('coarsens to the widest bucket exactly', () => {
    const fine = injector(33);
    const coarse = { ...fine, bucketMs: 2000, endpoints: [] };
    const merged = mergeSources([
      { path: 'fine.jtl', data: fine },
      { path: 'coarse.jtl', data: coarse },
    ]);
    expect(merged.bucketMs).toBe(2000);
    const e = merged.endpoints.find((x) => x.name === 'GET /items');
    const total = [...(e?.buckets.values() ?? [])].reduce((s, b) => s + b.count, 0);
    expect(total).toBe(e?.total.count);
    for (const t of e?.buckets.keys() ?? []) expect(t % 2000).toBe(0);
  });

  it('notes a file whose clock is an hour off', () => {
    const merged = mergeSources([
      { path: 'a.jtl', data: injector(34) },
      { path: 'b.jtl', data: injector(35, RUN_START + 3_600_000) },
    ]);
    const note = merged.notes.find((n) => n.includes('clock skew'));
    expect(note).toMatch(
      /clock skew: [ab]\.jtl .* [ab]\.jtl but starts 1\.0 h (after|before) it .* overlap by 0%/,
    );
  });

  it('handles a run of zero duration', () => {
    const acc = new LoadTestAccumulator('jmeter-csv');
    acc.sample({ timestamp: RUN_START, elapsed: 0, label: 'GET /', success: true, line: 2 });
    const data = acc.finish();
    const signals = loadTestSignals([{ path: 'one.jtl', data }]);
    for (const s of signals) expect(() => SignalSchema.parse(s)).not.toThrow();
    const summary = loadTestSummary([{ path: 'one.jtl', data }], { apdexThresholdMs: 500 });
    expect(LoadTestSummarySchema.parse(summary).overall.throughput).toBeNull();
  });
});

describe('summary-only input', () => {
  const acc = new LoadTestAccumulator('k6-summary');
  acc.aggregate({
    label: 'GET /items',
    count: 1000,
    failures: 50,
    quantiles: [
      { q: 0.5, value: 40 },
      { q: 0.9, value: 90 },
      { q: 0.95, value: 120 },
    ],
    min: 5,
    max: 900,
    statuses: { '200': 950, '429': 50 },
    line: 1,
  });
  const data = acc.finish();

  it('emits summary-only and only the signals computable without time', () => {
    const signals = loadTestSignals([{ path: 'summary.json', data }]);
    const names = new Set(signals.map((s) => s.name));
    expect(signals.find((s) => s.name === 'load.summary-only')?.value).toBe(true);
    expect(signals.find((s) => s.name === 'errors.rate-limited.rate' && s.subject === '*')?.value).toBe(0.05);
    expect(names.has('latency.p50')).toBe(true);
    for (const timed of [
      'latency.p50.shift',
      'latency.trend',
      'load.duration',
      'errors.burst',
      'latency.stalls',
    ]) {
      expect(names.has(timed)).toBe(false);
    }
    // The accumulator rebuilds the distribution from the reported quantiles, so p50 is near, not at, 40 ms.
    const p50 = signals.find((s) => s.name === 'latency.p50' && s.subject === '*')?.value as number;
    expect(Math.abs(p50 - 40) / 40).toBeLessThan(0.2);
  });

  it('summarizes totals without series', () => {
    const summary = LoadTestSummarySchema.parse(
      loadTestSummary([{ path: 'summary.json', data }], { apdexThresholdMs: 100 }),
    );
    expect(summary.summaryOnly).toBe(true);
    expect(summary.overall.requests).toBe(1000);
    expect(summary.overall.throughput).toBeNull();
    expect(summary.series.t).toEqual([]);
    expect(summary.phases).toEqual([]);
  });
});

describe('loadTestSummary', () => {
  const data = syntheticRun({
    seed: 36,
    durationS: 600,
    failure: (c) => (c.t > 300 && c.random.chance(0.1) ? { status: '503', elapsed: 3 } : undefined),
  });
  const summary = LoadTestSummarySchema.parse(
    loadTestSummary([{ path: 'run.jtl', data }], { apdexThresholdMs: 100 }),
  );

  it('gives KPIs overall and per endpoint', () => {
    expect(summary.overall.requests).toBe(data.endpoints.reduce((s, e) => s + e.total.count, 0));
    expect(summary.overall.errorRate).toBeGreaterThan(0.04);
    expect(summary.overall.errorRate).toBeLessThan(0.06);
    // ~95% succeed under 100 ms with median 50 ms, log-sd 0.3; failures are frustrated.
    expect(summary.overall.apdex).toBeGreaterThan(0.9);
    expect(summary.overall.apdex).toBeLessThan(0.97);
    expect(summary.overall.throughput).toBeGreaterThan(85);
    expect(summary.endpoints.map((e) => e.name)).toEqual(['GET /health', 'GET /items', 'POST /orders']);
    expect(summary.overall.maxConcurrency).toBe(50);
  });

  it('gives series per bucket, phases and histograms', () => {
    const n = summary.series.t.length;
    for (const s of [summary.series.users, summary.series.throughput, summary.series.p95])
      expect(s).toHaveLength(n);
    expect(summary.series.errorsPerSecond.gateway).toHaveLength(n);
    expect(Object.keys(summary.series.endpointP95)).toHaveLength(3);
    expect(summary.phases.map((p) => p.name)).toEqual(['ramp-up', 'steady']);
    for (const h of summary.histograms) {
      expect(h.bins.length).toBeLessThanOrEqual(40);
      const total = h.bins.reduce((s, b) => s + b.count, 0);
      expect(total).toBeCloseTo(data.endpoints.find((e) => e.name === h.endpoint)?.total.count ?? -1, 6);
    }
  });
});
