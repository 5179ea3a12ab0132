import { readFile, stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { SourcePointer } from '../../core/source-pointer.js';
import { GatherError, type Gatherer } from '../gatherer.js';
import { getJson, type HttpConnection } from '../http/client.js';
import type { Span, TracesData, TracesFormat } from './data.js';
import { detectTraceFormat, readTraceDocument, type TracesFileFormat } from './formats.js';

// Trace files (one JSON document, or the collector file exporter's one request per line) and
// Tempo (TraceQL search pushed down, then each trace by id).

/**
 * Spans kept per source: a few thousand traces of a busy service; enough for per-operation
 * statistics, and the bundle stays tens of MB. The rest is counted and noted.
 */
export const MAX_SPANS = 200_000;
/** Trace files are parsed whole; larger ones should be cut to the incident window first. */
const MAX_FILE_BYTES = 512 * 1024 * 1024;
/** Traces Tempo returns for a search by default: enough to see a pattern, few enough to fetch one by one. */
const DEFAULT_TEMPO_LIMIT = 200;

class SpanCollector {
  readonly spans: Span[] = [];
  dropped = 0;
  add = (span: Span): void => {
    if (this.spans.length >= MAX_SPANS) this.dropped++;
    else this.spans.push(span);
  };

  data(format: TracesFormat, notes: string[]): TracesData {
    return {
      format,
      traces: new Set(this.spans.map((s) => s.traceId)).size,
      spans: this.spans,
      droppedSpans: this.dropped,
      notes: [
        ...notes,
        ...(this.dropped > 0 ? [`${this.dropped} spans beyond the first ${MAX_SPANS} were not kept`] : []),
      ],
    };
  }
}

export function tracesFileGatherer(): Gatherer<'traces'> {
  return { kind: 'traces', name: 'traces-file', gather: readTracesFile };
}

export async function readTracesFile(source: SourcePointer): Promise<TracesData> {
  if (source.type !== 'file') throw new GatherError('unsupported-format', 'trace files are read from a path');
  const path = source.path;
  const info = await stat(path);
  if (info.isDirectory()) throw new GatherError('unreadable', `${path}: a directory, not a trace file`);
  if (info.size > MAX_FILE_BYTES)
    throw new GatherError('too-large', `${path}: larger than 512 MiB; export the incident window only`);
  let bytes = await readFile(path);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      throw new GatherError('parse-error', `${path}: a damaged gzip file`);
    }
  }
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const collector = new SpanCollector();
  let root: unknown;
  let whole = true;
  try {
    root = JSON.parse(text);
  } catch {
    whole = false;
  }
  if (whole) {
    const format = detectTraceFormat(root as never);
    if (!format) throw unsupported(path);
    readTraceDocument(root as never, format, path, collector.add);
    return collector.data(format, []);
  }
  // One JSON document per line: the OpenTelemetry Collector's file exporter.
  let format: TracesFileFormat | undefined;
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let document: unknown;
    try {
      document = JSON.parse(line);
    } catch {
      if (format === undefined) throw unsupported(path);
      throw new GatherError(
        'parse-error',
        `${path}:${index + 1}: not valid JSON; expected one OTLP/JSON request per line`,
      );
    }
    const found = detectTraceFormat(document as never);
    if (!found)
      throw new GatherError(
        'parse-error',
        `${path}:${index + 1}: expected an OTLP/JSON request with resourceSpans`,
      );
    format = found;
    readTraceDocument(document as never, found, `${path}:${index + 1}`, collector.add);
  }
  if (!format) throw unsupported(path);
  return collector.data(format, []);
}

function unsupported(path: string): GatherError {
  return new GatherError(
    'unsupported-format',
    `${path}: not a trace file; tried OTLP/JSON (resourceSpans, also one request per line), Jaeger JSON ({"data": [...]}) and Zipkin v2 JSON (an array of spans)`,
  );
}

export interface TempoOptions {
  window: { start: number; end: number };
  /** TraceQL; by default traces with an error or a span slower than a second. */
  traceql?: string;
  traceIds?: string[];
  limit?: number;
}

/** Interesting traces when the user names none: the ones that failed or were slow. */
export const DEFAULT_TRACEQL = '{ status = error } || { duration > 1s }';

export function tempoGatherer(connection: HttpConnection, options: TempoOptions): Gatherer<'traces'> {
  return {
    kind: 'traces',
    name: 'tempo',
    gather: async () => {
      const notes: string[] = [];
      let ids = options.traceIds ?? [];
      if (ids.length === 0) {
        const limit = options.limit ?? DEFAULT_TEMPO_LIMIT;
        const found = await getJson(connection, '/api/search', {
          q: options.traceql ?? DEFAULT_TRACEQL,
          start: String(Math.floor(options.window.start / 1000)),
          end: String(Math.ceil(options.window.end / 1000)),
          limit: String(limit),
        });
        const traces = (found as { traces?: unknown }).traces;
        if (!Array.isArray(traces))
          throw new GatherError('parse-error', 'the Tempo search answer has no "traces" array');
        ids = traces.flatMap((t) =>
          typeof (t as { traceID?: unknown }).traceID === 'string'
            ? [(t as { traceID: string }).traceID]
            : [],
        );
        if (ids.length >= limit)
          notes.push(`the search returned the limit of ${limit} traces; there may be more`);
      }
      const collector = new SpanCollector();
      let failures = 0;
      let firstFailure: GatherError | undefined;
      for (const id of ids) {
        try {
          const document = await getJson(connection, `/api/traces/${encodeURIComponent(id)}`);
          const format = detectTraceFormat(document as never);
          if (format !== 'otlp-json')
            throw new GatherError(
              'parse-error',
              `trace ${id}: expected OTLP/JSON (batches or resourceSpans)`,
            );
          readTraceDocument(document as never, format, `trace ${id}`, collector.add);
        } catch (error) {
          if (!(error instanceof GatherError)) throw error;
          failures++;
          firstFailure ??= error;
        }
      }
      if (ids.length > 0 && failures === ids.length && firstFailure) throw firstFailure;
      if (failures > 0)
        notes.push(
          `${failures} of ${ids.length} traces could not be fetched (first: ${firstFailure?.message})`,
        );
      return collector.data('tempo', notes);
    },
  };
}
