import { open, readFile, stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { readCsvSeries, TIME_COLUMNS } from '../../anomaly/csv-series.js';
import type { SourcePointer } from '../../core/source-pointer.js';
import { readLogLines } from '../../logs/read-lines.js';
import { GatherError, type Gatherer } from '../gatherer.js';
import type { MetricsData, MetricsFormat } from './data.js';
import { ExpositionReader } from './openmetrics.js';
import { isQueryResponse, readQueryResponse } from './query-response.js';
import { parseFailure, RawSeriesSet } from './raw-series.js';
import { assignRoles } from './roles.js';

// Metric files, recognized from their content: a saved Prometheus query response (JSON), the
// OpenMetrics or Prometheus text format (a /metrics snapshot or timestamped samples, as
// `promtool tsdb create-blocks-from openmetrics` reads them), or CSV with a time column.

/** JSON responses are parsed whole; larger ones are TSDB dumps that belong in Prometheus, not a file. */
const MAX_JSON_BYTES = 512 * 1024 * 1024;

export interface MetricsFileOptions {
  /** Fail a text file that has unreadable lines instead of counting and skipping them. */
  strict?: boolean;
  /** Clock for samples without timestamps (a /metrics snapshot). */
  now?: () => number;
}

export function metricsFileGatherer(options: MetricsFileOptions = {}): Gatherer<'metrics'> {
  return {
    kind: 'metrics',
    name: 'metrics-file',
    gather: (source) => readMetricsFile(source, options),
  };
}

export async function readMetricsFile(
  source: SourcePointer,
  options: MetricsFileOptions = {},
): Promise<MetricsData> {
  if (source.type !== 'file')
    throw new GatherError('unsupported-format', 'metric files are read from a path');
  const path = source.path;
  const info = await stat(path);
  if (info.isDirectory()) throw new GatherError('unreadable', `${path}: a directory, not a metrics file`);
  const head = await firstText(path);
  const start = head.replace(/^\uFEFF/, '').trimStart();
  let format: MetricsFormat;
  let raw: RawSeriesSet;
  const notes: string[] = [];
  if (start.startsWith('{') || start.startsWith('[')) {
    if (info.size > MAX_JSON_BYTES)
      throw new GatherError(
        'too-large',
        `${path}: larger than 512 MiB; query the server for the window instead`,
      );
    const text = (await readMaybeGzip(path)).replace(/^\uFEFF/, '');
    let root: unknown;
    try {
      root = JSON.parse(text);
    } catch (error) {
      const position = /position (\d+)/.exec((error as Error).message);
      const line = position ? text.slice(0, Number(position[1])).split('\n').length : undefined;
      throw parseFailure(path, line, 'not valid JSON; expected a Prometheus query_range or query response');
    }
    if (!isQueryResponse(root)) {
      throw new GatherError(
        'unsupported-format',
        `${path}: JSON, but not a Prometheus query response; expected {"status":"success","data":{"resultType":"matrix","result":[...]}}`,
      );
    }
    raw = new RawSeriesSet();
    readQueryResponse(root, path, raw);
    format = 'prometheus-json';
  } else if (looksLikeExposition(start)) {
    const reader = new ExpositionReader(path, { scrapedAt: (options.now ?? Date.now)() });
    // The line reader reports a handler's error as its own; keep ours to throw it as it is.
    let failed: unknown;
    const lines = await readLogLines(path, {
      line: (text, n) => {
        if (failed) return;
        try {
          reader.line(text, n);
        } catch (error) {
          failed = error;
        }
      },
      truncated: () => {},
    });
    if (failed) throw failed;
    reader.finish();
    if (reader.samples === 0)
      throw parseFailure(path, undefined, 'no samples; expected lines such as up{job="api"} 1');
    if (reader.skipped > 0) {
      const first = reader.firstSkipped[0] as { line: number; reason: string };
      if (options.strict) throw parseFailure(path, first.line, first.reason);
      notes.push(
        `${path}: ${reader.skipped} of ${lines} lines were not samples and were skipped (first at line ${first.line}: ${first.reason})`,
      );
    }
    if (!reader.sawEof && reader.series.list().every((s) => s.timestamps.length <= 1)) {
      notes.push(
        `${path}: a snapshot without timestamps; one sample per series, so nothing about change over time`,
      );
    }
    raw = reader.series;
    format = 'openmetrics';
  } else if (looksLikeCsv(start)) {
    raw = readCsv(path, await readMaybeGzip(path));
    format = 'csv';
  } else {
    throw new GatherError(
      'unsupported-format',
      `${path}: not a metrics file; tried a Prometheus query response (JSON), the OpenMetrics/Prometheus text format and CSV with a time column (${TIME_COLUMNS.join(', ')})`,
    );
  }
  const { series, notes: roleNotes } = assignRoles(raw.list());
  const times = series
    .flatMap((s) => [s.timestamps[0], s.timestamps[s.timestamps.length - 1]])
    .filter((t): t is number => t !== undefined);
  return {
    format,
    series,
    queries: [],
    ...(times.length ? { start: Math.min(...times), end: Math.max(...times) } : {}),
    ...stepOf(series),
    notes: [...notes, ...raw.notes(path), ...roleNotes],
  };
}

function stepOf(series: MetricsData['series']): { stepMs?: number } {
  const gaps: number[] = [];
  for (const s of series) {
    for (let i = 1; i < s.timestamps.length && gaps.length < 5000; i++)
      gaps.push((s.timestamps[i] as number) - (s.timestamps[i - 1] as number));
  }
  gaps.sort((a, b) => a - b);
  const median = gaps[Math.floor(gaps.length / 2)];
  return median && median > 0 ? { stepMs: median } : {};
}

function looksLikeExposition(text: string): boolean {
  const first = text.split('\n').find((l) => l.trim() !== '') ?? '';
  if (/^# (HELP|TYPE|UNIT) /.test(first)) return true;
  return /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})?\s+[-+]?(\d|\.\d|nan|inf)\S*(\s+-?\d\S*)?\s*$/i.test(first);
}

