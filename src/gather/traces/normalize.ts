import { maskSecrets } from '../../core/mask.js';
import type { Span } from './data.js';

// What every trace format shares once read: attributes reduced to the few the signals use, with
// values that may hold secrets or personal data made safe, and errors decided the same way.

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
  'peer.service',
  'server.address',
  'net.peer.name',
  'error.type',
  'retry.attempt',
]);

/** Statements and URLs are cut here: enough to tell two queries apart, not a data dump. */
const MAX_TEXT = 300;

export function keepAttributes(
  entries: Iterable<[string, string | number | boolean]>,
): Record<string, string | number | boolean> {
  const kept: Record<string, string | number | boolean> = {};
  for (const [key, value] of entries) {
    if (!KEPT.has(key)) continue;
    kept[key] = typeof value === 'string' ? safeText(key, value) : value;
  }
  return kept;
}

function safeText(key: string, value: string): string {
  if (key === 'db.statement' || key === 'db.query.text') return normalizeStatement(value);
  if (key === 'http.url' || key === 'url.full' || key === 'http.target') {
    // Query strings carry tokens and personal data; the path is what identifies the call.
    return cut(maskSecrets(value.replace(/\?.*$/, '')));
  }
  return cut(maskSecrets(value));
}

/**
 * A statement with its literals replaced by `?`, so the same query with other values is the same
 * text (the key of repeated-call detection) and no value from the data leaves the machine.
 */
export function normalizeStatement(statement: string): string {
  return cut(
    maskSecrets(statement)
      .replace(/'(?:[^']|'')*'/g, '?')
      .replace(/\b\d+(?:\.\d+)?\b/g, '?')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

function cut(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

/** HTTP status of a span, from old or new conventions, as a number. */
export function httpStatus(attributes: Record<string, string | number | boolean>): number | undefined {
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

export function maskedMessage(text: string): string {
  return cut(maskSecrets(text));
}
