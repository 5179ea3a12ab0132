import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { InputError } from '../../core/problem.js';
import { GatherError } from '../gatherer.js';

// The start or the whole of a log file as text, gzip or not (recognized by its magic bytes).

async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new InputError(`cannot read ${path}: ${reason(error)}`);
  });
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    return bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } catch (error) {
    throw new InputError(`cannot read ${path}: ${reason(error as NodeJS.ErrnoException)}`);
  } finally {
    await handle.close();
  }
}

async function* chunks(path: string): AsyncGenerator<Buffer> {
  const gzip = await isGzip(path);
  const raw = createReadStream(path, { highWaterMark: 256 * 1024 });
  const stream: AsyncIterable<Buffer> = gzip ? raw.pipe(createGunzip()) : raw;
  try {
    for await (const chunk of stream) yield chunk;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (gzip && typeof code === 'string' && code.startsWith('Z_'))
      throw new InputError(`cannot read ${path}: the gzip data is damaged`);
    throw new InputError(`cannot read ${path}: ${reason(error as NodeJS.ErrnoException)}`);
  } finally {
    raw.destroy();
  }
}

/** About the first `bytes` bytes of the (decompressed) file as UTF-8. */
export async function readHead(path: string, bytes: number): Promise<string> {
  const parts: Buffer[] = [];
  let length = 0;
  for await (const chunk of chunks(path)) {
    parts.push(chunk);
    length += chunk.length;
    if (length >= bytes) break;
  }
  return Buffer.concat(parts).subarray(0, bytes).toString('utf8');
}

/** The whole (decompressed) file as UTF-8; refused past `maxBytes`. */
export async function readWhole(path: string, maxBytes: number): Promise<string> {
  const parts: Buffer[] = [];
  let length = 0;
  for await (const chunk of chunks(path)) {
    length += chunk.length;
    if (length > maxBytes) {
      throw new GatherError(
        'too-large',
        `${path}: more than ${Math.round(maxBytes / 1024 / 1024)} MB; export fewer lines from Loki (a shorter window or a narrower selector)`,
      );
    }
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString('utf8');
}

function reason(error: NodeJS.ErrnoException): string {
  if (error.code === 'ENOENT') return 'no such file';
  if (error.code === 'EISDIR') return 'is a folder, expected a file';
  if (error.code === 'EACCES') return 'permission denied';
  return error.message;
}
