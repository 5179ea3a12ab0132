import { readFile, stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { SourcePointer } from '../../core/source-pointer.js';
import { GatherError, type Gatherer } from '../gatherer.js';
import { MAX_SPANS, SpanCollector } from './collector.js';
import type { TracesData } from './data.js';
import { detectTraceFormat, readTraceDocument, type TracesFileFormat } from './formats.js';
import type { Json } from './json.js';

// Trace files: one JSON document (OTLP/JSON, Jaeger, Zipkin), or one OTLP/JSON request per line as
// the OpenTelemetry Collector's file exporter writes them; gzip is read transparently.

/**
 * Trace files are parsed whole, so the text must fit in memory (and in one JavaScript string);
 * larger exports should be cut to the incident window first.
 */
const MAX_TEXT_BYTES = 256 * 1024 * 1024;
/** Line numbers named in the note about unreadable lines. */
const NAMED_LINES = 5;

export interface TracesFileOptions {
  /** Spans kept; the rest are counted in droppedSpans. */
  maxSpans?: number;
}

export function tracesFileGatherer(options: TracesFileOptions = {}): Gatherer<'traces'> {
  return { kind: 'traces', name: 'traces-file', gather: (source) => readTracesFile(source, options) };
}

export async function readTracesFile(
  source: SourcePointer,
  options: TracesFileOptions = {},
): Promise<TracesData> {
  if (source.type !== 'file') throw new GatherError('unsupported-format', 'trace files are read from a path');
  const path = source.path;
  const text = await readText(path);
  const collector = new SpanCollector(options.maxSpans ?? MAX_SPANS);
  let root: Json | undefined;
  try {
    root = JSON.parse(text) as Json;
  } catch {
    return readLines(path, text, collector);
  }
  const format = detectTraceFormat(root);
  if (!format) throw unsupported(path);
  readTraceDocument(root, format, path, collector);
  collector.failIfNothingRead();
  return collector.data(format, []);
}

async function readText(path: string): Promise<string> {
  const info = await stat(path);
  if (info.isDirectory()) throw new GatherError('unreadable', `${path}: a directory, not a trace file`);
  if (info.size > MAX_TEXT_BYTES) throw tooLarge(path);
  let bytes = await readFile(path);
  if (bytes[0] === 0x28 && bytes[1] === 0xb5 && bytes[2] === 0x2f && bytes[3] === 0xfd) {
    // The collector's file exporter compresses with zstd, which Node 20 cannot read.
    throw new GatherError(
      'unsupported-format',
      `${path}: zstd-compressed; decompress it first (zstd -d) or export with gzip`,
    );
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_TEXT_BYTES });
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(path);
      throw new GatherError('parse-error', `${path}: a damaged gzip file`);
    }
  }
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

/**
 * One JSON document per line: the OpenTelemetry Collector's file exporter. A line that is not JSON
 * (a request cut short while the collector was writing) is skipped and noted; a file where no line
 * is a trace document is not a trace file.
 */
function readLines(path: string, text: string, collector: SpanCollector): TracesData {
  let format: TracesFileFormat | undefined;
  const badLines: number[] = [];
  let firstProblem: string | undefined;
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const where = `${path}:${index + 1}`;
    let document: Json;
    try {
      document = JSON.parse(line) as Json;
    } catch {
      badLines.push(index + 1);
      firstProblem ??= `${where}: not valid JSON; expected one OTLP/JSON request per line`;
      continue;
    }
    const found = detectTraceFormat(document);
    if (!found) {
      badLines.push(index + 1);
      firstProblem ??= `${where}: expected an OTLP/JSON request with resourceSpans`;
      continue;
    }
    format ??= found;
    readTraceDocument(document, found, where, collector);
  }
  if (!format) throw unsupported(path);
  collector.failIfNothingRead();
  const notes =
    badLines.length > 0
      ? [
          `${badLines.length} lines were skipped (line${badLines.length > 1 ? 's' : ''} ${badLines.slice(0, NAMED_LINES).join(', ')}${badLines.length > NAMED_LINES ? ', …' : ''}): ${firstProblem}`,
        ]
      : [];
  return collector.data(format, notes);
}

function unsupported(path: string): GatherError {
  return new GatherError(
    'unsupported-format',
    `${path}: not a trace file; tried OTLP/JSON (resourceSpans, also one request per line), Jaeger JSON ({"data": [...]}) and Zipkin v2 JSON (an array of spans)`,
  );
}

function tooLarge(path: string): GatherError {
  return new GatherError(
    'too-large',
    `${path}: larger than 256 MiB of JSON; export the incident window only`,
  );
}
