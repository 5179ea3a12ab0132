import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { PLAIN, type Style } from '../../src/catalog/render/terminal.js';
import { compareLoadTests } from '../../src/compare/compare.js';
import { renderCompareHtml } from '../../src/report/compare-html.js';
import { renderCompareJson } from '../../src/report/compare-json.js';
import { renderCompareMarkdown } from '../../src/report/compare-markdown.js';
import { renderCompareTerminal } from '../../src/report/compare-terminal.js';
import { syntheticRun } from './synthetic.js';

const result = compareLoadTests({
  baseline: [
    syntheticRun({
      seed: 51,
      endpoints: [
        { name: 'GET /a', requests: 3000, median: 100 },
        { name: 'GET /b|<x>', requests: 3000, median: 30 },
        { name: 'GET /gone', requests: 40, median: 30 },
      ],
    }),
  ],
  current: [
    syntheticRun({
      seed: 52,
      endpoints: [
        { name: 'GET /a', requests: 3000, median: 100, scale: 1.5 },
        { name: 'GET /b|<x>', requests: 3000, median: 30 },
      ],
    }),
  ],
});

const tagged: Style = {
  bold: (t) => `<b>${t}</b>`,
  dim: (t) => t,
  cyan: (t) => t,
  red: (t) => `<red>${t}</red>`,
  yellow: (t) => t,
  green: (t) => `<green>${t}</green>`,
  magenta: (t) => t,
};

describe('comparison renderers', () => {
  it('terminal: a plain table without escape codes, regressions marked', () => {
    const text = renderCompareTerminal(result, PLAIN);
    expect(text.includes(String.fromCharCode(27))).toBe(false);
    expect(text.split('\n')[0]).toMatch(/^Regression: \d+ significant regressions/);
    const p95 = text.split('\n').find((line) => /^\s*p95\s/.test(line) && line.includes('REGRESSION'));
    expect(p95).toMatch(/\+\d+(\.\d+)? ms \(\+\d+\.\d%\)/);
    expect(text).toContain('Only in the baseline: GET /gone (40)');
    expect(renderCompareTerminal(result, PLAIN)).toBe(text);
  });

  it('terminal: colours regressions through the style', () => {
    const text = renderCompareTerminal(result, tagged);
    expect(text).toMatch(/<red>\s+p95 .*REGRESSION<\/red>/);
    expect(text).not.toMatch(/<red>[^\n]*GET \/b/);
  });

  it('terminal: shortens long endpoint names to fit a narrow terminal', () => {
    const long = compareLoadTests({
      baseline: [
        syntheticRun({
          seed: 53,
          endpoints: [{ name: `GET /api/${'x'.repeat(60)}`, requests: 100, median: 9 }],
        }),
      ],
      current: [
        syntheticRun({
          seed: 54,
          endpoints: [{ name: `GET /api/${'x'.repeat(60)}`, requests: 100, median: 9 }],
        }),
      ],
    });
    const wide = renderCompareTerminal(long, PLAIN)
      .split('\n')
      .find((l) => l.startsWith('GET /api/'));
    const narrow = renderCompareTerminal(long, PLAIN, 100)
      .split('\n')
      .find((l) => l.startsWith('GET /api/'));
    expect(wide?.length).toBeGreaterThan(100);
    expect(narrow).toMatch(/^GET \/api\/x+… /);
    expect(narrow?.length).toBeLessThanOrEqual(100);
  });

  it('markdown: one table row per metric, pipes escaped', () => {
    const md = renderCompareMarkdown(result);
    expect(md).toMatch(/^## ❌ Regression/);
    const rows = md.split('\n').filter((line) => line.startsWith('| GET /b\\|\\<x\\>'));
    expect(rows).toHaveLength(8);
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length).toBe(9);
    expect(md).toContain('### Why');
    expect(md).toContain('`GET /gone` (40)');
  });

  it('json: validates against the published schema', () => {
    const schema = JSON.parse(readFileSync('schemas/comparison.v1.schema.json', 'utf8'));
    const validate = new Ajv2020({ strict: false }).compile(schema);
    const json = JSON.parse(renderCompareJson(result));
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(json.endpoints.map((e: { name: string }) => e.name)).toEqual(['GET /a', 'GET /b|<x>']);
    expect(renderCompareJson(result)).toBe(renderCompareJson(structuredClone(result)));
  });

  it('html: self-contained, escaped, coloured by verdict', () => {
    const html = renderCompareHtml(result);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//);
    expect(html).toContain('GET /b|&lt;x&gt;');
    expect(html).not.toContain('<x>');
    expect(html).toMatch(/<tr class="regression"><td>GET \/a<\/td><td>p95<\/td>/);
  });
});
