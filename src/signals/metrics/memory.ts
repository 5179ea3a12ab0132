import { median } from '../../stats/robust.js';
import type { Signal } from '../signal.js';
import { bytes, clock, hours, metricSignal, num, pct, pValue } from './emit.js';
import { type Count, countIncrements, TREND_ALPHA, type Trend, trendBucket, trendOf } from './measures.js';
import { bendOnset, changeBeyond } from './onset.js';
import {
  joinSamples,
  MINUTE_MS,
  rollingMin,
  type Samples,
  sliceTime,
  sustainedPeak,
  usualInterval,
} from './samples.js';
import type { RoleSeries, SeriesIndex } from './series-index.js';

// Memory: whether it keeps growing (a leak) or stepped up once, how close it is to its limit and
// when it gets there, and the restarts and OOM kills that end a leak. The floor (rolling minimum)
// is what a leak raises: garbage-collected heaps and caches saw-tooth between a floor of live
// objects and a ceiling of garbage, and only a rising floor means memory is being kept.

/**
 * The floor is the minimum over 10 minutes: longer than the GC cycles of busy JVM, Go and V8
 * heaps (seconds to a few minutes), short enough that an hour of data has six independent floors.
 */
const FLOOR_SPAN_MS = 10 * MINUTE_MS;
/**
 * Short windows (a 20-minute load test with its metrics) get a shorter floor span, an eighth of
 * the window but at least 1 minute, so the floor still has eight independent values (the fewest
 * with which a Mann–Kendall test can reach p < 0.01); the step span follows it (×1.5). A minute
 * outlasts the GC cycles of V8 and Go heaps under load (seconds); a JVM whose old generation
 * cycles over minutes needs the longer window anyway. Hour-long windows keep the spans above.
 */
const MIN_FLOOR_SPAN_MS = MINUTE_MS;
function floorSpan(windowMs: number): number {
  return Math.min(FLOOR_SPAN_MS, Math.max(MIN_FLOOR_SPAN_MS, windowMs / 8));
}
/**
 * A step is a rise that happens within 15 minutes: the floor span plus a few scrapes, which is
 * how long the rolling minimum takes to pass a sudden jump on to the floor.
 */
const STEP_SPAN_MS = 15 * MINUTE_MS;
/** A resident set that falls below half of where it just was has been restarted (GC returns far less to the OS). */
const RESTART_DROP = 0.5;
/** Memory at the limit for 2 minutes: OOM kills act on the instant, so a shorter hold counts than for CPU. */
const LIMIT_SPAN_MS = 2 * MINUTE_MS;
/** Near the limit: the kernel starts reclaiming page cache and the OOM killer is one burst away. */
const NEAR_LIMIT = 0.9;
/** Share of the window whose growth a projection follows. */
const RECENT_SHARE = 0.4;
/** Time-to-limit is reported up to a year; no growth or a shrinking floor reads as this cap. */
export const NO_LIMIT_HOURS = 8760;

interface Analysis {
  series: RoleSeries;
  parts: Samples[];
  growth?: Trend;
  floor?: Trend;
  /** Level the floor started from (median of the first floor values of each part). */
  start: number;
  floorGrowth: number;
  rawGrowth: number;
  stepShare: number;
  /** The floor span used (the rolling minimum's width). */
  spanMs: number;
  bend?: number;
}

/** A span in words: "10-minute", "65-second". */
function spanName(ms: number): string {
  return ms % MINUTE_MS === 0 ? `${ms / MINUTE_MS}-minute` : `${Math.round(ms / 1000)}-second`;
}

