import type { Signal } from '../signal.js';
import { clock, metricSignal, num, pct, seconds } from './emit.js';
import { shiftOf } from './measures.js';
import { spanOf } from './pairing.js';
import type { RoleSeries, SeriesIndex } from './series-index.js';
import { levelName } from './timescale.js';

// Language runtimes: the share of time spent in GC pauses and the Node.js event-loop lag, each as
// a level and as a rise over the subject's own early baseline.

interface RuntimeMetric {
  role: 'gc.pause-ratio' | 'eventloop.lag';
  name: string;
  unit: string;
  what: string;
  format: (v: number) => string;
  /**
   * Floor of the baseline in a rise ratio, so a near-zero baseline does not turn a trivial value
   * into a huge ratio.
   */
  floor: number;
  /** Smallest rise that is a change, in the series' unit. */
  minEffect: number;
}

const METRICS: readonly RuntimeMetric[] = [
  {
    role: 'gc.pause-ratio',
    name: 'metrics.gc.pause-ratio',
    unit: 'ratio',
    what: 'time spent in GC pauses',
    format: pct,
    // A healthy collector pauses well under 1% of wall time; 0.5% is the least a rise is measured from.
    floor: 0.005,
    // 2 more points of wall time in pauses is a throughput loss users notice; less is allocation noise.
    minEffect: 0.02,
  },
  {
    role: 'eventloop.lag',
    name: 'metrics.eventloop.lag',
    unit: 's',
    what: 'event-loop lag',
    format: seconds,
    // prom-client's lag of an idle loop is a few ms (timer resolution); 10 ms is the least a rise is measured from.
    floor: 0.01,
    // 50 ms more lag delays every request on the process by that much: a change, not jitter.
    minEffect: 0.05,
  },
];

export function runtimeSignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  for (const metric of METRICS) {
    for (const series of index.all(metric.role)) out.push(...signalsOf(metric, series, index));
  }
  return out;
}

function signalsOf(metric: RuntimeMetric, series: RoleSeries, index: SeriesIndex): Signal[] {
  const shift = shiftOf(series.samples, index.baselineEnd(), {
    direction: 'up',
    minEffect: metric.minEffect,
  });
  if (!shift) return [];
  const rise = Math.max(shift.extreme.value, 0) / Math.max(shift.baseline, metric.floor);
  const onset = shift.change?.onset;
  const since = onset !== undefined ? `, rising from ${clock(onset)}` : '';
  return [
    metricSignal({
      name: metric.name,
      about: series,
      value: shift.extreme.value,
      unit: metric.unit,
      window: spanOf(shift.change, index.window),
      onset,
      explanation: `${capitalize(metric.what)} reached ${metric.format(shift.extreme.value)} at its highest ${levelName()} median (ending ${clock(shift.extreme.at)})${since}.`,
    }),
    metricSignal({
      name: `${metric.name}.rise`,
      about: series,
      value: rise,
      unit: 'ratio',
      window: spanOf(shift.change, index.window),
      onset,
      explanation: `${capitalize(metric.what)} rose ${num(rise)}× over its baseline of ${metric.format(shift.baseline)} (to ${metric.format(shift.extreme.value)})${since}.`,
    }),
  ];
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
