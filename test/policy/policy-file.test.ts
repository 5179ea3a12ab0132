import { describe, expect, it } from 'vitest';
import { InputError, type Problem } from '../../src/core/problem.js';
import { mergePolicies, parsePolicyFile, policyFromFlags } from '../../src/policy/policy-file.js';

function problems(text: string): Problem[] {
  try {
    parsePolicyFile('policy.yaml', text);
  } catch (error) {
    if (error instanceof InputError) return error.problems;
    throw error;
  }
  throw new Error('parsed without problems');
}

describe('policy files', () => {
  it('reads limits, scoped limits in both forms, endpoint sections and the severity', () => {
    const policy = parsePolicyFile(
      'policy.yaml',
      [
        'version: 1',
        'limits:',
        '  - p95 < 500ms',
        '  - GET /api/users: p95 < 300ms',
        '  - p99: <= 1.2s',
        '  - p95 regression <= 10%',
        '  - error_rate regression <= 0.5pp',
        'endpoints:',
        '  POST /api/orders:',
        '    - p99 <= 1.2s',
        '    - error_rate < 1%',
        'fail_on_severity: high',
        '',
      ].join('\n'),
    );
    expect(
      policy.conditions.map((c) =>
        c.kind === 'severity' ? c.severity : `${c.scope ?? '*'} | ${c.metric} ${c.comparator} ${c.value}`,
      ),
    ).toEqual([
      '* | p95 < 500',
      'GET /api/users | p95 < 300',
      '* | p99 <= 1200',
      '* | p95 <= 0.1',
      '* | error_rate <= 0.005',
      'POST /api/orders | p99 <= 1200',
      'POST /api/orders | error_rate < 0.01',
      'high',
    ]);
  });

  it('places a bad expression at its line and column', () => {
    const found = problems(['limits:', '  - p95 < 500ms', '  - p59x < 1s', ''].join('\n'));
    expect(found).toEqual([
      expect.objectContaining({ file: 'policy.yaml', line: 3, column: 5, field: 'limits[1]' }),
    ]);
    expect(found[0]?.message).toMatch(/unknown metric "p59x"/);
  });

  it('places a bad limit inside an endpoint section', () => {
    const found = problems(['endpoints:', '  GET /a:', '    - p95 < 1s', '    - p95 < soon', ''].join('\n'));
    expect(found[0]).toMatchObject({ line: 4, column: 7, field: 'endpoints.GET /a[1]' });
    expect(found[0]?.message).toMatch(/expected a duration/);
  });

  it('names unknown fields with a suggestion', () => {
    const found = problems(['limits: []', 'fail_on_severty: high', ''].join('\n'));
    expect(found[0]).toMatchObject({ line: 2, column: 1, field: 'fail_on_severty' });
    expect(found[0]?.message).toMatch(/did you mean "fail_on_severity"/);
  });

  it('names a bad severity and its position', () => {
    const found = problems(['fail_on_severity: hihg', ''].join('\n'));
    expect(found[0]).toMatchObject({ line: 1, column: 19, field: 'fail_on_severity' });
    expect(found[0]?.message).toMatch(
      /expected one of: critical, high, medium, low; got "hihg" \(did you mean "high"\?\)/,
    );
  });

  it('reports wrong shapes and YAML syntax errors with positions', () => {
    expect(problems(['limits: p95 < 1s', ''].join('\n'))[0]).toMatchObject({
      line: 1,
      column: 9,
      message: expect.stringMatching(/expected a list of limits, got string/),
    });
    expect(problems(['limits:', '  - [p95, 1s]', ''].join('\n'))[0]).toMatchObject({
      line: 2,
      column: 5,
      message: expect.stringMatching(/expected a limit such as "p95 < 500ms"/),
    });
    const syntax = problems(['limits:', '  - p95 < 1s', ' bad: [', ''].join('\n'));
    expect(syntax[0]?.message).toMatch(/^invalid YAML/);
    expect(syntax[0]?.line).toBeGreaterThanOrEqual(3);
    expect(problems('- p95 < 1s\n')[0]?.message).toMatch(
      /expected a mapping with version, limits, endpoints, fail_on_severity/,
    );
  });

  it('puts every problem in the error message with file:line:column', () => {
    expect(() => parsePolicyFile('gate.yml', 'limits:\n  - p95 < 1s\n  - p95 <\n  - foo > 1\n')).toThrow(
      /invalid policy file gate\.yml:\n {2}gate\.yml:3:5: limits\[1\]: no value after "<".*\n {2}gate\.yml:4:5: limits\[2\]: unknown metric "foo"/s,
    );
  });

  it('merges file and flag policies, the last severity winning', () => {
    const file = parsePolicyFile('p.yaml', 'limits:\n  - p95 < 1s\nfail_on_severity: medium\n');
    const merged = mergePolicies(file, policyFromFlags(['p99 < 2s'], 'critical'));
    expect(merged.conditions.map((c) => c.expression)).toEqual([
      'p95 < 1s',
      'p99 < 2s',
      'fail_on_severity: critical',
    ]);
  });
});
