import { describe, expect, it } from 'vitest';
import { readCatalog } from '../../src/catalog/loader.js';
import { resolveSource, seedCoverage, seedItems } from '../../src/catalog/seeds.js';

const { scenarios } = readCatalog();

describe('seed items', () => {
  it('lists the 332 failure items of the five seed documents', () => {
    const items = seedItems();
    expect(items).toHaveLength(332);
    const perSeed = Object.fromEntries(
      [...new Set(items.map((i) => i.seed))].map((seed) => [
        seed.slice(0, 3),
        items.filter((i) => i.seed === seed).length,
      ]),
    );
    expect(perSeed).toEqual({ '000': 72, '001': 92, '002': 12, '003': 102, '004': 54 });
  });

  it('are each covered by at least one scenario', () => {
    const uncovered = seedCoverage(scenarios)
      .filter((c) => c.scenarios.length === 0)
      .map((c) => `${c.item.seed}: ${c.item.item}`);
    expect(uncovered).toEqual([]);
  });

  it('are named by sources that resolve to exactly one item', () => {
    for (const s of scenarios) {
      for (const source of s.sources)
        expect(resolveSource(source), `${s.id}: ${source.item}`).toHaveLength(1);
    }
  });

  it('are merged where the seeds repeat themselves', () => {
    const merged = scenarios.filter((s) => new Set(s.sources.map((x) => x.seed)).size > 1);
    expect(merged.length).toBeGreaterThan(20);
    expect(scenarios.length).toBeLessThan(seedItems().length);
  });
});
