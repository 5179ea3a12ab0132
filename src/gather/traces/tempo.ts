import { GatherError, type Gatherer, PartialData } from '../gatherer.js';
import { getJson, type HttpConnection } from '../http/client.js';
import { MAX_SPANS, SpanCollector } from './collector.js';
import type { TracesData } from './data.js';
import { detectTraceFormat, readTraceDocument } from './formats.js';
import type { Json } from './json.js';

// Tempo: a TraceQL search pushed down to the server (/api/search), then each trace it found by id
// (/api/traces/<id>, OTLP/JSON: {"batches": [...]} in older releases, resourceSpans or
// {"trace": {...}} in newer ones, ids in base64).

/** Traces Tempo returns for a search by default: enough to see a pattern, few enough to fetch one by one. */
const DEFAULT_TEMPO_LIMIT = 200;
/** Traces fetched at once: quicker than one by one, without flooding the query frontend. */
const CONCURRENT_FETCHES = 4;

export interface TempoOptions {
  window: { start: number; end: number };
  /** TraceQL; by default traces with an error or a span slower than a second. */
  traceql?: string;
  traceIds?: string[];
  limit?: number;
}

/** Interesting traces when the user names none: the ones that failed or were slow. */
export const DEFAULT_TRACEQL = '{ status = error } || { duration > 1s }';

export function tempoGatherer(
  connection: HttpConnection,
  options: TempoOptions,
): Gatherer<'traces', TracesData | PartialData<TracesData>> {
  return {
    kind: 'traces',
    name: 'tempo',
    gather: async () => {
      const notes: string[] = [];
      const ids = options.traceIds?.length ? options.traceIds : await search(connection, options, notes);
      const collector = new SpanCollector(MAX_SPANS);
      const failures: GatherError[] = [];
      let notFetched = 0;
      for (let i = 0; i < ids.length; i += CONCURRENT_FETCHES) {
        if (collector.spans.length >= collector.maxSpans) {
          notFetched = ids.length - i;
          break;
        }
        const batch = ids.slice(i, i + CONCURRENT_FETCHES);
        const documents = await Promise.all(batch.map((id) => fetchTrace(connection, id)));
        // Read in the order of the ids, so the same answers give the same bundle.
        for (const [j, document] of documents.entries()) {
          try {
            if (document instanceof GatherError) throw document;
            readTraceDocument(document, 'otlp-json', `trace ${batch[j]}`, collector);
          } catch (error) {
            if (!(error instanceof GatherError)) throw error;
            failures.push(error);
          }
        }
      }
      if (ids.length > 0 && failures.length === ids.length) throw failures[0] as GatherError;
      const unfetched =
        failures.length > 0
          ? `${failures.length} of ${ids.length} traces could not be fetched (first: ${failures[0]?.code}: ${failures[0]?.message})`
          : undefined;
      if (unfetched) notes.push(unfetched);
      if (notFetched > 0) notes.push(`${notFetched} traces were not fetched: the span limit was reached`);
      const data = collector.data('tempo', notes);
      return unfetched ? new PartialData(data, { code: 'partial', message: unfetched }) : data;
    },
  };
}

async function search(connection: HttpConnection, options: TempoOptions, notes: string[]): Promise<string[]> {
  const limit = options.limit ?? DEFAULT_TEMPO_LIMIT;
  const found = (await getJson(connection, '/api/search', {
    q: options.traceql ?? DEFAULT_TRACEQL,
    start: String(Math.floor(options.window.start / 1000)),
    end: String(Math.ceil(options.window.end / 1000)),
    limit: String(limit),
  })) as { traces?: unknown };
  if (!Array.isArray(found?.traces))
    throw new GatherError('parse-error', 'the Tempo search answer has no "traces" array');
  const ids = found.traces.flatMap((t) => {
    const id = (t as { traceID?: unknown } | null)?.traceID;
    return typeof id === 'string' && id !== '' ? [id] : [];
  });
  if (ids.length >= limit) notes.push(`the search returned the limit of ${limit} traces; there may be more`);
  return ids;
}

async function fetchTrace(connection: HttpConnection, id: string): Promise<Json | GatherError> {
  try {
    const document = (await getJson(connection, `/api/traces/${encodeURIComponent(id)}`)) as Json;
    if (detectTraceFormat(document) !== 'otlp-json')
      return new GatherError('parse-error', `trace ${id}: expected OTLP/JSON (batches or resourceSpans)`);
    return document;
  } catch (error) {
    if (error instanceof GatherError) return error;
    throw error;
  }
}
