import type { ComparisonResult, EndpointComparison } from '../compare/result.js';
import { nearest } from '../core/nearest.js';
import { SEVERITY_NAMES } from '../core/vocabulary.js';
import type { Kpis } from '../diagnosis/load-test-summary.js';
import type { Finding } from '../diagnosis/result.js';
import {
  ABSOLUTE_METRICS,
  type AbsoluteLimit,
  type Comparator,
  type ConditionResult,
  type Policy,
  type PolicyEvaluation,
  REGRESSION_METRICS,
  type RegressionLimit,
  type SeverityLimit,
} from './model.js';

// Evaluates a policy against a load test's KPIs, a comparison with a baseline and the findings of a
// diagnosis. A condition whose input was not given (no baseline, no findings) is reported as not
// evaluated and cannot fail the run; a condition whose subject is missing (an endpoint not in the
// test, a KPI that could not be measured) fails, so a typo never turns a gate silently green.

export interface PolicyKpis {
  overall: Kpis;
  endpoints: ReadonlyArray<Kpis & { name: string }>;
}

export interface PolicyInput {
  kpis?: PolicyKpis;
  comparison?: ComparisonResult;
  findings?: readonly Finding[];
}

export function evaluatePolicy(policy: Policy, input: PolicyInput): PolicyEvaluation {
  const conditions = policy.conditions.map((condition): ConditionResult => {
    if (condition.kind === 'absolute') return absolute(condition, input.kpis);
    if (condition.kind === 'regression') return regression(condition, input.comparison);
    return severity(condition, input.findings);
  });
  return { passed: conditions.every((c) => c.passed), conditions };
}

