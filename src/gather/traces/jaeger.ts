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

// Jaeger JSON as the UI's "Download JSON" and the query service's /api/traces write it:
// {"data":[{"traceID","spans":[{spanID, operationName, references, startTime, duration, tags,
// logs, processID}], "processes": {"p1": {"serviceName", "tags"}}}]}, times in microseconds.

const KINDS = ['server', 'client', 'producer', 'consumer', 'internal'] as const;

function tags(list: Json | undefined): Array<[string, AttributeValue]> {
  if (!Array.isArray(list)) return [];
  return list.flatMap((t) => {
    if (!isObject(t) || typeof t.key !== 'string') return [];
    const v = t.value;
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
      ? [[t.key, v] as [string, AttributeValue]]
      : [];
  });
}

export function readJaeger(root: Json, where: string, sink: SpanSink): void {
  const traces = isObject(root) ? root.data : undefined;
  if (!Array.isArray(traces)) fail(where, 'expected {"data": [traces]}');
  traces.forEach((trace, t) => {
    if (!isObject(trace) || !Array.isArray(trace.spans))
      fail(where, `data[${t}]: expected {"traceID", "spans": [...]}`);
    const processes = isObject(trace.processes) ? trace.processes : {};
    trace.spans.forEach((span, i) => {
      const read = isObject(span) ? readSpan(span, trace, processes) : undefined;
      if (read) sink.add(read);
      else
        sink.skip(
          `${where}: data[${t}].spans[${i}]`,
          'expected spanID, startTime and duration (microseconds)',
        );
    });
  });
}

function readSpan(span: JsonObject, trace: JsonObject, processes: JsonObject): Span | undefined {
  if (typeof span.startTime !== 'number' || typeof span.duration !== 'number') return undefined;
  const traceId = normalizeId(span.traceID ?? trace.traceID, 16);
  const spanId = normalizeId(span.spanID, 8);
  if (!traceId || !spanId) return undefined;
  const tagMap = new Map(tags(span.tags));
  const processEntry = processes[String(span.processID)];
  const process = isObject(span.process) ? span.process : isObject(processEntry) ? processEntry : {};
  const kindTag = String(tagMap.get('span.kind') ?? '');
  const kind = KINDS.find((k) => k === kindTag) ?? 'unspecified';
  const kept = keepAttributes(tagMap);
  const statusError =
    tagMap.get('error') === true ||
    tagMap.get('error') === 'true' ||
    tagMap.get('otel.status_code') === 'ERROR';
  const start = span.startTime / 1000;
  const duration = span.duration / 1000;
  const exceptions: string[] = [];
  const messageTimes: number[] = [];
  for (const log of Array.isArray(span.logs) ? span.logs : []) {
    if (!isObject(log)) continue;
    const fields = new Map(tags(log.fields));
    const event = fields.get('event');
    if (isMessageEvent(event) && typeof log.timestamp === 'number') {
      messageTimes.push(log.timestamp / 1000);
    } else if (
      (event === 'error' || event === 'exception' || fields.has('exception.message')) &&
      exceptions.length < MAX_EXCEPTIONS
    ) {
      const type = fields.get('exception.type') ?? fields.get('error.kind') ?? 'error';
      const message = fields.get('exception.message') ?? fields.get('message') ?? '';
      exceptions.push(maskedMessage(`${type}: ${message}`));
    }
  }
  const messages = messageRhythm(start, start + duration, messageTimes);
  const parent = parentOf(span);
  const description = tagMap.get('otel.status_description');
  return {
    traceId,
    spanId,
    ...(parent ? { parentSpanId: parent } : {}),
    service: String(process.serviceName ?? 'unknown'),
    name: spanName(span.operationName),
    kind,
    start,
    duration,
    error: isError(statusError, kind, kept),
    ...(typeof description === 'string' ? { statusMessage: maskedMessage(description) } : {}),
    attributes: kept,
    ...(exceptions.length ? { exceptions } : {}),
    ...(messages ? { messages } : {}),
  };
}

/**
 * The parent: the CHILD_OF reference, else a FOLLOWS_FROM one (a consumer after its producer, a
 * callback after the request that scheduled it), so such spans are not taken for orphans.
 */
function parentOf(span: JsonObject): string | undefined {
  const references = (Array.isArray(span.references) ? span.references : []).filter(isObject);
  const reference =
    references.find((ref) => ref.refType === 'CHILD_OF') ??
    references.find((ref) => ref.refType === 'FOLLOWS_FROM');
  return reference ? normalizeId(reference.spanID, 8) : undefined;
}
