import { maskSecrets } from '../../core/mask.js';
import { endpointPath } from '../load-test/endpoint-name.js';
import type { Span } from './data.js';

// What every trace format shares once read: ids in one spelling, attributes reduced to the few the
// signals use with values that may hold secrets or personal data made safe, errors decided the
// same way, and the rhythm of a stream's messages.

/** Attribute keys kept (old and new OpenTelemetry semantic conventions, and Zipkin/Jaeger tags). */
const KEPT = new Set([
  'http.method',
  'http.request.method',
  'http.route',
  'http.status_code',
  'http.response.status_code',
  'http.url',
  'url.full',
  'http.target',
  'url.path',
  'http.request.resend_count',
  'db.system',
  'db.system.name',
  'db.statement',
  'db.query.text',
  'db.operation',
  'db.operation.name',
  'db.name',
  'db.namespace',
  'rpc.system',
  'rpc.service',
  'rpc.method',
  'rpc.grpc.status_code',
  'messaging.system',
  'messaging.destination.name',
  'messaging.operation',
  'messaging.operation.type',
  'messaging.message.id',
  'messaging.kafka.offset',
  'messaging.kafka.message.offset',
  'messaging.kafka.partition',
  'messaging.kafka.destination.partition',
  'messaging.destination.partition.id',
  'faas.coldstart',
  'faas.trigger',
  'aws.s3.bucket',
  'aws.s3.key',
  'peer.service',
  'server.address',
  'net.peer.name',
  'error.type',
  'retry.attempt',
]);

/** Statements and URLs are cut here: enough to tell two queries apart, not a data dump. */
const MAX_TEXT = 300;

export type AttributeValue = string | number | boolean;

export function keepAttributes(entries: Iterable<[string, AttributeValue]>): Record<string, AttributeValue> {
  const kept: Record<string, AttributeValue> = {};
  for (const [key, value] of entries) {
    if (!KEPT.has(key)) continue;
    kept[key] = typeof value === 'string' ? safeText(key, value) : value;
  }
  return kept;
}

function safeText(key: string, value: string): string {
  if (key === 'db.statement' || key === 'db.query.text') return normalizeStatement(value);
  if (key === 'http.url' || key === 'url.full') return urlTemplate(value);
  // Paths carry ids (and, after a "?", tokens); the route template is what identifies the call.
  if (key === 'http.target' || key === 'url.path') return cut(maskSecrets(endpointPath(value)));
  return cut(maskSecrets(value));
}

/**
 * A URL as the call it makes: scheme, host and templated path ("/items/{id}"), without the user,
 * password, query string or fragment, so the same call with other ids is the same text (the key of
 * repeated-call detection) and no token or personal datum is kept.
 */
export function urlTemplate(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.host)
      return cut(maskSecrets(`${parsed.protocol}//${parsed.host}${endpointPath(parsed.pathname)}`));
  } catch {
    // Not absolute: a bare path.
  }
  return cut(maskSecrets(endpointPath(url)));
}

/**
 * A statement with its literals replaced by `?`, so the same query with other values is the same
 * text and no value from the data leaves the machine. IN lists of any length become `(?)`: a batch
 * of 3 ids and one of 50 are the same statement. Document queries (MongoDB, Elasticsearch) written
 * as JSON lose their string and number values.
 */
export function normalizeStatement(statement: string): string {
  let text = maskSecrets(statement)
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/\b\d+(?:\.\d+)?\b/g, '?');
  if (/^\s*[[{]/.test(text)) text = text.replace(/(:\s*)"(?:[^"\\]|\\.)*"/g, '$1?');
  return cut(
    text
      .replace(/\(\s*\?(?:\s*,\s*\?)+\s*\)/g, '(?)')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

function cut(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

/**
 * An operation name as it may be shown: some instrumentations name spans by the raw URL, so a query
 * string (tokens, personal data) is cut and credentials are masked.
 */
export function spanName(name: unknown): string {
  return cut(maskSecrets(String(name ?? '').replace(/\?\S*/, '')));
}

/**
 * A trace or span id in one spelling whatever the format wrote: lower-case hex of its full width
 * (Jaeger drops leading zeros, Zipkin may write 64-bit trace ids), undefined for the all-zero id
 * that some exporters write for "no parent".
 */
export function normalizeId(value: unknown, bytes: number): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (!/^[0-9a-fA-F]+$/.test(value) || value.length > bytes * 2) return value;
  if (/^0+$/.test(value)) return undefined;
  return value.toLowerCase().padStart(bytes * 2, '0');
}

/** HTTP status of a span, from old or new conventions, as a number. */
export function httpStatus(attributes: Record<string, AttributeValue>): number | undefined {
  const value = attributes['http.response.status_code'] ?? attributes['http.status_code'];
  const status = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(status) ? status : undefined;
}

/**
 * Error when the span says so, or when an HTTP server answered 5xx / a client got 4xx or 5xx,
 * as the OpenTelemetry HTTP conventions define span status.
 */
export function isError(statusError: boolean, kind: Span['kind'], attributes: Span['attributes']): boolean {
  if (statusError) return true;
  const status = httpStatus(attributes);
  if (status === undefined) return false;
  return kind === 'client' ? status >= 400 : status >= 500;
}

/** Exception messages kept per span: the first few say what failed; a retry loop may log hundreds. */
export const MAX_EXCEPTIONS = 5;

export function maskedMessage(text: string): string {
  return cut(maskSecrets(text));
}

/** Event names of a message sent or received on an RPC (older and current semantic conventions). */
export function isMessageEvent(name: unknown): boolean {
  return name === 'message' || name === 'rpc.message';
}

/**
 * The rhythm of a streaming call from the times of its message events: the median gap between
 * messages and the longest silence, including before the first message and after the last (a
 * stream that falls silent stays open until a deadline or an idle timeout ends it).
 */
export function messageRhythm(start: number, end: number, times: number[]): Span['messages'] {
  if (times.length === 0) return undefined;
  const sorted = [...times].sort((a, b) => a - b);
  const inner: number[] = [];
  for (let i = 1; i < sorted.length; i++) inner.push((sorted[i] as number) - (sorted[i - 1] as number));
  const edges = [start, ...sorted, Math.max(end, sorted[sorted.length - 1] as number)];
  let longestGap = 0;
  let longestGapStart = start;
  for (let i = 1; i < edges.length; i++) {
    const gap = (edges[i] as number) - (edges[i - 1] as number);
    if (gap > longestGap) {
      longestGap = gap;
      longestGapStart = edges[i - 1] as number;
    }
  }
  const ordered = [...inner].sort((a, b) => a - b);
  const middle = ordered.length / 2;
  const medianGap =
    ordered.length === 0
      ? 0
      : ordered.length % 2
        ? (ordered[Math.floor(middle)] as number)
        : ((ordered[middle - 1] as number) + (ordered[middle] as number)) / 2;
  return { count: sorted.length, medianGap, longestGap, longestGapStart };
}
