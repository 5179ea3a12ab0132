import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/problem.js';
import { parseExpression, parseLimitExpression } from '../../src/policy/expression.js';
import { policyFromFlags } from '../../src/policy/policy-file.js';

function message(text: string): string {
  const outcome = parseExpression(text);
  if (outcome.ok) throw new Error(`"${text}" parsed`);
  return outcome.message;
}

describe('limit expressions', () => {
  it.each([
    ['p95 < 500ms', { scope: null, metric: 'p95', comparator: '<', value: 500 }],
    ['p99 <= 1.2s', { scope: null, metric: 'p99', comparator: '<=', value: 1200 }],
    ['error_rate < 1%', { scope: null, metric: 'error_rate', comparator: '<', value: 0.01 }],
    ['error_rate<0.02', { scope: null, metric: 'error_rate', comparator: '<', value: 0.02 }],
    ['throughput >= 100/s', { scope: null, metric: 'throughput', comparator: '>=', value: 100 }],
    ['throughput >= 6000/min', { scope: null, metric: 'throughput', comparator: '>=', value: 100 }],
    ['apdex >= 0.9', { scope: null, metric: 'apdex', comparator: '>=', value: 0.9 }],
    ['p(95) < 300', { scope: null, metric: 'p95', comparator: '<', value: 300 }],
    ['GET /api/users: p95 < 300ms', { scope: 'GET /api/users', metric: 'p95', comparator: '<', value: 300 }],
    [
      'GET http://shop:8080/cart: max < 2 s',
      { scope: 'GET http://shop:8080/cart', metric: 'max', value: 2000 },
    ],
  ])('reads %s', (text, expected) => {
    const outcome = parseExpression(text);
    expect(outcome.ok).toBe(true);
    if (outcome.ok)
      expect(outcome.condition).toMatchObject({ kind: 'absolute', expression: text, ...expected });
  });

  it.each([
    ['p95 regression <= 10%', { metric: 'p95', value: 0.1, unit: 'relative' }],
    ['p99 regression < 50ms', { metric: 'p99', value: 50, unit: 'ms' }],
    ['error_rate regression <= 0.5pp', { metric: 'error_rate', value: 0.005, unit: 'pp' }],
    ['POST /orders: p95 regression <= 15%', { scope: 'POST /orders', metric: 'p95', value: 0.15 }],
  ])('reads the regression limit %s', (text, expected) => {
    const outcome = parseExpression(text);
    expect(outcome.ok).toBe(true);
    if (outcome.ok) expect(outcome.condition).toMatchObject({ kind: 'regression', ...expected });
  });

  it('suggests the nearest metric for an unknown name', () => {
    expect(message('eror_rate < 1%')).toMatch(
      /unknown metric "eror_rate" in "eror_rate < 1%"; did you mean "error_rate"\?/,
    );
    expect(message('throughputt > 5/s')).toContain('did you mean "throughput"');
    expect(message('apdex regression <= 1%')).toMatch(
      /unknown regression metric "apdex".*Known: p50, p90, p95, p99, error_rate/,
    );
  });

  it('says what was expected for each malformed part', () => {
    expect(message('')).toMatch(/empty limit; expected \[endpoint:\] metric/);
    expect(message('p95 500ms')).toMatch(/no comparison in "p95 500ms"/);
    expect(message('p95 == 500ms')).toMatch(/comparator "==" .* use one of <, <=, >, >=/);
    expect(message('p95 <')).toMatch(/no value after "<"/);
    expect(message('p95 < fast')).toMatch(/expected a duration such as 500ms or 1.2s for p95, got "fast"/);
    expect(message('error_rate < 5')).toMatch(/expected a percentage such as 1%/);
    expect(message('error_rate < 120%')).toMatch(/between 0% and 100%/);
    expect(message('apdex >= 1.5')).toMatch(/score between 0 and 1/);
    expect(message('throughput > fast')).toMatch(/expected a rate such as 100\/s/);
    expect(message('p95 regression >= 10%')).toMatch(/upper bound; use < or <=/);
    expect(message('error_rate regression <= 1%')).toMatch(/percentage points such as 0.5pp/);
    expect(message('p95 regression <= 10')).toMatch(/relative change such as 10%/);
    expect(message('GET /x p95 < 1s')).toMatch(/cannot read "GET \/x p95"/);
  });

  it('throws an InputError naming the flag and the expression', () => {
    expect(() => parseLimitExpression('p96 < 1s')).toThrow(InputError);
    expect(() => parseLimitExpression('p96 < 1s')).toThrow(/--fail-on: unknown metric "p96" in "p96 < 1s"/);
    expect(() => policyFromFlags(['p95 < 1s'], 'hihg')).toThrow(
      /unknown severity "hihg".*did you mean "high"/,
    );
    expect(policyFromFlags(['p95 < 1s', 'error_rate < 1%'], 'high').conditions.map((c) => c.kind)).toEqual([
      'absolute',
      'absolute',
      'severity',
    ]);
  });
});
