import { spearman } from '../../stats/correlation.js';
import type { Signal } from '../signal.js';
import { bytes, clock, metricSignal, num } from './emit.js';
import { baselineOf, shiftOf } from './measures.js';
import { pair, spanOf } from './pairing.js';
import { bucketMedians } from './samples.js';
import type { SeriesIndex } from './series-index.js';
import { levelName, sustainMs } from './timescale.js';

// What an HTTP server's responses weigh: the mean body size against its baseline, and whether the
// server's latency moves with it. Responses that grow from kilobytes to megabytes take longer to
// serialize, buffer and send, so latency follows size; more requests of the same size leave the
// size flat.

/** A quarter more bytes per response is beyond the mix changes of a stable API over a few hours. */
const MIN_SIZE_EFFECT = 0.25;
/**
 * Sizes and latencies are compared on medians of a fifth of the sustain span (1 minute at the
 * 5-minute scale): neighbouring scrapes are not independent.
 */
const bucketMs = () => sustainMs() / 5;

export function payloadSignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  const baselineEnd = index.baselineEnd();
  for (const size of index.all('http.response-size')) {
    const usual = baselineOf(size.samples, baselineEnd);
    if (usual === undefined || !(usual > 0)) continue;
    const shift = shiftOf(size.samples, baselineEnd, { direction: 'up', minEffect: MIN_SIZE_EFFECT * usual });
    if (!shift) continue;
    const ratio = Math.max(0, shift.extreme.value) / shift.baseline;
    const onset = shift.change?.onset;
    out.push(
      metricSignal({
        name: 'metrics.http.response-size.shift',
        about: size,
        value: ratio,
        unit: 'ratio',
        window: spanOf(shift.change, index.window),
        onset,
        explanation: `Responses averaged ${bytes(shift.extreme.value)} at their highest ${levelName()} median (around ${clock(shift.extreme.at)}), ${num(ratio)}× the baseline ${bytes(shift.baseline)}${onset !== undefined ? `, from ${clock(onset)}` : ''}.`,
      }),
    );
    const latency = index.companion(size, 'http.latency-p99') ?? index.companion(size, 'http.latency-mean');
    if (!latency) continue;
    const sizes = bucketMedians(size.samples, bucketMs());
    const latencies = bucketMedians(latency.samples, bucketMs());
    const x: number[] = [];
    const y: number[] = [];
    const joined = pair(sizes, latencies, (s, l) => {
      x.push(s);
      y.push(l);
      return 1;
    });
    const rho = joined.values.length >= 10 ? spearman(x, y) : Number.NaN;
    if (!Number.isFinite(rho)) continue;
    out.push(
      metricSignal({
        name: 'metrics.http.latency.size-correlation',
        about: size,
        value: rho,
        unit: 'rho',
        window: index.window,
        explanation: `Spearman's rho between the mean response size and the ${latency.role === 'http.latency-p99' ? 'p99' : 'mean'} latency per minute was ${num(rho)} over ${joined.values.length} spans of ${Math.round(bucketMs() / 1000)} s${rho >= 0.5 ? ': the server was slow when its responses were large' : ''}.`,
      }),
    );
  }
  return out;
}
