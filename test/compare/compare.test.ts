import { describe, expect, it } from 'vitest';
import { compareLoadTests } from '../../src/compare/compare.js';
import type { ComparisonResult, EndpointComparison, MetricComparison } from '../../src/compare/result.js';
import { type EndpointSpec, syntheticRun } from './synthetic.js';

function metric(
  endpoint: EndpointComparison | undefined,
  name: MetricComparison['metric'],
): MetricComparison {
  const found = endpoint?.metrics.find((m) => m.metric === name);
  if (!found) throw new Error(`no ${name}`);
  return found;
}

function endpoint(result: ComparisonResult, name: string): EndpointComparison {
  const found = result.endpoints.find((e) => e.name === name);
  if (!found) throw new Error(`no endpoint ${name}`);
  return found;
}

function verdicts(result: ComparisonResult): string[] {
  return [result.overall, ...result.endpoints].flatMap((e) => [
    ...e.metrics.map((m) => m.verdict),
    ...(e.distribution ? [e.distribution.verdict] : []),
  ]);
}

const steady = (name: string, overrides: Partial<EndpointSpec> = {}): EndpointSpec => ({
  name,
  requests: 4000,
  median: 120,
  ...overrides,
});

describe('compareLoadTests', () => {
  it('reports a clear p95 regression of 40% on one endpoint and nothing on the others', () => {
    const baseline = syntheticRun({
      seed: 1,
      endpoints: [steady('GET /a'), steady('GET /b', { median: 40 })],
    });
    const current = syntheticRun({
      seed: 2,
      endpoints: [steady('GET /a', { scale: 1.4 }), steady('GET /b', { median: 40 })],
    });
    const result = compareLoadTests({ baseline: [baseline], current: [current] });
    const p95 = metric(endpoint(result, 'GET /a'), 'p95');
    expect(p95.verdict).toBe('regression');
    expect(p95.relative).toBeGreaterThan(0.3);
    expect(p95.relative).toBeLessThan(0.5);
    expect(p95.test?.significant).toBe(true);
    expect(p95.test?.interval?.low).toBeGreaterThan(1.2);
    expect(p95.test?.interval?.high).toBeLessThan(1.6);
    expect(endpoint(result, 'GET /a').distribution?.verdict).toBe('regression');
    expect(endpoint(result, 'GET /a').distribution?.cliffsDelta).toBeGreaterThan(0.3);
    expect(endpoint(result, 'GET /a').verdict).toBe('regression');
    const b = endpoint(result, 'GET /b');
    expect(b.verdict).toBe('unchanged');
    expect(b.metrics.filter((m) => m.verdict === 'regression' || m.verdict === 'improvement')).toEqual([]);
    expect(result.verdict).toBe('regression');
  });

  it('reports an improvement when the current run is 30% faster', () => {
    const baseline = syntheticRun({ seed: 3, endpoints: [steady('GET /a')] });
    const current = syntheticRun({ seed: 4, endpoints: [steady('GET /a', { scale: 0.7 })] });
    const result = compareLoadTests({ baseline: [baseline], current: [current] });
    expect(metric(endpoint(result, 'GET /a'), 'p95').verdict).toBe('improvement');
    expect(metric(endpoint(result, 'GET /a'), 'p50').verdict).toBe('improvement');
    expect(result.verdict).toBe('improvement');
    expect(result.summary.regressions).toBe(0);
  });

  it('gives no verdict when both runs are noise from the same distribution (many endpoints, many seeds)', () => {
    const names = Array.from({ length: 12 }, (_, i) => `GET /api/item-${i}`);
    const rawBrunnerMunzel: number[] = [];
    for (let seed = 0; seed < 12; seed++) {
      const spec = (s: number) =>
        syntheticRun({
          seed: s,
          endpoints: names.map((name, i) =>
            steady(name, { requests: 1500, median: 20 + 15 * i, sigma: 0.3 + 0.05 * i, errorRate: 0.02 }),
          ),
        });
      const result = compareLoadTests({ baseline: [spec(1000 + seed)], current: [spec(2000 + seed)] });
      expect(verdicts(result).filter((v) => v === 'regression' || v === 'improvement')).toEqual([]);
      expect(result.verdict).toBe('unchanged');
      for (const e of result.endpoints) rawBrunnerMunzel.push(e.distribution?.test.pValue ?? Number.NaN);
    }
    // The rank test is calibrated: under no change, unadjusted p < 0.05 in about 5% of the tests.
    const share = rawBrunnerMunzel.filter((p) => p < 0.05).length / rawBrunnerMunzel.length;
    expect(rawBrunnerMunzel).toHaveLength(144);
    expect(share).toBeLessThan(0.12);
  });

  it('counts requests clustered in time as fewer independent ones (design effect)', () => {
    let noisyVerdicts = 0;
    let largestEffect = 0;
    for (let seed = 0; seed < 6; seed++) {
      const run = (s: number) =>
        syntheticRun({
          seed: s,
          durationSeconds: 120,
          endpoints: [steady('GET /slow-minutes', { requests: 12000, sigma: 0.2, bucketSigma: 0.15 })],
        });
      const result = compareLoadTests({
        baseline: [run(300 + seed)],
        current: [run(400 + seed)],
        minRelativeChange: 0,
        minLatencyChangeMs: 0,
        minCliffsDelta: 0,
      });
      const d = endpoint(result, 'GET /slow-minutes').distribution;
      largestEffect = Math.max(largestEffect, d?.designEffect.baseline ?? 0, d?.designEffect.current ?? 0);
      expect(d?.test.effectiveRequests.baseline).toBeLessThan(12000 / 2);
      noisyVerdicts += verdicts(result).filter((v) => v === 'regression' || v === 'improvement').length;
    }
    expect(largestEffect).toBeGreaterThan(5);
    // Even with the practical thresholds at zero, run-level drift is not taken for a change.
    expect(noisyVerdicts).toBe(0);
  });

  it('detects an error-rate jump from 1% to 5%', () => {
    const baseline = syntheticRun({ seed: 5, endpoints: [steady('POST /orders', { errorRate: 0.01 })] });
    const current = syntheticRun({ seed: 6, endpoints: [steady('POST /orders', { errorRate: 0.05 })] });
    const result = compareLoadTests({ baseline: [baseline], current: [current] });
    const errorRate = metric(endpoint(result, 'POST /orders'), 'errorRate');
    expect(errorRate.verdict).toBe('regression');
    expect(errorRate.test?.method).toBe('two-proportion-z');
    expect(errorRate.absolute).toBeGreaterThan(0.03);
    expect(metric(endpoint(result, 'POST /orders'), 'p95').verdict).toBe('unchanged');
  });

  it('uses Fisher exact for a handful of failures and does not call 0 vs 3 failures a regression', () => {
    const baseline = syntheticRun({ seed: 7, endpoints: [steady('GET /a', { requests: 600 })] });
    const current = syntheticRun({
      seed: 8,
      endpoints: [steady('GET /a', { requests: 600, errorRate: 0.005 })],
    });
    const result = compareLoadTests({ baseline: [baseline], current: [current] });
    const errorRate = metric(endpoint(result, 'GET /a'), 'errorRate');
    expect(errorRate.test?.method).toBe('fisher-exact');
    expect(errorRate.current).toBeGreaterThan(0);
    expect(errorRate.verdict).toBe('unchanged');
  });

  it('gives no verdict with 10 requests per side, even for a doubling', () => {
    const baseline = syntheticRun({ seed: 9, endpoints: [steady('GET /a', { requests: 10 })] });
    const current = syntheticRun({ seed: 10, endpoints: [steady('GET /a', { requests: 10, scale: 2 })] });
    const result = compareLoadTests({ baseline: [baseline], current: [current] });
    const a = endpoint(result, 'GET /a');
    expect(
      a.metrics.filter((m) => m.metric !== 'requests' && m.metric !== 'throughput').map((m) => m.verdict),
    ).toEqual([
      'insufficient-data',
      'insufficient-data',
      'insufficient-data',
      'insufficient-data',
      'insufficient-data',
    ]);
    expect(a.distribution).toBeUndefined();
    expect(result.verdict).toBe('inconclusive');
    expect(metric(a, 'p50').relative).toBeGreaterThan(0.5);
  });

  it('tests p99 only with enough requests above it', () => {
    const baseline = syntheticRun({ seed: 11, endpoints: [steady('GET /a', { requests: 200 })] });
    const current = syntheticRun({ seed: 12, endpoints: [steady('GET /a', { requests: 200, scale: 1.5 })] });
    const a = endpoint(compareLoadTests({ baseline: [baseline], current: [current] }), 'GET /a');
    expect(metric(a, 'p99').verdict).toBe('insufficient-data');
    expect(metric(a, 'p99').reason).toContain('500 requests');
    expect(metric(a, 'p50').verdict).toBe('regression');
  });

  it('lists endpoints found on one side only and compares the rest', () => {
    const baseline = syntheticRun({
      seed: 13,
      endpoints: [steady('GET /a'), steady('GET /old', { requests: 50 })],
    });
    const current = syntheticRun({
      seed: 14,
      endpoints: [steady('GET /a'), steady('GET /new', { requests: 70 })],
    });
    const result = compareLoadTests({ baseline: [baseline], current: [current] });
    expect(result.endpoints.map((e) => e.name)).toEqual(['GET /a']);
    expect(result.onlyInBaseline).toEqual([{ name: 'GET /old', requests: 50 }]);
    expect(result.onlyInCurrent).toEqual([{ name: 'GET /new', requests: 70 }]);
    expect(metric(result.overall, 'requests').baseline).toBe(4050);
  });

  it('merges several files per side: counts add, throughput uses the covered time', () => {
    const start = Date.UTC(2025, 0, 1);
    const half = (seed: number) =>
      syntheticRun({ seed, start, durationSeconds: 60, endpoints: [steady('GET /a', { requests: 2000 })] });
    const whole = syntheticRun({ seed: 30, start, durationSeconds: 60, endpoints: [steady('GET /a')] });
    const result = compareLoadTests({ baseline: [half(31), half(32)], current: [whole] });
    const requests = metric(endpoint(result, 'GET /a'), 'requests');
    expect(requests.baseline).toBe(4000);
    expect(result.baseline.files).toBe(2);
    const throughput = metric(endpoint(result, 'GET /a'), 'throughput');
    // Two injectors over the same minute: about 4000 requests in about 60 s on both sides.
    expect(throughput.baseline).toBeGreaterThan(60);
    expect(throughput.baseline).toBeLessThan(70);
    expect(Math.abs(throughput.relative ?? 1)).toBeLessThan(0.02);
    expect(endpoint(result, 'GET /a').verdict).toBe('unchanged');
  });

  it('rejects an empty side and invalid options', () => {
    const run = syntheticRun({ seed: 1, endpoints: [steady('GET /a', { requests: 50 })] });
    expect(() => compareLoadTests({ baseline: [], current: [run] })).toThrow(/baseline/);
    expect(() => compareLoadTests({ baseline: [run], current: [run], alpha: 2 })).toThrow(/alpha/);
  });

  it('honours the practical thresholds as options', () => {
    const baseline = syntheticRun({ seed: 15, endpoints: [steady('GET /a', { requests: 20000 })] });
    const current = syntheticRun({
      seed: 16,
      endpoints: [steady('GET /a', { requests: 20000, scale: 1.07 })],
    });
    const strict = compareLoadTests({ baseline: [baseline], current: [current] });
    expect(metric(endpoint(strict, 'GET /a'), 'p50').verdict).toBe('unchanged');
    expect(metric(endpoint(strict, 'GET /a'), 'p50').test?.significant).toBe(true);
    const loose = compareLoadTests({ baseline: [baseline], current: [current], minRelativeChange: 0.05 });
    expect(metric(endpoint(loose, 'GET /a'), 'p50').verdict).toBe('regression');
  });
});
