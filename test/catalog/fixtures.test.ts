import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/loader.js';
import { analyzeEvidence } from '../../src/pipeline/analyze.js';
import { inputsOfPath } from '../../src/pipeline/evidence.js';

// The catalog's fixture tester: every scenario with a signature is run against each of its
// fixtures through the whole pipeline. A positive fixture must match the scenario; a negative one
// must not. Fixtures and signatures come together: neither may exist without the other.

const catalog = loadCatalog();
const judged = catalog.scenarios.filter((s) => s.signature);

describe('catalog fixtures', () => {
  it('pairs every signature with positive and negative fixtures, and every fixture with a signature', () => {
    for (const s of catalog.scenarios) {
      const kinds = new Set(s.fixtures.map((f) => f.expect));
      if (s.signature)
        expect([...kinds].sort(), `${s.id} needs positive and negative fixtures`).toEqual([
          'negative',
          'positive',
        ]);
      else expect(s.fixtures, `${s.id} has fixtures but no signature`).toEqual([]);
    }
  });

  for (const scenario of judged) {
    describe(scenario.id, () => {
      for (const fixture of scenario.fixtures) {
        it(`${fixture.expect === 'positive' ? 'matches' : 'does not match'} ${fixture.path}`, async () => {
          const { result } = await analyzeEvidence(inputsOfPath(join(scenario.dir, fixture.path)), {
            catalog,
            now: () => new Date(0),
          });
          expect(
            result.inputs.every((i) => i.status === 'loaded'),
            JSON.stringify(result.inputs),
          ).toBe(true);
          const finding = result.findings.find((f) => f.scenarioId === scenario.id);
          const matched = result.findings.filter((f) => f.status === 'matched').map((f) => f.scenarioId);
          expect(finding?.status, `matched: ${matched.join(', ')}`).toBe(
            fixture.expect === 'positive' ? 'matched' : 'not-matched',
          );
          if (fixture.expect === 'positive') {
            expect(finding?.evidence.length, 'a match is backed by evidence').toBeGreaterThan(0);
          }
        });
      }
    });
  }
});
