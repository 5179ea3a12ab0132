import { z } from 'zod';
import type { Severity } from '../core/vocabulary.js';

// A policy is a list of conditions a load test must meet for CI to pass: absolute limits on its
// KPIs, limits on significant regressions against a baseline, and a severity of matched findings
// that fails the run. Values are held in canonical units: ms, fractions, requests per second.

export type Comparator = '<' | '<=' | '>' | '>=';

/** Metrics an absolute limit can name, with the KPI field each reads. */
export const ABSOLUTE_METRICS = {
  p50: { field: 'p50', unit: 'ms' },
  p90: { field: 'p90', unit: 'ms' },
  p95: { field: 'p95', unit: 'ms' },
  p99: { field: 'p99', unit: 'ms' },
  p999: { field: 'p999', unit: 'ms' },
  mean: { field: 'mean', unit: 'ms' },
  max: { field: 'max', unit: 'ms' },
  error_rate: { field: 'errorRate', unit: 'fraction' },
  throughput: { field: 'throughput', unit: 'per-second' },
  apdex: { field: 'apdex', unit: 'score' },
  requests: { field: 'requests', unit: 'count' },
  failures: { field: 'failures', unit: 'count' },
} as const;
export type AbsoluteMetric = keyof typeof ABSOLUTE_METRICS;
export type PolicyUnit = (typeof ABSOLUTE_METRICS)[AbsoluteMetric]['unit'];

/** Metrics a regression limit can name: those the comparison tests for significance. */
export const REGRESSION_METRICS = {
  p50: 'p50',
  p90: 'p90',
  p95: 'p95',
  p99: 'p99',
  error_rate: 'errorRate',
} as const;
export type RegressionMetric = keyof typeof REGRESSION_METRICS;

export interface AbsoluteLimit {
  kind: 'absolute';
  expression: string;
  /** Endpoint name, or null for the whole test. */
  scope: string | null;
  metric: AbsoluteMetric;
  comparator: Comparator;
  value: number;
}

export interface RegressionLimit {
  kind: 'regression';
  expression: string;
  scope: string | null;
  metric: RegressionMetric;
  comparator: '<' | '<=';
  value: number;
  /** relative: a fraction of the baseline; ms: milliseconds; pp: a difference of fractions. */
  unit: 'relative' | 'ms' | 'pp';
}

export interface SeverityLimit {
  kind: 'severity';
  expression: string;
  severity: Severity;
}

export type PolicyCondition = AbsoluteLimit | RegressionLimit | SeverityLimit;

export interface Policy {
  conditions: PolicyCondition[];
}

export const ConditionResultSchema = z.strictObject({
  expression: z.string(),
  kind: z.enum(['absolute', 'regression', 'severity']),
  scope: z.string().describe('"overall" or the endpoint name'),
  observed: z.number().nullable().describe('In the unit of the limit; null when it could not be measured'),
  limit: z.number(),
  unit: z.string(),
  /** False when the input the condition needs was not given (no baseline, no findings): it cannot fail the run. */
  evaluated: z.boolean(),
  passed: z.boolean(),
  reason: z.string(),
});
export type ConditionResult = z.infer<typeof ConditionResultSchema>;

export const PolicyEvaluationSchema = z
  .strictObject({
    passed: z.boolean(),
    conditions: z.array(ConditionResultSchema),
  })
  .describe('Outcome of the policy gate: passed is false when any evaluated condition failed');
export type PolicyEvaluation = z.infer<typeof PolicyEvaluationSchema>;
