import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { SourcePointer } from '../../core/source-pointer.js';
import { GatherError, type Gatherer, PartialData } from '../gatherer.js';
import { ChunkCollector } from './collect.js';
import type { ToolOutputData } from './data.js';
import { cleanLine } from './lines.js';
import { addTerraformJsonLine, CloudFormationEvents } from './structured.js';

// Reads failure output (a CI job log, terraform or kubectl output, CloudFormation stack events, a
// docker build) from a file or stdin, gzip or not, as a stream: memory stays bounded by the
// failure chunks kept, whatever the size of the input. UTF-8 is read, and UTF-16 (what Windows
// PowerShell writes when output is redirected) is recognized by its byte-order mark or its zero
// bytes and turned into UTF-8; other binary input is refused with a coded error. What could not be
// read whole (bytes invalid in the encoding, chunks not kept) is said with the source.

/** The path that means standard input. */
export const STDIN_PATH = '-';

export interface ToolOutputGatherOptions {
  /** Standard input, read when the path is "-". */
  stdin?: () => AsyncIterable<Buffer | string>;
}

/** Raw bytes of a line beyond which the rest of the line is skipped (see MAX_KEPT_LINE_CHARS). */
const MAX_RAW_LINE_BYTES = 64 * 1024;
/** Lines read before the format is decided: the first non-blank line decides, this bounds the wait. */
const HEAD_LINES = 50;

export function toolOutputGatherer(
  options: ToolOutputGatherOptions = {},
): Gatherer<'tool-output', ToolOutputData | PartialData<ToolOutputData>> {
  return {
    kind: 'tool-output',
    name: 'tool-output',
    async gather(source: SourcePointer): Promise<ToolOutputData | PartialData<ToolOutputData>> {
      if (source.type !== 'file')
        throw new GatherError('unsupported-format', 'tool output is read from a file or stdin');
      const path = source.path;
      const input: AsyncIterable<Buffer | string> =
        path === STDIN_PATH
          ? (options.stdin?.() ?? (process.stdin as AsyncIterable<Buffer>))
          : createReadStream(path, { highWaterMark: 256 * 1024 });
      const data = await readToolOutput(path === STDIN_PATH ? 'stdin' : path, input);
      const skipped = skippedOf(data);
      return skipped ? new PartialData(data, { code: 'partial', message: skipped }) : data;
    },
  };
}

/** What of an output was not read whole, in words; undefined when all of it was. */
export function skippedOf(data: ToolOutputData): string | undefined {
  const parts: string[] = [];
  if (data.undecodableLines)
    parts.push(
      `${data.undecodableLines} line(s) had bytes that are not valid ${data.encoding ?? 'utf-8'} (first at line ${data.firstUndecodableLine}); they are read with those bytes replaced by U+FFFD`,
    );
  if (data.droppedChunks > 0)
    parts.push(
      `${data.droppedChunks} failure chunk(s) in the middle of the output were not kept (the first and the last ones were), to bound memory`,
    );
  return parts.length > 0 ? parts.join('; ') : undefined;
}

type Format = ToolOutputData['format'];

/** Reads one output; `name` is how errors name it. */
export async function readToolOutput(
  name: string,
  input: AsyncIterable<Buffer | string>,
): Promise<ToolOutputData> {
  const collector = new ChunkCollector();
  let format: Format | undefined;
  const head: Array<[number, string]> = [];
  let cfn: CloudFormationEvents | undefined;
  const feed = (lineNumber: number, raw: string): void => {
    if (format === 'terraform-json') addTerraformJsonLine(collector, lineNumber, raw);
    else if (format === 'cloudformation-events') cfn?.add(lineNumber, raw);
    else collector.add(lineNumber, cleanLine(raw));
  };
  const decide = (decided: Format): void => {
    format = decided;
    if (decided === 'cloudformation-events') cfn = new CloudFormationEvents(collector);
    for (const [n, raw] of head) feed(n, raw);
    head.length = 0;
  };
  let lineNumber = 0;
  const onLine = (raw: string): void => {
    lineNumber++;
    if (format) {
      feed(lineNumber, raw);
      return;
    }
    head.push([lineNumber, raw]);
    const guess = formatOf(head.map(([, text]) => text));
    if (guess) decide(guess);
    else if (head.length >= HEAD_LINES) decide('text');
  };
  const read = await splitLines(name, input, onLine);
  if (!format) decide('text');
  cfn?.flush();
  return {
    ...collector.finish(format ?? 'text'),
    ...(read.encoding !== 'utf-8' ? { encoding: read.encoding } : {}),
    ...(read.undecodable > 0
      ? { undecodableLines: read.undecodable, firstUndecodableLine: read.firstUndecodable }
      : {}),
  };
}

/** The format of an output from its first lines; undefined while they cannot tell. */
function formatOf(head: readonly string[]): Format | undefined {
  const first = head.find((line) => line.trim() !== '');
  if (first === undefined) return undefined;
  const trimmed = first.trim();
  if (trimmed.startsWith('{"@level":') || trimmed.startsWith('{"@message":')) return 'terraform-json';
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const text = head.join('\n');
    if (/"StackEvents"\s{0,8}:|"ResourceStatus"\s{0,8}:/.test(text)) return 'cloudformation-events';
    // A JSON document that has not said what it is yet: wait for more lines.
    return head.length >= HEAD_LINES ? 'text' : undefined;
  }
  return 'text';
}

type Encoding = NonNullable<ToolOutputData['encoding']>;

