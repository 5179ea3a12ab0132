import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/catalog/loader.js';
import { catalogDocs, DOCS_DIR } from '../src/catalog/render/docs.js';
import { seedCoverage } from '../src/catalog/seeds.js';
import { publishedSchemas } from '../src/core/json-schemas.js';

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).replaceAll('\\', '/'))
    .sort();
}

describe('generated files are up to date', () => {
  it(`${DOCS_DIR} matches the catalog (run npm run docs)`, () => {
    const catalog = loadCatalog();
    const expected = catalogDocs(catalog, seedCoverage(catalog.scenarios));
    expect(filesUnder(DOCS_DIR)).toEqual([...expected.keys()].sort());
    for (const [path, content] of expected) {
      expect(readFileSync(join(DOCS_DIR, path), 'utf8'), `${DOCS_DIR}/${path} is stale`).toBe(content);
    }
  });

  it('schemas/ match the code (run npm run schemas)', () => {
    for (const [name, content] of publishedSchemas()) {
      expect(readFileSync(join('schemas', name), 'utf8'), `schemas/${name} is stale`).toBe(content);
    }
  });
});