function looksLikeCsv(text: string): boolean {
  const header = (text.split('\n')[0] ?? '').toLowerCase();
  return (
    /[,;\t]/.test(header) &&
    header
      .split(/[,;\t]/)
      .some((c) => (TIME_COLUMNS as readonly string[]).includes(c.trim().replace(/^"|"$/g, '')))
  );
}

/** Every value column of a CSV file, each as a series named after its column. */
function readCsv(path: string, text: string): RawSeriesSet {
  const header = (text.replace(/^\uFEFF/, '').split('\n')[0] ?? '').replace(/\r$/, '');
  const delimiter = [',', ';', '\t'].find((d) => header.includes(d)) ?? ',';
  const columns = header.split(delimiter).map((c) =>
    c
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .replaceAll('""', '"'),
  );
  const raw = new RawSeriesSet();
  for (const column of columns) {
    if ((TIME_COLUMNS as readonly string[]).includes(column.toLowerCase()) || column === '') continue;
    let read: ReturnType<typeof readCsvSeries>;
    try {
      read = readCsvSeries(text, path, { column });
    } catch (error) {
      const problem = (error as { problems?: Array<{ line?: number; message: string }> }).problems?.[0];
      throw parseFailure(path, problem?.line, problem?.message ?? (error as Error).message);
    }
    // A column may name a metric with labels, as Grafana writes it: name{label="value"}.
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\}$/.exec(column);
    const metric = match ? (match[1] as string) : column;
    const labels: Record<string, string> = {};
    for (const pair of (match?.[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g))
      labels[pair[1] as string] = pair[2] as string;
    for (const p of read.points) raw.add(metric, labels, p.timestamp, p.value);
  }
  return raw;
}

async function firstText(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const bytes = buffer.subarray(0, bytesRead);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      // The start of a gzip member: decompress what we have, a partial stream is enough for a peek.
      const { createGunzip } = await import('node:zlib');
      return await new Promise<string>((resolve) => {
        const gunzip = createGunzip();
        let out = '';
        gunzip.on('data', (chunk: Buffer) => {
          out += chunk.toString('utf8');
        });
        gunzip.on('error', () => resolve(out));
        gunzip.on('end', () => resolve(out));
        gunzip.end(bytes);
      });
    }
    if (bytes.includes(0))
      throw new GatherError(
        'unsupported-format',
        `${path}: binary content; expected a text or JSON metrics file`,
      );
    return bytes.toString('utf8');
  } finally {
    await handle.close();
  }
}

async function readMaybeGzip(path: string): Promise<string> {
  const bytes = await readFile(path);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return gunzipSync(bytes).toString('utf8');
    } catch {
      throw new GatherError('parse-error', `${path}: a damaged gzip file`);
    }
  }
  return bytes.toString('utf8');
}