export function memorySignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  const usedEvents = new Set<RoleSeries>();
  const resident = index.all('memory.resident');
  for (const series of resident) {
    const restarts = index.companion(series, 'process.restarts');
    const kills = index.companion(series, 'process.oom-kills');
    const limit = index.companion(series, 'memory.limit');
    const heap = index.companion(series, 'memory.heap-used');
    if (restarts) usedEvents.add(restarts);
    if (kills) usedEvents.add(kills);
    const resets = [...eventTimes(restarts), ...eventTimes(kills)];
    const memory = analyze(series, index, resets, true);
    out.push(...growthSignals('memory', memory, index));
    const heapAnalysis = heap ? analyze(heap, index, resets, false) : undefined;
    const limits = limit ? limitSignals(series, limit, memory, index) : undefined;
    if (limits) out.push(...limits.signals);
    const restartCount = restarts ? countIncrements(restarts.samples) : undefined;
    const killCount = kills ? countIncrements(kills.samples) : undefined;
    if (restarts && restartCount) out.push(restartSignal(series, restartCount, index, restarts));
    if (kills && killCount) out.push(oomSignal(series, killCount, index, kills));
    out.push(
      leakSignal({
        series,
        index,
        memory,
        ...(heapAnalysis ? { heap: heapAnalysis } : {}),
        ...(limits ? { limitRatio: limits.ratio, hoursToLimit: limits.hoursToLimit } : {}),
        ...(restartCount ? { restarts: restartCount.total } : {}),
        ...(killCount ? { kills: killCount.total } : {}),
      }),
    );
  }
  for (const heap of index.all('memory.heap-used')) {
    const restarts = index.companion(heap, 'process.restarts');
    const analysis = analyze(heap, index, eventTimes(restarts), false);
    out.push(...growthSignals('heap', analysis, index));
    if (!resident.some((r) => index.companion(r, 'memory.heap-used') === heap)) {
      out.push(leakSignal({ series: heap, index, memory: analysis }));
    }
  }
  const highest = out
    .filter((s) => s.name === 'metrics.memory.leak-likelihood')
    .reduce<Signal | undefined>((a, b) => (!a || Number(b.value) > Number(a.value) ? b : a), undefined);
  if (highest) {
    // For the whole run: a way that reads only latency can be told the processes' memory was measured and held.
    const { subject, ...rest } = highest;
    out.push({
      ...rest,
      name: 'metrics.memory.leak-likelihood.highest',
      explanation: `The likeliest leak of the ${index.all('memory.resident').length + index.all('memory.heap-used').length} memory series scraped is ${subject}'s: ${highest.explanation}`,
    });
  }
  for (const restarts of index.all('process.restarts')) {
    if (!usedEvents.has(restarts))
      out.push(restartSignal(restarts, countIncrements(restarts.samples), index, restarts));
  }
  for (const kills of index.all('process.oom-kills')) {
    if (!usedEvents.has(kills)) out.push(oomSignal(kills, countIncrements(kills.samples), index, kills));
  }
  return out;
}

/** Times of the samples at which a per-interval event count shows an event. */
function eventTimes(series: RoleSeries | undefined): number[] {
  if (!series) return [];
  return series.samples.times.filter((_, i) => (series.samples.values[i] as number) >= 0.5);
}

/**
 * Splits a memory series where the process restarted: at a restart or OOM kill reported by its
 * companion series, or (for resident memory only) where it fell below half its recent level. Heaps
 * halve at every young collection, so for them only reported restarts count.
 */
function splitAtRestarts(samples: Samples, resets: readonly number[], dropCounts: boolean): Samples[] {
  const interval = usualInterval(samples);
  const cuts = new Set<number>();
  samples.times.forEach((t, i) => {
    if (i === 0) return;
    const previous = samples.values[i - 1] as number;
    const dropped = dropCounts && (samples.values[i] as number) < RESTART_DROP * previous;
    const reported = resets.some((r) => r > (samples.times[i - 1] as number) - interval && r <= t + interval);
    if (dropped || (reported && (samples.values[i] as number) < previous)) cuts.add(i);
  });
  const parts: Samples[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    parts.push({ times: samples.times.slice(from, cut), values: samples.values.slice(from, cut) });
    from = cut;
  }
  parts.push({ times: samples.times.slice(from), values: samples.values.slice(from) });
  return parts.filter((p) => p.times.length > 0);
}

