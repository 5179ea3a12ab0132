import { stat } from 'node:fs/promises';
import { TIME_COLUMNS } from '../../anomaly/csv-series.js';
import type { SourcePointer } from '../../core/source-pointer.js';
import { GatherError } from '../gatherer.js';
import { forEachLine, type InputFile, MAX_LINE_CHARS, openInput } from '../load-test/input.js';
import { looksLikeCsv, readCsv } from './csv.js';
import type { MetricsData, MetricsFormat } from './data.js';
import { ExpositionReader } from './openmetrics.js';
import { isQueryResponse, readQueryResponse } from './query-response.js';
import { parseFailure, RawSeriesSet } from './raw-series.js';
import { assignRoles } from './roles.js';

// Metric files, recognized from their content, not their name: a saved Prometheus query response
// (JSON), the OpenMetrics or Prometheus text format (a /metrics snapshot or timestamped samples, as
// `promtool tsdb create-blocks-from openmetrics` reads them), or CSV with a time column. Gzip is
// read transparently, a UTF-8 byte order mark is skipped, UTF-16 (Windows PowerShell's `>`) is
// decoded. Files are only ever read.

/**
 * JSON and CSV are parsed whole; beyond this (decompressed) they are TSDB dumps that belong in
 * Prometheus, not in a file. The text format is streamed and bounded by the series caps instead.
 */
export const MAX_WHOLE_FILE_BYTES = 512 * 1024 * 1024;

export interface MetricsFileOptions {
  /** Fail a text file that has unreadable lines instead of counting and skipping them. */
  strict?: boolean;
  /**
   * Time of samples without timestamps (a /metrics snapshot), epoch ms; by default the file's
   * modification time, when the snapshot was saved.
   */
  now?: () => number;
}

interface Read {
  format: MetricsFormat;
  raw: RawSeriesSet;
  notes: string[];
}

export async function readMetricsFile(
  source: SourcePointer,
  options: MetricsFileOptions = {},
): Promise<MetricsData> {
  if (source.type !== 'file')
    throw new GatherError('unsupported-format', 'metric files are read from a path');
  const path = source.path;
  const input = await openInput(path);
  const utf16 = utf16Of(input.head);
  if (!utf16 && input.head.subarray(0, 8192).includes(0))
    throw new GatherError(
      'unsupported-format',
      `${path}: binary content; expected a text or JSON metrics file`,
    );
  // UTF-16 files are small exports saved from a shell: decoded whole, then read like the rest.
  const whole = utf16 ? new TextDecoder(utf16).decode(await readAll(input)) : undefined;
  const head = (whole ?? input.head.toString('utf8')).replace(/^\uFEFF/, '').trimStart();
  let read: Read;
  if (head.startsWith('{') || head.startsWith('['))
    read = readJson(path, whole ?? text(await readAll(input)));
  else if (looksLikeExposition(head)) read = await readExposition(path, input, whole, options);
  else if (looksLikeCsv(head))
    read = { format: 'csv', ...readCsv(path, whole ?? text(await readAll(input))) };
  else {
    throw new GatherError(
      'unsupported-format',
      `${path}: not a metrics file; tried a Prometheus query response (JSON), the OpenMetrics/Prometheus text format and CSV with a time column (${TIME_COLUMNS.join(', ')})`,
    );
  }
  const { series, notes: roleNotes } = assignRoles(read.raw.list());
  return {
    format: read.format,
    series,
    queries: [],
    ...bounds(series),
    ...stepOf(series),
    notes: [...read.notes, ...read.raw.notes(path), ...roleNotes],
  };
}

function readJson(path: string, content: string): Read {
  let root: unknown;
  try {
    root = JSON.parse(content);
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message);
    const line = position ? content.slice(0, Number(position[1])).split('\n').length : undefined;
    throw parseFailure(path, line, 'not valid JSON; expected a Prometheus query_range or query response');
  }
  if (!isQueryResponse(root)) {
    throw new GatherError(
      'unsupported-format',
      `${path}: JSON, but not a Prometheus query response; expected {"status":"success","data":{"resultType":"matrix","result":[...]}}`,
    );
  }
  const raw = new RawSeriesSet();
  readQueryResponse(root, path, raw);
  return { format: 'prometheus-json', raw, notes: [] };
}

