import { InputError } from '../core/problem.js';
import type { LoadTestData } from '../gather/load-test/data.js';
import {
  bonferroniAdjust,
  type Grouped,
  groupedRankTest,
  holmAdjust,
  logQuantileStandardError,
  normalQuantile,
  normalTwoSided,
  type RankTestResult,
  rateTest,
} from '../stats/compare-tests.js';
import { DDSketch } from '../stats/ddsketch.js';
import { type MergedEndpoint, type MergedSide, mergeSide } from './merge.js';
import {
  COMPARISON_SCHEMA_VERSION,
  type ComparisonOptions,
  type ComparisonResult,
  type DistributionComparison,
  type EndpointComparison,
  type MetricComparison,
  type MetricVerdict,
  type TestResult,
} from './result.js';

// Compares a baseline load test with a current one. A metric gets a verdict of regression or
// improvement only when its change is BOTH statistically significant (after a correction for
// testing many endpoints and metrics at once) AND large enough to matter; anything else is
// "unchanged". Noise between two runs of the same system must never produce a verdict.

export const DEFAULT_COMPARISON_OPTIONS: ComparisonOptions = {
  /** 1% false alarms per family of tests: a CI gate that fails one build in a hundred on noise is tolerated, one in twenty is not. */
  alpha: 0.01,
  /** Holm controls the family-wise error like Bonferroni and never rejects less. */
  correction: 'holm',
  /** Run-to-run variation of the same build on shared infrastructure is typically a few percent; 10% is beyond it. */
  minRelativeChange: 0.1,
  /** Below 5 ms a change is within timer, GC and network jitter and no user notices it. */
  minLatencyChangeMs: 5,
  /** Half a percentage point of failed requests: one request in 200, what an SLO of 99.5% allows in total. */
  minErrorRateChange: 0.005,
  /** Cliff's delta of 0.147 is the conventional boundary of a "small" effect (Romano et al., 2006). */
  minCliffsDelta: 0.147,
  /** Asymptotic rank and proportion tests need a few dozen requests per side to hold. */
  minRequests: 30,
  /** A quantile is estimable only with a few requests above it: p99 needs 500 requests, p95 100. */
  minTailRequests: 5,
};

export interface CompareInput extends Partial<ComparisonOptions> {
  baseline: readonly LoadTestData[];
  current: readonly LoadTestData[];
}

const QUANTILES = [
  ['p50', 0.5],
  ['p90', 0.9],
  ['p95', 0.95],
  ['p99', 0.99],
] as const;

/** A test whose p-value waits for the multiple-testing correction of the whole family. */
interface PendingTest {
  pValue: number;
  finish(adjusted: number, significant: boolean): void;
}

export function compareLoadTests(input: CompareInput): ComparisonResult {
  const { baseline: baselineFiles, current: currentFiles, ...overrides } = input;
  if (baselineFiles.length === 0) throw new InputError('compare needs at least one baseline load-test file');
  if (currentFiles.length === 0) throw new InputError('compare needs at least one current load-test file');
  const options = resolveOptions(overrides);
  const baseline = mergeSide(baselineFiles);
  const current = mergeSide(currentFiles);
  const family: PendingTest[] = [];
  const context: Context = { options, baseline, current, family };

  const overall = compareEndpoint(context, baseline.overall, current.overall);
  const endpoints: EndpointComparison[] = [];
  for (const [name, b] of baseline.endpoints) {
    const c = current.endpoints.get(name);
    if (c) endpoints.push(compareEndpoint(context, b, c));
  }
  const adjust = options.correction === 'holm' ? holmAdjust : bonferroniAdjust;
  const adjusted = adjust(family.map((t) => t.pValue));
  family.forEach((test, i) => {
    const p = adjusted[i] ?? 1;
    test.finish(p, p < options.alpha);
  });
  for (const comparison of [overall, ...endpoints]) comparison.verdict = worstVerdict(comparison);

  const all = [overall, ...endpoints];
  const verdicts = all.flatMap((e) => [
    ...e.metrics.map((m) => m.verdict),
    ...(e.distribution ? [e.distribution.verdict] : []),
  ]);
  const regressions = verdicts.filter((v) => v === 'regression').length;
  const improvements = verdicts.filter((v) => v === 'improvement').length;
  return {
    schemaVersion: COMPARISON_SCHEMA_VERSION,
    verdict:
      regressions > 0
        ? 'regression'
        : improvements > 0
          ? 'improvement'
          : verdicts.includes('unchanged')
            ? 'unchanged'
            : 'inconclusive',
    options,
    baseline: describeSide(baseline),
    current: describeSide(current),
    overall,
    endpoints,
    onlyInBaseline: onlyIn(baseline, current),
    onlyInCurrent: onlyIn(current, baseline),
    summary: { regressions, improvements, tests: family.length },
    notes: notes(context, all),
  };
}

