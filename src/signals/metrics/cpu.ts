import type { Signal } from '../signal.js';
import { clock, metricSignal, minutes, pct } from './emit.js';
import { shiftOf, sustainedTime } from './measures.js';
import { pair, spanOf } from './pairing.js';
import type { Samples } from './samples.js';
import type { RoleSeries, SeriesIndex } from './series-index.js';
import { levelName } from './timescale.js';

// CPU: how busy nodes and containers were and how that changed, time spent saturated, CFS
// throttling of containers against their quota, and time waiting on I/O.

/**
 * 90% busy is saturated: run queues grow sharply past it (queueing delay of an M/M/c system
 * climbs steeply above 0.9), and it is the usual "CPU high" alert level.
 */
const SATURATED = 0.9;
/** A change of 10 points of CPU share is a change of regime, not the noise of a busy host (a few points). */
const MIN_SHIFT = 0.1;

export function cpuSignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  const baselineEnd = index.baselineEnd();
  let busiest: { series: RoleSeries; value: number; onset?: number } | undefined;
  for (const series of index.all('cpu.utilization')) {
    const shift = shiftOf(series.samples, baselineEnd, { direction: 'up', minEffect: MIN_SHIFT });
    if (!shift) continue;
    const onset = shift.change?.onset;
    out.push(
      metricSignal({
        name: 'metrics.cpu.utilization',
        about: series,
        value: shift.extreme.value,
        unit: 'ratio',
        window: spanOf(shift.change, index.window),
        onset,
        explanation: `CPU was ${pct(shift.extreme.value)} busy at its highest ${levelName()} median (ending ${clock(shift.extreme.at)}), against ${pct(shift.baseline)} in the baseline${onset !== undefined ? `; the rise began at ${clock(onset)}` : ''}.`,
      }),
      metricSignal({
        name: 'metrics.cpu.utilization.rise',
        about: series,
        value: shift.effect,
        unit: 'ratio',
        window: spanOf(shift.change, index.window),
        onset,
        explanation: `CPU busy share rose by ${pct(shift.effect)} points, from ${pct(shift.baseline)} to ${pct(shift.extreme.value)}${onset !== undefined ? ` from ${clock(onset)}` : ' (no sustained change)'}.`,
      }),
      saturation(series, series.samples, index),
    );
    if (!busiest || shift.extreme.value > busiest.value) {
      busiest = { series, value: shift.extreme.value, ...(onset !== undefined ? { onset } : {}) };
    }
  }
  if (busiest) {
    out.push(
      metricSignal({
        name: 'metrics.cpu.busiest-node',
        sources: [busiest.series.source],
        value: busiest.value,
        unit: 'ratio',
        window: index.window,
        onset: busiest.onset,
        explanation: `The busiest node or host (${busiest.series.subject}) reached ${pct(busiest.value)} CPU at its highest ${levelName()} median.`,
      }),
    );
  }
  for (const usage of index.all('cpu.usage')) {
    const limit = index.companion(usage, 'cpu.limit');
    if (!limit) continue;
    const ratio = pair(usage, limit, (u, l) => (l > 0 ? u / l : Number.NaN));
    const shift = shiftOf(ratio, baselineEnd, { direction: 'up', minEffect: MIN_SHIFT });
    if (!shift) continue;
    out.push(
      metricSignal({
        name: 'metrics.cpu.limit-ratio',
        about: usage,
        value: shift.extreme.value,
        unit: 'ratio',
        window: spanOf(shift.change, index.window),
        onset: shift.change?.onset,
        explanation: `CPU use reached ${pct(shift.extreme.value)} of the container's limit at its highest ${levelName()} median, against ${pct(shift.baseline)} in the baseline.`,
      }),
    );
  }
  for (const series of index.all('cpu.throttled-ratio')) {
    // Throttling in 10 more points of CFS periods than before is a change a p99 feels (each throttled period stalls the container up to 100 ms).
    const shift = shiftOf(series.samples, baselineEnd, { direction: 'up', minEffect: MIN_SHIFT });
    if (!shift) continue;
    out.push(
      metricSignal({
        name: 'metrics.cpu.throttled',
        about: series,
        value: shift.extreme.value,
        unit: 'ratio',
        window: spanOf(shift.change, index.window),
        onset: shift.change?.onset,
        explanation: `The container was throttled in ${pct(shift.extreme.value)} of its CFS periods at the highest ${levelName()} median, against ${pct(shift.baseline)} in the baseline${shift.change ? `; throttling rose from ${clock(shift.change.onset)}` : ''}.`,
      }),
    );
  }
  for (const series of index.all('cpu.iowait')) {
    // 5 points more time in iowait already means many tasks blocked on the disk on a multi-core host.
    const shift = shiftOf(series.samples, baselineEnd, { direction: 'up', minEffect: 0.05 });
    if (!shift) continue;
    out.push(
      metricSignal({
        name: 'metrics.cpu.iowait',
        about: series,
        value: shift.extreme.value,
        unit: 'ratio',
        window: spanOf(shift.change, index.window),
        onset: shift.change?.onset,
        explanation: `CPU time waiting on I/O reached ${pct(shift.extreme.value)} at its highest ${levelName()} median, against ${pct(shift.baseline)} in the baseline${shift.change ? `, rising from ${clock(shift.change.onset)}` : ''}.`,
      }),
    );
  }
  return out;
}

function saturation(about: RoleSeries, share: Samples, index: SeriesIndex): Signal {
  const time = sustainedTime(share, (v) => v >= SATURATED);
  return metricSignal({
    name: 'metrics.cpu.saturation',
    about,
    value: time.ms / 60_000,
    unit: 'min',
    window: time.first !== undefined ? { start: time.first, end: time.last ?? time.first } : index.window,
    onset: time.first,
    explanation:
      time.ms > 0
        ? `CPU was at least ${pct(SATURATED)} busy for ${minutes(time.ms)} (2-minute medians), from ${clock(time.first as number)}.`
        : `CPU never stayed at ${pct(SATURATED)} busy for 2 minutes.`,
  });
}
