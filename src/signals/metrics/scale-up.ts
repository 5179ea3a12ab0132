import type { Signal } from '../signal.js';
import { clock, metricSignal, num } from './emit.js';
import { pair } from './pairing.js';
import { MINUTE_MS, type Samples, sliceTime, stretches, stretchMs, usualInterval } from './samples.js';
import type { RoleSeries, SeriesIndex } from './series-index.js';

// Scale-ups that took long to take effect: a Deployment was asked for more replicas (by its
// autoscaler or by hand) and the available replicas stayed short of the new count for minutes,
// while pods waited for a node, pulled their image or warmed up. Only shortfalls that began with
// a rise of the desired count are counted: a rollout or a crash loop also leaves replicas
// unavailable, but without more replicas having been asked for.

/**
 * One replica missing is a shortfall: kube-state-metrics reports whole replicas, and two of its
 * replicas' series are merged by their maximum, so anything from half a replica up is a replica.
 */
const SHORT = 0.5;
/**
 * A shortfall belongs to a scale-up when the desired count, before the shortfall ended, rose by at
 * least one replica over its level in the minutes just before the shortfall began.
 */
const BEFORE_MS = 5 * MINUTE_MS;

interface Lag {
  start: number;
  end: number;
  ms: number;
  from: number;
  to: number;
}

export function scaleUpSignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  for (const desired of index.all('deployment.desired-replicas')) {
    const available = index.companion(desired, 'deployment.available-replicas');
    if (!available) continue;
    const shortfall = pair(desired, available, (d, a) => d - a);
    const interval = usualInterval(shortfall);
    const lags: Lag[] = [];
    for (const stretch of stretches(shortfall, (v) => v >= SHORT)) {
      const lag = scaleUpOf(desired.samples, stretch, interval);
      if (lag) lags.push(lag);
    }
    const longest = [...lags].sort((a, b) => b.ms - a.ms)[0];
    out.push(lagSignal(onDeployment(desired), longest, lags.length, index));
  }
  return out;
}

/** The scale-up a shortfall answered: the desired count before it and the most asked for during it. */
function scaleUpOf(
  desired: Samples,
  stretch: { start: number; end: number },
  interval: number,
): Lag | undefined {
  const before = sliceTime(desired, stretch.start - BEFORE_MS, stretch.start - 1).values;
  const during = sliceTime(desired, stretch.start, stretch.end + 1).values;
  // A shortfall from the first sample has no "before": it cannot be told from a broken Deployment.
  if (before.length === 0 || during.length === 0) return undefined;
  const from = Math.min(...before);
  const to = Math.max(...during);
  // At least one more replica asked for (see SHORT: whole replicas).
  if (!(to - from >= 1 - SHORT)) return undefined;
  return { start: stretch.start, end: stretch.end, ms: stretchMs(stretch, interval), from, to };
}

/** The Deployment a series is about, as `deployment=<namespace>/<name>`. */
function onDeployment(series: RoleSeries): RoleSeries {
  const name = series.labels.deployment;
  return name ? { ...series, subject: `deployment=${series.labels.namespace ?? ''}/${name}` } : series;
}

function lagSignal(about: RoleSeries, longest: Lag | undefined, count: number, index: SeriesIndex): Signal {
  return metricSignal({
    name: 'metrics.deployment.scale-up-lag',
    about,
    value: longest ? longest.ms / MINUTE_MS : 0,
    unit: 'min',
    window: longest ? { start: longest.start, end: longest.end } : index.window,
    onset: longest?.start,
    explanation: longest
      ? `The Deployment was scaled from ${num(longest.from)} to ${num(longest.to)} replicas at ${clock(longest.start)} and its available replicas stayed short of that for ${num(longest.ms / MINUTE_MS)} minutes, until ${clock(longest.end)}${count > 1 ? ` (the longest of ${count} scale-ups)` : ''}.`
      : 'Every scale-up of the Deployment, if any, had its replicas available by the next samples.',
  });
}