interface ReadStats {
  encoding: Encoding;
  /** Lines with bytes invalid in the encoding, and the first of them. */
  undecodable: number;
  firstUndecodable?: number;
}

/**
 * Splits a byte stream into lines (gzip recognized by its magic bytes, UTF-16 by its byte-order
 * mark or zero bytes), bounded per line.
 */
async function splitLines(
  name: string,
  input: AsyncIterable<Buffer | string>,
  onLine: (line: string) => void,
): Promise<ReadStats> {
  const stats: ReadStats = { encoding: 'utf-8', undecodable: 0 };
  const iterator = input[Symbol.asyncIterator]();
  let first: Buffer | undefined;
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return stats;
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      if (chunk.length > 0) {
        first = chunk;
        break;
      }
    }
  } catch (error) {
    throw readError(name, error);
  }
  const gzip = first[0] === 0x1f && first[1] === 0x8b;
  const rest = (async function* () {
    yield first as Buffer;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    }
  })();
  const stream: AsyncIterable<Buffer> = gzip ? Readable.from(rest).pipe(createGunzip()) : rest;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let lineNumber = 0;
  let decoder: TextDecoder | undefined;
  const line = (bytes: Buffer): void => {
    lineNumber++;
    const text = decode(bytes);
    // U+FFFD is what the decoder puts for bytes invalid in the encoding (a Latin-1 é, a cut
    // multi-byte character); a line that has it was read in part.
    if (text.includes('\ufffd')) {
      stats.undecodable++;
      stats.firstUndecodable ??= lineNumber;
    }
    onLine(text);
  };
  try {
    for await (const raw of stream) {
      let chunk = raw;
      if (lineNumber === 0 && pending.length === 0 && !decoder) {
        const start = startOf(chunk);
        stats.encoding = start.encoding;
        if (start.encoding === 'utf-8') rejectBinary(name, chunk.subarray(start.skip));
        else decoder = new TextDecoder(start.encoding);
        chunk = chunk.subarray(start.skip);
      }
      // UTF-16 becomes UTF-8 here, so that lines are found and decoded one way.
      if (decoder) chunk = Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8');
      let from = 0;
      for (let nl = chunk.indexOf(10, from); nl !== -1; nl = chunk.indexOf(10, from)) {
        const piece = chunk.subarray(from, nl);
        line(pending.length > 0 ? Buffer.concat([...pending, piece]) : piece);
        pending = [];
        pendingBytes = 0;
        from = nl + 1;
      }
      if (from < chunk.length && pendingBytes < MAX_RAW_LINE_BYTES) {
        const piece = chunk.subarray(from, from + (MAX_RAW_LINE_BYTES - pendingBytes));
        pending.push(Buffer.from(piece));
        pendingBytes += piece.length;
      }
    }
  } catch (error) {
    if (error instanceof GatherError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (gzip && typeof code === 'string' && code.startsWith('Z_'))
      throw new GatherError('parse-error', `${name}: the gzip data is damaged`);
    throw readError(name, error);
  }
  if (pending.length > 0) line(Buffer.concat(pending));
  return stats;
}

/**
 * The encoding of a text from its first bytes, and the bytes of a byte-order mark to skip. Without
 * a mark, UTF-16 shows as zero bytes in every other position: ASCII text, the bulk of tool output,
 * has a zero high byte in each character (at odd offsets in little-endian, even in big-endian).
 */
function startOf(chunk: Buffer): { encoding: Encoding; skip: number } {
  if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) return { encoding: 'utf-8', skip: 3 };
  if (chunk[0] === 0xff && chunk[1] === 0xfe) return { encoding: 'utf-16le', skip: 2 };
  if (chunk[0] === 0xfe && chunk[1] === 0xff) return { encoding: 'utf-16be', skip: 2 };
  const sample = chunk.subarray(0, 512 - (Math.min(chunk.length, 512) % 2));
  if (sample.length >= 8) {
    let evenZeros = 0;
    let oddZeros = 0;
    for (let i = 0; i < sample.length; i++) if (sample[i] === 0) i % 2 === 0 ? evenZeros++ : oddZeros++;
    const half = sample.length / 2;
    // Nine in ten: room for a few non-ASCII characters, far above what binary data shows.
    if (oddZeros >= 0.9 * half && evenZeros === 0) return { encoding: 'utf-16le', skip: 0 };
    if (evenZeros >= 0.9 * half && oddZeros === 0) return { encoding: 'utf-16be', skip: 0 };
  }
  return { encoding: 'utf-8', skip: 0 };
}

function decode(bytes: Buffer): string {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length;
  return bytes.toString('utf8', 0, end);
}

/** NUL bytes in the first block mean binary data (an archive, an image), not text output. */
function rejectBinary(name: string, chunk: Buffer): void {
  const nul = chunk.subarray(0, 8192).indexOf(0);
  if (nul !== -1) {
    throw new GatherError(
      'unsupported-format',
      `${name}: binary data at byte ${nul}, expected text output of a tool or CI job (plain text, terraform -json lines or CloudFormation stack events JSON; gzip allowed)`,
    );
  }
}

function readError(name: string, error: unknown): GatherError | Error {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return new GatherError('not-found', `${name}: no such file`);
  if (code === 'EISDIR') return new GatherError('unreadable', `${name}: a directory, not a file`);
  if (code === 'EACCES' || code === 'EPERM')
    return new GatherError('unreadable', `${name}: permission denied`);
  return error instanceof Error ? error : new Error(String(error));
}
