import { describe, expect, it } from 'vitest';
import { analyze, compareLoadTests, evaluatePolicy, policyFromFlags } from '../src/index.js';

// The library API as a user imports it: the same pipeline as the CLI, without printing or exiting.

describe('library API', () => {
  it('analyzes files, compares runs and evaluates a policy', async () => {
    const { bundle, result } = await analyze([
      'catalog/scenarios/retry-storm/fixtures/positive-storm.jtl.gz',
    ]);
    expect(result.findings[0]?.scenarioId).toBe('retry-storm');
    const current = (bundle.evidence['load-test'] ?? []).flatMap((s) =>
      s.status === 'loaded' ? [s.data] : [],
    );
    const { bundle: base } = await analyze(['catalog/healthy/healthy-shop.jtl.gz']);
    const baseline = (base.evidence['load-test'] ?? []).flatMap((s) =>
      s.status === 'loaded' ? [s.data] : [],
    );
    const comparison = compareLoadTests({ baseline, current });
    expect(comparison.verdict).toBe('regression');
    const loadTest = result.loadTest;
    if (!loadTest) throw new Error('expected load-test KPIs');
    const evaluation = evaluatePolicy(policyFromFlags(['error_rate < 1%'], 'critical'), {
      kpis: { overall: loadTest.overall, endpoints: loadTest.endpoints },
      findings: result.findings,
    });
    expect(evaluation.passed).toBe(false);
    expect(evaluation.conditions.map((c) => c.passed)).toEqual([false, false]);
  });
});
