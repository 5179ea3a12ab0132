import { createReadStream, type ReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { GatherError } from '../gatherer.js';

// Reading a result file as a stream of byte chunks, gzip or not (detected by its magic bytes, not
// its name). Files are opened read-only; nothing here ever writes to an input.

const GZIP_MAGIC = [0x1f, 0x8b];
/** Bytes of decompressed text shown to format detection. */
export const HEAD_BYTES = 64 * 1024;

export interface InputFile {
  /** The path as the user gave it; used in every message and evidence pointer. */
  path: string;
  gzip: boolean;
  /** Size of the file on disk (compressed size for gzip). */
  size: number;
  /** The first HEAD_BYTES of the (decompressed) content. */
  head: Buffer;
  /** Streams the whole (decompressed) content; may be called more than once. */
  chunks(): AsyncIterable<Buffer>;
}

export type ProgressListener = (progress: { path: string; bytesRead: number; totalBytes: number }) => void;

export async function openInput(path: string, onProgress?: ProgressListener): Promise<InputFile> {
  const info = await stat(path);
  if (info.isDirectory()) {
    throw new GatherError('unreadable', `${path}: a directory, not a file; give the result files in it`);
  }
  const size = info.size;
  const handle = await open(path, 'r');
  let gzip = false;
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    gzip = bytesRead === 2 && magic[0] === GZIP_MAGIC[0] && magic[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
  const openStream = (): { raw: ReadStream; stream: AsyncIterable<Buffer> } => {
    const raw = createReadStream(path, { highWaterMark: 1024 * 1024 });
    return { raw, stream: gzip ? raw.pipe(createGunzip()) : raw };
  };
  const { head, error } = await readHead(openStream().stream);
  if (gzip && head.length === 0 && error) {
    throw new GatherError('parse-error', `${path}: starts like gzip but cannot be decompressed (${error})`);
  }
  async function* chunks(): AsyncIterable<Buffer> {
    const { raw, stream } = openStream();
    for await (const chunk of stream) {
      yield chunk;
      onProgress?.({ path, bytesRead: raw.bytesRead, totalBytes: size });
    }
  }
  return { path, gzip, size, head, chunks: onProgress ? chunks : () => openStream().stream };
}

async function readHead(stream: AsyncIterable<Buffer>): Promise<{ head: Buffer; error?: string }> {
  const parts: Buffer[] = [];
  let size = 0;
  let error: string | undefined;
  try {
    for await (const chunk of stream) {
      parts.push(chunk);
      size += chunk.length;
      if (size >= HEAD_BYTES) break;
    }
  } catch (e) {
    // A truncated gzip stream still has a readable head; the full parse reports the error.
    error = e instanceof Error ? e.message : String(e);
  }
  return { head: Buffer.concat(parts).subarray(0, HEAD_BYTES), ...(error !== undefined ? { error } : {}) };
}

/**
 * A line longer than this many characters is skipped and reported instead of read. No k6, Gatling
 * or Locust record comes near it (they are a few KB at most); such a line is binary data or another
 * format, and holding it whole would let memory grow with the file.
 */
export const MAX_LINE_CHARS = 4 * 1024 * 1024;

/** The problem message for a line over MAX_LINE_CHARS, saying what a line should hold. */
export function tooLongLine(expected: string): string {
  return `longer than ${MAX_LINE_CHARS / (1024 * 1024)} M characters, skipped; expected ${expected}`;
}

/**
 * Splits a byte stream into lines (LF or CRLF) and calls fn with each line and its 1-based number.
 * A final line without a newline is passed too, a byte order mark at the start is not. A line over
 * MAX_LINE_CHARS goes to tooLong instead.
 */
export async function forEachLine(
  chunks: AsyncIterable<Buffer>,
  fn: (line: string, lineNumber: number) => void,
  tooLong: (lineNumber: number) => void,
): Promise<void> {
  // The start of the current line, carried from earlier chunks.
  let rest = '';
  // True while skipping the remainder of an overlong line.
  let skipping = false;
  let lineNumber = 0;
  const emit = (line: string): void => {
    lineNumber++;
    if (skipping) skipping = false;
    else if (line.length > MAX_LINE_CHARS) tooLong(lineNumber);
    else fn(line.endsWith('\r') ? line.slice(0, -1) : line, lineNumber);
  };
  // The decoder keeps a multi-byte character that straddles two chunks whole.
  const decoder = new StringDecoder('utf8');
  let atStart = true;
  for await (const chunk of chunks) {
    // Only the new text is searched for newlines, so a long line costs linear time, not quadratic.
    let text = decoder.write(chunk);
    if (atStart && text.length > 0) {
      // A byte order mark (editors on Windows add one) is not part of the first line.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      atStart = false;
    }
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      emit(rest === '' ? text.slice(from, nl) : rest + text.slice(from, nl));
      rest = '';
      from = nl + 1;
    }
    if (skipping) continue;
    rest += text.slice(from);
    if (rest.length > MAX_LINE_CHARS) {
      tooLong(lineNumber + 1);
      skipping = true;
      rest = '';
    }
  }
  rest += decoder.end();
  if (rest.length > 0 && !skipping) emit(rest);
}
