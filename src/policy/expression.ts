import { nearest } from '../core/nearest.js';
import { InputError } from '../core/problem.js';
import { SEVERITY_NAMES, type Severity } from '../core/vocabulary.js';
import {
  ABSOLUTE_METRICS,
  type AbsoluteMetric,
  type Comparator,
  type PolicyCondition,
  REGRESSION_METRICS,
  type RegressionMetric,
  type SeverityLimit,
} from './model.js';

// Reads one limit expression: `[endpoint:] metric [regression] comparator value[unit]`, e.g.
// `p95 < 500ms`, `GET /api/users: p99 <= 1.2s`, `error_rate < 1%`, `throughput >= 100/s`,
// `p95 regression <= 10%`, `error_rate regression <= 0.5pp`. Endpoint names may themselves hold
// colons (`GET http://host:8080/x`), so the scope ends at the last colon before the metric.

export const EXPRESSION_FORM = '[endpoint:] metric [regression] <|<=|>|>= value, e.g. "p95 < 500ms"';

/** Common spellings from other tools (k6 `p(95)`, `avg`), mapped to Faultline's metric names. */
const ALIASES: Record<string, AbsoluteMetric> = {
  avg: 'mean',
  average: 'mean',
  median: 'p50',
  med: 'p50',
  'error-rate': 'error_rate',
  errorrate: 'error_rate',
  error_ratio: 'error_rate',
  rps: 'throughput',
};

export type ExpressionOutcome = { ok: true; condition: PolicyCondition } | { ok: false; message: string };

/** Parses one expression; `scope` (from a policy file's endpoint section) applies when the text has none. */
export function parseExpression(text: string, scope: string | null = null): ExpressionOutcome {
  const expression = text.trim();
  const fail = (message: string): ExpressionOutcome => ({ ok: false, message });
  if (expression === '') return fail(`empty limit; expected ${EXPRESSION_FORM}`);
  const match = /^(.*?)(<=|>=|==|!=|=<|=>|<|>|=)\s*([^<>=!]*)$/.exec(expression);
  if (!match) {
    return fail(`no comparison in "${expression}"; expected ${EXPRESSION_FORM}`);
  }
  const [, left = '', operator = '', rawValue = ''] = match;
  if (!['<', '<=', '>', '>='].includes(operator)) {
    return fail(`comparator "${operator}" in "${expression}" is not supported; use one of <, <=, >, >=`);
  }
  const comparator = operator as Comparator;
  const value = rawValue.trim();
  if (value === '')
    return fail(`no value after "${operator}" in "${expression}"; expected ${EXPRESSION_FORM}`);

  const scoped = /^(.*\S)\s*:\s*(\S[^:]*)$/.exec(left.trim());
  const subject = (scoped ? (scoped[2] ?? '') : left).trim();
  const endpoint = scoped ? (scoped[1] ?? '').trim() : scope;
  const words = subject.split(/\s+/).filter(Boolean);
  const regression = words.length === 2 && words[1]?.toLowerCase() === 'regression';
  if (words.length === 0)
    return fail(`no metric before "${operator}" in "${expression}"; expected ${EXPRESSION_FORM}`);
  if (words.length > 2 || (words.length === 2 && !regression)) {
    return fail(
      `cannot read "${subject}" in "${expression}" as a metric; expected a metric name, optionally followed by "regression", e.g. "p95 regression <= 10%"`,
    );
  }
  const metric = metricName(words[0] ?? '');
  if (regression) {
    if (!(metric in REGRESSION_METRICS)) {
      return fail(
        unknownMetric(words[0] ?? '', expression, Object.keys(REGRESSION_METRICS), 'regression metric'),
      );
    }
    if (comparator !== '<' && comparator !== '<=') {
      return fail(`a regression limit is an upper bound; use < or <= in "${expression}"`);
    }
    return regressionLimit(expression, endpoint, metric as RegressionMetric, comparator, value);
  }
  if (!(metric in ABSOLUTE_METRICS)) {
    return fail(unknownMetric(words[0] ?? '', expression, Object.keys(ABSOLUTE_METRICS), 'metric'));
  }
  const absolute = metric as AbsoluteMetric;
  const parsed = parseValue(absolute, value);
  if (typeof parsed === 'string') return fail(`${parsed} in "${expression}"`);
  return {
    ok: true,
    condition: {
      kind: 'absolute',
      expression,
      scope: endpoint ?? null,
      metric: absolute,
      comparator,
      value: parsed,
    },
  };
}

/** Parses one expression or throws an InputError naming it (for CLI flags such as --fail-on). */
export function parseLimitExpression(text: string, source = '--fail-on'): PolicyCondition {
  const outcome = parseExpression(text);
  if (!outcome.ok) {
    throw new InputError(`${source}: ${outcome.message}`, [{ file: source, message: outcome.message }]);
  }
  return outcome.condition;
}