function absolute(limit: AbsoluteLimit, kpis: PolicyKpis | undefined): ConditionResult {
  const { unit, field } = ABSOLUTE_METRICS[limit.metric];
  const base = {
    expression: limit.expression,
    kind: 'absolute' as const,
    scope: limit.scope ?? 'overall',
    limit: limit.value,
    unit,
  };
  if (!kpis) {
    return { ...base, observed: null, evaluated: false, passed: true, reason: 'no load-test KPIs to check' };
  }
  let subject: Kpis | undefined = kpis.overall;
  if (limit.scope !== null) {
    subject = kpis.endpoints.find((e) => e.name === limit.scope);
    if (!subject) {
      const names = kpis.endpoints.map((e) => e.name);
      const suggestion = nearest(limit.scope, names, 1)[0];
      return {
        ...base,
        observed: null,
        evaluated: true,
        passed: false,
        reason: `endpoint "${limit.scope}" is not in the load test${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
      };
    }
  }
  const observed = subject[field];
  if (observed === null || observed === undefined) {
    return {
      ...base,
      observed: null,
      evaluated: true,
      passed: false,
      reason: `${limit.metric} could not be measured (no requests, or no duration in a totals-only input)`,
    };
  }
  const passed = holds(observed, limit.comparator, limit.value);
  return {
    ...base,
    observed,
    evaluated: true,
    passed,
    reason: `${limit.metric} is ${formatValue(observed, unit)}; the limit is ${limit.comparator} ${formatValue(limit.value, unit)}`,
  };
}

function regression(limit: RegressionLimit, comparison: ComparisonResult | undefined): ConditionResult {
  const base = {
    expression: limit.expression,
    kind: 'regression' as const,
    scope: limit.scope ?? 'overall',
    limit: limit.value,
    unit: limit.unit,
  };
  if (!comparison) {
    return { ...base, observed: null, evaluated: false, passed: true, reason: 'no baseline to compare with' };
  }
  let endpoint: EndpointComparison | undefined = comparison.overall;
  if (limit.scope !== null) {
    endpoint = comparison.endpoints.find((e) => e.name === limit.scope);
    if (!endpoint) {
      const where = comparison.onlyInCurrent.some((e) => e.name === limit.scope)
        ? 'only in the current run'
        : comparison.onlyInBaseline.some((e) => e.name === limit.scope)
          ? 'only in the baseline'
          : 'in neither run';
      const suggestion = nearest(
        limit.scope,
        comparison.endpoints.map((e) => e.name),
        1,
      )[0];
      return {
        ...base,
        observed: null,
        evaluated: true,
        passed: false,
        reason: `endpoint "${limit.scope}" is ${where}${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
      };
    }
  }
  const metric = endpoint.metrics.find((m) => m.metric === REGRESSION_METRICS[limit.metric]);
  if (!metric || metric.absolute === null || metric.verdict === 'insufficient-data' || !metric.test) {
    return {
      ...base,
      observed: null,
      evaluated: false,
      passed: true,
      reason: `${limit.metric} could not be tested: ${metric?.reason ?? 'not compared'}`,
    };
  }
  const observed = limit.unit === 'relative' ? metric.relative : metric.absolute;
  const change = observed === null ? 'a rise from zero' : formatChange(observed, limit.unit);
  const limitText = `${limit.comparator} ${formatChange(limit.value, limit.unit)}`;
  if (metric.absolute <= 0) {
    return {
      ...base,
      observed,
      evaluated: true,
      passed: true,
      reason: `${limit.metric} did not get worse (${change})`,
    };
  }
  if (!metric.test.significant) {
    return {
      ...base,
      observed,
      evaluated: true,
      passed: true,
      reason: `${limit.metric} changed ${change}, not a significant regression (adjusted p = ${metric.test.adjustedPValue.toPrecision(2)}); the limit is ${limitText}`,
    };
  }
  // A rise from zero has no relative size: any significant one exceeds a relative limit.
  const passed = observed !== null && holds(observed, limit.comparator, limit.value);
  return {
    ...base,
    observed,
    evaluated: true,
    passed,
    reason: `${limit.metric} regressed significantly by ${change}; the limit is ${limitText}`,
  };
}

function severity(limit: SeverityLimit, findings: readonly Finding[] | undefined): ConditionResult {
  const base = {
    expression: limit.expression,
    kind: 'severity' as const,
    scope: 'overall',
    limit: 0,
    unit: 'findings',
  };
  if (!findings) {
    return { ...base, observed: null, evaluated: false, passed: true, reason: 'no findings to check' };
  }
  // SEVERITY_NAMES runs from the most severe down.
  const rank = (s: string) => SEVERITY_NAMES.indexOf(s as (typeof SEVERITY_NAMES)[number]);
  const matched = findings.filter((f) => f.status === 'matched' && rank(f.severity) <= rank(limit.severity));
  const names = matched.map((f) => `${f.title} (${f.severity})`);
  return {
    ...base,
    observed: matched.length,
    evaluated: true,
    passed: matched.length === 0,
    reason:
      matched.length === 0
        ? `no matched finding of severity ${limit.severity} or worse`
        : `${matched.length} matched finding${matched.length === 1 ? '' : 's'} of severity ${limit.severity} or worse: ${names.join('; ')}`,
  };
}

function holds(observed: number, comparator: Comparator, limit: number): boolean {
  switch (comparator) {
    case '<':
      return observed < limit;
    case '<=':
      return observed <= limit;
    case '>':
      return observed > limit;
    case '>=':
      return observed >= limit;
  }
}

function formatValue(value: number, unit: string): string {
  switch (unit) {
    case 'ms':
      return value >= 1000 ? `${trim(value / 1000)} s` : `${trim(value)} ms`;
    case 'fraction':
      return `${trim(value * 100)}%`;
    case 'per-second':
      return `${trim(value)}/s`;
    default:
      return trim(value);
  }
}

function formatChange(value: number, unit: 'relative' | 'ms' | 'pp'): string {
  const sign = value > 0 ? '+' : '';
  if (unit === 'relative') return `${sign}${trim(value * 100)}%`;
  if (unit === 'pp') return `${sign}${trim(value * 100)} pp`;
  return `${sign}${trim(value)} ms`;
}

function trim(value: number): string {
  return String(Number(value.toPrecision(4)));
}
