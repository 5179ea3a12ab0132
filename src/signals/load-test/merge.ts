import type { FailureKind, LoadTestFormat } from '../../core/vocabulary.js';
import type { FailureGroup, LoadTestData, RequestStats } from '../../gather/load-test/data.js';
import type { PairSums } from '../../stats/correlation.js';
import { DDSketch } from '../../stats/ddsketch.js';

// One view of a run recorded in several files (one per injector, or one per tool output): buckets
// coarsened to a common width, sketches merged, users summed. Bucket widths are powers of two
// seconds aligned to the epoch, so coarsening a finer source to a wider width is exact.

export interface LoadTestSource {
  path: string;
  data: LoadTestData;
}

export interface Stats {
  count: number;
  failures: number;
  latency: DDSketch;
  statuses: Record<string, number>;
  failureKinds: Partial<Record<FailureKind, number>>;
  failedElapsedSum: number;
  receivedBytes: number;
  sentBytes: number;
  concurrency: number | undefined;
}

export interface MergedEndpoint {
  name: string;
  total: Stats;
  failedLatency: DDSketch;
  /** Non-empty buckets by start time (epoch ms). */
  buckets: Map<number, Stats>;
  /** Earliest requests over all sources, in time order. */
  first: Array<{ timestamp: number; elapsed: number; line: number; path: string }>;
  failures: Array<FailureGroup & { path: string }>;
  payload: PairSums;
  /** Paths of the files that recorded this endpoint. */
  paths: string[];
}

export interface MergedRun {
  paths: string[];
  formats: LoadTestFormat[];
  /** True when no source has a time series. */
  summaryOnly: boolean;
  bucketMs: number;
  /** First request start and last request end over the timed sources, epoch ms (0 when none). */
  start: number;
  end: number;
  endpoints: MergedEndpoint[];
  /** Active users per bucket start, summed over sources; absent when no source recorded users. */
  users: Map<number, number>;
  /** Time range of each timed source, for evidence pointers. */
  ranges: Array<{ path: string; start: number; end: number }>;
  notes: string[];
}

/**
 * A merged run spans at most this many buckets: twice the accumulator's 480, since injectors of
 * one run overlap; a longer span (clock skew, separate runs) is coarsened further, exactly.
 */
const MAX_MERGED_BUCKETS = 960;
/** Files sharing at least half their endpoint names are taken as injectors of the same test. */
const SAME_TEST_JACCARD = 0.5;
/** Injectors of one run overlap in time; under half overlap hints at skewed clocks. */
const MIN_OVERLAP = 0.5;
/** A start more than a minute (or a quarter of the run) away from the busiest file's is suspicious. */
const MAX_START_OFFSET_MS = 60_000;
const MAX_START_OFFSET_SHARE = 0.25;

export function emptyStats(): Stats {
  return {
    count: 0,
    failures: 0,
    latency: new DDSketch(),
    statuses: {},
    failureKinds: {},
    failedElapsedSum: 0,
    receivedBytes: 0,
    sentBytes: 0,
    concurrency: undefined,
  };
}

export function addStats(target: Stats, source: RequestStats | Stats): void {
  target.count += source.count;
  target.failures += source.failures;
  const latency = source.latency instanceof DDSketch ? source.latency : DDSketch.fromJSON(source.latency);
  if (latency.alpha !== target.latency.alpha && target.latency.count === 0)
    target.latency = new DDSketch(latency.alpha);
  target.latency.merge(latency);
  for (const [k, v] of Object.entries(source.statuses)) target.statuses[k] = (target.statuses[k] ?? 0) + v;
  for (const [k, v] of Object.entries(source.failureKinds) as Array<[FailureKind, number]>) {
    target.failureKinds[k] = (target.failureKinds[k] ?? 0) + v;
  }
  target.failedElapsedSum += source.failedElapsedSum;
  target.receivedBytes += source.receivedBytes;
  target.sentBytes += source.sentBytes;
  if (source.concurrency !== undefined)
    target.concurrency = Math.max(target.concurrency ?? 0, source.concurrency);
}

