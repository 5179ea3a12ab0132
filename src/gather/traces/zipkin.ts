import type { Span } from './data.js';
import { fail, isObject, type Json, type JsonObject, type SpanSink } from './json.js';
import { isError, keepAttributes, maskedMessage, messageRhythm, normalizeId, spanName } from './normalize.js';

// Zipkin v2 JSON as its API (/api/v2/trace/{id}, /api/v2/traces) and UI export write it: an array
// of spans, or an array of traces, each span {traceId, id, parentId, name, kind, timestamp and
// duration in microseconds, localEndpoint, remoteEndpoint, annotations, tags}.

const KINDS = { SERVER: 'server', CLIENT: 'client', PRODUCER: 'producer', CONSUMER: 'consumer' } as const;

export function readZipkin(root: Json, where: string, sink: SpanSink): void {
  if (!Array.isArray(root)) fail(where, 'expected an array of spans');
  const read: Array<{ span: Span; shared: boolean }> = [];
  let index = 0;
  root.forEach((item, t) => {
    const spans = Array.isArray(item) ? item : [item];
    spans.forEach((span, i) => {
      const path = Array.isArray(item) ? `[${t}][${i}]` : `[${index}]`;
      index++;
      const span_ = isObject(span) ? readSpan(span) : undefined;
      if (span_) read.push({ span: span_, shared: isObject(span) && span.shared === true });
      else
        sink.skip(
          `${where}: ${path}`,
          'expected a Zipkin v2 span with traceId, id and timestamp (microseconds)',
        );
    });
  });
  for (const span of splitSharedSpans(read)) sink.add(span);
}

function readSpan(span: JsonObject): Span | undefined {
  const traceId = normalizeId(span.traceId, 16);
  const spanId = normalizeId(span.id, 8);
  if (!traceId || !spanId || typeof span.timestamp !== 'number') return undefined;
  const tags = isObject(span.tags) ? span.tags : {};
  const entries = Object.entries(tags).flatMap(([k, v]) =>
    typeof v === 'string'
      ? [[k, k.endsWith('status_code') && /^\d+$/.test(v) ? Number(v) : v] as [string, string | number]]
      : [],
  );
  const attributes = keepAttributes(entries);
  const kind = KINDS[String(span.kind) as keyof typeof KINDS] ?? 'unspecified';
  const remote = isObject(span.remoteEndpoint) ? span.remoteEndpoint : {};
  const local = isObject(span.localEndpoint) ? span.localEndpoint : {};
  if (typeof remote.serviceName === 'string' && attributes['peer.service'] === undefined)
    attributes['peer.service'] = remote.serviceName;
  // Zipkin marks a failed span with an "error" tag whose value is the message (possibly empty).
  const errorTag = typeof tags.error === 'string' ? tags.error : undefined;
  const start = span.timestamp / 1000;
  const duration = typeof span.duration === 'number' ? span.duration / 1000 : 0;
  const messageTimes = (Array.isArray(span.annotations) ? span.annotations : []).flatMap((a) =>
    isObject(a) && typeof a.timestamp === 'number' && isMessageAnnotation(a.value)
      ? [a.timestamp / 1000]
      : [],
  );
  const messages = messageRhythm(start, start + duration, messageTimes);
  const parent = normalizeId(span.parentId, 8);
  return {
    traceId,
    spanId,
    ...(parent ? { parentSpanId: parent } : {}),
    service: String(local.serviceName ?? 'unknown'),
    name: spanName(span.name),
    kind,
    start,
    duration,
    error: isError(errorTag !== undefined, kind, attributes),
    ...(errorTag ? { statusMessage: maskedMessage(errorTag) } : {}),
    attributes,
    ...(messages ? { messages } : {}),
  };
}

/**
 * A span event becomes an annotation: its name alone, or "name|{attributes}|dropped count" when
 * OpenTelemetry exported it with attributes.
 */
function isMessageAnnotation(value: Json | undefined): boolean {
  if (typeof value !== 'string') return false;
  const name = value.split('|')[0];
  return name === 'message' || name === 'rpc.message';
}

/**
 * B3 instrumentation may let the server reuse the client's span id (`shared: true`). Both halves
 * then carry one id; the client half gets its own so the server span becomes the client's child,
 * as it is in every other format, and the server's children stay under the server.
 */
function splitSharedSpans(read: ReadonlyArray<{ span: Span; shared: boolean }>): Span[] {
  const key = (span: Span) => `${span.traceId}/${span.spanId}`;
  const servers = new Set(read.filter((r) => r.shared).map((r) => key(r.span)));
  // Only where both halves are present: a lone shared server span keeps its caller's parent.
  const sharedIds = new Set(
    read.filter((r) => !r.shared && servers.has(key(r.span))).map((r) => key(r.span)),
  );
  if (sharedIds.size === 0) return read.map((r) => r.span);
  return read.map(({ span, shared }) => {
    if (!sharedIds.has(key(span))) return span;
    const clientId = `${span.spanId}-client`;
    if (shared) return { ...span, parentSpanId: clientId };
    return { ...span, spanId: clientId };
  });
}
