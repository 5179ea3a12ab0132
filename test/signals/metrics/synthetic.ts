import type { MetricRole, MetricSeries, MetricsData } from '../../../src/gather/metrics/data.js';
import { metricSignals } from '../../../src/signals/metrics/signals.js';
import type { Signal } from '../../../src/signals/signal.js';
import { SeededRandom } from '../../stats/random.js';

// Synthetic metrics as the gatherer hands them over: role series per subject, counters already
// per-second rates, with noise, a daily cycle, missed scrapes and several subjects.

export const START = Date.UTC(2024, 4, 14, 9, 0, 0);
export const MINUTE = 60_000;

export interface SeriesSpec {
  role: MetricRole;
  subject: string;
  labels?: Record<string, string>;
  /** The value at minute m (noise is added on top). */
  value: (m: number) => number;
  /** Relative noise (standard deviation as a share of the value). */
  noise?: number;
  /** Absolute noise (standard deviation). */
  absNoise?: number;
  /** Share of samples missing (null), at random. */
  missing?: number;
}

export interface WindowSpec {
  minutes: number;
  stepS?: number;
  seed?: number;
}

/** One series sampled every stepS seconds with a small scrape jitter. */
export function series(spec: SeriesSpec, window: WindowSpec, random: SeededRandom): MetricSeries {
  const step = (window.stepS ?? 30) * 1000;
  const timestamps: number[] = [];
  const values: Array<number | null> = [];
  for (let t = 0; t <= window.minutes * MINUTE; t += step) {
    const m = t / MINUTE;
    timestamps.push(START + t + Math.round(random.next() * 40));
    if (random.next() < (spec.missing ?? 0.005)) {
      values.push(null);
      continue;
    }
    const v = spec.value(m);
    values.push(v * (1 + (spec.noise ?? 0) * random.normal()) + (spec.absNoise ?? 0) * random.normal());
  }
  return {
    role: spec.role,
    metric: spec.role,
    labels: spec.labels ?? labelsOf(spec.subject),
    subject: spec.subject,
    timestamps,
    values,
  };
}

/** `a=b,c=d` as labels. */
function labelsOf(subject: string): Record<string, string> {
  return Object.fromEntries(subject.split(',').map((pair) => pair.split('=') as [string, string]));
}

export function data(specs: readonly SeriesSpec[], window: WindowSpec): MetricsData {
  const random = new SeededRandom(window.seed ?? 1);
  return {
    format: 'openmetrics',
    series: specs.map((spec) => series(spec, window, random)),
    queries: [],
    notes: [],
  };
}

export function signalsOf(specs: readonly SeriesSpec[], window: WindowSpec): Signal[] {
  return metricSignals([{ source: { type: 'file', path: 'incident.prom' }, data: data(specs, window) }]);
}

export function find(signals: readonly Signal[], name: string, subject?: string): Signal {
  const found = signals.find((s) => s.name === name && (subject === undefined || s.subject === subject));
  if (!found)
    throw new Error(
      `no ${name}${subject ? ` for ${subject}` : ''} among ${signals.map((s) => s.name).join(', ')}`,
    );
  return found;
}

export function value(signals: readonly Signal[], name: string, subject?: string): number {
  return find(signals, name, subject).value as number;
}

/** Minutes from START to the signal's onset; throws when it has none. */
export function onsetMinute(signals: readonly Signal[], name: string, subject?: string): number {
  const onset = find(signals, name, subject).onset;
  if (!onset) throw new Error(`${name} has no onset`);
  return (Date.parse(onset) - START) / MINUTE;
}

/** The daily cycle at minute m of a window starting 09:00 UTC: −1 at 03:00, +1 at 15:00. */
export function daily(m: number): number {
  const hour = 9 + m / 60;
  return -Math.cos((2 * Math.PI * (hour - 3)) / 24);
}

/** A GC saw-tooth: the value climbs by `share` over each `periodMin` and drops back. */
export function sawtooth(level: (m: number) => number, share: number, periodMin = 3): (m: number) => number {
  return (m) => level(m) * (1 + share * ((m % periodMin) / periodMin));
}
