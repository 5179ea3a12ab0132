import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { packageRoot } from '../core/package-root.js';
import type { Scenario } from './schema.js';

// The failure items of the seed documents the catalog must cover, kept by the project as data
// (catalog/seed-items.json), and the coverage of those items by scenarios.

const SeedItemSchema = z.strictObject({
  seed: z.string(),
  section: z.string(),
  item: z.string(),
  description: z.string().optional(),
});
export type SeedItem = z.infer<typeof SeedItemSchema>;

const SeedItemsFileSchema = z.strictObject({ description: z.string(), items: z.array(SeedItemSchema) });

let cached: SeedItem[] | undefined;

export function seedItems(): SeedItem[] {
  if (!cached) {
    const file = join(packageRoot(), 'catalog', 'seed-items.json');
    cached = SeedItemsFileSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).items;
  }
  return cached;
}

type SourceRef = Scenario['sources'][number];

/** The seed items a source reference names: one when it is unambiguous, several when it is not. */
export function resolveSource(source: SourceRef, items: readonly SeedItem[] = seedItems()): SeedItem[] {
  return items.filter(
    (item) =>
      item.seed === source.seed &&
      item.item === source.item &&
      (source.section === undefined || item.section === source.section),
  );
}

export interface SeedCoverage {
  item: SeedItem;
  scenarios: string[];
}

export function seedCoverage(
  scenarios: ReadonlyArray<Pick<Scenario, 'id' | 'sources'>>,
  items: readonly SeedItem[] = seedItems(),
): SeedCoverage[] {
  const coverage = new Map<SeedItem, string[]>(items.map((item) => [item, []]));
  for (const scenario of scenarios) {
    for (const source of scenario.sources) {
      const matches = resolveSource(source, items);
      if (matches.length === 1 && matches[0]) coverage.get(matches[0])?.push(scenario.id);
    }
  }
  return items.map((item) => ({ item, scenarios: [...new Set(coverage.get(item))].sort() }));
}
