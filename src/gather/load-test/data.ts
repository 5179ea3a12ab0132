import { z } from 'zod';
import { FAILURE_KIND_NAMES, LOAD_TEST_FORMAT_NAMES } from '../../core/vocabulary.js';

// The bundle data of one load-test source: bounded statistics per endpoint and per time bucket,
// never raw samples. Buckets are 2^k seconds wide and aligned to the epoch, so sources with
// different widths merge exactly by coarsening the finer one.

export const SketchJsonSchema = z.strictObject({
  alpha: z.number().positive().lt(1),
  offset: z.int(),
  bins: z.array(z.number().nonnegative()),
  zero: z.number().nonnegative(),
  count: z.number().nonnegative(),
  sum: z.number(),
  min: z.number(),
  max: z.number(),
});

const counts = z.record(z.string(), z.number().nonnegative());

export const RequestStatsSchema = z.strictObject({
  count: z.number().nonnegative(),
  failures: z.number().nonnegative(),
  latency: SketchJsonSchema.describe('Response time of every request, ms'),
  statuses: counts.describe('Requests by response code'),
  failureKinds: z.partialRecord(z.enum(FAILURE_KIND_NAMES), z.number().nonnegative()),
  /** Sum of the response times of failed requests; with failureKinds it tells fast failures (open breaker) from slow ones (timeouts). */
  failedElapsedSum: z.number().nonnegative(),
  receivedBytes: z.number().nonnegative(),
  sentBytes: z.number().nonnegative(),
  /** Highest number of active users seen with these requests. */
  concurrency: z.number().nonnegative().optional(),
});
export type RequestStats = z.infer<typeof RequestStatsSchema>;

export const BucketSchema = RequestStatsSchema.extend({ t: z.number().describe('Bucket start, epoch ms') });
export type Bucket = z.infer<typeof BucketSchema>;

export const FailureGroupSchema = z.strictObject({
  kind: z.enum(FAILURE_KIND_NAMES),
  status: z.string(),
  message: z.string(),
  count: z.number().nonnegative(),
  firstLine: z.int().nonnegative(),
  firstTimestamp: z.number().optional(),
});
export type FailureGroup = z.infer<typeof FailureGroupSchema>;

export const EndpointDataSchema = z.strictObject({
  name: z.string(),
  total: RequestStatsSchema.extend({ failedLatency: SketchJsonSchema }),
  buckets: z.array(BucketSchema).describe('Non-empty buckets in time order'),
  first: z
    .array(z.strictObject({ timestamp: z.number(), elapsed: z.number(), line: z.int().nonnegative() }))
    .describe('The earliest requests in time order, for cold-start detection'),
  failures: z.array(FailureGroupSchema).describe('Most frequent failures, by status and message'),
  payload: z
    .strictObject({
      n: z.number(),
      sumX: z.number(),
      sumY: z.number(),
      sumXX: z.number(),
      sumYY: z.number(),
      sumXY: z.number(),
    })
    .describe('Sums for the correlation of log(received bytes) with log(response time)'),
});
export type EndpointData = z.infer<typeof EndpointDataSchema>;

export const LoadTestDataSchema = z.strictObject({
  format: z.enum(LOAD_TEST_FORMAT_NAMES),
  /** True when the source has totals only (no time series): time-based signals cannot be computed. */
  summaryOnly: z.boolean(),
  bucketMs: z.int().positive(),
  start: z.number().describe('First request start, epoch ms'),
  end: z.number().describe('Last request end, epoch ms'),
  endpoints: z.array(EndpointDataSchema),
  users: z.array(z.strictObject({ t: z.number(), active: z.number().nonnegative() })),
  problems: z.strictObject({
    count: z.int().nonnegative(),
    first: z.array(z.strictObject({ line: z.int().nonnegative(), message: z.string() })),
  }),
  notes: z.array(z.string()),
});
export type LoadTestData = z.infer<typeof LoadTestDataSchema>;

declare module '../../bundle/bundle.js' {
  interface EvidenceDataByKind {
    'load-test': LoadTestData;
  }
}
