import { GatherError } from '../gatherer.js';
import type { Span } from './data.js';
import { isError, keepAttributes, maskedMessage } from './normalize.js';

// The three file formats of traces, each turned into Spans:
// - OTLP/JSON: {"resourceSpans":[{"resource":{"attributes":[...]},"scopeSpans":[{"spans":[...]}]}]}
//   (older exports say instrumentationLibrarySpans; Tempo says batches), ids in hex (the OTLP/JSON
//   rule) or base64 (protobuf-JSON mappers), times in Unix nanoseconds as strings or numbers;
// - Jaeger: {"data":[{"traceID","spans":[...],"processes":{...}}]}, times in microseconds;
// - Zipkin v2: an array of spans, or an array of traces (arrays of spans), times in microseconds.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };
const isObject = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export type TracesFileFormat = 'otlp-json' | 'jaeger-json' | 'zipkin-json';

export function detectTraceFormat(root: Json): TracesFileFormat | undefined {
  if (isObject(root) && (Array.isArray(root.resourceSpans) || Array.isArray(root.batches)))
    return 'otlp-json';
  if (isObject(root) && isObject(root.trace) && Array.isArray((root.trace as Obj).resourceSpans))
    return 'otlp-json';
  if (
    isObject(root) &&
    Array.isArray(root.data) &&
    root.data.some((t) => isObject(t) && Array.isArray(t.spans))
  )
    return 'jaeger-json';
  if (Array.isArray(root)) {
    const first = Array.isArray(root[0]) ? root[0][0] : root[0];
    if (isObject(first) && typeof first.traceId === 'string' && typeof first.id === 'string')
      return 'zipkin-json';
  }
  return undefined;
}

export function readTraceDocument(
  root: Json,
  format: TracesFileFormat,
  where: string,
  emit: (span: Span) => void,
): void {
  if (format === 'otlp-json') readOtlp(root, where, emit);
  else if (format === 'jaeger-json') readJaeger(root, where, emit);
  else readZipkin(root, where, emit);
}

function fail(where: string, message: string): never {
  throw new GatherError('parse-error', `${where}: ${message}`);
}

// ---- OTLP/JSON ------------------------------------------------------------------------------

const OTLP_KINDS: Record<string, Span['kind']> = {
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

function otlpValue(value: Json | undefined): string | number | boolean | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value.stringValue === 'string') return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (typeof value.boolValue === 'boolean') return value.boolValue;
  if (isObject(value.arrayValue) && Array.isArray(value.arrayValue.values)) {
    return value.arrayValue.values.map((v) => String(otlpValue(v) ?? '')).join(',');
  }
  return undefined;
}

function otlpAttributes(list: Json | undefined): Array<[string, string | number | boolean]> {
  if (!Array.isArray(list)) return [];
  return list.flatMap((a) => {
    if (!isObject(a) || typeof a.key !== 'string') return [];
    const v = otlpValue(a.value);
    return v === undefined ? [] : [[a.key, v] as [string, string | number | boolean]];
  });
}

/** OTLP/JSON ids are hex; some exporters write protobuf's default JSON mapping, base64. */
export function otlpId(value: Json | undefined, bytes: number): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(value)) return value.toLowerCase();
  const decoded = Buffer.from(value, 'base64');
  if (decoded.length === bytes) return decoded.toString('hex');
  return value;
}

function nanosToMs(value: Json | undefined): number | undefined {
  if (typeof value === 'number') return value / 1e6;
  if (typeof value === 'string' && /^\d+$/.test(value)) {
    // Nanoseconds since the epoch exceed 2^53; split to keep the sub-millisecond part exact enough.
    const ms = Number(value.slice(0, -6) || '0');
    const rest = Number(value.slice(-6)) / 1e6;
    return ms + rest;
  }
  return undefined;
}