async function readExposition(
  path: string,
  input: InputFile,
  whole: string | undefined,
  options: MetricsFileOptions,
): Promise<Read> {
  const scrapedAt = options.now ? options.now() : (await stat(path)).mtimeMs;
  const reader = new ExpositionReader(path, { scrapedAt: Math.round(scrapedAt) });
  let lines = 0;
  const line = (content: string, n: number) => {
    lines = n;
    reader.line(content, n);
  };
  const tooLong = (n: number) => {
    lines = n;
    reader.skipped++;
    if (reader.firstSkipped.length < 5)
      reader.firstSkipped.push({
        line: n,
        reason: `longer than ${MAX_LINE_CHARS} characters; expected one sample`,
      });
  };
  if (whole !== undefined) {
    const all = whole.replace(/^\uFEFF/, '').split('\n');
    for (const [i, l] of all.entries()) line(l.replace(/\r$/, ''), i + 1);
  } else {
    try {
      await forEachLine(input.chunks(), line, tooLong);
    } catch (error) {
      if (error instanceof GatherError) throw error;
      const what = input.gzip ? 'the gzip data is damaged' : (error as Error).message;
      throw new GatherError('parse-error', `${path}: ${what} after line ${lines}`);
    }
  }
  reader.finish();
  if (reader.samples === 0)
    throw parseFailure(path, undefined, 'no samples; expected lines such as up{job="api"} 1');
  return { format: 'openmetrics', raw: reader.series, notes: expositionNotes(path, reader, lines, options) };
}

function expositionNotes(
  path: string,
  reader: ExpositionReader,
  lines: number,
  options: MetricsFileOptions,
): string[] {
  const notes: string[] = [];
  if (reader.skipped > 0) {
    const first = reader.firstSkipped[0] as { line: number; reason: string };
    if (options.strict) throw parseFailure(path, first.line, first.reason);
    notes.push(
      `${path}: ${reader.skipped} of ${lines} lines were not samples and were skipped (first at line ${first.line}: ${first.reason})`,
    );
  }
  if (reader.secondsAssumed)
    notes.push(
      `${path}: the Prometheus text format has timestamps in milliseconds, but these would all fall before 1973; they were read as seconds`,
    );
  if (!reader.sawEof && reader.series.list().every((s) => s.timestamps.length <= 1)) {
    notes.push(
      `${path}: a snapshot without timestamps; one sample per series at ${options.now ? 'the given time' : "the file's modification time"}, so nothing about change over time`,
    );
  }
  return notes;
}

/** First line a sample or a TYPE/HELP/UNIT comment. */
function looksLikeExposition(text: string): boolean {
  const first = text.split('\n').find((l) => l.trim() !== '') ?? '';
  if (/^# (HELP|TYPE|UNIT) /.test(first)) return true;
  return /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})?\s+[-+]?(\d|\.\d|nan|inf)\S*(\s+-?\d\S*)?\s*$/i.test(first);
}

function utf16Of(head: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** The whole (decompressed) content, refusing more than MAX_WHOLE_FILE_BYTES without holding it. */
async function readAll(input: InputFile): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of input.chunks()) {
      size += chunk.length;
      if (size > MAX_WHOLE_FILE_BYTES)
        throw new GatherError(
          'too-large',
          `${input.path}: more than ${MAX_WHOLE_FILE_BYTES / 1024 / 1024} MiB of JSON or CSV; query the server for the window instead`,
        );
      parts.push(chunk);
    }
  } catch (error) {
    if (error instanceof GatherError) throw error;
    throw new GatherError(
      'parse-error',
      `${input.path}: ${input.gzip ? 'a damaged gzip file' : (error as Error).message}`,
    );
  }
  return Buffer.concat(parts);
}

function text(bytes: Buffer): string {
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

function bounds(series: MetricsData['series']): { start?: number; end?: number } {
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const s of series) {
    const first = s.timestamps[0];
    const last = s.timestamps[s.timestamps.length - 1];
    if (first !== undefined) start = Math.min(start, first);
    if (last !== undefined) end = Math.max(end, last);
  }
  return Number.isFinite(start) ? { start, end } : {};
}

/** The median interval between samples: the resolution signals work at. */
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