export function mergeSources(sources: readonly LoadTestSource[]): MergedRun {
  if (sources.length === 0) throw new Error('no load-test source to merge');
  const timed = sources.filter((s) => !s.data.summaryOnly);
  const start = timed.length > 0 ? Math.min(...timed.map((s) => s.data.start)) : 0;
  const end = timed.length > 0 ? Math.max(...timed.map((s) => s.data.end)) : 0;
  let bucketMs = Math.max(1000, ...timed.map((s) => s.data.bucketMs));
  while ((end - start) / bucketMs > MAX_MERGED_BUCKETS) bucketMs *= 2;
  const key = (t: number) => Math.floor(t / bucketMs) * bucketMs;

  const endpoints = new Map<string, MergedEndpoint>();
  for (const { path, data } of sources) {
    for (const e of data.endpoints) {
      let target = endpoints.get(e.name);
      if (!target) {
        target = {
          name: e.name,
          total: emptyStats(),
          failedLatency: new DDSketch(),
          buckets: new Map(),
          first: [],
          failures: [],
          payload: { n: 0, sumX: 0, sumY: 0, sumXX: 0, sumYY: 0, sumXY: 0 },
          paths: [],
        };
        endpoints.set(e.name, target);
      }
      target.paths.push(path);
      addStats(target.total, e.total);
      const failed = DDSketch.fromJSON(e.total.failedLatency);
      if (target.failedLatency.count === 0 && failed.alpha !== target.failedLatency.alpha) {
        target.failedLatency = new DDSketch(failed.alpha);
      }
      target.failedLatency.merge(failed);
      if (!data.summaryOnly) {
        for (const bucket of e.buckets) {
          const t = key(bucket.t);
          let stats = target.buckets.get(t);
          if (!stats) {
            stats = emptyStats();
            target.buckets.set(t, stats);
          }
          addStats(stats, bucket);
        }
      }
      target.first.push(...e.first.map((f) => ({ ...f, path })));
      target.failures.push(...e.failures.map((f) => ({ ...f, path })));
      for (const k of ['n', 'sumX', 'sumY', 'sumXX', 'sumYY', 'sumXY'] as const)
        target.payload[k] += e.payload[k];
    }
  }
  for (const e of endpoints.values()) {
    e.first.sort((a, b) => a.timestamp - b.timestamp);
    e.first.splice(
      Math.max(...sources.map((s) => s.data.endpoints.find((x) => x.name === e.name)?.first.length ?? 0)),
    );
    e.failures.sort((a, b) => b.count - a.count || a.firstLine - b.firstLine);
    e.buckets = new Map([...e.buckets.entries()].sort(([a], [b]) => a - b));
  }

  const notes: string[] = [];
  const many = sources.length > 1;
  for (const { path, data } of sources) {
    for (const note of data.notes) notes.push(many ? `${path}: ${note}` : note);
    if (data.problems.count > 0) {
      const lines = data.problems.first.map((p) => p.line);
      const first = data.problems.first[0];
      notes.push(
        `${path}: ${data.problems.count} line${data.problems.count === 1 ? '' : 's'} could not be read` +
          (lines.length > 0
            ? ` (first at line${lines.length === 1 ? '' : 's'} ${lines.slice(0, 5).join(', ')}`
            : '') +
          (first ? `: ${first.message})` : ''),
      );
    }
  }
  if (timed.length > 0 && timed.length < sources.length) {
    const totalsOnly = sources.filter((s) => s.data.summaryOnly).map((s) => s.path);
    notes.push(`${totalsOnly.join(', ')} had totals only; time series come from the other files`);
  }
  notes.push(...clockSkewNotes(timed));

  return {
    paths: sources.map((s) => s.path),
    formats: [...new Set(sources.map((s) => s.data.format))],
    summaryOnly: timed.length === 0,
    bucketMs,
    start,
    end,
    endpoints: [...endpoints.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    users: mergeUsers(timed, bucketMs),
    ranges: timed.map((s) => ({ path: s.path, start: s.data.start, end: s.data.end })),
    notes,
  };
}

/**
 * Users of each source on the common grid, carried forward between the moments the tool recorded
 * them (a tool writes the count when it changes or with each sample), then summed across sources.
 */
function mergeUsers(sources: readonly LoadTestSource[], bucketMs: number): Map<number, number> {
  const total = new Map<number, number>();
  for (const { data } of sources) {
    if (data.users.length === 0) continue;
    const perBucket = new Map<number, number>();
    for (const u of data.users) {
      const t = Math.floor(u.t / bucketMs) * bucketMs;
      perBucket.set(t, Math.max(perBucket.get(t) ?? 0, u.active));
    }
    const times = [...perBucket.keys()].sort((a, b) => a - b);
    const first = times[0] as number;
    const last = Math.max(times[times.length - 1] as number, Math.floor(data.end / bucketMs) * bucketMs);
    let current = 0;
    for (let t = first; t <= last; t += bucketMs) {
      current = perBucket.get(t) ?? current;
      total.set(t, (total.get(t) ?? 0) + current);
    }
  }
  return new Map([...total.entries()].sort(([a], [b]) => a - b));
}

function clockSkewNotes(sources: readonly LoadTestSource[]): string[] {
  if (sources.length < 2) return [];
  const requests = (s: LoadTestSource) => s.data.endpoints.reduce((sum, e) => sum + e.total.count, 0);
  const reference = [...sources].sort((a, b) => requests(b) - requests(a))[0] as LoadTestSource;
  const refNames = new Set(reference.data.endpoints.map((e) => e.name));
  const refDuration = reference.data.end - reference.data.start;
  const notes: string[] = [];
  for (const source of sources) {
    if (source === reference) continue;
    const names = new Set(source.data.endpoints.map((e) => e.name));
    const shared = [...names].filter((n) => refNames.has(n)).length;
    const union = new Set([...names, ...refNames]).size;
    if (union === 0 || shared / union < SAME_TEST_JACCARD) continue;
    const overlap =
      Math.min(source.data.end, reference.data.end) - Math.max(source.data.start, reference.data.start);
    const shorter = Math.min(refDuration, source.data.end - source.data.start);
    const overlapShare = shorter > 0 ? Math.max(0, overlap) / shorter : overlap >= 0 ? 1 : 0;
    const offset = source.data.start - reference.data.start;
    const farStart = Math.abs(offset) > Math.max(MAX_START_OFFSET_MS, MAX_START_OFFSET_SHARE * refDuration);
    if (overlapShare < MIN_OVERLAP || farStart) {
      notes.push(
        `possible clock skew: ${source.path} records the same endpoints as ${reference.path} but starts ` +
          `${formatOffset(offset)} ${offset >= 0 ? 'after' : 'before'} it and their time ranges overlap by ` +
          `${Math.round(overlapShare * 100)}%; the injectors' clocks may differ, or the files are separate runs`,
      );
    }
  }
  return notes;
}

function formatOffset(ms: number): string {
  const s = Math.abs(ms) / 1000;
  if (s < 120) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
