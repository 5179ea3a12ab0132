import { median } from '../../stats/robust.js';
import type { Signal } from '../signal.js';
import { clock, metricSignal, minutes, num, pct } from './emit.js';
import { MINUTE_MS, rollingMedian, type Samples, stretches, usualInterval } from './samples.js';
import type { RoleSeries, SeriesIndex } from './series-index.js';

// Windows of degraded latency that come and go: each one a stretch of minutes during which the
// server's latency sat well above its usual level, and whether a shared resource (a disk, a
// host's CPU, the database's active sessions) was busy in the same windows. A batch job that
// competes with the real-time path shows as several such windows, each matched by the resource
// it competes for, often on a schedule; a steady capacity shortfall is one long window.

/**
 * The usual level of a series is its median over the whole window: degraded windows are a
 * minority of the time (MAX_WINDOW_SHARE), so the median stands for the healthy part around them
 * whichever part of the window they fall in.
 */
const MAX_WINDOW_SHARE = 0.4;
/** Latency at 1.5× its usual level is beyond the daily swing of a stable service. */
const SLOW_FACTOR = 1.5;
/** Levels are 2-minute rolling medians: a state, not a few slow scrapes. */
const LEVEL_MS = 2 * MINUTE_MS;
/** A window lasts at least 4 minutes: a job run, not a GC pause or a slow scrape. */
const MIN_WINDOW_MS = 4 * MINUTE_MS;
/**
 * A resource is busy in a window when a utilization rose 20 points above its usual share, or a
 * count of database sessions doubled and grew by 5: less is the ordinary variation of a busy host.
 */
const UTILIZATION_RISE = 0.2;
const SESSIONS_FACTOR = 2;
const SESSIONS_RISE = 5;
/** A resource window matches a latency window when they overlap, give or take 2 minutes of scrape and smoothing lag. */
const MATCH_SLACK_MS = 2 * MINUTE_MS;
/** Gaps between windows within 15% of their median make a schedule (cron jobs start to the minute). */
const SCHEDULE_TOLERANCE = 0.15;

interface Episode {
  start: number;
  end: number;
}

const RESOURCES = [
  { role: 'disk.io-utilization', kind: 'utilization', what: 'busy disk' },
  { role: 'cpu.utilization', kind: 'utilization', what: 'busy host CPU' },
  { role: 'cpu.iowait', kind: 'utilization', what: 'CPU waiting on I/O' },
  { role: 'db.connections.active', kind: 'sessions', what: 'active database sessions' },
] as const;

export function batchWindowSignals(index: SeriesIndex): Signal[] {
  const resources = RESOURCES.flatMap((r) =>
    index.all(r.role).map((series) => ({ series, what: r.what, episodes: resourceEpisodes(series, r.kind) })),
  );
  const latencies = new Map<string, RoleSeries>();
  for (const role of ['http.latency-p99', 'http.latency-mean'] as const) {
    for (const s of index.all(role)) if (!latencies.has(s.subject)) latencies.set(s.subject, s);
  }
  const out: Signal[] = [];
  for (const latency of latencies.values()) {
    const usual = median(latency.samples.values);
    if (!(usual > 0)) continue;
    const episodes = episodesOf(latency.samples, (v) => v >= SLOW_FACTOR * usual);
    const count = episodes.length;
    const first = episodes[0];
    const window = first ? { start: first.start, end: (episodes[count - 1] as Episode).end } : index.window;
    const period = scheduleOf(episodes);
    const longest = Math.max(0, ...episodes.map((e) => e.end - e.start));
    out.push(
      metricSignal({
        name: 'metrics.http.latency.episodes',
        about: latency,
        value: count,
        unit: 'episodes',
        window,
        onset: first?.start,
        explanation:
          count > 0
            ? `Latency sat at ${SLOW_FACTOR}× its usual ${num(usual * 1000)} ms or more in ${count} separate windows of at least ${minutes(MIN_WINDOW_MS)} (the longest ${minutes(longest)}), the first from ${clock((first as Episode).start)}.`
            : `Latency never sat at ${SLOW_FACTOR}× its usual level for ${minutes(MIN_WINDOW_MS)} or more in windows that ended.`,
      }),
      metricSignal({
        name: 'metrics.http.latency.episodes.period',
        about: latency,
        value: period / MINUTE_MS,
        unit: 'min',
        window,
        onset: period > 0 ? first?.start : undefined,
        explanation:
          period > 0
            ? `The slow windows start every ${minutes(period)}, as a scheduled job does.`
            : `The ${count} slow windows do not start on a regular schedule.`,
      }),
    );
    if (resources.length > 0) {
      let best: { share: number; what: string; subject: string } | undefined;
      for (const r of resources) {
        const matched = episodes.filter((e) =>
          r.episodes.some((b) => b.start <= e.end + MATCH_SLACK_MS && b.end >= e.start - MATCH_SLACK_MS),
        ).length;
        const share = count > 0 ? matched / count : 0;
        if (!best || share > best.share) best = { share, what: r.what, subject: r.series.subject };
      }
      if (best) {
        out.push(
          metricSignal({
            name: 'metrics.http.latency.episodes.resource-aligned',
            about: latency,
            value: best.share,
            unit: 'ratio',
            window,
            onset: best.share > 0 ? first?.start : undefined,
            explanation:
              count > 0
                ? `${pct(best.share)} of the ${count} slow windows coincided with a window of ${best.what} on ${best.subject}: the service competed with other work for it.`
                : 'No slow windows to match with busy resources.',
          }),
        );
      }
    }
  }
  return out;
}

function resourceEpisodes(series: RoleSeries, kind: 'utilization' | 'sessions'): Episode[] {
  const usual = median(series.samples.values);
  if (!Number.isFinite(usual)) return [];
  return episodesOf(series.samples, (v) =>
    kind === 'utilization'
      ? v >= usual + UTILIZATION_RISE
      : v >= SESSIONS_FACTOR * usual && v >= usual + SESSIONS_RISE,
  );
}

/**
 * Stretches of at least MIN_WINDOW_MS where the 2-minute rolling median satisfies `high`, that
 * ended before the window did (a stretch still open at the end cannot be told from a lasting
 * change). None when high stretches cover more than MAX_WINDOW_SHARE of the time: the series
 * then changed level rather than went through windows.
 */
function episodesOf(samples: Samples, high: (v: number) => boolean): Episode[] {
  if (samples.times.length < 10) return [];
  const level = rollingMedian(samples, LEVEL_MS);
  const interval = usualInterval(samples);
  const last = level.times[level.times.length - 1] as number;
  const found = stretches(level, high);
  const total = found.reduce((sum, s) => sum + s.end - s.start + interval, 0);
  const span = last - (level.times[0] as number) + interval;
  if (total > MAX_WINDOW_SHARE * span) return [];
  // The trailing median confirms a level one span late; the window is dated from where it began.
  return found
    .filter((s) => s.end - s.start + interval >= MIN_WINDOW_MS && s.end < last)
    .map((s) => ({ start: s.start - LEVEL_MS / 2, end: s.end - LEVEL_MS / 2 }));
}

/** The median gap between window starts when all gaps are within SCHEDULE_TOLERANCE of it (3 or more windows), else 0. */
function scheduleOf(episodes: readonly Episode[]): number {
  if (episodes.length < 3) return 0;
  const gaps = episodes.slice(1).map((e, i) => e.start - (episodes[i] as Episode).start);
  const period = median(gaps);
  return gaps.every((g) => Math.abs(g - period) <= SCHEDULE_TOLERANCE * period) ? period : 0;
}
