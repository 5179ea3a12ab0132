// The library API of Faultline.

export type { AccuracyReport } from './accuracy/measure.js';
export { measureAccuracy } from './accuracy/measure.js';
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
export { compareLoadTests } from './compare/compare.js';
export type { ComparisonResult } from './compare/result.js';
export { ComparisonResultSchema } from './compare/result.js';
export type { Problem } from './core/problem.js';
export { formatProblem, InputError } from './core/problem.js';
export { unsafePatternReason } from './core/safe-pattern.js';
export type { SourcePointer, TimeRange } from './core/source-pointer.js';
export * from './core/vocabulary.js';
export type { DiagnoseInput } from './diagnosis/diagnose.js';
export { decideVerdict, diagnose, rankFindings } from './diagnosis/diagnose.js';
export type { Kpis, LoadTestSummary } from './diagnosis/load-test-summary.js';
export type {
  DiagnosisResult,
  EvidenceItem,
  Finding,
  SignalContribution,
  TimelineEntry,
} from './diagnosis/result.js';
export { DIAGNOSIS_SCHEMA_VERSION, DiagnosisResultSchema } from './diagnosis/result.js';
export type { Gatherer, GatherTask } from './gather/gatherer.js';
export { GatherError, gatherInto } from './gather/gatherer.js';
export type { HttpConnection } from './gather/http/client.js';
export type { KubernetesData } from './gather/kubernetes/index.js';
export {
  KubernetesDataSchema,
  kubernetesFileGatherer,
  readKubernetesFile,
  readKubernetesJson,
} from './gather/kubernetes/index.js';
export type { LoadTestData } from './gather/load-test/data.js';
export { LoadTestDataSchema } from './gather/load-test/data.js';
export type { LoadTestGatherOptions } from './gather/load-test/gatherer.js';
export { loadTestGatherer } from './gather/load-test/gatherer.js';
export type { LoadTestParser } from './gather/load-test/parser.js';
export { LOAD_TEST_PARSERS } from './gather/load-test/parsers.js';
export type { AggregateObservation, LoadSample, SampleSink } from './gather/load-test/sample.js';
export type { LogsData } from './gather/logs/data.js';
export { LogsDataSchema } from './gather/logs/data.js';
export { logsFileGatherer, lokiGatherer } from './gather/logs/index.js';
export type {
  CustomQuery,
  MetricRole,
  MetricSeries,
  MetricsData,
  QuerySetEntry,
} from './gather/metrics/index.js';
export {
  DEFAULT_QUERY_SET,
  METRIC_ROLES,
  MetricsDataSchema,
  metricsFileGatherer,
  prometheusGatherer,
} from './gather/metrics/index.js';
export type { FailureChunk, ToolOutputData, ToolOutputGatherOptions } from './gather/tool-output/index.js';
export { readToolOutput, ToolOutputDataSchema, toolOutputGatherer } from './gather/tool-output/index.js';
export type { Span, TracesData } from './gather/traces/index.js';
export { TracesDataSchema, tempoGatherer, tracesFileGatherer } from './gather/traces/index.js';
export type { AnalyzeOptions, DiagnoseOptions, GatherOptions } from './pipeline/analyze.js';
export {
  analyze,
  analyzeEvidence,
  diagnoseBundle,
  gatherLoadTests,
  readBundle,
  serializeBundle,
  triage,
} from './pipeline/analyze.js';
export type { RunConfig } from './pipeline/config.js';
export { readRunConfig, resolveWindow } from './pipeline/config.js';
export type { EvidenceInputs, LokiInput, PrometheusInput, TempoInput } from './pipeline/evidence.js';
export { gatherEvidence } from './pipeline/evidence.js';
export { evaluatePolicy } from './policy/evaluate.js';
export type { Policy, PolicyEvaluation } from './policy/model.js';
export { mergePolicies, parsePolicyFile, policyFromFlags } from './policy/policy-file.js';
export { renderCompareHtml } from './report/compare-html.js';
export { renderCompareJson } from './report/compare-json.js';
export { renderCompareMarkdown } from './report/compare-markdown.js';
export { renderCompareTerminal } from './report/compare-terminal.js';
export { renderHtml } from './report/html.js';
export { renderJson } from './report/json.js';
export { renderJunit } from './report/junit.js';
export { renderMarkdown } from './report/markdown.js';
export { renderTerminal } from './report/terminal.js';
export { computeSignals } from './signals/compute.js';
export type { SignalDefinition } from './signals/registry.js';
export { SIGNALS } from './signals/registry.js';
export type { Signal } from './signals/signal.js';
export { SignalSet } from './signals/signal.js';
export { compileSignature } from './signatures/declarative.js';
export type { SignatureSpec } from './signatures/schema.js';
export { SignatureSpecSchema } from './signatures/schema.js';
export type { Signature, SignatureOutcome } from './signatures/signature.js';
export type { TextPattern, TextSignature } from './signatures/text-schema.js';
export { TextSignatureSchema } from './signatures/text-schema.js';
export type { SimulateOptions } from './simulate/simulate.js';
export { simulate } from './simulate/simulate.js';
