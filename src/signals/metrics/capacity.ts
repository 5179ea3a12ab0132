import { median as robustMedian } from '../../stats/robust.js';
import type { Signal } from '../signal.js';
import { bytes, clock, hours, metricSignal, num, pct, pValue } from './emit.js';
import { levelOf, shiftOf, TREND_ALPHA, trendBucket, trendOf } from './measures.js';
import { bendOnset } from './onset.js';
import { ratioTo, spanOf } from './pairing.js';
import { MINUTE_MS, type Samples, sliceTime, sustainedPeak, sustainedTrough } from './samples.js';
import type { RoleSeries, SeriesIndex } from './series-index.js';
import { levelName, sustainMs } from './timescale.js';

// Finite resources that run out: disk time (I/O utilization), disk space and file descriptors.
// Space and descriptors are projected to exhaustion from their robust slope, only when the slope
// is significant, so a flat or noisy series never gets a date.

/** Projections are reported up to a year; no significant trend reads as this cap. */
export const NEVER_HOURS = 8760;
/** A device busy 80% of the time queues most requests behind others (iostat's %util rule of thumb). */
const IO_BUSY = 0.8;
/** A quarter of an hour of recent samples gives the level a projection starts from. */
const RECENT_MS = 15 * MINUTE_MS;

export function capacitySignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  for (const io of index.all('disk.io-utilization')) {
    const level = levelOf(io.samples, IO_BUSY);
    if (!level) continue;
    out.push(
      metricSignal({
        name: 'metrics.disk.io-utilization',
        about: io,
        value: level.peak.value,
        unit: 'ratio',
        window: spanOf(level.change, index.window),
        onset: level.change?.onset,
        explanation: `The device was busy ${pct(level.peak.value)} of the time at its highest ${levelName()} median (ending ${clock(level.peak.at)})${level.change ? `, above ${pct(IO_BUSY)} from ${clock(level.change.onset)}` : ''}.`,
      }),
    );
  }
  for (const free of index.all('disk.free')) {
    const size = index.companion(free, 'disk.size');
    if (size) {
      const ratio = ratioTo(free, size);
      // The lowest level held for 5 minutes; 5% free is where node-exporter's mixin warns and databases start refusing to checkpoint.
      const shift = shiftOf(ratio, index.baselineEnd(), { direction: 'down', minEffect: 0.05 });
      const trough = sustainedTrough(ratio, sustainMs());
      if (trough) {
        out.push(
          metricSignal({
            name: 'metrics.disk.free-ratio',
            about: free,
            value: trough.value,
            unit: 'ratio',
            window: spanOf(shift?.change, index.window),
            onset: shift?.change?.onset,
            explanation: `The filesystem had ${pct(trough.value)} of its ${bytes(median(size.samples))} free at its lowest ${levelName()} median (ending ${clock(trough.at)}).`,
          }),
        );
      }
    }
    out.push(
      exhaustion(free, index, {
        name: 'metrics.disk.time-to-full',
        direction: 'down',
        what: 'free space',
        format: bytes,
      }),
    );
  }
  for (const open of index.all('fd.open')) {
    const max = index.companion(open, 'fd.max');
    if (!max) continue;
    const peak = sustainedPeak(ratioTo(open, max), sustainMs());
    if (!peak) continue;
    const limit = median(max);
    out.push(
      metricSignal({
        name: 'metrics.fd.ratio',
        about: open,
        value: peak.value,
        unit: 'ratio',
        window: index.window,
        explanation: `The process had ${pct(peak.value)} of its ${num(limit)} file descriptors open at the highest ${levelName()} median (ending ${clock(peak.at)}).`,
      }),
      exhaustion(open, index, {
        name: 'metrics.fd.time-to-exhaustion',
        direction: 'up',
        what: 'open file descriptors',
        format: num,
        limit,
      }),
    );
  }
  return out;
}

/**
 * Hours until a series reaches its limit (0 for free space, `limit` for a count) at the Theil–Sen
 * slope of its climb: from the bend where it started moving if there is one, else over the whole
 * window. Only a significant slope (Mann–Kendall) in the exhausting direction gives a projection.
 */
function exhaustion(
  series: RoleSeries,
  index: SeriesIndex,
  options: {
    name: string;
    direction: 'up' | 'down';
    what: string;
    format: (v: number) => string;
    limit?: number;
  },
): Signal {
  const bend = bendOnset(series.samples, options.direction);
  const from = bend ?? series.samples.times[0] ?? index.window.start;
  const part = sliceTime(series.samples, from);
  const trend = trendOf([part], trendBucket(index.window, index.intervalMs));
  const sign = options.direction === 'up' ? 1 : -1;
  const end = part.times[part.times.length - 1] ?? index.window.end;
  const recent = sliceTime(part, end - RECENT_MS);
  const current = median(recent);
  const target = options.limit ?? 0;
  const slope = trend && trend.p < TREND_ALPHA ? trend.slopePerHour : 0;
  const remaining = sign * (target - current);
  const projected =
    remaining <= 0 ? 0 : sign * slope > 0 ? Math.min(NEVER_HOURS, remaining / Math.abs(slope)) : NEVER_HOURS;
  const onset = projected < NEVER_HOURS ? bend : undefined;
  return metricSignal({
    name: options.name,
    about: series,
    value: projected,
    unit: 'h',
    window: { start: from, end },
    onset,
    explanation:
      projected >= NEVER_HOURS
        ? `${capitalize(options.what)} shows no significant trend towards exhaustion${trend ? ` (Mann–Kendall p ${pValue(trend.p)})` : ''}, reported as ${NEVER_HOURS} h.`
        : `${capitalize(options.what)} at ${options.format(current)} and moving ${options.format(Math.abs(slope))}/h (Theil–Sen, Mann–Kendall p ${pValue(trend?.p ?? 1)}) runs out in ${hours(projected)}${onset !== undefined ? `; the trend began at ${clock(onset)}` : ''}.`,
  });
}

function median(of: RoleSeries | Samples): number {
  return robustMedian('samples' in of ? of.samples.values : of.values);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