export function resolveOptions(overrides: Partial<ComparisonOptions>): ComparisonOptions {
  const options = { ...DEFAULT_COMPARISON_OPTIONS };
  for (const [key, value] of Object.entries(overrides) as Array<[keyof ComparisonOptions, unknown]>) {
    if (value !== undefined) (options as Record<string, unknown>)[key] = value;
  }
  if (!(options.alpha > 0 && options.alpha < 1)) {
    throw new InputError(`alpha must be between 0 and 1 (exclusive), got ${options.alpha}`);
  }
  for (const key of [
    'minRelativeChange',
    'minLatencyChangeMs',
    'minErrorRateChange',
    'minCliffsDelta',
    'minRequests',
    'minTailRequests',
  ] as const) {
    if (!(options[key] >= 0))
      throw new InputError(`${key} must be a non-negative number, got ${options[key]}`);
  }
  return options;
}

interface Context {
  options: ComparisonOptions;
  baseline: MergedSide;
  current: MergedSide;
  family: PendingTest[];
}

function compareEndpoint(context: Context, b: MergedEndpoint, c: MergedEndpoint): EndpointComparison {
  const { options } = context;
  const enough = b.count >= options.minRequests && c.count >= options.minRequests;
  const tooFew = `fewer than ${options.minRequests} requests on one side (baseline ${fmtCount(b.count)}, current ${fmtCount(c.count)})`;
  const metrics: MetricComparison[] = [
    informational('requests', 'count', b.count, c.count),
    informational(
      'throughput',
      'per-second',
      rate(b.count, context.baseline),
      rate(c.count, context.current),
    ),
    errorRate(context, b, c, enough ? undefined : tooFew),
  ];
  let rank: RankTestResult | undefined;
  let distribution: DistributionComparison | undefined;
  if (enough) {
    rank = groupedRankTest(grouped(b.latency), grouped(c.latency), {
      baseline: [...b.buckets.values()].map((s) => grouped(s.latency)),
      current: [...c.buckets.values()].map((s) => grouped(s.latency)),
    });
    distribution = compareDistribution(context, b, c, rank);
  }
  for (const [metric, q] of QUANTILES) metrics.push(quantile(context, metric, q, b, c, rank, tooFew));
  return {
    name: b.name,
    verdict: 'unchanged',
    metrics,
    ...(distribution ? { distribution } : {}),
  };
}

function compareDistribution(
  context: Context,
  b: MergedEndpoint,
  c: MergedEndpoint,
  rank: RankTestResult,
): DistributionComparison {
  const { options } = context;
  const medianChange = c.latency.quantile(0.5) - b.latency.quantile(0.5);
  const result: DistributionComparison = {
    superiority: clamp01(rank.superiority),
    cliffsDelta: Math.max(-1, Math.min(1, rank.cliffsDelta)),
    test: {
      method: 'brunner-munzel',
      statistic: finiteOrNull(rank.statistic),
      pValue: rank.pValue,
      adjustedPValue: rank.pValue,
      significant: false,
      effectiveRequests: {
        baseline: b.count / rank.designEffect.baseline,
        current: c.count / rank.designEffect.current,
      },
    },
    designEffect: rank.designEffect,
    verdict: 'unchanged',
    reason: '',
  };
  context.family.push({
    pValue: rank.pValue,
    finish(adjusted, significant) {
      result.test.adjustedPValue = adjusted;
      result.test.significant = significant;
      const relevant =
        Math.abs(rank.cliffsDelta) >= options.minCliffsDelta &&
        Math.abs(medianChange) >= options.minLatencyChangeMs;
      const direction = rank.cliffsDelta > 0 ? 'slower' : 'faster';
      const chance = `a current request is slower than a baseline one with probability ${pct(rank.superiority)}`;
      if (!significant) {
        result.reason = `not significant (adjusted p = ${fmtP(adjusted)}); ${chance}`;
      } else if (!relevant) {
        result.reason = `significant but small: Cliff's delta ${rank.cliffsDelta.toFixed(3)} (threshold ${options.minCliffsDelta}), median ${signedMs(medianChange)}`;
      } else {
        result.verdict = rank.cliffsDelta > 0 ? 'regression' : 'improvement';
        result.reason = `requests are ${direction}: ${chance}, Cliff's delta ${rank.cliffsDelta.toFixed(3)}, median ${signedMs(medianChange)} (adjusted p = ${fmtP(adjusted)})`;
      }
    },
  });
  return result;
}

