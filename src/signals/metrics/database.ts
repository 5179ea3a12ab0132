import type { Signal } from '../signal.js';
import { clock, metricSignal, num, pct, pValue, seconds } from './emit.js';
import { levelOf, shiftOf, TREND_ALPHA, trendBucket, trendOf } from './measures.js';
import { ratioTo, spanOf } from './pairing.js';
import { MINUTE_MS, mapValues, rollingMean, type Samples, sliceTime } from './samples.js';
import type { RoleSeries, SeriesIndex } from './series-index.js';
import { levelName, rateWindowMs } from './timescale.js';

// Database servers: connections against the server's limit and how fast they arrive, deadlocks,
// waiting locks, replica lag, transaction-ID age against the wraparound limit, and slow queries.

/** PostgreSQL transaction IDs are 32-bit and compared modulo 2^31: an age of 2^31 is wraparound. */
const XID_WRAPAROUND = 2 ** 31;
/** autovacuum_freeze_max_age's default: past it, anti-wraparound vacuum should already be running. */
const FREEZE_MAX_AGE = 200_000_000;
/** Near the limit: the server refuses new connections to all but reserved superuser slots. */
const NEARLY_FULL = 0.9;
/**
 * A storm arrives within 2 minutes: 4–8 scrapes, while traffic growth or a pool filling up under
 * load takes tens of minutes to add the same number of connections.
 */
const JUMP_SPAN_MS = 2 * MINUTE_MS;
/** A tenth of the limit within 2 minutes is more than the churn of pooled clients: the least jump that is dated. */
const MIN_JUMP = 0.1;
/** Connection gauges change within seconds; 2 minutes at the limit is a state. */
const CONNECTION_SPAN_MS = 2 * MINUTE_MS;

export function databaseSignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  for (const connections of index.all('db.connections')) {
    const max = index.companion(connections, 'db.connections.max');
    if (max) out.push(...connectionSignals(connections, max, index));
  }
  for (const deadlocks of index.all('db.deadlocks')) {
    // Rates per minute read more naturally for rare events. A deadlock every ten minutes (0.1/min)
    // is the floor a rise is measured from, and 3 more in 5 minutes (0.6/min) is a change: at
    // 0.1/min, Poisson noise gives 3 or more in a 5-minute span about once in 7000 spans.
    out.push(
      ...eventRise(deadlocks, index, {
        name: 'metrics.db.deadlocks',
        what: 'deadlocks',
        floorPerMinute: 0.1,
        minEffectPerMinute: 0.6,
      }),
    );
  }
  for (const slow of index.all('db.slow-queries')) {
    // One slow query a minute is the floor and the least change: busy servers log several a minute.
    out.push(
      ...eventRise(slow, index, {
        name: 'metrics.db.slow-queries',
        what: 'slow queries',
        floorPerMinute: 1,
        minEffectPerMinute: 1,
      }),
    );
  }
  for (const locks of index.all('db.locks-waiting')) {
    // Five more waiting locks is more than the transient waits of a busy OLTP server.
    const shift = shiftOf(locks.samples, index.baselineEnd(), { direction: 'up', minEffect: 5 });
    if (!shift) continue;
    out.push(
      metricSignal({
        name: 'metrics.db.locks-waiting',
        about: locks,
        value: shift.extreme.value,
        unit: 'locks',
        window: spanOf(shift.change, index.window),
        onset: shift.change?.onset,
        explanation: `Up to ${num(shift.extreme.value)} lock requests were waiting (${levelName()} median), against ${num(shift.baseline)} in the baseline${shift.change ? `, from ${clock(shift.change.onset)}` : ''}.`,
      }),
    );
  }
  for (const locks of index.all('db.locks-exclusive')) {
    // Table-level exclusive locks are rare in OLTP (DDL, LOCK TABLE, VACUUM FULL): five more
    // held for minutes than the baseline is a pile of sessions serializing on tables.
    const shift = shiftOf(locks.samples, index.baselineEnd(), { direction: 'up', minEffect: 5 });
    if (!shift) continue;
    out.push(
      metricSignal({
        name: 'metrics.db.locks-exclusive',
        about: locks,
        value: shift.extreme.value,
        unit: 'locks',
        window: spanOf(shift.change, index.window),
        onset: shift.change?.onset,
        explanation: `Up to ${num(shift.extreme.value)} exclusive table locks were held (${levelName()} median), against ${num(shift.baseline)} in the baseline${shift.change ? `, from ${clock(shift.change.onset)}` : ''}; other sessions wait behind them.`,
      }),
    );
  }
  for (const lag of index.all('db.replication-lag')) out.push(...replicationSignals(lag, index));
  for (const age of index.all('db.xid-age')) {
    const level = levelOf(age.samples, FREEZE_MAX_AGE);
    if (!level) continue;
    const ratio = level.peak.value / XID_WRAPAROUND;
    out.push(
      metricSignal({
        name: 'metrics.db.xid-age.ratio',
        about: age,
        value: ratio,
        unit: 'ratio',
        window: spanOf(level.change, index.window),
        onset: level.change?.onset,
        explanation: `The oldest unfrozen transaction ID was ${num(level.peak.value)} transactions old, ${pct(ratio)} of the 2^31 wraparound limit (autovacuum_freeze_max_age defaults to 200M, ${pct(FREEZE_MAX_AGE / XID_WRAPAROUND)})${level.change ? `; it passed 200M at ${clock(level.change.onset)}` : ''}.`,
      }),
    );
  }
  return out;
}