function analyze(
  series: RoleSeries,
  index: SeriesIndex,
  resets: readonly number[],
  dropCounts: boolean,
): Analysis {
  const parts = splitAtRestarts(series.samples, resets, dropCounts);
  const growth = trendOf(parts, trendBucket(index.window, index.intervalMs));
  const span = floorSpan(index.window.end - index.window.start);
  const floors = parts.map((p) => rollingMin(p, span)).filter((p) => p.times.length > 0);
  // Floors are autocorrelated over their own span, so the test sees one value per span.
  const floor = trendOf(floors, span);
  const firsts = floors.flatMap((f) => f.values.slice(0, 3));
  const start = firsts.length > 0 ? median(firsts) : median(series.samples.values);
  const relative = (trend: Trend | undefined) =>
    trend && trend.p < TREND_ALPHA && start > 0 ? trend.slopePerHour / start : 0;
  const longest = [...floors].sort((a, b) => b.times.length - a.times.length)[0];
  // The bend is found on the series itself: a trailing minimum of a climb lags it by the floor span.
  const bend = parts[0] ? bendOnset(parts[0], 'up') : undefined;
  return {
    series,
    parts,
    ...(growth ? { growth } : {}),
    ...(floor ? { floor } : {}),
    start,
    floorGrowth: relative(floor),
    rawGrowth: relative(growth),
    // Only a rise the trend tests confirm has a shape worth describing; noise has no steps.
    stepShare:
      longest && (relative(floor) > 0 || relative(growth) > 0)
        ? stepShare(longest, span * (STEP_SPAN_MS / FLOOR_SPAN_MS))
        : 0,
    spanMs: span,
    ...(bend !== undefined ? { bend } : {}),
  };
}

/**
 * Share of the floor's overall rise that happened within one STEP_SPAN: near 1 for a one-off step
 * (a cache filled, a bigger batch loaded), small for a leak that climbs all along. 0 when the floor
 * did not rise.
 */
function stepShare(floor: Samples, stepSpanMs: number): number {
  const n = floor.values.length;
  if (n < 2) return 0;
  const rise = median(floor.values.slice(-3)) - median(floor.values.slice(0, 3));
  if (!(rise > 0)) return 0;
  let steepest = 0;
  let j = 0;
  for (let i = 0; i < n; i++) {
    while (j + 1 < n && (floor.times[j + 1] as number) - (floor.times[i] as number) <= stepSpanMs) j++;
    steepest = Math.max(steepest, (floor.values[j] as number) - (floor.values[i] as number));
  }
  return Math.min(1, steepest / rise);
}

function growthSignals(family: 'memory' | 'heap', a: Analysis, index: SeriesIndex): Signal[] {
  const what = family === 'memory' ? 'memory' : 'heap in use';
  const window = index.window;
  const significant = (t: Trend | undefined) =>
    t
      ? `Mann–Kendall p ${pValue(t.p)}${t.p < TREND_ALPHA ? '' : ', not significant'}`
      : 'too few points to test';
  const restarts = a.parts.length > 1 ? ` (${a.parts.length - 1} restarts left out of the slope)` : '';
  const onset = a.floorGrowth > 0 ? a.bend : undefined;
  return [
    metricSignal({
      name: `metrics.${family}.growth`,
      about: a.series,
      value: a.rawGrowth,
      unit: 'ratio/h',
      window,
      onset: a.rawGrowth > 0 ? a.bend : undefined,
      explanation: `${cap(what)} changed by ${pct(a.rawGrowth)} of its starting ${bytes(a.start)} per hour (Theil–Sen ${bytes(a.growth?.slopePerHour ?? 0)}/h, ${significant(a.growth)})${restarts}.`,
    }),
    metricSignal({
      name: `metrics.${family}.floor-growth`,
      about: a.series,
      value: a.floorGrowth,
      unit: 'ratio/h',
      window,
      onset,
      explanation: `The ${what} floor (${spanName(a.spanMs)} minimum) changed by ${pct(a.floorGrowth)} of its starting ${bytes(a.start)} per hour (Theil–Sen ${bytes(a.floor?.slopePerHour ?? 0)}/h, ${significant(a.floor)})${onset !== undefined ? `, climbing from ${clock(onset)}` : ''}${restarts}.`,
    }),
    metricSignal({
      name: `metrics.${family}.step-share`,
      about: a.series,
      value: a.stepShare,
      unit: 'ratio',
      window,
      explanation:
        a.stepShare > 0
          ? `${pct(a.stepShare)} of the ${what} floor's rise happened within ${spanName(a.spanMs * (STEP_SPAN_MS / FLOOR_SPAN_MS)).replace('-', ' ')}s (a one-off step is near 100%, a leak is spread out).`
          : `The ${what} floor did not rise over the window.`,
    }),
  ];
}

