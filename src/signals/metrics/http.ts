import { median } from '../../stats/robust.js';
import type { Signal } from '../signal.js';
import { clock, metricSignal, num, pct, seconds } from './emit.js';
import { baselineOf, type Shift, shiftOf } from './measures.js';
import { pair, spanOf, windowedShare } from './pairing.js';
import { rollingMean, type Samples } from './samples.js';
import type { RoleSeries, SeriesIndex } from './series-index.js';
import { levelName, rateWindowMs } from './timescale.js';

// HTTP servers' own metrics: the 5xx and 429 shares of requests, the latency shift against the
// server's baseline, and the change in request rate that gives an overload or a cascade its
// context. Across servers: how many slowed together (a shared cause) and the total traffic.

/** Fewer than half a request a second makes shares swing on single requests; such windows are left out. */
const MIN_REQUESTS = 0.5;
/** A server slowed when its latency held 1.5× its baseline: beyond the daily swing of a stable service. */
const SLOW_SHIFT = 1.5;

export function httpSignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  const baselineEnd = index.baselineEnd();
  for (const requests of index.all('http.requests')) {
    const errors = index.companion(requests, 'http.errors');
    if (errors) {
      const share = windowedShare(errors.samples, requests.samples, MIN_REQUESTS);
      // One point more of requests failing is an incident for any service with an SLO of 99% or better.
      const shift = shiftOf(share, baselineEnd, { direction: 'up', minEffect: 0.01, smoothed: true });
      if (shift) {
        const onset = shift.change?.onset;
        out.push(
          metricSignal({
            name: 'metrics.http.errors.ratio',
            about: requests,
            value: shift.extreme.value,
            unit: 'ratio',
            window: spanOf(shift.change, index.window),
            onset,
            explanation: `${pct(shift.extreme.value)} of requests got a 5xx at the highest ${levelName()} level (around ${clock(shift.extreme.at)}), against ${pct(shift.baseline)} in the baseline.`,
          }),
          metricSignal({
            name: 'metrics.http.errors.ratio.rise',
            about: requests,
            value: Math.max(0, shift.effect),
            unit: 'ratio',
            window: spanOf(shift.change, index.window),
            onset,
            explanation: `The 5xx share rose by ${pct(Math.max(0, shift.effect))} points over the baseline ${pct(shift.baseline)}${onset !== undefined ? ` from ${clock(onset)}` : ' (no sustained rise)'}.`,
          }),
        );
      }
    }
    const throttled = index.companion(requests, 'http.throttled');
    if (throttled) {
      const share = windowedShare(throttled.samples, requests.samples, MIN_REQUESTS);
      const shift = shiftOf(share, baselineEnd, { direction: 'up', minEffect: 0.01, smoothed: true });
      if (shift) {
        out.push(
          metricSignal({
            name: 'metrics.http.throttled.ratio',
            about: requests,
            value: shift.extreme.value,
            unit: 'ratio',
            window: spanOf(shift.change, index.window),
            onset: shift.change?.onset,
            explanation: `${pct(shift.extreme.value)} of requests were answered 429 at the highest ${levelName()} level, against ${pct(shift.baseline)} in the baseline${shift.change ? `, from ${clock(shift.change.onset)}` : ''}.`,
          }),
        );
      }
    }
    const rate = requestShift(requests.samples, baselineEnd);
    if (rate) out.push(requestSignal('metrics.http.requests.shift', rate, index, requests));
  }

  const slowed: Array<{ ratio: number; onset?: number }> = [];
  const latencySubjects = new Map<string, RoleSeries>();
  for (const role of ['http.latency-p99', 'http.latency-mean'] as const) {
    for (const s of index.all(role)) if (!latencySubjects.has(s.subject)) latencySubjects.set(s.subject, s);
  }
  for (const latency of latencySubjects.values()) {
    const baseline = baselineOf(latency.samples, baselineEnd);
    if (baseline === undefined) continue;
    // A rise of 30% of the baseline is past the noise of a per-scrape quantile; smaller moves have no onset.
    const shift = shiftOf(latency.samples, baselineEnd, { direction: 'up', minEffect: 0.3 * baseline });
    if (!shift) continue;
    const ratio = Math.max(0, shift.extreme.value) / Math.max(shift.baseline, 1e-3);
    const onset = shift.change?.onset;
    const which = latency.role === 'http.latency-p99' ? 'p99 latency' : 'mean latency';
    slowed.push({ ratio, ...(onset !== undefined ? { onset } : {}) });
    out.push(
      metricSignal({
        name: 'metrics.http.latency.shift',
        about: latency,
        value: ratio,
        unit: 'ratio',
        window: spanOf(shift.change, index.window),
        onset,
        explanation: `Server-side ${which} reached ${seconds(shift.extreme.value)} at its highest ${levelName()} median, ${num(ratio)}× the baseline ${seconds(shift.baseline)}${onset !== undefined ? `, from ${clock(onset)}` : ''}.`,
      }),
    );
  }
  if (slowed.length >= 2) {
    const slow = slowed.filter((s) => s.ratio >= SLOW_SHIFT);
    const onsets = slow.flatMap((s) => (s.onset !== undefined ? [s.onset] : []));
    const onset = onsets.length > 0 ? median(onsets) : undefined;
    const share = slow.length / slowed.length;
    const middle = median(slowed.map((s) => s.ratio));
    const sources = [...latencySubjects.values()].slice(0, 1).map((s) => s.source);
    out.push(
      metricSignal({
        name: 'metrics.http.latency.slow-share',
        sources,
        value: share,
        unit: 'ratio',
        window: index.window,
        onset: share > 0 ? onset : undefined,
        explanation: `${slow.length} of ${slowed.length} servers' latency rose to at least ${SLOW_SHIFT}× their baseline${onset !== undefined ? `, around ${clock(onset)} (median onset)` : ''}.`,
      }),
      metricSignal({
        name: 'metrics.http.latency.median-shift',
        sources,
        value: middle,
        unit: 'ratio',
        window: index.window,
        onset: middle >= SLOW_SHIFT ? onset : undefined,
        explanation: `The median server's latency reached ${num(middle)}× its baseline (over ${slowed.length} servers).`,
      }),
    );
  }
  const all = index.all('http.requests');
  if (all.length >= 2) {
    let total = all[0]?.samples as Samples;
    for (const other of all.slice(1)) total = pair(total, other.samples, (a, b) => a + b);
    const rate = requestShift(total, baselineEnd);
    if (rate) {
      out.push(requestSignal('metrics.http.requests.total-shift', rate, index, undefined, all[0]?.source));
    }
  }
  return out;
}