function quantile(
  context: Context,
  metric: 'p50' | 'p90' | 'p95' | 'p99',
  q: number,
  b: MergedEndpoint,
  c: MergedEndpoint,
  rank: RankTestResult | undefined,
  tooFew: string,
): MetricComparison {
  const { options } = context;
  const base = b.count > 0 ? b.latency.quantile(q) : null;
  const cur = c.count > 0 ? c.latency.quantile(q) : null;
  const comparison = measured(metric, 'ms', base, cur);
  if (!rank || base === null || cur === null)
    return { ...comparison, verdict: 'insufficient-data', reason: tooFew };
  const needed = Math.ceil(options.minTailRequests / (1 - q));
  if (b.count < needed || c.count < needed) {
    return {
      ...comparison,
      verdict: 'insufficient-data',
      reason: `${metric} needs at least ${needed} requests per side so that ${options.minTailRequests} lie above it`,
    };
  }
  // One bin of the sketch is the resolution of both quantiles: differences within it are not evidence.
  const binWidth = Math.log(gammaOf(b.latency));
  const floor = binWidth / Math.sqrt(12);
  const baseQuantile = interpolatedQuantile(b.latency);
  const curQuantile = interpolatedQuantile(c.latency);
  // Under "no change" both sides share one distribution, so its density at q (what turns rank
  // uncertainty into value uncertainty) is read from both sides pooled, like the pooled variance of
  // a two-proportion test. A side's own sparse tail would often understate it.
  const pooled = b.latency.toJSON();
  const pooledSketch = DDSketch.fromJSON(pooled);
  pooledSketch.merge(c.latency);
  const pooledQuantile = interpolatedQuantile(pooledSketch);
  const seB = logQuantileStandardError(pooledQuantile, q, b.count / rank.designEffect.baseline, floor);
  const seC = logQuantileStandardError(pooledQuantile, q, c.count / rank.designEffect.current, floor);
  const se = Math.sqrt(seB * seB + seC * seC);
  const logRatio = Math.log(Math.max(curQuantile(q), 1e-3)) - Math.log(Math.max(baseQuantile(q), 1e-3));
  const z = Math.max(0, Math.abs(logRatio) - binWidth) / se;
  const pValue = normalTwoSided(z);
  const zAlpha = normalQuantile(1 - options.alpha / 2);
  const test: TestResult = {
    method: 'order-statistic-ratio',
    statistic: finiteOrNull(Math.sign(logRatio) * z),
    pValue,
    adjustedPValue: pValue,
    significant: false,
    effectiveRequests: {
      baseline: b.count / rank.designEffect.baseline,
      current: c.count / rank.designEffect.current,
    },
    interval: {
      low: Math.exp(logRatio - zAlpha * se - binWidth),
      high: Math.exp(logRatio + zAlpha * se + binWidth),
      level: 1 - options.alpha,
    },
  };
  const result: MetricComparison = { ...comparison, test, verdict: 'unchanged', reason: '' };
  context.family.push({
    pValue,
    finish(adjusted, significant) {
      test.adjustedPValue = adjusted;
      test.significant = significant;
      const absolute = cur - base;
      const relative = base > 0 ? absolute / base : Number.POSITIVE_INFINITY;
      const relevant =
        Math.abs(relative) >= options.minRelativeChange && Math.abs(absolute) >= options.minLatencyChangeMs;
      const change = `${metric} ${absolute >= 0 ? 'rose' : 'fell'} ${fmtRelative(relative)} (${signedMs(absolute)})`;
      if (!significant) result.reason = `${change}, not significant (adjusted p = ${fmtP(adjusted)})`;
      else if (!relevant) {
        result.reason = `${change}, significant but below ${pct(options.minRelativeChange)} and ${options.minLatencyChangeMs} ms`;
      } else {
        result.verdict = absolute > 0 ? 'regression' : 'improvement';
        result.reason = `${change}, ratio ${fmtRatio(test.interval)} (adjusted p = ${fmtP(adjusted)})`;
      }
    },
  });
  return result;
}

