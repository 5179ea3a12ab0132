import { spikePeriodicity } from '../../stats/periodicity.js';
import { median, robustSigma } from '../../stats/robust.js';
import type { Signal } from '../signal.js';
import { clock, metricSignal, minutes, num, pct } from './emit.js';
import { baselineOf, shiftOf } from './measures.js';
import { pair, spanOf, sumOf } from './pairing.js';
import { MINUTE_MS, rollingMean, type Samples, sliceTime, stretches, usualInterval } from './samples.js';
import type { RoleSeries, SeriesIndex } from './series-index.js';
import { levelName, rateWindowMs, sustainMs } from './timescale.js';

// What cache misses look like over time, and what they do to the database behind the cache:
// short bursts of misses that recur (one hot key expiring again and again, each expiry sending a
// herd of identical queries to the database), misses that climb and stay up while hits do not fall
// (lookups of keys that do not exist), and the number of keys the cache holds meanwhile.

/**
 * Each sample is compared with the medians of a level's span (5 minutes on incident windows)
 * before it and after it, the higher of the two: its own level at that time of day on both sides.
 * A burst of one or two scrapes cannot move a median of 10, the daily cycle moves both along, and
 * a step up is not a burst because the samples after it match the level after it.
 */
const sideMs = () => sustainMs();
/**
 * A burst at least doubles the local level: a hot key's expiry sends all its reads to the backend
 * at once, which is many times the trickle of misses of a warm cache; scrape noise of a miss rate
 * (±20% at a 95% hit ratio) stays far below.
 */
const MIN_BURST_RISE = 1;
/** And it stands 4 robust standard deviations above the local level: ~3e-5 per sample for normal noise. */
const BURST_SIGMAS = 4;
/**
 * A burst ends within 3 minutes (0.6 of the level's span): a herd lasts as long as one
 * recomputation (seconds to a minute). Longer excursions are a changed level (a cold cache
 * filling, a flood of new lookups), not a burst.
 */
const maxBurstMs = () => 0.6 * sustainMs();
/**
 * A database burst belongs to a miss burst when it starts within 1.5 scrape intervals of it (at
 * least a minute): the two exporters are scraped at different moments, and a gauge of sessions
 * catches the herd in the scrape after the misses began.
 */
const ALIGN_INTERVALS = 1.5;
/** Fewer than one lookup a second gives shares that swing on single requests. */
const MIN_LOOKUPS = 1;
/** Rates are measured against a baseline of at least 1 event per second (a trickle is not a level). */
const MIN_RATE = 1;

export interface Bursts {
  /** Start of each short burst, ms. */
  starts: number[];
  /** End of each short burst, ms. */
  ends: number[];
  /** Excursions longer than maxBurstMs(): level changes, not bursts. */
  sustained: number;
  /** Median height of the bursts over their local level (2 = three times the level). */
  rise: number;
  /** Median gap between bursts when they recur at a regular interval, else 0; ms. */
  periodMs: number;
}

/**
 * Short bursts of a series above its local level (see sideMs()): runs of samples at least
 * `minRise` above the local median and BURST_SIGMAS robust deviations of the ratio above it,
 * lasting at most maxBurstMs(). The spacing of the bursts is tested for regularity with the spike
 * periodicity test (at least 5 bursts, evenly spaced or on a grid of one period with a few missing).
 */
export function burstsOf(samples: Samples, minRise = MIN_BURST_RISE): Bursts {
  const none: Bursts = { starts: [], ends: [], sustained: 0, rise: 0, periodMs: 0 };
  if (samples.times.length < 20) return none;
  const interval = usualInterval(samples);
  const level = sidesLevel(samples, sideMs());
  const ratio = pair(samples, level, (v, l) => (l > 0 ? v / l - 1 : Number.NaN));
  if (ratio.values.length < 20) return none;
  const sigma = robustSigma(ratio.values);
  const threshold = Math.max(minRise, BURST_SIGMAS * (Number.isFinite(sigma) ? sigma : 0));
  const runs = stretches(ratio, (r) => r >= threshold);
  const short = runs.filter((r) => r.end - r.start + interval <= maxBurstMs());
  if (short.length === 0) return { ...none, sustained: runs.length };
  const heights = short.map((r) => Math.max(...sliceTime(ratio, r.start, r.end).values));
  const inBurst = ratio.times.map((t) => (short.some((r) => t >= r.start && t <= r.end) ? 1 : 0));
  const periodic = spikePeriodicity(ratio.times, inBurst, { bucketWidth: interval, minJump: 0.5 });
  return {
    starts: short.map((r) => r.start),
    ends: short.map((r) => r.end),
    sustained: runs.length - short.length,
    rise: median(heights),
    periodMs: periodic.period,
  };
}

