import { median } from '../../stats/robust.js';
import type { Signal } from '../signal.js';
import { clock, metricSignal, minutes, num, pct, pValue } from './emit.js';
import { baselineOf, shiftOf, TREND_ALPHA, trendBucket, trendOf } from './measures.js';
import { bendOnset } from './onset.js';
import { spanOf } from './pairing.js';
import {
  integrate,
  MINUTE_MS,
  rollingMean,
  rollingMedian,
  type Samples,
  sliceTime,
  stretches,
  stretchMs,
  usualInterval,
} from './samples.js';
import type { RoleSeries, SeriesIndex } from './series-index.js';
import { levelName, rateWindowMs, sustainMs } from './timescale.js';

// Queues and consumer groups: how fast the backlog grows as a share of what arrives, whether the
// consumers stopped while it grew (a stall), whether producers burst, and whether messages went
// missing: published, but neither consumed nor left in the backlog (dropped or rejected at a limit).

/** A consumer is idle when it consumes under 5% of its baseline rate: a stalled fetch, not a slow one. */
const IDLE_SHARE = 0.05;
/**
 * Stall and idle states are judged on 2-minute medians of the consumed rate, two fifths of the
 * level span: on a short window's time scale, the same share of its level span.
 */
const stateSpanMs = () => Math.min(2 * MINUTE_MS, 0.4 * sustainMs());
/** Mass balance is taken over 10 minutes: long enough that scrape offsets between gauges and counters cancel. */
const BALANCE_SPAN_MS = 10 * MINUTE_MS;

export function queueSignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  for (const lag of index.all('queue.lag')) {
    const consumed = index.companion(lag, 'queue.consumed');
    const published = index.companion(lag, 'queue.published');
    out.push(...lagSignals(lag, index, consumed, published));
    if (consumed) out.push(...stallSignals(lag, consumed, index));
    if (published) {
      const burst = publishedRise(lag, published, index);
      if (burst) out.push(burst);
      if (consumed) {
        const overflow = overflowSignal(lag, consumed, published, index);
        if (overflow) out.push(overflow);
      }
    }
  }
  return out;
}

function lagSignals(
  lag: RoleSeries,
  index: SeriesIndex,
  consumed: RoleSeries | undefined,
  published: RoleSeries | undefined,
): Signal[] {
  const baseline = baselineOf(lag.samples, index.baselineEnd()) ?? 0;
  // A backlog 1000 messages or twice its usual size above normal has changed; a few hundred is the jitter of batch commits.
  const shift = shiftOf(lag.samples, index.baselineEnd(), {
    direction: 'up',
    minEffect: Math.max(1000, baseline),
  });
  const bend = bendOnset(lag.samples, 'up');
  const from = bend ?? lag.samples.times[0] ?? index.window.start;
  const part = sliceTime(lag.samples, from);
  const trend = trendOf([part], trendBucket(index.window, index.intervalMs));
  const slope = trend && trend.p < TREND_ALPHA ? trend.slopePerHour / 3600 : 0;
  const span = { start: from, end: part.times[part.times.length - 1] ?? index.window.end };
  // Inflow over the same stretch: what producers wrote, else what consumers took plus what piled up.
  const inflowSeries = published ?? consumed;
  const inflow = inflowSeries
    ? meanRate(sliceTime(inflowSeries.samples, span.start, span.end + 1))
    : Number.NaN;
  const arriving = published ? inflow : inflow + Math.max(0, slope);
  const growth =
    slope > 0 && arriving > 0 ? Math.min(1, slope / arriving) : slope > 0 && !inflowSeries ? 1 : 0;
  const signals: Signal[] = [];
  if (shift) {
    signals.push(
      metricSignal({
        name: 'metrics.queue.lag',
        about: lag,
        value: shift.extreme.value,
        unit: 'messages',
        window: spanOf(shift.change, index.window),
        onset: shift.change?.onset,
        explanation: `The backlog reached ${num(shift.extreme.value)} messages (${levelName()} median ending ${clock(shift.extreme.at)}), against ${num(shift.baseline)} in the baseline${shift.change ? `, from ${clock(shift.change.onset)}` : ''}.`,
      }),
    );
  }
  signals.push(
    metricSignal({
      name: 'metrics.queue.lag.growth',
      about: lag,
      value: growth,
      unit: 'ratio',
      window: span,
      onset: growth > 0 ? bend : undefined,
      explanation:
        growth > 0
          ? `The backlog grew by ${num(slope)} messages/s (Theil–Sen, Mann–Kendall p ${pValue(trend?.p ?? 1)})${Number.isFinite(arriving) ? `, ${pct(growth)} of the ${num(arriving)}/s arriving` : ''}${bend !== undefined ? `, from ${clock(bend)}` : ''}.`
          : `The backlog shows no significant growth${trend ? ` (Mann–Kendall p ${pValue(trend.p)})` : ''}.`,
    }),
  );
  return signals;
}

/**
 * Minutes during which consumers took (almost) nothing while the backlog grew: a stall. Slow
 * consumers still consume, and a quiet topic has no backlog growing, so neither counts.
 */
