import { median, robustSigma } from './robust.js';

// Recurring spikes: buckets far above the run's usual level, grouped into events, and a test of
// whether the events are evenly spaced (a cron job, a GC cycle, a cache expiry, a health check that
// stalls the worker). Randomly timed spikes have exponential gaps whose spread is as large as
// their median, so they fail the spacing test.

export interface SpikePeriodicity {
  /** Median gap between spike events (in the unit of `times`), 0 when the spikes are not periodic. */
  period: number;
  /** Spike events (runs of adjacent spike buckets). */
  events: number;
  /** Buckets above the spike threshold. */
  spikeBuckets: number;
  /** Gaps that fit the period (or twice it, one missed spike). */
  matchingGaps: number;
  /** Start times of the events. */
  eventTimes: number[];
}

export interface PeriodicityOptions {
  /** Bucket width, in the unit of `times`. */
  bucketWidth: number;
  /** Smallest excursion above the median that counts as a spike, in the unit of `values`. */
  minJump: number;
}

/** Spikes lie 4 robust standard deviations above the median: ~3e-5 per bucket for normal noise. */
const SPIKE_SIGMAS = 4;
/** At least 5 events (4 gaps): with 3 gaps, random timing looks regular about 5% of the time. */
const MIN_EVENTS = 5;
/** A gap fits the period within 15% (or 1.5 buckets, the timing resolution). */
const GAP_TOLERANCE = 0.15;
/** 80% of the gaps must fit; one odd gap (a spike lost in a busy bucket) is forgiven. */
const MIN_MATCHING_SHARE = 0.8;
/** More than 40% of the buckets high means two levels, not spikes. */
const MAX_SPIKE_SHARE = 0.4;

export function spikePeriodicity(
  times: readonly number[],
  values: readonly number[],
  options: PeriodicityOptions,
): SpikePeriodicity {
  const none = (events: number, spikeBuckets: number, eventTimes: number[]): SpikePeriodicity => ({
    period: 0,
    events,
    spikeBuckets,
    matchingGaps: 0,
    eventTimes,
  });
  const level = median(values);
  const sigma = robustSigma(values);
  if (Number.isNaN(level)) return none(0, 0, []);
  const threshold = level + Math.max(SPIKE_SIGMAS * (sigma || 0), options.minJump);
  const spike = values.map((v) => Number.isFinite(v) && v > threshold);
  const spikeBuckets = spike.filter(Boolean).length;
  const eventTimes: number[] = [];
  let lastSpikeTime = Number.NEGATIVE_INFINITY;
  spike.forEach((isSpike, i) => {
    if (!isSpike) return;
    const t = times[i] as number;
    // A gap of one quiet bucket inside a stall does not start a new event.
    if (t - lastSpikeTime > 2 * options.bucketWidth + 1e-9) eventTimes.push(t);
    lastSpikeTime = t;
  });
  if (eventTimes.length < MIN_EVENTS || spikeBuckets > MAX_SPIKE_SHARE * values.length) {
    return none(eventTimes.length, spikeBuckets, eventTimes);
  }
  const gaps = eventTimes.slice(1).map((t, i) => t - (eventTimes[i] as number));
  const period = median(gaps);
  if (!(period >= 3 * options.bucketWidth)) return none(eventTimes.length, spikeBuckets, eventTimes);
  const tolerance = Math.max(GAP_TOLERANCE * period, 1.5 * options.bucketWidth);
  let single = 0;
  let matching = 0;
  for (const gap of gaps) {
    const k = Math.round(gap / period);
    if ((k === 1 || k === 2) && Math.abs(gap - k * period) <= tolerance) {
      matching++;
      if (k === 1) single++;
    }
  }
  if (matching < MIN_MATCHING_SHARE * gaps.length || single < 3) {
    return { ...none(eventTimes.length, spikeBuckets, eventTimes), matchingGaps: matching };
  }
  return { period, events: eventTimes.length, spikeBuckets, matchingGaps: matching, eventTimes };
}
