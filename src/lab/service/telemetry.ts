import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import client from 'prom-client';

// The lab service's telemetry, instrumented the way production Node services are: prom-client's
// default process and runtime metrics plus HTTP, pool, cache, queue and dependency metrics under the
// names Prometheus client libraries and exporters use; JSON-lines logs on stdout; and OpenTelemetry
// spans written as OTLP/JSON, one resourceSpans document per line.

export const registry = new client.Registry();
// Event-loop lag is sampled every 10 ms (prom-client's default resolution) so a blocked loop shows.
client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });

// Buckets up to 10 s: the slowest fault (a downstream timeout with retries) stays inside them.
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const metrics = {
  requests: new client.Counter({
    name: 'http_requests_total',
    help: 'HTTP requests served, by route and status code',
    labelNames: ['method', 'route', 'code'] as const,
    registers: [registry],
  }),
  duration: new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by route and status code',
    labelNames: ['method', 'route', 'code'] as const,
    buckets: BUCKETS,
    registers: [registry],
  }),
  // Pool metrics under the OpenTelemetry database-client conventions (db.client.connection.*).
  poolCount: new client.Gauge({
    name: 'db_client_connection_count',
    help: 'pg pool clients by state (used, idle)',
    labelNames: ['db_client_connection_state'] as const,
    registers: [registry],
  }),
  poolMax: new client.Gauge({
    name: 'db_client_connection_max',
    help: 'pg pool size',
    registers: [registry],
  }),
  poolPending: new client.Gauge({
    name: 'db_client_connection_pending_requests',
    help: 'requests waiting for a pg pool client',
    registers: [registry],
  }),
  poolTimeouts: new client.Counter({
    name: 'db_client_connection_timeouts_total',
    help: 'checkouts that timed out waiting for a pg pool client',
    registers: [registry],
  }),
  // The response body size under the OpenTelemetry name (http.server.response.body.size).
  responseSize: new client.Histogram({
    name: 'http_server_response_body_size_bytes',
    help: 'HTTP response body size in bytes, by route',
    labelNames: ['method', 'route'] as const,
    buckets: [256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304],
    registers: [registry],
  }),
  cache: new client.Counter({
    name: 'cache_requests_total',
    help: 'cache lookups by result (hit, miss)',
    labelNames: ['result'] as const,
    registers: [registry],
  }),
  queuePending: new client.Gauge({
    name: 'orders_consumer_pending_messages',
    help: 'order messages published and not yet processed by the consumer',
    registers: [registry],
  }),
  dependency: new client.Histogram({
    name: 'http_client_request_duration_seconds',
    help: 'calls to the payments dependency, by outcome',
    labelNames: ['peer', 'outcome'] as const,
    buckets: BUCKETS,
    registers: [registry],
  }),
  breakerOpen: new client.Gauge({
    name: 'circuit_breaker_open',
    help: '1 while the circuit breaker to the payments dependency is open',
    labelNames: ['peer'] as const,
    registers: [registry],
  }),
};

type Level = 'debug' | 'info' | 'warn' | 'error';

/** One JSON line on stdout, the shape pino and most structured loggers write. */
export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), level, service: 'lab-shop', msg, ...fields })}\n`,
  );
}

export interface SpanContext {
  traceId: string;
  spanId: string;
}

interface OpenSpan extends SpanContext {
  parentSpanId?: string;
  name: string;
  kind: 1 | 2 | 3 | 4 | 5;
  start: bigint;
  attributes: Record<string, string | number | boolean>;
}

const ended: object[] = [];
/** Spans of traces whose root has not ended yet. */
const pending = new Map<string, { spans: object[]; error: boolean }>();
/** Share of traces without errors that are kept (all traces with an error are). */
const SAMPLED_SHARE = 0.1;
let tracesFile = '';

function nowNanos(): bigint {
  return BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
}

function attribute(key: string, v: string | number | boolean) {
  if (typeof v === 'string') return { key, value: { stringValue: v } };
  if (typeof v === 'boolean') return { key, value: { boolValue: v } };
  return Number.isInteger(v) ? { key, value: { intValue: String(v) } } : { key, value: { doubleValue: v } };
}

export const tracer = {
  init(file: string): void {
    tracesFile = file;
    setInterval(() => tracer.flush(), 1000).unref();
  },
  start(
    name: string,
    kind: OpenSpan['kind'],
    parent: SpanContext | undefined,
    attributes: OpenSpan['attributes'] = {},
  ): OpenSpan {
    return {
      traceId: parent?.traceId ?? randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      ...(parent ? { parentSpanId: parent.spanId } : {}),
      name,
      kind,
      start: nowNanos(),
      attributes,
    };
  },
  end(span: OpenSpan, error?: string, extra: OpenSpan['attributes'] = {}): void {
    const trace = pending.get(span.traceId) ?? { spans: [], error: false };
    pending.set(span.traceId, trace);
    trace.error ||= error !== undefined;
    trace.spans.push({
      traceId: span.traceId,
      spanId: span.spanId,
      ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
      name: span.name,
      kind: span.kind,
      startTimeUnixNano: String(span.start),
      endTimeUnixNano: String(nowNanos()),
      attributes: Object.entries({ ...span.attributes, ...extra }).map(([k, v]) => attribute(k, v)),
      status: error ? { code: 2, message: error } : { code: 0 },
    });
    if (span.parentSpanId) return;
    // Tail sampling, as collectors do it: a trace is kept whole when it failed, else one in ten.
    pending.delete(span.traceId);
    if (trace.error || Math.random() < SAMPLED_SHARE) ended.push(...trace.spans);
  },
  /** Writes the spans ended since the last flush as one OTLP/JSON document line. */
  flush(): void {
    if (!tracesFile || ended.length === 0) return;
    const spans = ended.splice(0, ended.length);
    const doc = {
      resourceSpans: [
        {
          resource: { attributes: [attribute('service.name', 'lab-shop')] },
          scopeSpans: [{ scope: { name: 'faultline-lab' }, spans }],
        },
      ],
    };
    try {
      appendFileSync(tracesFile, `${JSON.stringify(doc)}\n`);
    } catch (error) {
      // Out of descriptors (the leak fault) the exporter drops the batch, as OTLP exporters do.
      log('error', 'trace export failed', { error: (error as Error).message, spans: spans.length });
    }
  },
};