function readOtlp(root: Json, where: string, emit: (span: Span) => void): void {
  const top = isObject(root) && isObject(root.trace) ? (root.trace as Obj) : root;
  if (!isObject(top)) fail(where, 'expected an OTLP/JSON object with resourceSpans');
  const resources = (top.resourceSpans ?? top.batches) as Json;
  if (!Array.isArray(resources)) fail(where, 'expected resourceSpans to be an array');
  resources.forEach((resource, r) => {
    if (!isObject(resource)) fail(where, `resourceSpans[${r}]: expected an object`);
    const resourceAttributes = new Map(
      otlpAttributes(isObject(resource.resource) ? resource.resource.attributes : undefined),
    );
    const service = String(resourceAttributes.get('service.name') ?? 'unknown');
    const scopes = (resource.scopeSpans ?? resource.instrumentationLibrarySpans ?? []) as Json;
    if (!Array.isArray(scopes)) fail(where, `resourceSpans[${r}].scopeSpans: expected an array`);
    scopes.forEach((scope, s) => {
      const spans = isObject(scope) ? scope.spans : undefined;
      if (!Array.isArray(spans)) fail(where, `resourceSpans[${r}].scopeSpans[${s}].spans: expected an array`);
      spans.forEach((span, i) => {
        const path = `resourceSpans[${r}].scopeSpans[${s}].spans[${i}]`;
        if (!isObject(span)) fail(where, `${path}: expected an object`);
        const traceId = otlpId(span.traceId, 16);
        const spanId = otlpId(span.spanId, 8);
        const start = nanosToMs(span.startTimeUnixNano);
        const end = nanosToMs(span.endTimeUnixNano);
        if (!traceId || !spanId || start === undefined || end === undefined) {
          fail(where, `${path}: expected traceId, spanId, startTimeUnixNano and endTimeUnixNano`);
        }
        const kind = OTLP_KINDS[String(span.kind ?? '0')] ?? 'unspecified';
        const attributes = keepAttributes(otlpAttributes(span.attributes));
        const status = isObject(span.status) ? span.status : {};
        const statusError = status.code === 2 || status.code === 'STATUS_CODE_ERROR';
        const exceptions = (Array.isArray(span.events) ? span.events : []).flatMap((e) => {
          if (!isObject(e) || e.name !== 'exception') return [];
          const a = new Map(otlpAttributes(e.attributes));
          return [
            maskedMessage(`${a.get('exception.type') ?? 'exception'}: ${a.get('exception.message') ?? ''}`),
          ];
        });
        const parent = otlpId(span.parentSpanId, 8);
        emit({
          traceId,
          spanId,
          ...(parent ? { parentSpanId: parent } : {}),
          service,
          name: String(span.name ?? ''),
          kind,
          start,
          duration: Math.max(0, end - start),
          error: isError(statusError, kind, attributes),
          ...(typeof status.message === 'string' && status.message
            ? { statusMessage: maskedMessage(status.message) }
            : {}),
          attributes,
          ...(exceptions.length ? { exceptions } : {}),
        });
      });
    });
  });
}

// ---- Jaeger ---------------------------------------------------------------------------------

function jaegerTags(tags: Json | undefined): Array<[string, string | number | boolean]> {
  if (!Array.isArray(tags)) return [];
  return tags.flatMap((t) => {
    if (!isObject(t) || typeof t.key !== 'string') return [];
    const v = t.value;
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
      ? [[t.key, v] as [string, string | number | boolean]]
      : [];
  });
}

