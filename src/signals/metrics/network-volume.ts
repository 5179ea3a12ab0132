import { median } from '../../stats/robust.js';
import type { Signal } from '../signal.js';
import { bytes, clock, metricSignal, num } from './emit.js';
import { baselineOf, type Shift, shiftOf } from './measures.js';
import { pair, spanOf } from './pairing.js';
import { rollingMean, type Samples, sliceTime } from './samples.js';
import type { RoleSeries, SeriesIndex } from './series-index.js';
import { levelName, rateWindowMs, sustainMs } from './timescale.js';

// How much traffic reaches each host, against its own baseline, and whether the HTTP requests
// served grew with it. A flood of attack packets multiplies the bytes and packets received while
// the requests served stay level or fall (legitimate packets are dropped with the rest); a crowd
// of real users raises both together.

/**
 * Rates are measured against a baseline of at least 1 KiB/s or 10 packets/s: below that an idle
 * interface's trickle (ARP, monitoring) would make any traffic look like a many-fold rise.
 */
const MIN_BYTES = 1024;
const MIN_PACKETS = 10;
/** Below a request a second the servers' traffic is too thin to compare with. */
const MIN_REQUESTS = 1;

export function networkVolumeSignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  const baselineEnd = index.baselineEnd();
  const requests = totalRequests(index);
  for (const received of index.all('net.receive-bytes')) {
    const shift = riseOf(received.samples, baselineEnd, MIN_BYTES);
    if (!shift) continue;
    const onset = shift.change?.onset;
    out.push(
      metricSignal({
        name: 'metrics.net.receive.rise',
        about: received,
        value: shift.ratio,
        unit: 'ratio',
        window: spanOf(shift.change, index.window),
        onset,
        explanation: `The host received ${bytes(shift.extreme.value)}/s at its highest ${levelName()} level (around ${clock(shift.extreme.at)}), ${num(shift.ratio)}× its baseline ${bytes(shift.baseline)}/s${onset !== undefined ? `, from ${clock(onset)}` : ''}.`,
      }),
    );
    const served = requests ? requestFactor(requests, shift.extreme.at, baselineEnd) : undefined;
    if (served !== undefined) {
      const ratio = shift.ratio / Math.max(served, 0.1);
      out.push(
        metricSignal({
          name: 'metrics.net.receive.request-ratio',
          about: received,
          value: ratio,
          unit: 'ratio',
          window: spanOf(shift.change, index.window),
          onset: shift.change ? onset : undefined,
          explanation: `Inbound bytes grew ${num(shift.ratio)}× while the HTTP requests served over all servers went to ${num(served)}× their baseline at the same time: the traffic grew ${num(ratio)}× more than the requests${ratio >= 3 ? ', so most of it was not requests being served' : ''}.`,
        }),
      );
    }
  }
  for (const packets of index.all('net.receive-packets')) {
    const shift = riseOf(packets.samples, baselineEnd, MIN_PACKETS);
    if (!shift) continue;
    const onset = shift.change?.onset;
    out.push(
      metricSignal({
        name: 'metrics.net.receive-packets.rise',
        about: packets,
        value: shift.ratio,
        unit: 'ratio',
        window: spanOf(shift.change, index.window),
        onset,
        explanation: `The host received ${num(shift.extreme.value)} packets/s at its highest ${levelName()} level (around ${clock(shift.extreme.at)}), ${num(shift.ratio)}× its baseline ${num(shift.baseline)}/s${onset !== undefined ? `, from ${clock(onset)}` : ''}.`,
      }),
    );
  }
  return out;
}

/**
 * A rate's highest 5-minute level over its baseline. Half the baseline again is the least that
 * is a change of traffic rather than the daily cycle (±30% over a day) seen over a few hours.
 */
function riseOf(
  samples: Samples,
  baselineEnd: number,
  floor: number,
): (Shift & { ratio: number }) | undefined {
  const rate = rollingMean(samples, rateWindowMs());
  const usual = baselineOf(rate, baselineEnd);
  if (usual === undefined) return undefined;
  const base = Math.max(usual, floor);
  const shift = shiftOf(rate, baselineEnd, { direction: 'up', minEffect: 0.5 * base, smoothed: true });
  if (!shift) return undefined;
  return { ...shift, ratio: Math.max(0, shift.extreme.value) / base };
}

/** Requests per second over all HTTP servers of the run, as one series. */
function totalRequests(index: SeriesIndex): Samples | undefined {
  const all: RoleSeries[] = index.all('http.requests');
  if (all.length === 0) return undefined;
  let total = (all[0] as RoleSeries).samples;
  for (const other of all.slice(1)) total = pair(total, other.samples, (a, b) => a + b);
  return rollingMean(total, rateWindowMs());
}

/** The requests served in the 5 minutes before `at` over their baseline; undefined when too few. */
function requestFactor(requests: Samples, at: number, baselineEnd: number): number | undefined {
  const usual = baselineOf(requests, baselineEnd);
  const then = median(sliceTime(requests, at - sustainMs(), at).values);
  if (usual === undefined || !(usual >= MIN_REQUESTS) || !Number.isFinite(then)) return undefined;
  return then / usual;
}
