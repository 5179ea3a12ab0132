// Regenerates docs/catalog from the scenario files. The test suite fails when the committed docs differ.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Catalog, loadCatalog } from '../src/catalog/loader.js';
import { catalogDocs, DOCS_DIR } from '../src/catalog/render/docs.js';
import { seedCoverage } from '../src/catalog/seeds.js';
import { packageRoot } from '../src/core/package-root.js';
import { formatProblem, InputError } from '../src/core/problem.js';

let catalog: Catalog;
try {
  catalog = loadCatalog();
} catch (error) {
  if (!(error instanceof InputError)) throw error;
  for (const problem of error.problems) console.error(formatProblem(problem));
  console.error(`not generating docs: ${error.message}`);
  process.exit(2);
}
const files = catalogDocs(catalog, seedCoverage(catalog.scenarios));
const root = join(packageRoot(), DOCS_DIR);
rmSync(root, { recursive: true, force: true });
for (const [path, content] of files) {
  const target = join(root, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
}
console.log(
  `wrote ${files.size} files to ${DOCS_DIR} (${readdirSync(join(root, 'scenarios')).length} scenario pages)`,
);
