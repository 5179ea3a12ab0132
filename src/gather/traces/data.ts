import { z } from 'zod';

// The bundle data of one trace source: spans in one shape whatever the format (OTLP JSON, Jaeger,
// Zipkin v2, Tempo), with the few attributes the trace signals read. Times are epoch ms with
// fractions (spans are often shorter than a millisecond). Attribute values that may hold secrets
// or personal data (db statements, URLs with query strings) are masked before they get here.

export const TRACES_FORMATS = {
  'otlp-json': 'OTLP/JSON (resourceSpans), files and the collector file exporter (one request per line)',
  'jaeger-json': 'Jaeger UI or API export ({ data: [ { traceID, spans, processes } ] })',
  'zipkin-json': 'Zipkin v2 JSON (an array of spans, or an array of traces)',
  tempo: 'Grafana Tempo: trace by id and TraceQL search',
} as const satisfies Record<string, string>;
export type TracesFormat = keyof typeof TRACES_FORMATS;
export const TRACES_FORMAT_NAMES = Object.keys(TRACES_FORMATS) as [TracesFormat, ...TracesFormat[]];

export const SPAN_KINDS = ['server', 'client', 'internal', 'producer', 'consumer', 'unspecified'] as const;

export const SpanSchema = z.strictObject({
  traceId: z.string().min(1),
  spanId: z.string().min(1),
  parentSpanId: z.string().optional(),
  service: z.string().describe('service.name of the resource or process; "unknown" when absent'),
  name: z.string().describe('Operation name'),
  kind: z.enum(SPAN_KINDS),
  start: z.number().describe('Start, epoch ms'),
  duration: z.number().nonnegative().describe('Duration, ms'),
  error: z.boolean().describe('Status error, or an HTTP 5xx on a server span / any 5xx on a client span'),
  statusMessage: z.string().optional(),
  attributes: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .describe(
      'Selected attributes: http.*, url.*, db.*, rpc.*, messaging.* (with message ids and Kafka offsets), peer/server address, retry count, faas.coldstart and faas.trigger, aws.s3.bucket and aws.s3.key',
    ),
  /** Exception events (type and message), masked. */
  exceptions: z.array(z.string()).optional(),
  /**
   * The rhythm of the messages a streaming call sent or received (gRPC "message" events), summed up
   * instead of kept one by one: enough to see a stream fall silent while it stays open.
   */
  messages: z
    .strictObject({
      count: z.int().positive(),
      /** Median time between consecutive messages, ms; 0 with a single message. */
      medianGap: z.number().nonnegative(),
      /** Longest silence, ms, counting from the span's start to the first message and from the last to its end. */
      longestGap: z.number().nonnegative(),
      /** When that silence began, epoch ms. */
      longestGapStart: z.number(),
    })
    .optional(),
});
export type Span = z.infer<typeof SpanSchema>;

export const TracesDataSchema = z.strictObject({
  format: z.enum(TRACES_FORMAT_NAMES),
  traces: z.int().nonnegative(),
  spans: z.array(SpanSchema),
  /** Spans beyond the configured cap, counted and not kept. */
  droppedSpans: z.int().nonnegative(),
  notes: z.array(z.string()),
});
export type TracesData = z.infer<typeof TracesDataSchema>;

declare module '../../bundle/bundle.js' {
  interface EvidenceDataByKind {
    traces: TracesData;
  }
}