function readJaeger(root: Json, where: string, emit: (span: Span) => void): void {
  const traces = isObject(root) ? root.data : undefined;
  if (!Array.isArray(traces)) fail(where, 'expected {"data": [traces]}');
  traces.forEach((trace, t) => {
    if (!isObject(trace) || !Array.isArray(trace.spans))
      fail(where, `data[${t}]: expected {"traceID", "spans": [...]}`);
    const processes = isObject(trace.processes) ? trace.processes : {};
    trace.spans.forEach((span, i) => {
      const path = `data[${t}].spans[${i}]`;
      if (
        !isObject(span) ||
        typeof span.spanID !== 'string' ||
        typeof span.startTime !== 'number' ||
        typeof span.duration !== 'number'
      ) {
        fail(where, `${path}: expected spanID, startTime and duration (microseconds)`);
      }
      const tags = new Map(jaegerTags(span.tags));
      const process = isObject(span.process)
        ? span.process
        : isObject(processes[String(span.processID)])
          ? (processes[String(span.processID)] as Obj)
          : {};
      const parentRef = (Array.isArray(span.references) ? span.references : []).find(
        (ref) => isObject(ref) && ref.refType === 'CHILD_OF' && typeof ref.spanID === 'string',
      ) as Obj | undefined;
      const kindTag = String(tags.get('span.kind') ?? '');
      const kind =
        (['server', 'client', 'producer', 'consumer', 'internal'] as const).find((k) => k === kindTag) ??
        'unspecified';
      const attributes = keepAttributes(tags);
      const statusError =
        tags.get('error') === true ||
        tags.get('error') === 'true' ||
        tags.get('otel.status_code') === 'ERROR';
      const exceptions = (Array.isArray(span.logs) ? span.logs : []).flatMap((log) => {
        if (!isObject(log)) return [];
        const fields = new Map(jaegerTags(log.fields));
        if (
          fields.get('event') !== 'error' &&
          fields.get('event') !== 'exception' &&
          !fields.has('exception.message')
        )
          return [];
        return [
          maskedMessage(
            `${fields.get('exception.type') ?? fields.get('error.kind') ?? 'error'}: ${fields.get('exception.message') ?? fields.get('message') ?? ''}`,
          ),
        ];
      });
      emit({
        traceId: String(span.traceID ?? trace.traceID ?? '').toLowerCase(),
        spanId: span.spanID.toLowerCase(),
        ...(parentRef ? { parentSpanId: String(parentRef.spanID).toLowerCase() } : {}),
        service: String(process.serviceName ?? 'unknown'),
        name: String(span.operationName ?? ''),
        kind,
        start: span.startTime / 1000,
        duration: span.duration / 1000,
        error: isError(statusError, kind, attributes),
        ...(typeof tags.get('otel.status_description') === 'string'
          ? { statusMessage: maskedMessage(String(tags.get('otel.status_description'))) }
          : {}),
        attributes,
        ...(exceptions.length ? { exceptions } : {}),
      });
    });
  });
}

// ---- Zipkin v2 ------------------------------------------------------------------------------

function readZipkin(root: Json, where: string, emit: (span: Span) => void): void {
  if (!Array.isArray(root)) fail(where, 'expected an array of spans');
  const spans = root.flatMap((item) => (Array.isArray(item) ? item : [item]));
  spans.forEach((span, i) => {
    if (
      !isObject(span) ||
      typeof span.traceId !== 'string' ||
      typeof span.id !== 'string' ||
      typeof span.timestamp !== 'number'
    ) {
      fail(where, `[${i}]: expected a Zipkin v2 span with traceId, id and timestamp (microseconds)`);
    }
    const tags = isObject(span.tags) ? span.tags : {};
    const entries = Object.entries(tags).flatMap(([k, v]) =>
      typeof v === 'string' ? [[k, v] as [string, string]] : [],
    );
    const attributes = keepAttributes(
      entries.map(
        ([k, v]) =>
          [k, k.endsWith('status_code') && /^\d+$/.test(v) ? Number(v) : v] as [string, string | number],
      ),
    );
    const kind =
      ({ SERVER: 'server', CLIENT: 'client', PRODUCER: 'producer', CONSUMER: 'consumer' } as const)[
        String(span.kind) as 'SERVER'
      ] ?? 'unspecified';
    const local = isObject(span.localEndpoint) ? span.localEndpoint : {};
    const remote = isObject(span.remoteEndpoint) ? span.remoteEndpoint : {};
    if (typeof remote.serviceName === 'string' && attributes['peer.service'] === undefined)
      attributes['peer.service'] = remote.serviceName;
    const errorTag = typeof tags.error === 'string' ? tags.error : undefined;
    emit({
      traceId: span.traceId.toLowerCase(),
      spanId: span.id.toLowerCase(),
      ...(typeof span.parentId === 'string' ? { parentSpanId: span.parentId.toLowerCase() } : {}),
      service: String(local.serviceName ?? 'unknown'),
      name: String(span.name ?? ''),
      kind,
      start: span.timestamp / 1000,
      duration: typeof span.duration === 'number' ? span.duration / 1000 : 0,
      error: isError(errorTag !== undefined, kind, attributes),
      ...(errorTag ? { statusMessage: maskedMessage(errorTag) } : {}),
      attributes,
    });
  });
}