export function cacheMissSignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  const baselineEnd = index.baselineEnd();
  const databases = index
    .all('db.connections.active')
    .map((s) => ({ series: s, bursts: burstsOf(s.samples) }));
  for (const hits of index.all('cache.hits')) {
    const misses = index.companion(hits, 'cache.misses');
    if (!misses) continue;
    out.push(...burstSignals(index, hits, misses, databases));
    out.push(...missRiseSignals(index, hits, misses, baselineEnd));
  }
  const requests = sumOf(index.all('http.requests'));
  for (const keys of index.all('cache.keys')) {
    const signal = keysShift(index, keys, baselineEnd);
    if (signal) out.push(signal);
    const perRequest = requests ? keysPerRequestShift(index, keys, requests, baselineEnd) : undefined;
    if (perRequest) out.push(perRequest);
  }
  return out;
}

function burstSignals(
  index: SeriesIndex,
  hits: RoleSeries,
  misses: RoleSeries,
  databases: ReadonlyArray<{ series: RoleSeries; bursts: Bursts }>,
): Signal[] {
  const bursts = burstsOf(misses.samples);
  const count = bursts.starts.length;
  const first = bursts.starts[0];
  const window = first !== undefined ? { start: first, end: bursts.ends[count - 1] as number } : index.window;
  const out: Signal[] = [
    metricSignal({
      name: 'metrics.cache.miss-bursts',
      about: hits,
      value: count,
      unit: 'bursts',
      window,
      onset: first,
      explanation:
        count > 0
          ? `Misses burst ${count} times to ${num(1 + bursts.rise)}× the ${levelName()} level on either side (median burst), each over within ${minutes(maxBurstMs())}, the first at ${clock(first as number)}${bursts.sustained > 0 ? `; ${bursts.sustained} longer rises were not counted as bursts` : ''}.`
          : `Misses never burst to twice their surrounding level for less than ${minutes(maxBurstMs())}.`,
    }),
    metricSignal({
      name: 'metrics.cache.miss-bursts.period',
      about: hits,
      value: bursts.periodMs / MINUTE_MS,
      unit: 'min',
      window,
      onset: bursts.periodMs > 0 ? first : undefined,
      explanation:
        bursts.periodMs > 0
          ? `The miss bursts recur every ${minutes(bursts.periodMs)}, as a key expiring with a fixed TTL makes them.`
          : `The ${count} miss bursts do not recur at a regular interval.`,
    }),
  ];
  if (databases.length > 0) {
    let best: { share: number; series: RoleSeries } | undefined;
    for (const db of databases) {
      const tolerance = Math.max(
        MINUTE_MS,
        ALIGN_INTERVALS * Math.max(usualInterval(misses.samples), usualInterval(db.series.samples)),
      );
      const aligned = bursts.starts.filter((t) => db.bursts.starts.some((d) => Math.abs(d - t) <= tolerance));
      const share = count > 0 ? aligned.length / count : 0;
      if (!best || share > best.share) best = { share, series: db.series };
    }
    if (best) {
      out.push(
        metricSignal({
          name: 'metrics.cache.miss-bursts.db-aligned',
          about: hits,
          value: best.share,
          unit: 'ratio',
          window,
          onset: best.share > 0 ? first : undefined,
          explanation:
            count === 0
              ? 'No miss bursts to align with database sessions.'
              : `${pct(best.share)} of the ${count} miss bursts came with a burst of active database sessions on ${best.series.subject} (at least twice their surrounding level), the herd of recomputations each miss burst sends.`,
        }),
      );
    }
  }
  return out;
}

/**
 * The misses' sustained rise over their baseline, and which share of it came with more lookups
 * rather than fewer hits: across the rise's onset, (Δmisses + Δhits) / Δmisses, clamped to 0–1. Lookups of keys that do not exist add misses on top of unchanged hits (near 1);
 * keys that expired or were evicted turn hits into misses (near 0).
 */
