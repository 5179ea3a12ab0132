import type { Signal } from '../signal.js';
import { clock, metricSignal, num, pct } from './emit.js';
import { shiftOf } from './measures.js';
import { spanOf, windowedShare } from './pairing.js';
import { rollingMean, type Samples } from './samples.js';
import type { RoleSeries, SeriesIndex } from './series-index.js';
import { levelName, rateWindowMs } from './timescale.js';

// Hosts' network: interface errors and drops, the TCP retransmission ratio, listen-queue
// overflows and the conntrack table's fill. Event rates are 5-minute averages, as rate(x[5m]).

interface RateMetric {
  role: 'net.errors' | 'net.drops' | 'net.listen-overflows';
  name: string;
  what: string;
  /** Smallest rise (per second) that is a change. */
  minEffect: number;
}

const RATES: readonly RateMetric[] = [
  // One bad frame every 10 s is a flaky link; healthy NICs count none for days.
  { role: 'net.errors', name: 'metrics.net.errors', what: 'interface errors', minEffect: 0.1 },
  // Drops come in bursts of queue overruns; 1 per second sustained over 5 minutes is more than a burst.
  { role: 'net.drops', name: 'metrics.net.drops', what: 'dropped packets', minEffect: 1 },
  // A listen queue that overflows once a second for 5 minutes refuses hundreds of connection attempts.
  {
    role: 'net.listen-overflows',
    name: 'metrics.net.listen-overflows',
    what: 'listen-queue overflows and SYN drops',
    minEffect: 1,
  },
];

export function networkSignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  for (const metric of RATES) {
    for (const series of index.all(metric.role)) {
      const signal = rateSignal(metric, series, rollingMean(series.samples, rateWindowMs()), index);
      if (signal) out.push(signal);
    }
  }
  for (const retransmits of index.all('net.retransmits')) {
    const out_ = index.companion(retransmits, 'net.segments-out');
    if (!out_) continue;
    // Fewer than one segment a second is an idle host: no ratio.
    const ratio = windowedShare(retransmits.samples, out_.samples, 1);
    // Half a point of segments resent is far above the < 0.1% of a healthy network.
    const shift = shiftOf(ratio, index.baselineEnd(), { direction: 'up', minEffect: 0.005, smoothed: true });
    if (!shift) continue;
    out.push(
      metricSignal({
        name: 'metrics.net.retransmit-ratio',
        about: retransmits,
        value: shift.extreme.value,
        unit: 'ratio',
        window: spanOf(shift.change, index.window),
        onset: shift.change?.onset,
        explanation: `${pct(shift.extreme.value)} of TCP segments sent were retransmissions at the highest ${levelName()} level (around ${clock(shift.extreme.at)}), against ${pct(shift.baseline)} in the baseline${shift.change ? `, from ${clock(shift.change.onset)}` : ''}.`,
      }),
    );
  }
  for (const conntrack of index.all('net.conntrack-used')) {
    // 10 more points of the table is a change in how connections are made, not daily variation.
    const shift = shiftOf(conntrack.samples, index.baselineEnd(), { direction: 'up', minEffect: 0.1 });
    if (!shift) continue;
    out.push(
      metricSignal({
        name: 'metrics.net.conntrack',
        about: conntrack,
        value: shift.extreme.value,
        unit: 'ratio',
        window: spanOf(shift.change, index.window),
        onset: shift.change?.onset,
        explanation: `The conntrack table was ${pct(shift.extreme.value)} full at its highest ${levelName()} median, against ${pct(shift.baseline)} in the baseline${shift.change ? `, rising from ${clock(shift.change.onset)}` : ''}.`,
      }),
    );
  }
  return out;
}

function rateSignal(
  metric: RateMetric,
  series: RoleSeries,
  perSecond: Samples,
  index: SeriesIndex,
): Signal | undefined {
  const shift = shiftOf(perSecond, index.baselineEnd(), {
    direction: 'up',
    minEffect: metric.minEffect,
    smoothed: true,
  });
  if (!shift) return undefined;
  return metricSignal({
    name: metric.name,
    about: series,
    value: shift.extreme.value,
    unit: 'per-second',
    window: spanOf(shift.change, index.window),
    onset: shift.change?.onset,
    explanation: `Up to ${num(shift.extreme.value)} ${metric.what} per second (${levelName()} average, around ${clock(shift.extreme.at)}), against ${num(shift.baseline)}/s in the baseline${shift.change ? `, from ${clock(shift.change.onset)}` : ''}.`,
  });
}
