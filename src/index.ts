// The library API of Faultline.

export type { EvidenceBundle, EvidenceDataByKind, EvidenceSource, SourceError } from './bundle/bundle.js';
export { addSource, availableKinds, EvidenceBundleSchema, emptyBundle } from './bundle/bundle.js';
export { CATALOG_EXPORT_VERSION, exportCatalog, exportScenario } from './catalog/export.js';
export type { Catalog, CatalogScenario, Fixture, LoadOptions } from './catalog/loader.js';
export { loadCatalog, readCatalog } from './catalog/loader.js';
export { catalogMarkdown, scenarioMarkdown } from './catalog/render/markdown.js';
export type { Scenario } from './catalog/schema.js';
export { ScenarioSchema } from './catalog/schema.js';
export type { SearchHit } from './catalog/search.js';
export { CatalogSearch } from './catalog/search.js';
export type { SeedCoverage, SeedItem } from './catalog/seeds.js';
export { seedCoverage, seedItems } from './catalog/seeds.js';
export type { Problem } from './core/problem.js';
export { formatProblem, InputError } from './core/problem.js';
export type { SourcePointer, TimeRange } from './core/source-pointer.js';
export * from './core/vocabulary.js';
export type { DiagnoseInput } from './diagnosis/diagnose.js';
export { decideVerdict, diagnose, rankFindings } from './diagnosis/diagnose.js';
export type { DiagnosisResult, EvidenceItem, Finding, SignalContribution } from './diagnosis/result.js';
export { DIAGNOSIS_SCHEMA_VERSION, DiagnosisResultSchema } from './diagnosis/result.js';
export type { Gatherer, GatherTask } from './gather/gatherer.js';
export { GatherError, gatherInto } from './gather/gatherer.js';
export { renderJson } from './report/json.js';
export type { Signal } from './signals/signal.js';
export { SignalSet } from './signals/signal.js';
export type { Signature, SignatureOutcome } from './signatures/signature.js';
