import { describe, expect, it } from 'vitest';
import type { CatalogScenario } from '../../src/catalog/loader.js';
import { escapeCell, escapeText, scenarioMarkdown } from '../../src/catalog/render/markdown.js';

describe('Markdown escaping', () => {
  it('keeps placeholders and globs visible', () => {
    expect(escapeText('kubectl logs <pod> for *.example.com')).toBe(
      'kubectl logs &lt;pod> for \\*.example.com',
    );
    expect(escapeCell('a | b\nc')).toBe('a \\| b c');
  });

  it('escapes prose but leaves commands verbatim in code blocks', () => {
    const scenario = {
      id: 'x-y',
      title: 'X <y>',
      aliases: ['`tick`'],
      category: 'storage',
      severity: 'low',
      summary: 'Summary with <placeholder>.',
      recognizedFrom: ['text'],
      evidence: ['logs'],
      symptoms: ['s <1>'],
      rootCauses: ['r'],
      diagnostics: [{ description: 'd', command: "kubectl get pod <pod> -o jsonpath='{.status}'" }],
      remediation: ['fix *now*'],
      prevention: [],
      references: [],
      related: [],
      sources: [],
      origin: 'builtin',
      dir: 'x',
      fixtures: [],
    } satisfies CatalogScenario;
    const md = scenarioMarkdown(scenario, { linkTo: (id) => id, titleOf: () => undefined });
    expect(md).toContain('# X &lt;y>');
    expect(md).toContain('Also known as: `` `tick` ``');
    expect(md).toContain("kubectl get pod <pod> -o jsonpath='{.status}'");
    expect(md).toContain('1. fix \\*now\\*');
  });
});
