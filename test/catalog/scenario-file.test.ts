import { describe, expect, it } from 'vitest';
import { readCatalog } from '../../src/catalog/loader.js';
import { parseScenarioFile } from '../../src/catalog/scenario-file.js';
import { formatProblem } from '../../src/core/problem.js';
import { tempDir, userScenarioYaml, writeScenario } from '../support/scenarios.js';

function problemsOf(yaml: string): string[] {
  const outcome = parseScenarioFile('my/scenario.yaml', yaml);
  return outcome.ok ? [] : outcome.problems.map(formatProblem);
}

describe('scenario file', () => {
  it('accepts a valid scenario and fills defaults', () => {
    const outcome = parseScenarioFile('x.yaml', userScenarioYaml());
    expect(outcome.ok).toBe(true);
    if (outcome.ok) {
      expect(outcome.scenario.prevention).toEqual([]);
      expect(outcome.scenario.sources).toEqual([]);
    }
  });

  it('reports YAML syntax errors with line and column', () => {
    const unclosed = problemsOf(userScenarioYaml().replace('severity: high', 'severity: [high'));
    expect(unclosed[0]).toMatch(/^my\/scenario\.yaml:7:1: invalid YAML: Flow sequence/);
    const duplicate = problemsOf(
      userScenarioYaml().replace('severity: high', 'severity: high\nseverity: low'),
    );
    expect(duplicate[0]).toMatch(/^my\/scenario\.yaml:7:1: invalid YAML: Map keys must be unique/);
  });

  it('names the line, the field and the allowed values of a wrong enum, with a suggestion', () => {
    const yaml = userScenarioYaml().replace('severity: high', 'severity: hihg');
    expect(problemsOf(yaml)).toEqual([
      'my/scenario.yaml:6:11: severity: expected one of: critical, high, medium, low; got "hihg" (did you mean "high"?)',
    ]);
  });

  it('points at an unknown field and suggests the right one', () => {
    const yaml = `${userScenarioYaml()}remedation:\n  - oops\n`;
    const [problem] = problemsOf(yaml);
    expect(problem).toMatch(
      /^my\/scenario\.yaml:21:1: remedation: unknown field; did you mean "remediation"\?/,
    );
  });

  it('reports missing required fields', () => {
    const yaml = userScenarioYaml().replace(/summary: .*\n/, '');
    expect(problemsOf(yaml)).toEqual([
      'my/scenario.yaml:1:1: summary: required field is missing (expected string)',
    ]);
  });

  it('locates errors inside lists', () => {
    const yaml = userScenarioYaml().replace('    command: "grep', '    commnd: "grep');
    const [problem] = problemsOf(yaml);
    expect(problem).toMatch(
      /^my\/scenario\.yaml:17:5: diagnostics\[0\]\.commnd: unknown field; did you mean "command"\?/,
    );
  });

  it('requires evidence that fits the ways of recognition', () => {
    const yaml = userScenarioYaml().replace('evidence: [logs, load-test]', 'evidence: [infrastructure-code]');
    const problems = problemsOf(yaml);
    expect(problems).toContain(
      'my/scenario.yaml:9:11: evidence: recognition from telemetry needs one of these evidence kinds: load-test, metrics, logs, traces, kubernetes',
    );
    expect(problems.some((p) => p.includes('"infrastructure-code" serves none of the declared ways'))).toBe(
      true,
    );
  });

  it('rejects a document that is not a mapping', () => {
    expect(problemsOf('- just\n- a list\n')).toEqual([
      'my/scenario.yaml:1:1: expected a mapping of scenario fields',
    ]);
  });

  it('rejects ids that are not kebab-case', () => {
    const [problem] = problemsOf(userScenarioYaml('Payment_Gateway'));
    expect(problem).toContain('id: expected a kebab-case id');
  });
});

describe('user scenario folders', () => {
  // A small stand-in for the built-in catalog keeps these tests about the loader, not the catalog.
  const builtinDir = tempDir();
  writeScenario(builtinDir, 'slow-query', userScenarioYaml('slow-query').replace(/related: .*\n/, ''));
  writeScenario(
    builtinDir,
    'dependency-unavailable',
    userScenarioYaml('dependency-unavailable').replace(/related: .*\n/, ''),
  );
  const read = (userDir: string) => readCatalog({ builtinDir, userDirs: [userDir] });

  it('are added next to the built-in catalog', () => {
    const root = writeScenario(tempDir(), 'payment-gateway-declines', userScenarioYaml());
    const { scenarios, problems } = read(root);
    expect(problems).toEqual([]);
    expect(scenarios.find((s) => s.id === 'payment-gateway-declines')?.origin).toBe('user');
  });

  it('must be named like their id', () => {
    const root = writeScenario(tempDir(), 'other-name', userScenarioYaml());
    const { problems } = read(root);
    expect(problems.map((p) => p.message)).toEqual([
      'id "payment-gateway-declines" must equal the folder name "other-name"',
    ]);
  });

  it('cannot reuse a built-in id', () => {
    const root = writeScenario(tempDir(), 'slow-query', userScenarioYaml('slow-query'));
    const { problems } = read(root);
    expect(problems.map((p) => p.message)).toEqual([
      `duplicate scenario id "slow-query" (already defined in ${builtinDir}/slow-query/scenario.yaml)`,
    ]);
  });

  it('must relate to scenarios that exist', () => {
    const yaml = userScenarioYaml().replace(
      'related: [dependency-unavailable]',
      'related: [dependency-unavailabel]',
    );
    const { problems } = read(writeScenario(tempDir(), 'payment-gateway-declines', yaml));
    expect(problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
      'related[0]: unknown scenario id "dependency-unavailabel"; did you mean "dependency-unavailable"?',
    ]);
  });

  it('must cite seed items that exist, with a section where the item text repeats', () => {
    const yaml = `${userScenarioYaml()}sources:\n  - seed: 003_3e759c8d80ec2e01.txt\n    item: Price Class Selection\n  - seed: 000_5474b2682acd4970.txt\n    item: State Lok Issues\n`;
    const { problems } = read(writeScenario(tempDir(), 'payment-gateway-declines', yaml));
    const messages = problems.map((p) => `${p.field}: ${p.message}`);
    expect(messages[0]).toMatch(
      /^sources\[0\]: item "Price Class Selection" appears 2 times .*add "section"/,
    );
    expect(messages[1]).toBe(
      'sources[1]: no item "State Lok Issues" in 000_5474b2682acd4970.txt; did you mean "State Lock Issues"?',
    );
  });

  it('name fixtures positive-* or negative-*', () => {
    const root = writeScenario(tempDir(), 'payment-gateway-declines', userScenarioYaml(), {
      'positive-declines.log': 'x',
      'negative-healthy.log': 'y',
      'notes.txt': 'z',
    });
    const { scenarios, problems } = read(root);
    expect(problems.map((p) => p.file)).toEqual([`${root}/payment-gateway-declines/fixtures/notes.txt`]);
    expect(scenarios.find((s) => s.id === 'payment-gateway-declines')?.fixtures).toEqual([
      { expect: 'negative', path: 'fixtures/negative-healthy.log' },
      { expect: 'positive', path: 'fixtures/positive-declines.log' },
    ]);
  });

  it('report a folder without scenarios', () => {
    const { problems } = read(tempDir());
    expect(problems[0]?.message).toMatch(/no scenario folders found/);
  });
});
