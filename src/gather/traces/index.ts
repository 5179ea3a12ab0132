// Traces evidence: OTLP JSON, Jaeger and Zipkin files, and Tempo.

export type { Span, TracesData, TracesFormat } from './data.js';
export { TracesDataSchema } from './data.js';
export type { TempoOptions } from './gatherer.js';
export { DEFAULT_TRACEQL, MAX_SPANS, readTracesFile, tempoGatherer, tracesFileGatherer } from './gatherer.js';
