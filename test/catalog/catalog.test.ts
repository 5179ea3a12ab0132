import { describe, expect, it } from 'vitest';
import { type CatalogScenario, readCatalog } from '../../src/catalog/loader.js';
import { isReviewOnly } from '../../src/catalog/schema.js';
import { formatProblem } from '../../src/core/problem.js';

// The catalog tester: every built-in scenario, its metadata and its fixtures, in one place.

const { scenarios, problems } = readCatalog();

describe('built-in catalog', () => {
  it('loads without a single problem', () => {
    expect(problems.map(formatProblem)).toEqual([]);
  });

  it('has unique ids equal to their folder names', () => {
    const ids = scenarios.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of scenarios) expect(s.dir.split('/').pop()).toBe(s.id);
  });

  it('has no leftover placeholders', () => {
    for (const s of scenarios) {
      expect(JSON.stringify(s), s.id).not.toMatch(/\bTODO\b|\bTBD\b|lorem ipsum/i);
    }
  });
});

/**
 * Scenarios in the catalog that no seed item names, with why they are there: each is a failure the
 * product's own analyzers must be able to name.
 */
const BEYOND_SEEDS = new Map([
  ['pdb-blocks-drain', 'the Kubernetes analysis judges PodDisruptionBudgets that allow no disruption'],
]);

/** The bar a built-in scenario must meet to help an on-call engineer (user scenarios only need the schema). */
function qualityProblems(s: CatalogScenario): string[] {
  const out: string[] = [];
  const atLeast = (field: string, list: readonly unknown[], n: number) => {
    if (list.length < n) out.push(`${field}: ${list.length} entries, expected at least ${n}`);
  };
  atLeast('aliases', s.aliases, 2);
  atLeast('symptoms', s.symptoms, 3);
  atLeast('rootCauses', s.rootCauses, 2);
  atLeast('diagnostics', s.diagnostics, 2);
  atLeast('remediation', s.remediation, 2);
  atLeast('prevention', s.prevention, 2);
  atLeast('references', s.references, 1);
  if (!BEYOND_SEEDS.has(s.id)) atLeast('sources', s.sources, 1);
  if (s.summary.length < 80) out.push('summary: shorter than 80 characters');
  if (!isReviewOnly(s) && !s.diagnostics.some((d) => d.command)) out.push('diagnostics: no runnable command');
  for (const r of s.references)
    if (!r.url.startsWith('https://')) out.push(`references: ${r.url} is not https`);
  const title = s.title.toLowerCase();
  for (const alias of s.aliases)
    if (alias.toLowerCase() === title) out.push(`aliases: "${alias}" repeats the title`);
  if (/\.$/.test(s.title)) out.push('title: ends with a period');
  return out;
}

describe.each(scenarios.map((s) => [s.id, s] as const))('scenario %s', (_id, scenario) => {
  it('meets the quality bar of built-in scenarios', () => {
    expect(qualityProblems(scenario)).toEqual([]);
  });

  it('names evidence unless it is recognized only by review', () => {
    if (isReviewOnly(scenario)) expect(scenario.evidence).toEqual([]);
    else expect(scenario.evidence.length).toBeGreaterThan(0);
  });

  it('has positive and negative fixtures together, or none yet', () => {
    const kinds = new Set(scenario.fixtures.map((f) => f.expect));
    expect(kinds.size === 0 || kinds.size === 2).toBe(true);
  });
});
