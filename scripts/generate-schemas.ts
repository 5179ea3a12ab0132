// Regenerates schemas/*.json from the zod schemas. The test suite fails when they differ.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishedSchemas } from '../src/core/json-schemas.js';
import { packageRoot } from '../src/core/package-root.js';

const dir = join(packageRoot(), 'schemas');
mkdirSync(dir, { recursive: true });
const schemas = publishedSchemas();
for (const [name, content] of schemas) writeFileSync(join(dir, name), content);
console.log(`wrote ${schemas.size} schemas to schemas/`);
