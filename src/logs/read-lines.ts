import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { InputError } from '../core/problem.js';

// Reading a log file line by line as a stream, gzip or not (recognized by its magic bytes, not its
// name). Memory stays constant: a line is held only until the next newline, and a line longer than
// MAX_LINE_CHARS is cut there. The file is opened read-only.

/**
 * Characters of a line that are read; the rest is skipped and reported. No log statement's first
 * line comes near it, and mining more of a giant line would not change its template (tokens
 * beyond the template's token cap are joined anyway).
 */
export const MAX_LINE_CHARS = 64 * 1024;
/** A UTF-8 character is at most 4 bytes, so a line this long in bytes has MAX_LINE_CHARS characters or more. */
const MAX_LINE_BYTES = 4 * MAX_LINE_CHARS;

export interface LineHandler {
  line(text: string, lineNumber: number): void;
  /** A line was cut at MAX_LINE_CHARS. */
  truncated(lineNumber: number): void;
}

export async function readLogLines(path: string, handler: LineHandler): Promise<number> {
  const gzip = await startsWithGzipMagic(path);
  const raw = createReadStream(path, { highWaterMark: 256 * 1024 });
  const stream: AsyncIterable<Buffer> = gzip ? raw.pipe(createGunzip()) : raw;
  // Bytes of the current line carried over from earlier chunks.
  let pending: Buffer | undefined;
  // True while skipping the rest of a line that was cut at MAX_LINE_CHARS.
  let skipping = false;
  let lineNumber = 0;
  let atStart = true;
  const emit = (bytes: Buffer, from: number, to: number): void => {
    lineNumber++;
    const end = to > from && bytes[to - 1] === 13 ? to - 1 : to;
    const text = decode(bytes, from, end);
    if (text.length > MAX_LINE_CHARS || skipping) {
      handler.truncated(lineNumber);
      handler.line(text.slice(0, MAX_LINE_CHARS), lineNumber);
    } else handler.line(text, lineNumber);
  };
  try {
    for await (const chunk of stream) {
      if (chunk.length === 0) continue;
      let bytes = chunk;
      let from = 0;
      if (atStart) {
        rejectBinary(path, chunk);
        // A byte order mark (editors on Windows add one) is not part of the first line.
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) from = 3;
        atStart = false;
      }
      let nl = bytes.indexOf(10, from);
      if (pending && nl !== -1) {
        // The carried-over start and this chunk's first piece make one line.
        const line = skipping ? pending : Buffer.concat([pending, bytes.subarray(from, nl)]);
        emit(line, 0, line.length);
        pending = undefined;
        skipping = false;
        from = nl + 1;
        nl = bytes.indexOf(10, from);
      }
      for (; nl !== -1; nl = bytes.indexOf(10, from)) {
        emit(bytes, from, nl);
        from = nl + 1;
      }
      if (from === bytes.length || skipping) continue;
      bytes = pending ? Buffer.concat([pending, bytes.subarray(from)]) : Buffer.from(bytes.subarray(from));
      pending = bytes;
      if (pending.length > MAX_LINE_BYTES) {
        // These bytes hold at least MAX_LINE_CHARS characters; emit cuts the text to that, so a
        // character split here is never part of the line.
        pending = pending.subarray(0, MAX_LINE_BYTES);
        skipping = true;
      }
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (gzip && typeof code === 'string' && code.startsWith('Z_')) {
      throw new InputError(`cannot read ${path}: the gzip data is damaged after line ${lineNumber}`);
    }
    throw new InputError(`cannot read ${path}: ${readReason(error)}`);
  }
  if (pending) emit(pending, 0, pending.length);
  return lineNumber;
}

/**
 * Lines are decoded one by one: an ASCII line becomes a one-byte string, which is faster to
 * decode and to match than the two-byte string a whole chunk becomes when any line in it has one
 * non-ASCII character (Go writes µs in durations).
 */
function decode(bytes: Buffer, from: number, to: number): string {
  return isAscii(bytes.subarray(from, to))
    ? bytes.toString('latin1', from, to)
    : bytes.toString('utf8', from, to);
}

async function startsWithGzipMagic(path: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new InputError(`cannot read ${path}: ${readReason(error)}`);
  }
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    return bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } catch (error) {
    throw new InputError(`cannot read ${path}: ${readReason(error)}`);
  } finally {
    await handle.close();
  }
}

/** A NUL byte in the first block means binary data, not a text log. */
function rejectBinary(path: string, chunk: Buffer): void {
  const nul = chunk.subarray(0, 8192).indexOf(0);
  if (nul !== -1) {
    throw new InputError(
      `cannot read ${path}: binary data at byte ${nul}, expected a text log (plain, JSON lines or logfmt; gzip allowed)`,
    );
  }
}

function readReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a folder, expected a file';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