interface LimitResult {
  signals: Signal[];
  ratio: number;
  hoursToLimit: number;
}

function limitSignals(
  series: RoleSeries,
  limit: RoleSeries,
  memory: Analysis,
  index: SeriesIndex,
): LimitResult | undefined {
  const tolerance = Math.max(usualInterval(series.samples), usualInterval(limit.samples));
  const ratio = joinSamples(series.samples, limit.samples, tolerance, (used, max) =>
    max > 0 ? used / max : Number.NaN,
  );
  const peak = sustainedPeak(ratio, LIMIT_SPAN_MS);
  if (!peak) return undefined;
  const near = changeBeyond(ratio, { direction: 'up', threshold: NEAR_LIMIT });
  const limitBytes = median(limit.samples.values);
  const last = memory.parts[memory.parts.length - 1] as Samples;
  const end = last.times[last.times.length - 1] as number;
  // The OOM killer acts on the ceiling of the saw-tooth, so the projection starts from the highest level of the last 15 minutes.
  const current =
    sustainedPeak(sliceTime(last, end - 15 * MINUTE_MS), LIMIT_SPAN_MS)?.value ??
    (last.values.at(-1) as number);
  // The projection follows the recent growth: the last 40% of the window since the last restart, so
  // a step long past or a leak that began late is projected at the rate memory grows now.
  const recentFrom = Math.max(
    last.times[0] as number,
    end - RECENT_SHARE * (index.window.end - index.window.start),
  );
  const recent = trendOf([sliceTime(last, recentFrom)], trendBucket(index.window, index.intervalMs));
  const slope = recent && recent.p < TREND_ALPHA ? recent.slopePerHour : 0;
  const hoursToLimit =
    current >= limitBytes
      ? 0
      : slope > 0
        ? Math.min(NO_LIMIT_HOURS, (limitBytes - current) / slope)
        : NO_LIMIT_HOURS;
  const window = { start: series.samples.times[0] as number, end };
  return {
    ratio: peak.value,
    hoursToLimit,
    signals: [
      metricSignal({
        name: 'metrics.memory.limit-ratio',
        about: series,
        value: peak.value,
        unit: 'ratio',
        window: near ? { start: near.onset, end: near.end } : window,
        onset: near?.onset,
        explanation: `Memory reached ${pct(peak.value)} of its ${bytes(limitBytes)} limit (2-minute median ending ${clock(peak.at)})${near ? `, above ${pct(NEAR_LIMIT)} from ${clock(near.onset)}` : ''}.`,
      }),
      metricSignal({
        name: 'metrics.memory.time-to-limit',
        about: series,
        value: hoursToLimit,
        unit: 'h',
        window,
        explanation:
          hoursToLimit >= NO_LIMIT_HOURS
            ? `Memory is not growing significantly, so it is not projected to reach its ${bytes(limitBytes)} limit (reported as ${NO_LIMIT_HOURS} h).`
            : `At ${bytes(slope)}/h from ${bytes(current)}, memory reaches its ${bytes(limitBytes)} limit in ${hours(hoursToLimit)}.`,
      }),
    ],
  };
}

function restartSignal(subject: RoleSeries, count: Count, index: SeriesIndex, from: RoleSeries): Signal {
  const total = Math.round(count.total);
  return metricSignal({
    name: 'metrics.process.restarts',
    about: subject,
    value: total,
    unit: 'restarts',
    window: count.first !== undefined ? { start: count.first, end: count.last ?? count.first } : index.window,
    onset: total > 0 ? count.first : undefined,
    explanation:
      total > 0
        ? `${total} restarts in the window (${from.metrics.join(', ')}), the first at ${clock(count.first as number)}.`
        : `No restarts in the window (${from.metrics.join(', ')}).`,
  });
}

