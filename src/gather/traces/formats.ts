import { readJaeger } from './jaeger.js';
import { isObject, type Json, type SpanSink } from './json.js';
import { readOtlp } from './otlp.js';
import { readZipkin } from './zipkin.js';

// The three file formats of traces, recognized from their content and each turned into Spans:
// - OTLP/JSON: {"resourceSpans":[{"resource":{...},"scopeSpans":[{"spans":[...]}]}]} (older exports
//   say instrumentationLibrarySpans; Tempo answers {"batches": [...]} or {"trace": {...}});
// - Jaeger: {"data":[{"traceID","spans":[...],"processes":{...}}]}, times in microseconds;
// - Zipkin v2: an array of spans, or an array of traces (arrays of spans), times in microseconds.

export type TracesFileFormat = 'otlp-json' | 'jaeger-json' | 'zipkin-json';

export function detectTraceFormat(root: Json): TracesFileFormat | undefined {
  if (isObject(root) && (Array.isArray(root.resourceSpans) || Array.isArray(root.batches)))
    return 'otlp-json';
  if (isObject(root) && isObject(root.trace) && Array.isArray(root.trace.resourceSpans)) return 'otlp-json';
  // An empty answer is still an answer: Jaeger's and Zipkin's APIs return these when nothing matched.
  if (
    isObject(root) &&
    Array.isArray(root.data) &&
    (root.data.length === 0 || root.data.some((t) => isObject(t) && Array.isArray(t.spans)))
  )
    return 'jaeger-json';
  if (Array.isArray(root) && root.length === 0) return 'zipkin-json';
  if (Array.isArray(root)) {
    const first = Array.isArray(root[0]) ? root[0][0] : root[0];
    if (isObject(first) && typeof first.traceId === 'string' && typeof first.id === 'string')
      return 'zipkin-json';
  }
  return undefined;
}

export function readTraceDocument(root: Json, format: TracesFileFormat, where: string, sink: SpanSink): void {
  if (format === 'otlp-json') readOtlp(root, where, sink);
  else if (format === 'jaeger-json') readJaeger(root, where, sink);
  else readZipkin(root, where, sink);
}