function connectionSignals(connections: RoleSeries, max: RoleSeries, index: SeriesIndex): Signal[] {
  const ratio = ratioTo(connections, max);
  const level = levelOf(ratio, NEARLY_FULL, CONNECTION_SPAN_MS);
  if (!level) return [];
  const jump = largestJump(ratio, JUMP_SPAN_MS);
  return [
    metricSignal({
      name: 'metrics.db.connections.utilization',
      about: connections,
      value: level.peak.value,
      unit: 'ratio',
      window: spanOf(level.change, index.window),
      onset: level.change?.onset,
      explanation: `The server had ${pct(level.peak.value)} of its connection limit in use at its highest 2-minute median (ending ${clock(level.peak.at)})${level.change ? `, above ${pct(NEARLY_FULL)} from ${clock(level.change.onset)}` : ''}.`,
    }),
    metricSignal({
      name: 'metrics.db.connections.jump',
      about: connections,
      value: jump.rise,
      unit: 'ratio',
      window: jump.rise >= MIN_JUMP ? { start: jump.from, end: jump.to } : index.window,
      onset: jump.rise >= MIN_JUMP ? jump.from : undefined,
      explanation:
        jump.rise > 0
          ? `Connections rose by ${pct(jump.rise)} of the server's limit within 2 minutes, from ${clock(jump.from)} to ${clock(jump.to)}.`
          : 'Connections never rose within 2 minutes.',
    }),
  ];
}

/**
 * The largest rise of a series within `spanMs`: the highest value minus the lowest value of the
 * span before it, over every span. A second-smallest and second-largest are used instead of the
 * extremes so one odd scrape cannot make a jump.
 */
export function largestJump(samples: Samples, spanMs: number): { rise: number; from: number; to: number } {
  let best = { rise: 0, from: samples.times[0] ?? 0, to: samples.times[0] ?? 0 };
  let from = 0;
  for (let i = 0; i < samples.times.length; i++) {
    const t = samples.times[i] as number;
    while ((samples.times[from] as number) < t - spanMs) from++;
    if (i - from < 2) continue;
    const window = samples.values.slice(from, i + 1).map((v, k) => ({ v, k }));
    const sorted = [...window].sort((a, b) => a.v - b.v);
    const low = sorted[1] as { v: number; k: number };
    const high = sorted[sorted.length - 2] as { v: number; k: number };
    if (high.k > low.k && high.v - low.v > best.rise) {
      best = {
        rise: high.v - low.v,
        from: samples.times[from + low.k] as number,
        to: samples.times[from + high.k] as number,
      };
    }
  }
  return best;
}