function errorRate(
  context: Context,
  b: MergedEndpoint,
  c: MergedEndpoint,
  tooFew: string | undefined,
): MetricComparison {
  const { options } = context;
  const base = b.count > 0 ? b.failures / b.count : null;
  const cur = c.count > 0 ? c.failures / c.count : null;
  const comparison = measured('errorRate', 'fraction', base, cur);
  if (tooFew || base === null || cur === null) {
    return { ...comparison, verdict: 'insufficient-data', reason: tooFew ?? 'no requests' };
  }
  const outcome = rateTest(b, c, {
    baseline: [...b.buckets.values()],
    current: [...c.buckets.values()],
  });
  const test: TestResult = {
    method: outcome.method,
    statistic: outcome.statistic === null ? null : finiteOrNull(outcome.statistic),
    pValue: outcome.pValue,
    adjustedPValue: outcome.pValue,
    significant: false,
    effectiveRequests: {
      baseline: b.count / outcome.designEffect.baseline,
      current: c.count / outcome.designEffect.current,
    },
  };
  const result: MetricComparison = { ...comparison, test, verdict: 'unchanged', reason: '' };
  context.family.push({
    pValue: outcome.pValue,
    finish(adjusted, significant) {
      test.adjustedPValue = adjusted;
      test.significant = significant;
      const diff = cur - base;
      const change = `error rate ${pct(base)} → ${pct(cur)} (${diff >= 0 ? '+' : ''}${(diff * 100).toFixed(2)} pp)`;
      if (!significant) result.reason = `${change}, not significant (adjusted p = ${fmtP(adjusted)})`;
      else if (Math.abs(diff) < options.minErrorRateChange) {
        result.reason = `${change}, significant but below ${(options.minErrorRateChange * 100).toFixed(2)} pp`;
      } else {
        result.verdict = diff > 0 ? 'regression' : 'improvement';
        result.reason = `${change} (adjusted p = ${fmtP(adjusted)}, ${outcome.method})`;
      }
    },
  });
  return result;
}

function informational(
  metric: 'requests' | 'throughput',
  unit: MetricComparison['unit'],
  base: number | null,
  cur: number | null,
): MetricComparison {
  return {
    ...measured(metric, unit, base, cur),
    verdict: 'not-tested',
    reason:
      metric === 'throughput'
        ? 'set by the load profile of each run; compare it to judge whether the loads were alike'
        : 'set by the length and load profile of each run',
  };
}

function measured(
  metric: MetricComparison['metric'],
  unit: MetricComparison['unit'],
  base: number | null,
  cur: number | null,
): Omit<MetricComparison, 'verdict' | 'reason'> {
  const absolute = base !== null && cur !== null ? cur - base : null;
  const relative = absolute !== null && base !== null && base !== 0 ? absolute / base : null;
  return {
    metric,
    unit,
    baseline: finiteOrNull(base),
    current: finiteOrNull(cur),
    absolute: finiteOrNull(absolute),
    relative: finiteOrNull(relative),
  };
}

const VERDICT_ORDER: MetricVerdict[] = ['regression', 'improvement', 'unchanged', 'insufficient-data'];

function worstVerdict(comparison: EndpointComparison): MetricVerdict {
  const verdicts = [
    ...comparison.metrics.map((m) => m.verdict),
    ...(comparison.distribution ? [comparison.distribution.verdict] : []),
  ];
  return VERDICT_ORDER.find((v) => verdicts.includes(v)) ?? 'insufficient-data';
}

/** The bins of a sketch as grouped data; bins of sketches of equal accuracy share their keys. */
function grouped(sketch: DDSketch): Grouped {
  const json = sketch.toJSON();
  const groups = new Map<number, number>();
  if (json.zero > 0) groups.set(Number.NEGATIVE_INFINITY, json.zero);
  json.bins.forEach((count, i) => {
    if (count > 0) groups.set(json.offset + i, count);
  });
  return groups;
}

/**
 * Quantiles read between bin edges (log-linear within the bin by rank) instead of at the bin's
 * representative value. The tests need a quantile function without steps: with steps, the
 * order-statistic interval collapses to zero or jumps by a whole bin.
 */
