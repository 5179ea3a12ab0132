// Traces evidence: OTLP JSON, Jaeger and Zipkin files, and Tempo.

export { MAX_SPANS } from './collector.js';
export type { Span, TracesData, TracesFormat } from './data.js';
export { TracesDataSchema } from './data.js';
export { readTracesFile, type TracesFileOptions, tracesFileGatherer } from './files.js';
export { DEFAULT_TRACEQL, type TempoOptions, tempoGatherer } from './tempo.js';
