import { createReadStream, type ReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';

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
  const { size } = await stat(path);
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
  const head = await readHead(openStream().stream);
  async function* chunks(): AsyncIterable<Buffer> {
    const { raw, stream } = openStream();
    for await (const chunk of stream) {
      yield chunk;
      onProgress?.({ path, bytesRead: raw.bytesRead, totalBytes: size });
    }
  }
  return { path, gzip, size, head, chunks: onProgress ? chunks : () => openStream().stream };
}

async function readHead(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      parts.push(chunk);
      size += chunk.length;
      if (size >= HEAD_BYTES) break;
    }
  } catch {
    // A truncated gzip stream still has a readable head; the full parse reports the error.
  }
  return Buffer.concat(parts).subarray(0, HEAD_BYTES);
}

/**
 * Splits a byte stream into lines (LF or CRLF) and calls fn with each line and its 1-based number.
 * A final line without a newline is passed too.
 */
export async function forEachLine(
  chunks: AsyncIterable<Buffer>,
  fn: (line: string, lineNumber: number) => void,
): Promise<void> {
  let rest = '';
  let lineNumber = 0;
  // The decoder keeps a multi-byte character that straddles two chunks whole.
  const decoder = new StringDecoder('utf8');
  for await (const chunk of chunks) {
    const text = rest + decoder.write(chunk);
    let from = 0;
    for (let nl = text.indexOf('\n', from); nl !== -1; nl = text.indexOf('\n', from)) {
      const end = nl > from && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      fn(text.slice(from, end), ++lineNumber);
      from = nl + 1;
    }
    rest = text.slice(from);
  }
  rest += decoder.end();
  if (rest.length > 0) fn(rest.endsWith('\r') ? rest.slice(0, -1) : rest, ++lineNumber);
}
