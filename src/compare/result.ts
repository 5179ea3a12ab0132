import { z } from 'zod';

// The result of `faultline compare`: a baseline and a current load test, endpoint by endpoint, with
// the statistical test behind each verdict. Its JSON form is published as
// schemas/comparison.v1.schema.json; renderers read only this object.

export const COMPARISON_SCHEMA_VERSION = '1.0.0';
export const COMPARISON_SCHEMA_ID = 'urn:faultline:schema:comparison:v1';

export const COMPARED_METRICS = ['requests', 'throughput', 'errorRate', 'p50', 'p90', 'p95', 'p99'] as const;
export type ComparedMetric = (typeof COMPARED_METRICS)[number];

export const METRIC_VERDICTS = {
  regression: 'Significant and practically relevant change for the worse',
  improvement: 'Significant and practically relevant change for the better',
  unchanged: 'No change that is both significant and practically relevant',
  'insufficient-data': 'Too few requests on one side to test this metric',
  'not-tested': 'Reported for information; no test applies (set by the load profile)',
} as const;
export type MetricVerdict = keyof typeof METRIC_VERDICTS;
const METRIC_VERDICT_NAMES = Object.keys(METRIC_VERDICTS) as [MetricVerdict, ...MetricVerdict[]];

const nullableNumber = z.number().nullable();

export const TestResultSchema = z
  .strictObject({
    method: z.enum(['brunner-munzel', 'order-statistic-ratio', 'two-proportion-z', 'fisher-exact']),
    statistic: nullableNumber,
    pValue: z.number().min(0).max(1),
    adjustedPValue: z.number().min(0).max(1).describe('After the multiple-testing correction'),
    significant: z.boolean().describe('adjustedPValue below alpha'),
    effectiveRequests: z
      .strictObject({ baseline: z.number(), current: z.number() })
      .describe('Requests divided by the design effect of clustering in time'),
    interval: z
      .strictObject({ low: z.number(), high: z.number(), level: z.number() })
      .optional()
      .describe('Confidence interval of the ratio current/baseline (quantiles), unadjusted'),
  })
  .describe('The statistical test behind a verdict');
export type TestResult = z.infer<typeof TestResultSchema>;

export const MetricComparisonSchema = z
  .strictObject({
    metric: z.enum(COMPARED_METRICS),
    unit: z.enum(['count', 'per-second', 'fraction', 'ms']),
    baseline: nullableNumber,
    current: nullableNumber,
    absolute: nullableNumber.describe('current - baseline'),
    relative: nullableNumber.describe('(current - baseline) / baseline; null when baseline is 0'),
    test: TestResultSchema.optional(),
    verdict: z.enum(METRIC_VERDICT_NAMES),
    reason: z.string(),
  })
  .describe('One metric on both sides');
export type MetricComparison = z.infer<typeof MetricComparisonSchema>;

export const DistributionComparisonSchema = z
  .strictObject({
    superiority: z
      .number()
      .min(0)
      .max(1)
      .describe('P(current request slower than baseline request) + ties/2'),
    cliffsDelta: z.number().min(-1).max(1),
    test: TestResultSchema,
    designEffect: z.strictObject({ baseline: z.number(), current: z.number() }),
    verdict: z.enum(METRIC_VERDICT_NAMES),
    reason: z.string(),
  })
  .describe('Rank comparison of the whole latency distributions');
export type DistributionComparison = z.infer<typeof DistributionComparisonSchema>;

export const EndpointComparisonSchema = z.strictObject({
  name: z.string(),
  verdict: z.enum(METRIC_VERDICT_NAMES).describe('Worst of the metric verdicts'),
  metrics: z.array(MetricComparisonSchema),
  distribution: DistributionComparisonSchema.optional(),
});
export type EndpointComparison = z.infer<typeof EndpointComparisonSchema>;

const SideSchema = z.strictObject({
  files: z.int().nonnegative(),
  requests: z.number().nonnegative(),
  endpoints: z.int().nonnegative(),
  start: z.iso.datetime({ offset: true }).optional(),
  end: z.iso.datetime({ offset: true }).optional(),
  durationSeconds: nullableNumber,
  summaryOnly: z.boolean(),
});

export const ComparisonOptionsSchema = z.strictObject({
  alpha: z.number().gt(0).lt(1),
  correction: z.enum(['holm', 'bonferroni']),
  minRelativeChange: z.number().nonnegative(),
  minLatencyChangeMs: z.number().nonnegative(),
  minErrorRateChange: z.number().nonnegative(),
  minCliffsDelta: z.number().min(0).max(1),
  minRequests: z.number().nonnegative(),
  minTailRequests: z.number().nonnegative(),
});
export type ComparisonOptions = z.infer<typeof ComparisonOptionsSchema>;

export const ComparisonResultSchema = z
  .strictObject({
    schemaVersion: z.literal(COMPARISON_SCHEMA_VERSION),
    verdict: z.enum(['regression', 'improvement', 'unchanged', 'inconclusive']),
    options: ComparisonOptionsSchema,
    baseline: SideSchema,
    current: SideSchema,
    overall: EndpointComparisonSchema.describe(
      'All requests of each side, endpoints only on one side included',
    ),
    endpoints: z.array(EndpointComparisonSchema).describe('Endpoints on both sides, by name'),
    onlyInBaseline: z.array(z.strictObject({ name: z.string(), requests: z.number() })),
    onlyInCurrent: z.array(z.strictObject({ name: z.string(), requests: z.number() })),
    summary: z.strictObject({
      regressions: z.int().nonnegative(),
      improvements: z.int().nonnegative(),
      tests: z.int().nonnegative().describe('Tests in the multiple-testing family'),
    }),
    notes: z.array(z.string()),
  })
  .meta({ title: 'Faultline load-test comparison' });
export type ComparisonResult = z.infer<typeof ComparisonResultSchema>;
