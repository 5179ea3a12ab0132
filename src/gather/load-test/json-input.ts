import { GatherError } from '../gatherer.js';
import type { InputFile } from './input.js';

// Reading a whole JSON result document (autocannon, Artillery reports) with errors a user can act
// on: where the JSON breaks (line and column), and which field a document of the wrong shape lacks.

/**
 * Reads and parses the whole (decompressed) file. `maxBytes` bounds memory: these reports hold
 * aggregates, so a file far larger than any real report is another format or a mistake.
 */
export async function readJsonDocument(input: InputFile, format: string, maxBytes: number): Promise<unknown> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of input.chunks()) {
    size += chunk.length;
    if (size > maxBytes) {
      throw new GatherError(
        'parse-error',
        `${input.path}: larger than ${Math.round(maxBytes / 1024 / 1024)} MB, too large for a ${format} report`,
      );
    }
    parts.push(chunk);
  }
  const text = Buffer.concat(parts)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new GatherError('parse-error', `${input.path}: the file is empty`);
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = jsonErrorOffset(message, text);
    const { line, column } = lineAndColumn(text, at);
    const atEnd = at >= text.trimEnd().length;
    const reason =
      atEnd || /end of JSON|Unterminated|Unexpected end/i.test(message)
        ? 'the JSON ends early (truncated file?)'
        : message.replace(/\s*\(line \d+ column \d+\)$/, '').replace(/ in JSON at position \d+.*$/, '');
    throw new GatherError(
      'parse-error',
      `${input.path}:${line}:${column}: invalid ${format} JSON: ${reason}`,
    );
  }
}

/** Character offset of a JSON.parse error; the end of the text when the message names none. */
function jsonErrorOffset(message: string, text: string): number {
  const position = /position (\d+)/.exec(message);
  if (position?.[1]) return Number(position[1]);
  return text.length;
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short description of a JSON value for "expected X, got Y" messages. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string')
    return `the string "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return `${typeof value} ${String(value)}`;
}

/** A finite number from a JSON number or numeric string (some tools write counts as strings). */
export function toNumber(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}