/** The condition of `fail_on_severity` / `--fail-on-severity`. */
export function parseSeverity(text: string): SeverityLimit | string {
  const severity = text.trim().toLowerCase();
  if ((SEVERITY_NAMES as readonly string[]).includes(severity)) {
    return { kind: 'severity', expression: `fail_on_severity: ${severity}`, severity: severity as Severity };
  }
  const suggestion = nearest(severity, SEVERITY_NAMES, 1)[0];
  return `unknown severity "${text}"; expected one of ${SEVERITY_NAMES.join(', ')}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
}

function metricName(word: string): string {
  const lower = word.toLowerCase();
  // k6 writes percentiles as p(95) and p(99.9).
  const k6 = /^p\((\d+(?:\.\d+)?)\)$/.exec(lower);
  if (k6) return `p${(k6[1] ?? '').replace('.', '')}`;
  return ALIASES[lower] ?? lower;
}

function unknownMetric(word: string, expression: string, known: string[], what: string): string {
  const suggestion = nearest(word, known, 1)[0];
  return `unknown ${what} "${word}" in "${expression}"${suggestion ? `; did you mean "${suggestion}"?` : ''} Known: ${known.join(', ')}`;
}

const NUMBER = String.raw`([0-9]+(?:\.[0-9]+)?|\.[0-9]+)`;

function parseValue(metric: AbsoluteMetric, text: string): number | string {
  const unit = ABSOLUTE_METRICS[metric].unit;
  const compact = text.replace(/\s+/g, '').toLowerCase();
  if (unit === 'ms') {
    const ms = duration(compact);
    return ms ?? `expected a duration such as 500ms or 1.2s for ${metric}, got "${text}"`;
  }
  if (unit === 'fraction') {
    const percent = new RegExp(`^${NUMBER}%$`).exec(compact);
    if (percent) return inRange(Number(percent[1]) / 100, 0, 1, text, 'a percentage between 0% and 100%');
    const fraction = new RegExp(`^${NUMBER}$`).exec(compact);
    if (fraction && Number(fraction[1]) <= 1) return Number(fraction[1]);
    return `expected a percentage such as 1% (or a fraction such as 0.01) for ${metric}, got "${text}"`;
  }
  if (unit === 'per-second') {
    const rate = new RegExp(`^${NUMBER}(/s|/sec|rps|/m|/min)?$`).exec(compact);
    if (!rate) return `expected a rate such as 100/s or 6000/min for ${metric}, got "${text}"`;
    const perMinute = rate[2] === '/m' || rate[2] === '/min';
    return Number(rate[1]) / (perMinute ? 60 : 1);
  }
  if (unit === 'score') {
    const score = new RegExp(`^${NUMBER}$`).exec(compact);
    if (score) return inRange(Number(score[1]), 0, 1, text, 'a score between 0 and 1 such as 0.9');
    return `expected a score between 0 and 1 such as 0.9 for ${metric}, got "${text}"`;
  }
  const count = new RegExp(`^${NUMBER}$`).exec(compact);
  return count ? Number(count[1]) : `expected a number of requests for ${metric}, got "${text}"`;
}

function regressionLimit(
  expression: string,
  scope: string | null,
  metric: RegressionMetric,
  comparator: '<' | '<=',
  text: string,
): ExpressionOutcome {
  const compact = text.replace(/\s+/g, '').toLowerCase();
  const base = { kind: 'regression' as const, expression, scope, metric, comparator };
  if (metric === 'error_rate') {
    const pp = new RegExp(`^${NUMBER}pp$`).exec(compact);
    if (pp) return { ok: true, condition: { ...base, value: Number(pp[1]) / 100, unit: 'pp' } };
    return {
      ok: false,
      message: `expected percentage points such as 0.5pp for an error-rate regression, got "${text}" in "${expression}" (a % of an error rate is ambiguous)`,
    };
  }
  const percent = new RegExp(`^${NUMBER}%$`).exec(compact);
  if (percent) return { ok: true, condition: { ...base, value: Number(percent[1]) / 100, unit: 'relative' } };
  const ms = duration(compact);
  if (ms !== undefined && /[a-z]$/.test(compact))
    return { ok: true, condition: { ...base, value: ms, unit: 'ms' } };
  return {
    ok: false,
    message: `expected a relative change such as 10% or a duration such as 50ms for a ${metric} regression, got "${text}" in "${expression}"`,
  };
}

/** Milliseconds from "500ms", "1.2s", "250us", "2m" or a bare number (ms, as k6 thresholds write it). */
function duration(compact: string): number | undefined {
  const match = new RegExp(`^${NUMBER}(ms|s|us|µs|m|min)?$`).exec(compact);
  if (!match) return undefined;
  const value = Number(match[1]);
  switch (match[2]) {
    case 's':
      return value * 1000;
    case 'us':
    case 'µs':
      return value / 1000;
    case 'm':
    case 'min':
      return value * 60_000;
    default:
      return value;
  }
}

function inRange(value: number, low: number, high: number, text: string, expected: string): number | string {
  return value >= low && value <= high ? value : `expected ${expected}, got "${text}"`;
}