/** The request rate's move from its baseline, up or down, whichever is larger as a ratio. */
function requestShift(samples: Samples, baselineEnd: number): (Shift & { ratio: number }) | undefined {
  const rate = rollingMean(samples, rateWindowMs());
  const usual = baselineOf(rate, baselineEnd);
  if (usual === undefined || !(usual > 0)) return undefined;
  // A third more or less traffic than the baseline is a change of load, not its minute-to-minute variation.
  const up = shiftOf(rate, baselineEnd, { direction: 'up', minEffect: usual / 3, smoothed: true });
  const down = shiftOf(rate, baselineEnd, { direction: 'down', minEffect: usual / 3, smoothed: true });
  const ratioOf = (s: Shift | undefined) => (s ? Math.max(s.extreme.value, 0) / usual : 1);
  const upRatio = ratioOf(up);
  const downRatio = ratioOf(down);
  const pick = Math.abs(Math.log(upRatio)) >= Math.abs(Math.log(Math.max(downRatio, 1e-6))) ? up : down;
  if (!pick) return undefined;
  return { ...pick, ratio: pick === up ? upRatio : downRatio };
}

function requestSignal(
  name: string,
  shift: Shift & { ratio: number },
  index: SeriesIndex,
  about?: RoleSeries,
  source?: RoleSeries['source'],
): Signal {
  const onset = shift.change?.onset;
  return metricSignal({
    name,
    ...(about ? { about } : { sources: source ? [source] : [] }),
    value: shift.ratio,
    unit: 'ratio',
    window: spanOf(shift.change, index.window),
    onset,
    explanation: `${about ? 'Requests' : 'Requests over all servers'} went to ${num(shift.extreme.value)}/s (${levelName()} average), ${num(shift.ratio)}× the baseline ${num(shift.baseline)}/s${onset !== undefined ? `, from ${clock(onset)}` : ''}.`,
  });
}