function missRiseSignals(
  index: SeriesIndex,
  hits: RoleSeries,
  misses: RoleSeries,
  baselineEnd: number,
): Signal[] {
  const missRate = rollingMean(misses.samples, rateWindowMs());
  const hitRate = rollingMean(hits.samples, rateWindowMs());
  const usual = baselineOf(missRate, baselineEnd);
  const usualHits = baselineOf(hitRate, baselineEnd);
  if (usual === undefined || usualHits === undefined) return [];
  if (usual + usualHits < MIN_LOOKUPS) return [];
  const floor = Math.max(usual, MIN_RATE);
  // Half the baseline again is a change in how the cache is used; smaller moves are the daily cycle.
  const shift = shiftOf(missRate, baselineEnd, { direction: 'up', minEffect: 0.5 * floor, smoothed: true });
  if (!shift) return [];
  const rise = Math.max(0, shift.extreme.value) / floor;
  const onset = shift.change?.onset;
  const out: Signal[] = [
    metricSignal({
      name: 'metrics.cache.misses.rise',
      about: hits,
      value: rise,
      unit: 'ratio',
      window: spanOf(shift.change, index.window),
      onset,
      explanation: `Misses held ${num(shift.extreme.value)}/s at their highest ${levelName()} level (around ${clock(shift.extreme.at)}), ${num(rise)}× the baseline ${num(usual)}/s${onset !== undefined ? `, from ${clock(onset)}` : ''}.`,
    }),
  ];
  // Where the misses did not rise beyond their daily swing there is no rise to take apart: 0.
  const step =
    shift.change && shift.effect > 0 ? acrossOnset(missRate, hitRate, shift.change.onset) : undefined;
  const share = step ? Math.min(1, Math.max(0, (step.misses + step.hits) / step.misses)) : 0;
  out.push(
    metricSignal({
      name: 'metrics.cache.misses.added-share',
      about: hits,
      value: share,
      unit: 'ratio',
      window: spanOf(shift.change, index.window),
      onset: step ? onset : undefined,
      explanation: step
        ? `Across the onset, misses rose by ${num(step.misses)}/s while hits ${step.hits >= 0 ? 'rose' : 'fell'} by ${num(Math.abs(step.hits))}/s: ${pct(share)} of the extra misses came on top of the lookups the cache already served${share >= 0.75 ? ', so the new lookups were for keys the cache does not hold' : ', the rest were hits turned into misses'}.`
        : 'Misses did not rise beyond their usual swing, so no extra misses were taken apart.',
    }),
  );
  const backend = backendRise(index, shift.extreme.at, baselineEnd);
  if (backend) {
    out.push(
      metricSignal({
        name: 'metrics.cache.misses.backend-rise',
        about: hits,
        value: backend.ratio,
        unit: 'ratio',
        window: spanOf(shift.change, index.window),
        onset,
        explanation: `While misses were at their highest (around ${clock(shift.extreme.at)}), ${backend.series.subject} committed ${num(backend.then)} transactions per second, ${num(backend.ratio)}× its baseline ${num(backend.usual)}/s.`,
      }),
    );
  }
  return out;
}

/**
 * The step of misses and hits per second across a rise's onset: medians of two rate windows ending
 * 0.4 of one before it and of two starting 0.6 of one after it (10 minutes ending 2 minutes before
 * and starting 3 minutes after at the 5-minute scale; the smoothing spreads a step over half a
 * window on either side). Taken at the onset rather than at the misses' peak, so the
 * daily cycle of traffic, which moves hits and misses together over hours, barely enters it.
 */
function acrossOnset(
  missRate: Samples,
  hitRate: Samples,
  onset: number,
): { misses: number; hits: number } | undefined {
  const r = rateWindowMs();
  const before = (s: Samples) => median(sliceTime(s, onset - 2.4 * r, onset - 0.4 * r).values);
  const after = (s: Samples) => median(sliceTime(s, onset + 0.6 * r, onset + 2.6 * r).values);
  const misses = after(missRate) - before(missRate);
  const hits = after(hitRate) - before(hitRate);
  return Number.isFinite(misses) && Number.isFinite(hits) && misses > 0 ? { misses, hits } : undefined;
}

/** The database whose transaction rate rose most in the 5 minutes before `at`, over its baseline. */
function backendRise(
  index: SeriesIndex,
  at: number,
  baselineEnd: number,
): { series: RoleSeries; ratio: number; then: number; usual: number } | undefined {
  let best: { series: RoleSeries; ratio: number; then: number; usual: number } | undefined;
  for (const series of index.all('db.transactions')) {
    const rate = rollingMean(series.samples, rateWindowMs());
    const usual = baselineOf(rate, baselineEnd);
    if (usual === undefined) continue;
    const then = median(sliceTime(rate, at - sustainMs(), at).values);
    if (!Number.isFinite(then)) continue;
    const ratio = then / Math.max(usual, MIN_RATE);
    if (!best || ratio > best.ratio) best = { series, ratio, then, usual };
  }
  return best;
}

