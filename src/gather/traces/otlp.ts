import type { Span } from './data.js';
import { fail, isObject, type Json, type JsonObject, type SpanSink } from './json.js';
import {
  type AttributeValue,
  isError,
  isMessageEvent,
  keepAttributes,
  MAX_EXCEPTIONS,
  maskedMessage,
  messageRhythm,
  normalizeId,
  spanName,
} from './normalize.js';

// OTLP/JSON as the OTLP specification encodes it (ids in hex, enums as integers, 64-bit integers as
// strings), and as protobuf's default JSON mapping writes it (ids in base64, enums as names), which
// Tempo and some exporters produce.

const KINDS: Record<string, Span['kind']> = {
  '0': 'unspecified',
  '1': 'internal',
  '2': 'server',
  '3': 'client',
  '4': 'producer',
  '5': 'consumer',
  SPAN_KIND_UNSPECIFIED: 'unspecified',
  SPAN_KIND_INTERNAL: 'internal',
  SPAN_KIND_SERVER: 'server',
  SPAN_KIND_CLIENT: 'client',
  SPAN_KIND_PRODUCER: 'producer',
  SPAN_KIND_CONSUMER: 'consumer',
};

function value(v: Json | undefined): AttributeValue | undefined {
  if (!isObject(v)) return undefined;
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  if (isObject(v.arrayValue) && Array.isArray(v.arrayValue.values)) {
    return v.arrayValue.values.map((item) => String(value(item) ?? '')).join(',');
  }
  return undefined;
}

function attributes(list: Json | undefined): Array<[string, AttributeValue]> {
  if (!Array.isArray(list)) return [];
  return list.flatMap((a) => {
    if (!isObject(a) || typeof a.key !== 'string') return [];
    const v = value(a.value);
    return v === undefined ? [] : [[a.key, v] as [string, AttributeValue]];
  });
}

/** OTLP/JSON ids are hex; protobuf's default JSON mapping writes them in base64. */
export function otlpId(id: Json | undefined, bytes: number): string | undefined {
  if (typeof id !== 'string' || id === '') return undefined;
  if (/^[0-9a-fA-F]+$/.test(id) && id.length <= bytes * 2) return normalizeId(id, bytes);
  const decoded = Buffer.from(id, 'base64');
  if (decoded.length === bytes) return normalizeId(decoded.toString('hex'), bytes);
  return id;
}

/** Unix nanoseconds (a string, as OTLP/JSON writes 64-bit integers, or a number) as epoch ms. */
function nanosToMs(v: Json | undefined): number | undefined {
  if (typeof v === 'number') return v / 1e6;
  if (typeof v === 'string' && /^\d+$/.test(v)) {
    // Nanoseconds since the epoch exceed 2^53; split to keep the sub-millisecond part.
    return Number(v.slice(0, -6) || '0') + Number(v.slice(-6)) / 1e6;
  }
  return undefined;
}

export function readOtlp(root: Json, where: string, sink: SpanSink): void {
  const top = isObject(root) && isObject(root.trace) ? root.trace : root;
  if (!isObject(top)) fail(where, 'expected an OTLP/JSON object with resourceSpans');
  const resources = top.resourceSpans ?? top.batches;
  if (!Array.isArray(resources)) fail(where, 'expected resourceSpans to be an array');
  resources.forEach((resource, r) => {
    if (!isObject(resource)) fail(where, `resourceSpans[${r}]: expected an object`);
    const resourceAttributes = new Map(
      attributes(isObject(resource.resource) ? resource.resource.attributes : undefined),
    );
    const service = String(resourceAttributes.get('service.name') ?? 'unknown');
    const scopes = resource.scopeSpans ?? resource.instrumentationLibrarySpans ?? [];
    if (!Array.isArray(scopes)) fail(where, `resourceSpans[${r}].scopeSpans: expected an array`);
    scopes.forEach((scope, s) => {
      const spans = isObject(scope) ? scope.spans : undefined;
      if (!Array.isArray(spans)) fail(where, `resourceSpans[${r}].scopeSpans[${s}].spans: expected an array`);
      spans.forEach((span, i) => {
        const path = `${where}: resourceSpans[${r}].scopeSpans[${s}].spans[${i}]`;
        const read = isObject(span) ? readSpan(span, service) : undefined;
        if (read) sink.add(read);
        else sink.skip(path, 'expected traceId, spanId, startTimeUnixNano and endTimeUnixNano');
      });
    });
  });
}

function readSpan(span: JsonObject, service: string): Span | undefined {
  const traceId = otlpId(span.traceId, 16);
  const spanId = otlpId(span.spanId, 8);
  const start = nanosToMs(span.startTimeUnixNano);
  const end = nanosToMs(span.endTimeUnixNano);
  if (!traceId || !spanId || start === undefined || end === undefined) return undefined;
  const kind = KINDS[String(span.kind ?? '0')] ?? 'unspecified';
  const kept = keepAttributes(attributes(span.attributes));
  const status = isObject(span.status) ? span.status : {};
  const statusError = status.code === 2 || status.code === 'STATUS_CODE_ERROR';
  const exceptions: string[] = [];
  const messageTimes: number[] = [];
  for (const event of Array.isArray(span.events) ? span.events : []) {
    if (!isObject(event)) continue;
    if (event.name === 'exception' && exceptions.length < MAX_EXCEPTIONS) {
      const a = new Map(attributes(event.attributes));
      exceptions.push(
        maskedMessage(`${a.get('exception.type') ?? 'exception'}: ${a.get('exception.message') ?? ''}`),
      );
    } else if (isMessageEvent(event.name)) {
      const at = nanosToMs(event.timeUnixNano);
      if (at !== undefined) messageTimes.push(at);
    }
  }
  const parent = otlpId(span.parentSpanId, 8);
  const messages = messageRhythm(start, end, messageTimes);
  return {
    traceId,
    spanId,
    ...(parent ? { parentSpanId: parent } : {}),
    service,
    name: spanName(span.name),
    kind,
    start,
    duration: Math.max(0, end - start),
    error: isError(statusError, kind, kept),
    ...(typeof status.message === 'string' && status.message
      ? { statusMessage: maskedMessage(status.message) }
      : {}),
    attributes: kept,
    ...(exceptions.length ? { exceptions } : {}),
    ...(messages ? { messages } : {}),
  };
}