function oomSignal(subject: RoleSeries, count: Count, index: SeriesIndex, from: RoleSeries): Signal {
  const total = Math.round(count.total);
  return metricSignal({
    name: 'metrics.memory.oom-kills',
    about: subject,
    value: total,
    unit: 'kills',
    window: count.first !== undefined ? { start: count.first, end: count.last ?? count.first } : index.window,
    onset: total > 0 ? count.first : undefined,
    explanation:
      total > 0
        ? `${total} OOM kills in the window (${from.metrics.join(', ')}), the first at ${clock(count.first as number)}.`
        : `No OOM kills in the window (${from.metrics.join(', ')}).`,
  });
}

/**
 * Leak likelihood in [0, 1], additive so each part can be checked: a significant rising floor that
 * is not a one-off step gives 0.4, plus up to 0.2 more as the growth approaches 20% per hour; memory
 * reaching 90% of its limit or projected to within a day of it adds 0.2; restarts or OOM kills
 * after such growth add 0.2. A step-shaped rise gives only 0.1: it can still fill a container, but
 * it is not memory being kept.
 */
function leakSignal(input: {
  series: RoleSeries;
  index: SeriesIndex;
  memory: Analysis;
  heap?: Analysis;
  limitRatio?: number;
  hoursToLimit?: number;
  restarts?: number;
  kills?: number;
}): Signal {
  const candidates = [input.memory, ...(input.heap ? [input.heap] : [])];
  const best = [...candidates].sort((a, b) => b.floorGrowth - a.floorGrowth)[0] as Analysis;
  const growing = best.floorGrowth > 0;
  // A one-off step leaves over 60% of the floor's rise in one 15-minute stretch; a steady leak spreads it (an hour-long climb puts a quarter there).
  const stepLike = best.stepShare > 0.6;
  const parts: string[] = [];
  let score = 0;
  if (growing && !stepLike) {
    // 20%/h doubles memory in five hours: past that, faster growth adds nothing to how sure we are.
    score += 0.4 + 0.2 * Math.min(1, best.floorGrowth / 0.2);
    parts.push(`the ${best === input.memory ? 'memory' : 'heap'} floor grows ${pct(best.floorGrowth)}/h`);
  } else if (growing) {
    score += 0.1;
    parts.push(
      `the floor rose mostly in one step (${pct(best.stepShare)} within ${spanName(best.spanMs * (STEP_SPAN_MS / FLOOR_SPAN_MS)).replace('-', ' ')}s)`,
    );
  } else {
    parts.push('the memory floor shows no significant growth');
  }
  const nearLimit =
    (input.limitRatio !== undefined && input.limitRatio >= NEAR_LIMIT) ||
    (input.hoursToLimit !== undefined && input.hoursToLimit < 24);
  if (nearLimit && growing) {
    score += 0.2;
    parts.push(
      input.limitRatio !== undefined && input.limitRatio >= NEAR_LIMIT
        ? `it reached ${pct(input.limitRatio)} of its limit`
        : `it reaches its limit in ${hours(input.hoursToLimit as number)}`,
    );
  }
  const ended = (input.kills ?? 0) + (input.restarts ?? 0);
  if (ended >= 1 && growing) {
    score += 0.2;
    parts.push(
      `${Math.round(input.kills ?? 0)} OOM kills and ${Math.round(input.restarts ?? 0)} restarts followed`,
    );
  }
  const window = input.index.window;
  return metricSignal({
    name: 'metrics.memory.leak-likelihood',
    about: input.series,
    value: Math.min(1, score),
    unit: 'ratio',
    window,
    onset: growing && !stepLike ? best.bend : undefined,
    explanation: `Leak likelihood ${num(Math.min(1, score))}: ${parts.join('; ')}.`,
  });
}

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
