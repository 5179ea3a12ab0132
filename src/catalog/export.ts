import { z } from 'zod';
import type { Catalog, CatalogScenario } from './loader.js';
import { ScenarioShape } from './schema.js';

// The JSON forms of the catalog that the CLI prints. They are part of Faultline's public interface:
// schemas/catalog-export.v1.schema.json is generated from these schemas.

export const CATALOG_EXPORT_VERSION = '1.0.0';
export const CATALOG_EXPORT_SCHEMA_ID = 'urn:faultline:schema:catalog-export:v1';

export const ExportedScenarioSchema = ScenarioShape.extend({
  origin: z.enum(['builtin', 'user']).describe('builtin, or user when added with --scenarios'),
  fixtures: z
    .array(z.strictObject({ expect: z.enum(['positive', 'negative']), path: z.string() }))
    .describe('Evidence samples the scenario must (positive) or must not (negative) match'),
});

export const CatalogExportSchema = z
  .strictObject({
    schemaVersion: z.literal(CATALOG_EXPORT_VERSION),
    scenarios: z.array(ExportedScenarioSchema).describe('Every scenario with all its fields, sorted by id'),
  })
  .meta({ title: 'Faultline catalog export' });

/** A scenario with its fields in a fixed order, so that output is byte-stable. */
export function exportScenario(s: CatalogScenario) {
  return {
    id: s.id,
    title: s.title,
    aliases: s.aliases,
    category: s.category,
    severity: s.severity,
    summary: s.summary,
    recognizedFrom: s.recognizedFrom,
    evidence: s.evidence,
    symptoms: s.symptoms,
    rootCauses: s.rootCauses,
    diagnostics: s.diagnostics.map((d) => ({
      description: d.description,
      ...(d.command ? { command: d.command } : {}),
    })),
    remediation: s.remediation,
    prevention: s.prevention,
    references: s.references.map((r) => ({ title: r.title, url: r.url })),
    related: s.related,
    sources: s.sources.map((x) => ({
      seed: x.seed,
      item: x.item,
      ...(x.section ? { section: x.section } : {}),
    })),
    ...(s.signature ? { signature: s.signature } : {}),
    origin: s.origin,
    fixtures: s.fixtures.map((f) => ({ expect: f.expect, path: f.path.replaceAll('\\', '/') })),
  };
}

export function exportCatalog(catalog: Catalog) {
  return { schemaVersion: CATALOG_EXPORT_VERSION, scenarios: catalog.scenarios.map(exportScenario) };
}

/** One line of `catalog list --format json`. */
export function summarizeScenario(s: CatalogScenario) {
  return {
    id: s.id,
    title: s.title,
    category: s.category,
    severity: s.severity,
    recognizedFrom: s.recognizedFrom,
    evidence: s.evidence,
    origin: s.origin,
  };
}
