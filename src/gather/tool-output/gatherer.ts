import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { SourcePointer } from '../../core/source-pointer.js';
import { GatherError, type Gatherer } from '../gatherer.js';
import { ChunkCollector } from './collect.js';
import type { ToolOutputData } from './data.js';
import { cleanLine } from './lines.js';
import { addTerraformJsonLine, CloudFormationEvents } from './structured.js';

// Reads failure output (a CI job log, terraform or kubectl output, CloudFormation stack events, a
// docker build) from a file or stdin, gzip or not, as a stream: memory stays bounded by the
// failure chunks kept, whatever the size of the input. Binary input is refused with a coded error.

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

export function toolOutputGatherer(options: ToolOutputGatherOptions = {}): Gatherer<'tool-output'> {
  return {
    kind: 'tool-output',
    name: 'tool-output',
    async gather(source: SourcePointer): Promise<ToolOutputData> {
      if (source.type !== 'file')
        throw new GatherError('unsupported-format', 'tool output is read from a file or stdin');
      const path = source.path;
      const input: AsyncIterable<Buffer | string> =
        path === STDIN_PATH
          ? (options.stdin?.() ?? (process.stdin as AsyncIterable<Buffer>))
          : createReadStream(path, { highWaterMark: 256 * 1024 });
      return readToolOutput(path === STDIN_PATH ? 'stdin' : path, input);
    },
  };
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
  await splitLines(name, input, onLine);
  if (!format) decide('text');
  cfn?.flush();
  return collector.finish(format ?? 'text');
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

/** Splits a byte stream into lines (gzip recognized by its magic bytes), bounded per line. */
async function splitLines(
  name: string,
  input: AsyncIterable<Buffer | string>,
  onLine: (line: string) => void,
): Promise<void> {
  const iterator = input[Symbol.asyncIterator]();
  let first: Buffer | undefined;
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
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
  let checked = false;
  try {
    for await (const chunk of stream) {
      if (!checked) {
        rejectBinary(name, chunk);
        checked = true;
      }
      let from = 0;
      for (let nl = chunk.indexOf(10, from); nl !== -1; nl = chunk.indexOf(10, from)) {
        const piece = chunk.subarray(from, nl);
        const bytes = pending.length > 0 ? Buffer.concat([...pending, piece]) : piece;
        onLine(decode(bytes));
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
  if (pending.length > 0) onLine(decode(Buffer.concat(pending)));
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
