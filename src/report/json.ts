import { type DiagnosisResult, DiagnosisResultSchema } from '../diagnosis/result.js';

// The canonical JSON form of a diagnosis: validated against the published schema, two-space
// indented, fields in schema order, so the same result always gives the same bytes.

export function renderJson(result: DiagnosisResult): string {
  return `${JSON.stringify(DiagnosisResultSchema.parse(result), null, 2)}\n`;
}
