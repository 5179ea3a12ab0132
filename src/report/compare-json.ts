import { type ComparisonResult, ComparisonResultSchema } from '../compare/result.js';

// The canonical JSON form of a comparison: validated against the published schema
// (schemas/comparison.v1.schema.json), two-space indented, fields in schema order.

export function renderCompareJson(result: ComparisonResult): string {
  return `${JSON.stringify(ComparisonResultSchema.parse(result), null, 2)}\n`;
}
