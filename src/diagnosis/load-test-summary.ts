import { z } from 'zod';
import { SourcePointerSchema } from '../core/source-pointer.js';
import { FAILURE_KIND_NAMES, LOAD_TEST_FORMAT_NAMES } from '../core/vocabulary.js';

// The load-test part of a diagnosis result: the KPIs and the time series a performance engineer
// reads next to the findings, and that the report renderers chart. It is computed in the signals
// stage from the bundle, so renderers stay pure functions of the result.

const ms = z.number().nonnegative().nullable().describe('Milliseconds; null when there were no requests');

export const KpisSchema = z.strictObject({
  requests: z.number().nonnegative(),
  failures: z.number().nonnegative(),
  errorRate: z.number().min(0).max(1),
  /** Requests per second over the measured duration; null for summary-only input without a duration. */
  throughput: z.number().nonnegative().nullable(),
  mean: ms,
  p50: ms,
  p90: ms,
  p95: ms,
  p99: ms,
  p999: ms,
  max: ms,
  /** Apdex for the configured T: (satisfied + tolerating / 2) / requests, failures count as frustrated. */
  apdex: z.number().min(0).max(1).nullable(),
  receivedBytes: z.number().nonnegative(),
  sentBytes: z.number().nonnegative(),
  maxConcurrency: z.number().nonnegative().nullable(),
  statuses: z.record(z.string(), z.number().nonnegative()),
  failureKinds: z.partialRecord(z.enum(FAILURE_KIND_NAMES), z.number().nonnegative()),
});
export type Kpis = z.infer<typeof KpisSchema>;

const series = z.array(z.number().nullable());

export const LoadTestSummarySchema = z
  .strictObject({
    formats: z.array(z.enum(LOAD_TEST_FORMAT_NAMES)),
    summaryOnly: z.boolean(),
    start: z.iso.datetime({ offset: true }).optional(),
    end: z.iso.datetime({ offset: true }).optional(),
    durationSeconds: z.number().nonnegative().nullable(),
    bucketSeconds: z.number().positive(),
    apdexThresholdMs: z.number().positive(),
    /** Warm-up/ramp and steady-state phases, when they could be told apart. */
    phases: z.array(
      z.strictObject({
        name: z.enum(['ramp-up', 'steady', 'ramp-down']),
        start: z.iso.datetime({ offset: true }),
        end: z.iso.datetime({ offset: true }),
      }),
    ),
    overall: KpisSchema,
    endpoints: z.array(KpisSchema.extend({ name: z.string() })).describe('Sorted by name'),
    /** One value per bucket; t in epoch ms. Latency quantiles over all endpoints. */
    series: z.strictObject({
      t: z.array(z.number()),
      users: series,
      throughput: series.describe('Requests per second'),
      errorsPerSecond: z.partialRecord(z.enum(FAILURE_KIND_NAMES), series),
      p50: series,
      p90: series,
      p95: series,
      p99: series,
      endpointP95: z.record(z.string(), series).describe('p95 per endpoint, for the busiest endpoints'),
    }),
    histograms: z
      .array(
        z.strictObject({
          endpoint: z.string(),
          bins: z.array(z.strictObject({ lower: z.number(), upper: z.number(), count: z.number() })),
        }),
      )
      .describe('Response-time histogram per endpoint, on logarithmic bins'),
    failures: z
      .array(
        z.strictObject({
          endpoint: z.string(),
          kind: z.enum(FAILURE_KIND_NAMES),
          status: z.string(),
          message: z.string().describe('With credentials masked'),
          count: z.number().nonnegative(),
          source: SourcePointerSchema.describe('The first failure of this kind: file and line'),
        }),
      )
      .describe('The most frequent failures by endpoint, status and message'),
    notes: z.array(z.string()).describe('Facts about the input: unreadable lines, unsorted rows, clock skew'),
  })
  .describe('KPIs and time series of the load test');
export type LoadTestSummary = z.infer<typeof LoadTestSummarySchema>;
