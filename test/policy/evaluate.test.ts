import { describe, expect, it } from 'vitest';
import { compareLoadTests } from '../../src/compare/compare.js';
import type { Kpis } from '../../src/diagnosis/load-test-summary.js';
import type { Finding } from '../../src/diagnosis/result.js';
import { evaluatePolicy } from '../../src/policy/evaluate.js';
import { policyFromFlags } from '../../src/policy/policy-file.js';
import { syntheticRun } from '../compare/synthetic.js';

function kpis(overrides: Partial<Kpis> = {}): Kpis {
  return {
    requests: 10000,
    failures: 50,
    errorRate: 0.005,
    throughput: 120,
    mean: 180,
    p50: 150,
    p90: 300,
    p95: 420,
    p99: 900,
    p999: 1500,
    max: 2100,
    apdex: 0.93,
    receivedBytes: 0,
    sentBytes: 0,
    maxConcurrency: 50,
    statuses: {},
    failureKinds: {},
    ...overrides,
  };
}

const loadTest = {
  overall: kpis(),
  endpoints: [
    { name: 'GET /api/users', ...kpis({ p95: 350 }) },
    { name: 'POST /api/orders', ...kpis({ errorRate: 0.03, throughput: null }) },
  ],
};

function finding(severity: Finding['severity'], status: Finding['status'], title: string): Finding {
  return {
    rank: 1,
    scenarioId: 'performance.example',
    title,
    category: 'performance',
    severity,
    status,
    confidence: 0.9,
    subjects: [],
    evidence: [],
    raisedBy: [],
    loweredBy: [],
    missingEvidence: [],
    checks: [],
    remediation: [],
  };
}

describe('evaluatePolicy', () => {
  it('passes when every absolute limit holds', () => {
    const result = evaluatePolicy(
      policyFromFlags([
        'p95 < 500ms',
        'p99 <= 1.2s',
        'error_rate < 1%',
        'throughput >= 100/s',
        'apdex >= 0.9',
      ]),
      { kpis: loadTest },
    );
    expect(result.passed).toBe(true);
    expect(result.conditions.map((c) => c.observed)).toEqual([420, 900, 0.005, 120, 0.93]);
    expect(result.conditions[0]?.reason).toBe('p95 is 420 ms; the limit is < 500 ms');
  });

  it('fails on a limit that does not hold, per endpoint', () => {
    const result = evaluatePolicy(
      policyFromFlags(['GET /api/users: p95 < 300ms', 'POST /api/orders: error_rate < 1%', 'p95 < 1s']),
      { kpis: loadTest },
    );
    expect(result.passed).toBe(false);
    expect(result.conditions.map((c) => [c.scope, c.passed])).toEqual([
      ['GET /api/users', false],
      ['POST /api/orders', false],
      ['overall', true],
    ]);
    expect(result.conditions[1]?.reason).toBe('error_rate is 3%; the limit is < 1%');
  });

  it('fails a limit on a missing endpoint or an unmeasured KPI instead of passing silently', () => {
    const result = evaluatePolicy(
      policyFromFlags(['GET /api/user: p95 < 1s', 'POST /api/orders: throughput > 1/s']),
      {
        kpis: loadTest,
      },
    );
    expect(result.passed).toBe(false);
    expect(result.conditions[0]?.reason).toMatch(
      /"GET \/api\/user" is not in the load test; did you mean "GET \/api\/users"/,
    );
    expect(result.conditions[1]?.reason).toMatch(/could not be measured/);
  });

  it('fails on matched findings of the given severity or worse', () => {
    const findings = [
      finding('medium', 'matched', 'Slow queries'),
      finding('critical', 'not-matched', 'Outage'),
      finding('high', 'matched', 'Connection pool exhausted'),
    ];
    const high = evaluatePolicy(policyFromFlags([], 'high'), { findings });
    expect(high.passed).toBe(false);
    expect(high.conditions[0]).toMatchObject({ observed: 1, evaluated: true });
    expect(high.conditions[0]?.reason).toContain('Connection pool exhausted (high)');
    expect(evaluatePolicy(policyFromFlags([], 'critical'), { findings }).passed).toBe(true);
    expect(evaluatePolicy(policyFromFlags([], 'medium'), { findings }).conditions[0]?.observed).toBe(2);
  });

  it('does not evaluate conditions whose input is missing', () => {
    const result = evaluatePolicy(policyFromFlags(['p95 regression <= 10%', 'p95 < 1s'], 'high'), {});
    expect(result.passed).toBe(true);
    expect(result.conditions.map((c) => c.evaluated)).toEqual([false, false, false]);
  });

  describe('regression limits', () => {
    const endpoints = (scale: number, errorRate = 0.01) => [
      { name: 'GET /a', requests: 4000, median: 100, scale, errorRate },
      { name: 'GET /b', requests: 4000, median: 50 },
    ];
    const baseline = syntheticRun({ seed: 41, endpoints: endpoints(1) });

    it('fails a significant regression beyond the limit', () => {
      const comparison = compareLoadTests({
        baseline: [baseline],
        current: [syntheticRun({ seed: 42, endpoints: endpoints(1.4, 0.04) })],
      });
      const result = evaluatePolicy(
        policyFromFlags([
          'GET /a: p95 regression <= 10%',
          'GET /a: p95 regression <= 60%',
          'GET /a: error_rate regression <= 0.5pp',
          'GET /b: p95 regression <= 10%',
          'GET /c: p95 regression <= 10%',
        ]),
        { comparison },
      );
      expect(result.conditions.map((c) => c.passed)).toEqual([false, true, false, true, false]);
      expect(result.passed).toBe(false);
      expect(result.conditions[0]?.observed).toBeGreaterThan(0.3);
      expect(result.conditions[0]?.reason).toMatch(
        /p95 regressed significantly by \+\d+(\.\d+)?%; the limit is <= \+10%/,
      );
      expect(result.conditions[4]?.reason).toMatch(/in neither run/);
    });

    it('lets a change that is not significant pass', () => {
      const comparison = compareLoadTests({
        baseline: [baseline],
        current: [syntheticRun({ seed: 43, endpoints: endpoints(1) })],
      });
      // 0% is the strictest limit: only a significant rise can break it.
      const result = evaluatePolicy(
        policyFromFlags(['p95 regression <= 0%', 'GET /a: p99 regression <= 0ms']),
        {
          comparison,
        },
      );
      expect(result.passed).toBe(true);
      expect(result.conditions.every((c) => c.evaluated)).toBe(true);
    });
  });
});