function stallSignals(lag: RoleSeries, consumed: RoleSeries, index: SeriesIndex): Signal[] {
  const usual = baselineOf(consumed.samples, index.baselineEnd()) ?? median(consumed.samples.values);
  // Without a baseline rate, a hundredth of a message per second is idle.
  const idleBelow = usual > 0 ? IDLE_SHARE * usual : 0.01;
  const stateSpan = stateSpanMs();
  const smoothed = rollingMedian(consumed.samples, stateSpan);
  const interval = usualInterval(smoothed);
  const stalls = stretches(smoothed, (v) => v < idleBelow).filter((s) => {
    const at = sliceTime(lag.samples, s.start - stateSpan, s.end + 1);
    return at.values.length >= 2 && (at.values.at(-1) as number) > (at.values[0] as number);
  });
  const ms = stalls.reduce((sum, s) => sum + stretchMs(s, interval), 0);
  const first = stalls[0];
  // The rolling median confirms the stall a minute after it began.
  const onset = first ? first.start - stateSpan / 2 : undefined;
  // The same stall as a share of the window after the baseline: a short rehearsal cannot hold minutes.
  const after = index.window.end - index.baselineEnd();
  const share = after > 0 ? Math.min(1, ms / after) : 0;
  const stallWindow =
    first && onset !== undefined
      ? { start: onset, end: (stalls.at(-1) as { end: number }).end }
      : index.window;
  return [
    metricSignal({
      name: 'metrics.queue.stall',
      about: lag,
      value: ms / MINUTE_MS,
      unit: 'min',
      window: stallWindow,
      onset,
      explanation:
        ms > 0
          ? `Consumers took under ${num(idleBelow)} messages/s (5% of their usual ${num(usual)}/s) for ${minutes(ms)} while the backlog grew, from ${clock(onset as number)}.`
          : `Consumers never stopped while the backlog grew (usual rate ${num(usual)}/s).`,
    }),
    metricSignal({
      name: 'metrics.queue.stall.share',
      about: lag,
      value: share,
      unit: 'ratio',
      window: stallWindow,
      onset,
      explanation:
        ms > 0
          ? `Consumers were stalled while the backlog grew during ${pct(share)} of the window after its baseline.`
          : 'Consumers never stopped while the backlog grew.',
    }),
  ];
}

function publishedRise(lag: RoleSeries, published: RoleSeries, index: SeriesIndex): Signal | undefined {
  const rate = rollingMean(published.samples, rateWindowMs());
  const usual = baselineOf(rate, index.baselineEnd());
  if (usual === undefined) return undefined;
  // Half as much again as usual is a burst; daily traffic moves a topic's rate less within a few hours.
  const shift = shiftOf(rate, index.baselineEnd(), {
    direction: 'up',
    minEffect: Math.max(1, 0.5 * usual),
    smoothed: true,
  });
  if (!shift) return undefined;
  const rise = Math.max(0, shift.extreme.value) / Math.max(shift.baseline, 1);
  return metricSignal({
    name: 'metrics.queue.published.rise',
    about: lag,
    value: rise,
    unit: 'ratio',
    window: spanOf(shift.change, index.window),
    onset: shift.change?.onset,
    explanation: `Producers wrote up to ${num(shift.extreme.value)} messages/s (${levelName()} average), ${num(rise)}× the baseline ${num(shift.baseline)}/s${shift.change ? `, from ${clock(shift.change.onset)}` : ''}.`,
  });
}

/**
 * Share of published messages that were neither consumed nor added to the backlog, over 10-minute
 * spans: Σpublished − Σconsumed − Δbacklog, over Σpublished. Near 0 when every message is accounted
 * for; a queue at its length limit that drops or rejects what arrives leaves the rest unaccounted.
 * The highest sustained share (median of the spans' shares over 5 minutes) is reported.
 */
function overflowSignal(
  lag: RoleSeries,
  consumed: RoleSeries,
  published: RoleSeries,
  index: SeriesIndex,
): Signal | undefined {
  const shares: Samples = { times: [], values: [] };
  for (const t of lag.samples.times) {
    const from = t - BALANCE_SPAN_MS;
    const inflow = integrate(sliceTime(published.samples, from, t + 1));
    const outflow = integrate(sliceTime(consumed.samples, from, t + 1));
    const depth = sliceTime(lag.samples, from, t + 1);
    if (depth.values.length < 2 || !(inflow > 0) || t - (lag.samples.times[0] as number) < BALANCE_SPAN_MS)
      continue;
    const piled = (depth.values.at(-1) as number) - (depth.values[0] as number);
    // Each balance describes the 10 minutes before t, and is dated at their middle.
    shares.times.push(t - BALANCE_SPAN_MS / 2);
    shares.values.push((inflow - outflow - piled) / inflow);
  }
  // Ten points of inflow unaccounted is beyond the counting offsets of gauges and counters scraped at slightly different times.
  const shift = shiftOf(shares, index.baselineEnd(), { direction: 'up', minEffect: 0.1, smoothed: true });
  if (!shift) return undefined;
  const value = Math.max(0, shift.extreme.value);
  return metricSignal({
    name: 'metrics.queue.overflow-share',
    about: lag,
    value,
    unit: 'ratio',
    window: spanOf(shift.change, index.window),
    onset: shift.change?.onset,
    explanation: `${pct(value)} of published messages were neither consumed nor left in the backlog at the highest 10-minute balance (ending ${clock(shift.extreme.at)}), against ${pct(shift.baseline)} in the baseline: dropped or rejected.`,
  });
}

function meanRate(samples: Samples): number {
  if (samples.values.length === 0) return Number.NaN;
  return samples.values.reduce((s, v) => s + v, 0) / samples.values.length;
}