function interpolatedQuantile(sketch: DDSketch): (q: number) => number {
  const json = sketch.toJSON();
  const gamma = gammaOf(sketch);
  return (q) => {
    if (json.count <= 0) return Number.NaN;
    const rank = Math.max(0, Math.min(1, q)) * (json.count - 1);
    let seen = json.zero;
    if (rank < seen) return 0;
    for (let i = 0; i < json.bins.length; i++) {
      const weight = json.bins[i] ?? 0;
      if (weight <= 0) continue;
      if (seen + weight > rank) {
        const within = Math.max(0, Math.min(1, (rank - seen + 0.5) / weight));
        const value = gamma ** (json.offset + i - 1 + within);
        return Math.min(json.max, Math.max(json.min, value));
      }
      seen += weight;
    }
    return json.max;
  };
}

function gammaOf(sketch: DDSketch): number {
  return (1 + sketch.alpha) / (1 - sketch.alpha);
}

function rate(count: number, side: MergedSide): number | null {
  return side.durationMs && side.durationMs > 0 ? count / (side.durationMs / 1000) : null;
}

function describeSide(side: MergedSide): ComparisonResult['baseline'] {
  return {
    files: side.files,
    requests: side.overall.count,
    endpoints: side.endpoints.size,
    ...(side.start !== null ? { start: new Date(side.start).toISOString() } : {}),
    ...(side.end !== null ? { end: new Date(side.end).toISOString() } : {}),
    durationSeconds: side.durationMs === null ? null : side.durationMs / 1000,
    summaryOnly: side.summaryOnly,
  };
}

function onlyIn(side: MergedSide, other: MergedSide): Array<{ name: string; requests: number }> {
  return [...side.endpoints.values()]
    .filter((e) => !other.endpoints.has(e.name))
    .map((e) => ({ name: e.name, requests: e.count }));
}

/** Strong clustering in time is worth saying: it is why a large run may still give no verdict. */
const NOTABLE_DESIGN_EFFECT = 3;
/** Loads that differ by more than a quarter make latencies hard to compare like for like. */
const NOTABLE_LOAD_DIFFERENCE = 0.25;

function notes(context: Context, all: EndpointComparison[]): string[] {
  const out: string[] = [];
  for (const [label, side] of [
    ['baseline', context.baseline],
    ['current', context.current],
  ] as const) {
    if (side.summaryOnly) {
      out.push(
        `the ${label} has totals only: its latency distribution was rebuilt from the reported quantiles and requests were treated as independent`,
      );
    }
  }
  const throughput = all[0]?.metrics.find((m) => m.metric === 'throughput');
  if (throughput?.relative !== null && throughput?.relative !== undefined) {
    if (Math.abs(throughput.relative) > NOTABLE_LOAD_DIFFERENCE) {
      out.push(
        `throughput differs by ${fmtRelative(throughput.relative)} between the runs: latency under a different load is not a like-for-like comparison`,
      );
    }
  }
  const clustered = all
    .filter((e) => e.distribution)
    .map((e) => ({
      name: e.name,
      effect: Math.max(e.distribution?.designEffect.baseline ?? 1, e.distribution?.designEffect.current ?? 1),
    }))
    .filter((e) => e.effect >= NOTABLE_DESIGN_EFFECT);
  if (clustered.length > 0) {
    out.push(
      `latency is strongly correlated in time for ${clustered
        .map((e) => `${e.name} (design effect ${e.effect.toFixed(1)})`)
        .join(', ')}: the tests count fewer effective requests`,
    );
  }
  return out;
}

function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

function clamp01(value: number): number {
  return Math.max(0, Math.min(1, value));
}

function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction < 0.001 && fraction > 0 ? 3 : 1)}%`;
}

function fmtRelative(relative: number): string {
  if (!Number.isFinite(relative)) return 'from zero';
  return `${relative >= 0 ? '+' : ''}${(relative * 100).toFixed(1)}%`;
}

function signedMs(ms: number): string {
  return `${ms >= 0 ? '+' : ''}${ms.toFixed(Math.abs(ms) < 10 ? 2 : 1)} ms`;
}

function fmtCount(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

export function fmtP(p: number): string {
  if (p < 1e-4) return p.toExponential(1);
  return p.toPrecision(2);
}

function fmtRatio(interval: TestResult['interval']): string {
  if (!interval) return '';
  return `${interval.low.toFixed(3)}–${interval.high.toFixed(3)} at ${Math.round(interval.level * 100)}%`;
}
