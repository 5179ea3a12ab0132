import type { LogTemplate } from '../../gather/logs/data.js';
import { KNOWN_FAILURES, type KnownFailureFamily } from '../../logs/known-failures.js';
import type { Signal } from '../signal.js';
import type { FamilyIndex } from './known-signals.js';
import {
  addInto,
  clock,
  dense,
  describeSource,
  gridOf,
  iso,
  type LogsSource,
  sourcePointer,
} from './series.js';

// The time shape of each known failure family, where the count alone cannot tell two scenarios
// apart: how many separate episodes its records come in (a BGP session that drops again and
// again, against one planned reset), and how much of it falls in the first moments of a log
// (a process that fails only while it starts, against an outage that goes on).

/**
 * Quiet time that separates two episodes. Records of one event arrive within seconds of each
 * other (every neighbor of a rebooting router, every retry of a start-up connection); a session
 * that drops again does so after its hold timer (90 s by default for BGP, 30 s at the least
 * commonly configured) or the next dead-peer detection, so 30 s without a record ends an episode.
 */
export const EPISODE_GAP_MS = 30_000;

/**
 * How long after a log's first record counts as start-up: a mesh proxy, auth proxy or agent
 * becomes ready within seconds of its pod starting, and applications retry their first
 * connections for a few seconds more; a minute covers a slow start.
 */
export const STARTUP_MS = 60_000;

/**
 * A log must run this many start-up windows for its start to be a small part of it; a shorter
 * log says nothing about whether the failure stopped after start-up.
 */
const MIN_SPAN_STARTUPS = 5;

interface Timed {
  /** Epoch ms of a bucket's start. */
  start: number;
  width: number;
  count: number;
}

export function familyShapeSignals(sources: readonly LogsSource[], index: FamilyIndex): Signal[] {
  return KNOWN_FAILURES.flatMap((family) => {
    const perSource = sources.map((source) => ({ source, buckets: familyBuckets(source, family, index) }));
    return [episodeSignal(family, sources, perSource), startupSignal(family, sources, perSource)];
  });
}

/** Non-empty buckets of one source holding the family's records (template or cause, whichever counts more). */
function familyBuckets(source: LogsSource, family: KnownFailureFamily, index: FamilyIndex): Timed[] {
  const grid = gridOf(source.data);
  if (!grid) return [];
  const series = (list: readonly LogTemplate[]) => {
    const counts = new Array<number>(grid.buckets).fill(0);
    for (const t of list) if (index.families(t).includes(family)) addInto(counts, dense(t.buckets, grid));
    return counts;
  };
  const inTemplates = series(source.data.templates);
  const inCauses = series(source.data.causes ?? []);
  const buckets: Timed[] = [];
  inTemplates.forEach((n, i) => {
    const count = Math.max(n, inCauses[i] as number);
    if (count > 0) buckets.push({ start: grid.origin + i * grid.width, width: grid.width, count });
  });
  return buckets;
}

function episodeSignal(
  family: KnownFailureFamily,
  sources: readonly LogsSource[],
  perSource: ReadonlyArray<{ source: LogsSource; buckets: Timed[] }>,
): Signal {
  const name = `logs.known.${family.id}.episodes`;
  const buckets = perSource.flatMap((s) => s.buckets).sort((a, b) => a.start - b.start);
  const pointers = perSource.filter((s) => s.buckets.length > 0).map((s) => sourcePointer(s.source));
  if (buckets.length === 0) {
    return {
      name,
      value: 0,
      unit: 'episodes',
      explanation: `No timed record in ${sources.map(describeSource).join(', ')} says ${family.title}.`,
      sources: sources.map(sourcePointer),
    };
  }
  // Buckets of all sources in time order; a new episode starts where the quiet time since the
  // end of the previous bucket reaches the gap.
  const episodes: Array<{ start: number; end: number; count: number }> = [];
  for (const b of buckets) {
    const last = episodes[episodes.length - 1];
    if (last && b.start - last.end < EPISODE_GAP_MS) {
      last.end = Math.max(last.end, b.start + b.width);
      last.count += b.count;
    } else episodes.push({ start: b.start, end: b.start + b.width, count: b.count });
  }
  const first = episodes[0] as (typeof episodes)[number];
  const lastEpisode = episodes[episodes.length - 1] as (typeof episodes)[number];
  const listed = episodes
    .slice(0, 4)
    .map((e) => `${clock(e.start)}–${clock(e.end)} (${e.count})`)
    .join(', ');
  return {
    name,
    value: episodes.length,
    unit: 'episodes',
    onset: iso(first.start),
    window: { start: iso(first.start), end: iso(lastEpisode.end) },
    explanation:
      `Records saying ${family.title} came in ${episodes.length} separate episode(s), split where none came for ${EPISODE_GAP_MS / 1000} s: ` +
      `${listed}${episodes.length > 4 ? ', …' : ''} UTC.`,
    sources: pointers,
  };
}

function startupSignal(
  family: KnownFailureFamily,
  sources: readonly LogsSource[],
  perSource: ReadonlyArray<{ source: LogsSource; buckets: Timed[] }>,
): Signal {
  const name = `logs.known.${family.id}.startup-share`;
  let total = 0;
  let early = 0;
  const judged: LogsSource[] = [];
  for (const { source, buckets } of perSource) {
    const grid = gridOf(source.data);
    if (!grid || buckets.length === 0) continue;
    // Too short a log to show what came after its start-up.
    if (grid.buckets * grid.width < MIN_SPAN_STARTUPS * STARTUP_MS) continue;
    judged.push(source);
    for (const b of buckets) {
      total += b.count;
      // A bucket counts as start-up when it starts inside the window: buckets are at most a few
      // seconds wide in logs of this length.
      if (b.start < grid.origin + STARTUP_MS) early += b.count;
    }
  }
  if (total === 0) {
    return {
      name,
      value: 0,
      unit: 'ratio',
      explanation: `No record saying ${family.title} in a timed log at least ${(MIN_SPAN_STARTUPS * STARTUP_MS) / 60_000} min long (${sources.map(describeSource).join(', ')}).`,
      sources: sources.map(sourcePointer),
    };
  }
  const share = early / total;
  return {
    name,
    value: Math.round(share * 10_000) / 10_000,
    unit: 'ratio',
    explanation: `${early} of ${total} record(s) saying ${family.title} came in the first ${STARTUP_MS / 1000} s of their log (${judged.map(describeSource).join(', ')}); ${total - early} came later.`,
    sources: judged.map(sourcePointer),
  };
}