/**
 * A series' largest sustained move from its baseline, as a ratio (above 1 it grew, below 1 it
 * fell). A tenth of the baseline is more than the churn of a cache whose keys expire and are
 * refilled steadily.
 */
function levelShift(samples: Samples, baselineEnd: number) {
  const usual = baselineOf(samples, baselineEnd);
  if (usual === undefined || !(usual > 0)) return undefined;
  const up = shiftOf(samples, baselineEnd, { direction: 'up', minEffect: 0.1 * usual });
  const down = shiftOf(samples, baselineEnd, { direction: 'down', minEffect: 0.1 * usual });
  const ratioOf = (s: typeof up) => (s ? Math.max(s.extreme.value, 0) / usual : 1);
  const pick =
    Math.abs(Math.log(ratioOf(up))) >= Math.abs(Math.log(Math.max(ratioOf(down), 1e-6))) ? up : down;
  if (!pick) return undefined;
  return { usual, ratio: ratioOf(pick), extreme: pick.extreme.value, change: pick.change };
}

/**
 * The key count's move from its baseline. Keys that never exist are never stored, so lookups of
 * them leave the count flat; a cold cache filling grows it, a mass expiry or a flush drops it.
 */
function keysShift(index: SeriesIndex, keys: RoleSeries, baselineEnd: number): Signal | undefined {
  const shift = levelShift(keys.samples, baselineEnd);
  if (!shift) return undefined;
  const onset = shift.change?.onset;
  return metricSignal({
    name: 'metrics.cache.keys.shift',
    about: keys,
    value: shift.ratio,
    unit: 'ratio',
    window: spanOf(shift.change, index.window),
    onset,
    explanation: `The cache held ${num(shift.extreme)} keys at the ${levelName()} level farthest from its baseline of ${num(shift.usual)}, ${num(shift.ratio)}× it${onset !== undefined ? `, from ${clock(onset)}` : ''}.`,
  });
}

/**
 * The keys held per request a second the service answers, against their baseline. More traffic
 * over the same keys grows the key count too (more of them are read within their TTL), no faster
 * than the traffic; lookups of keys that do not exist store nothing, so keys per request stay
 * level or fall however the load moves. New keys that are stored (a widening key space, a cold
 * cache filling) raise the count at a steady load.
 */
function keysPerRequestShift(
  index: SeriesIndex,
  keys: RoleSeries,
  requests: Samples,
  baselineEnd: number,
): Signal | undefined {
  const rate = rollingMean(requests, rateWindowMs());
  const perRequest = pair(keys, rate, (k, r) => (r >= MIN_RATE ? k / r : Number.NaN));
  const shift = levelShift(perRequest, baselineEnd);
  if (!shift) return undefined;
  const onset = shift.change?.onset;
  return metricSignal({
    name: 'metrics.cache.keys.per-request.shift',
    about: keys,
    value: shift.ratio,
    unit: 'ratio',
    window: spanOf(shift.change, index.window),
    onset,
    explanation: `The cache held ${num(shift.extreme)} keys per request a second at the ${levelName()} level farthest from its baseline of ${num(shift.usual)}, ${num(shift.ratio)}× it${onset !== undefined ? `, from ${clock(onset)}` : ''}: the key count ${shift.ratio < 1.15 ? 'moved no more than the traffic did' : 'grew beyond what the traffic explains'}.`,
  });
}

/** At each sample, the higher of the medians of the samples within `sideMs` before it and after it. */
function sidesLevel(samples: Samples, sideMs: number): Samples {
  const values: number[] = [];
  const n = samples.times.length;
  let from = 0;
  let to = 0;
  for (let i = 0; i < n; i++) {
    const t = samples.times[i] as number;
    while ((samples.times[from] as number) < t - sideMs) from++;
    while (to < n && (samples.times[to] as number) <= t + sideMs) to++;
    const before = median(samples.values.slice(from, i));
    const after = median(samples.values.slice(i + 1, to));
    values.push(Math.max(Number.isFinite(before) ? before : after, Number.isFinite(after) ? after : before));
  }
  return { times: [...samples.times], values };
}
