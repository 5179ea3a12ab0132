import type { Signal } from '../signal.js';
import { clock, metricSignal, num, pct, seconds } from './emit.js';
import { baselineOf, shiftOf } from './measures.js';
import { spanOf } from './pairing.js';
import { type Samples, stretches, sustainedPeak } from './samples.js';
import type { RoleSeries, SeriesIndex } from './series-index.js';

// The monitoring itself: series cardinality in the TSDB head, failed scrapes per target, scrape
// durations against the scrape timeout, and the samples each target exposes.

/**
 * Prometheus's default scrape_timeout is 10 s, and the timeout of a job cannot exceed its
 * scrape_interval; the bundle does not carry the configured value, so the default stands in and
 * the explanation says so.
 */
export const DEFAULT_SCRAPE_TIMEOUT_S = 10;
/** A scrape slower than 2 minutes' median is what the target answers, not one slow scrape. */
const SCRAPE_SPAN_MS = 2 * 60_000;

export function observabilitySignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  const baselineEnd = index.baselineEnd();
  for (const series of index.all('tsdb.series')) {
    const rise = relativeRise(series.samples, baselineEnd, 0.2);
    if (!rise) continue;
    out.push(
      metricSignal({
        name: 'metrics.tsdb.series.growth',
        about: series,
        value: rise.ratio,
        unit: 'ratio',
        window: spanOf(rise.shift.change, index.window),
        onset: rise.shift.change?.onset,
        explanation: `Head series reached ${num(rise.shift.extreme.value)}, ${num(rise.ratio)}× the baseline ${num(rise.shift.baseline)}${rise.shift.change ? `, climbing from ${clock(rise.shift.change.onset)}` : ''}.`,
      }),
    );
  }
  for (const up of index.all('scrape.up')) out.push(...scrapeFailures(up, index));
  for (const duration of index.all('scrape.duration')) {
    const peak = sustainedPeak(duration.samples, SCRAPE_SPAN_MS);
    if (!peak) continue;
    const ratio = peak.value / DEFAULT_SCRAPE_TIMEOUT_S;
    const rise = relativeRise(duration.samples, baselineEnd, 0.5);
    out.push(
      metricSignal({
        name: 'metrics.scrape.duration.timeout-ratio',
        about: duration,
        value: ratio,
        unit: 'ratio',
        window: spanOf(rise?.shift.change, index.window),
        onset: rise?.shift.change?.onset,
        explanation: `Scrapes took up to ${seconds(peak.value)} (2-minute median ending ${clock(peak.at)}), ${pct(ratio)} of the default ${DEFAULT_SCRAPE_TIMEOUT_S} s scrape_timeout.`,
      }),
    );
    if (rise) {
      out.push(
        metricSignal({
          name: 'metrics.scrape.duration.rise',
          about: duration,
          value: rise.ratio,
          unit: 'ratio',
          window: spanOf(rise.shift.change, index.window),
          onset: rise.shift.change?.onset,
          explanation: `Scrape duration rose to ${num(rise.ratio)}× its baseline ${seconds(rise.shift.baseline)}${rise.shift.change ? ` from ${clock(rise.shift.change.onset)}` : ''}.`,
        }),
      );
    }
  }
  for (const samples of index.all('scrape.samples')) {
    const rise = relativeRise(samples.samples, baselineEnd, 0.2);
    if (!rise) continue;
    out.push(
      metricSignal({
        name: 'metrics.scrape.samples.rise',
        about: samples,
        value: rise.ratio,
        unit: 'ratio',
        window: spanOf(rise.shift.change, index.window),
        onset: rise.shift.change?.onset,
        explanation: `The target exposed up to ${num(rise.shift.extreme.value)} samples per scrape, ${num(rise.ratio)}× its baseline ${num(rise.shift.baseline)}.`,
      }),
    );
  }
  return out;
}

/**
 * The sustained peak over the baseline as a ratio; a move of `minShare` of the baseline dates a
 * change (cardinality and scrape sizes drift a few percent with normal pod churn).
 */
function relativeRise(samples: Samples, baselineEnd: number, minShare: number) {
  const baseline = baselineOf(samples, baselineEnd);
  if (baseline === undefined || !(baseline > 0)) return undefined;
  const shift = shiftOf(samples, baselineEnd, { direction: 'up', minEffect: minShare * baseline });
  if (!shift) return undefined;
  return { shift, ratio: Math.max(0, shift.extreme.value) / baseline };
}

/**
 * Share of a target's samples in which its scrape failed (up below 0.5: for a job summed over
 * several targets, most of them down), when failures started, and how often up flapped back.
 */
function scrapeFailures(up: RoleSeries, index: SeriesIndex): Signal[] {
  const values = up.samples.values;
  const failed = values.filter((v) => v < 0.5).length;
  const share = values.length > 0 ? failed / values.length : 0;
  const downs = stretches(up.samples, (v) => v < 0.5);
  let flaps = 0;
  for (const d of downs) if (d.start > (up.samples.times[0] as number)) flaps++;
  const first = downs[0];
  const window = first ? { start: first.start, end: (downs.at(-1) as { end: number }).end } : index.window;
  return [
    metricSignal({
      name: 'metrics.scrape.failures',
      about: up,
      value: share,
      unit: 'ratio',
      window,
      onset: first?.start,
      explanation:
        failed > 0
          ? `${pct(share)} of scrapes failed (${failed} of ${values.length} samples of up were 0), the first at ${clock(first?.start as number)}.`
          : `All ${values.length} scrapes succeeded.`,
    }),
    metricSignal({
      name: 'metrics.scrape.flaps',
      about: up,
      value: flaps,
      unit: 'count',
      window,
      onset: first?.start,
      explanation: `The target went down ${flaps} times after being up (up 1 → 0)${baselineOf(up.samples, index.baselineEnd()) === 0 ? '; it was already down at the start' : ''}.`,
    }),
  ];
}
