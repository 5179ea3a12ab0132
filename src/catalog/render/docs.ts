import type { Catalog } from '../loader.js';
import type { SeedCoverage } from '../seeds.js';
import { indexMarkdown, scenarioMarkdown, seedCoverageMarkdown } from './markdown.js';

// The generated documentation of the catalog: docs/catalog/README.md (index by category),
// docs/catalog/seed-coverage.md and one page per scenario. Keys are paths relative to docs/catalog.

export const DOCS_DIR = 'docs/catalog';

export function catalogDocs(catalog: Catalog, coverage: readonly SeedCoverage[]): Map<string, string> {
  const files = new Map<string, string>();
  const titleOf = (id: string) => catalog.get(id)?.title;
  files.set(
    'README.md',
    indexMarkdown(catalog, (id) => `scenarios/${id}.md`, coverage),
  );
  files.set(
    'seed-coverage.md',
    seedCoverageMarkdown(coverage, (id) => `scenarios/${id}.md`),
  );
  for (const scenario of catalog.scenarios) {
    files.set(
      `scenarios/${scenario.id}.md`,
      scenarioMarkdown(scenario, { linkTo: (id) => `${id}.md`, titleOf }),
    );
  }
  return files;
}
