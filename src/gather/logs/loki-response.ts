import { GatherError } from '../gatherer.js';

// Loki's query_range answer for a log query (LogQL selector and pipeline), as the server returns
// it and as users export it:
//   {"status":"success","data":{"resultType":"streams","result":[
//     {"stream":{"app":"api","level":"error"},"values":[["<epoch ns>","<line>"], ...]}, ...],
//    "stats":{...}}}
// A value may carry a third element, {"structuredMetadata":{...},"parsed":{...}}, when the client
// asks for categorized labels. Entries of all streams are merged in time order.

export interface LokiEntry {
  /** Epoch nanoseconds, exact. */
  ns: bigint;
  line: string;
  /** The stream's labels, with structured metadata and parsed labels of the entry when given. */
  labels: Record<string, string>;
  /** Position of the stream in the response, for a stable order of entries at the same time. */
  stream: number;
}

export interface LokiPage {
  entries: LokiEntry[];
  streams: number;
  /** Warnings the server attached to its answer (e.g. partial results, limits). */
  warnings: string[];
}

/** Label names that carry a level, in order of preference. */
export const LEVEL_LABELS = ['level', 'detected_level', 'severity', 'lvl'] as const;

const SHAPE =
  'a Loki query_range response ({"status":"success","data":{"resultType":"streams","result":[{"stream":{...},"values":[["<epoch ns>","<line>"], ...]}]}})';

/** Whether the start of a file looks like a Loki response (or its error answer) rather than JSON lines. */
export function looksLikeLokiResponse(head: string): boolean {
  return (
    /^\s*\{\s*"(?:status|data)"\s*:/.test(head) && /"(?:resultType|errorType)"\s*:/.test(head.slice(0, 4096))
  );
}

export function parseLokiResponse(body: unknown, where: string): LokiPage {
  const response = objectAt(body, where, 'the response');
  const status = response.status;
  if (status !== undefined && status !== 'success') {
    const error = typeof response.error === 'string' ? `: ${response.error}` : '';
    throw new GatherError('http-error', `${where}: Loki answered status "${String(status)}"${error}`);
  }
  const data = objectAt(response.data, where, 'data');
  const resultType = data.resultType;
  if (resultType === 'matrix' || resultType === 'vector') {
    throw new GatherError(
      'unsupported-format',
      `${where}: a Loki ${resultType} result (a metric query such as rate(...) or count_over_time(...)); ask for log lines with a selector like {app="api"}`,
    );
  }
  if (resultType !== 'streams')
    throw new GatherError(
      'parse-error',
      `${where}: data.resultType is ${JSON.stringify(resultType)}, expected "streams" in ${SHAPE}`,
    );
  if (!Array.isArray(data.result))
    throw new GatherError('parse-error', `${where}: data.result is not an array, expected ${SHAPE}`);
  const entries: LokiEntry[] = [];
  data.result.forEach((item: unknown, index: number) => {
    const path = `data.result[${index}]`;
    const stream = objectAt(item, where, path);
    const labels = stringRecord(stream.stream, where, `${path}.stream`);
    if (!Array.isArray(stream.values))
      throw new GatherError('parse-error', `${where}: ${path}.values is not an array`);
    stream.values.forEach((value: unknown, at: number) => {
      entries.push(entryOf(value, labels, index, where, `${path}.values[${at}]`));
    });
  });
  entries.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : a.stream - b.stream));
  const warnings = Array.isArray(response.warnings)
    ? response.warnings.filter((w): w is string => typeof w === 'string')
    : [];
  return { entries, streams: data.result.length, warnings };
}

function entryOf(
  value: unknown,
  labels: Record<string, string>,
  stream: number,
  where: string,
  path: string,
): LokiEntry {
  if (!Array.isArray(value) || value.length < 2 || value.length > 3) {
    throw new GatherError('parse-error', `${where}: ${path} is not ["<epoch ns>", "<line>"]`);
  }
  const [time, line, extra] = value as [unknown, unknown, unknown];
  if (typeof time !== 'string' || !/^\d{1,20}$/.test(time)) {
    throw new GatherError(
      'parse-error',
      `${where}: ${path}[0] is ${JSON.stringify(time)}, expected epoch nanoseconds as a string of digits`,
    );
  }
  if (typeof line !== 'string')
    throw new GatherError('parse-error', `${where}: ${path}[1] is not a string (the log line)`);
  let all = labels;
  if (extra !== undefined && extra !== null && typeof extra === 'object') {
    const { structuredMetadata, parsed } = extra as Record<string, unknown>;
    all = { ...labels, ...looseStrings(structuredMetadata), ...looseStrings(parsed) };
  }
  return { ns: BigInt(time), line, labels: all, stream };
}

export function nsToMs(ns: bigint): number {
  return Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;
}

export function levelLabel(labels: Record<string, string>): string | undefined {
  for (const name of LEVEL_LABELS) {
    const value = labels[name];
    if (value) return value;
  }
  return undefined;
}

function objectAt(value: unknown, where: string, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new GatherError('parse-error', `${where}: ${what} is not a JSON object, expected ${SHAPE}`);
  }
  return value as Record<string, unknown>;
}

function stringRecord(value: unknown, where: string, what: string): Record<string, string> {
  const record = objectAt(value, where, what);
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(record)) {
    if (typeof v !== 'string')
      throw new GatherError('parse-error', `${where}: ${what}.${key} is not a string label value`);
    out[key] = v;
  }
  return out;
}

function looseStrings(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object') return {};
  // Loki writes structured metadata as an object; older clients as a list of {name: value}.
  const pairs = Array.isArray(value) ? value.flatMap((v) => Object.entries(v ?? {})) : Object.entries(value);
  return Object.fromEntries(pairs.filter((p): p is [string, string] => typeof p[1] === 'string'));
}
