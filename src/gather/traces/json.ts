import { GatherError } from '../gatherer.js';
import type { Span } from './data.js';

// What the three trace readers share: the parsed JSON, and where their spans go.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
export const isObject = (v: Json | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where read spans go. A span that cannot be read is skipped and counted, with where it is. */
export interface SpanSink {
  add(span: Span): void;
  skip(where: string, expected: string): void;
}

/** The document's structure is broken above the spans: nothing below this point can be read. */
export function fail(where: string, message: string): never {
  throw new GatherError('parse-error', `${where}: ${message}`);
}