/**
 * A rate of rare events (deadlocks, slow queries): its highest 5-minute average per minute and
 * how many times its baseline that is, with the baseline floored at `floorPerMinute`.
 */
function eventRise(
  series: RoleSeries,
  index: SeriesIndex,
  options: { name: string; what: string; floorPerMinute: number; minEffectPerMinute: number },
): Signal[] {
  const perMinute = mapValues(rollingMean(series.samples, rateWindowMs()), (v) => v * 60);
  const shift = shiftOf(perMinute, index.baselineEnd(), {
    direction: 'up',
    minEffect: options.minEffectPerMinute,
    smoothed: true,
  });
  if (!shift) return [];
  const rise = Math.max(0, shift.extreme.value) / Math.max(shift.baseline, options.floorPerMinute);
  const onset = shift.change?.onset;
  const since = onset !== undefined ? ` from ${clock(onset)}` : '';
  return [
    metricSignal({
      name: options.name,
      about: series,
      value: shift.extreme.value,
      unit: 'per-minute',
      window: spanOf(shift.change, index.window),
      onset,
      explanation: `Up to ${num(shift.extreme.value)} ${options.what} per minute (${levelName()} average, around ${clock(shift.extreme.at)}), against ${num(shift.baseline)} in the baseline${since}.`,
    }),
    metricSignal({
      name: `${options.name}.rise`,
      about: series,
      value: rise,
      unit: 'ratio',
      window: spanOf(shift.change, index.window),
      onset,
      explanation: `${capitalize(options.what)} rose to ${num(rise)}× the baseline rate (${num(shift.baseline)}/min, counted as at least ${num(options.floorPerMinute)}/min)${since}.`,
    }),
  ];
}

function replicationSignals(lag: RoleSeries, index: SeriesIndex): Signal[] {
  // 10 s more lag than usual is a replica visibly behind for read-your-writes; less is apply jitter.
  const shift = shiftOf(lag.samples, index.baselineEnd(), { direction: 'up', minEffect: 10 });
  if (!shift) return [];
  const onset = shift.change?.onset;
  const from = onset ?? index.window.start;
  const trend = trendOf([sliceTime(lag.samples, from)], trendBucket(index.window, index.intervalMs));
  // Lag gained per second of wall time: 1 when replay has stopped, 0.5 when the replica applies half as fast as the primary writes.
  const growth = trend && trend.p < TREND_ALPHA ? trend.slopePerHour / 3600 : 0;
  return [
    metricSignal({
      name: 'metrics.db.replication-lag',
      about: lag,
      value: shift.extreme.value,
      unit: 's',
      window: spanOf(shift.change, index.window),
      onset,
      explanation: `Replica lag reached ${seconds(shift.extreme.value)} (${levelName()} median ending ${clock(shift.extreme.at)}), against ${seconds(shift.baseline)} in the baseline${onset !== undefined ? `, rising from ${clock(onset)}` : ''}.`,
    }),
    metricSignal({
      name: 'metrics.db.replication-lag.growth',
      about: lag,
      value: growth,
      unit: 's/s',
      window: { start: from, end: index.window.end },
      onset: growth > 0 ? onset : undefined,
      explanation:
        growth !== 0
          ? `Replica lag grew by ${num(growth)} s per second (Theil–Sen ${num((trend?.slopePerHour ?? 0) / 60)} s/min, Mann–Kendall p ${pValue(trend?.p ?? 1)}).`
          : `Replica lag shows no significant growth${trend ? ` (Mann–Kendall p ${pValue(trend.p)})` : ''}.`,
    }),
  ];
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
