import { z } from 'zod';
import { CATALOG_EXPORT_SCHEMA_ID, CatalogExportSchema } from '../catalog/export.js';
import { CATALOG_SCHEMA_ID, ScenarioSchema } from '../catalog/schema.js';
import { COMPARISON_SCHEMA_ID, ComparisonResultSchema } from '../compare/result.js';
import { DIAGNOSIS_SCHEMA_ID, DiagnosisResultSchema } from '../diagnosis/result.js';

// The published JSON Schemas (schemas/*.json), generated from the zod schemas that the code
// validates with, so the two cannot drift apart (a test compares them with the committed files).

function render(id: string, schema: z.ZodType, io: 'input' | 'output'): string {
  const { $schema, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  });
  return `${JSON.stringify({ $schema, $id: id, ...rest }, null, 2)}\n`;
}

export function publishedSchemas(): Map<string, string> {
  return new Map([
    ['diagnosis-result.v1.schema.json', render(DIAGNOSIS_SCHEMA_ID, DiagnosisResultSchema, 'output')],
    ['scenario.v1.schema.json', render(CATALOG_SCHEMA_ID, ScenarioSchema, 'input')],
    ['catalog-export.v1.schema.json', render(CATALOG_EXPORT_SCHEMA_ID, CatalogExportSchema, 'output')],
    ['comparison.v1.schema.json', render(COMPARISON_SCHEMA_ID, ComparisonResultSchema, 'output')],
  ]);
}
