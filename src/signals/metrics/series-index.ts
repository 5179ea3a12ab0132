import type { SourcePointer, TimeRange } from '../../core/source-pointer.js';
import type { MetricRole, MetricSeries, MetricsData } from '../../gather/metrics/data.js';
import { type Samples, samplesOf, usualInterval } from './samples.js';

// The metrics of a run indexed by role and subject. Signals read roles, never metric names, and
// pair series that describe the same thing (a pod's memory and its limit) by subject or, when two
// exporters name the same thing differently, by the identifying labels they share.

export interface MetricsSource {
  source: SourcePointer;
  data: MetricsData;
}

/** One role of one subject: its samples (several series of it combined) and where they came from. */
export interface RoleSeries {
  role: MetricRole;
  subject: string;
  labels: Record<string, string>;
  samples: Samples;
  /** The metric names or query ids behind it. */
  metrics: string[];
  source: SourcePointer;
}

/**
 * How several series with the same role and subject combine (per-container series of one pod,
 * the heap pools of one JVM, the partitions of one topic): amounts add up, while ratios, latencies
 * and flags do not, so the worst of them stands for the subject.
 */
const ADDITIVE_UNITS = new Set([
  'bytes',
  'restarts',
  'kills',
  'cores',
  'threads',
  'connections',
  'requests',
  'per-second',
  'locks',
  'descriptors',
  'messages',
  'series',
  'samples',
]);

/**
 * Labels that identify what a series is about. Scrape labels (job, and instance when a pod is
 * named) are left out: kube-state-metrics reports a pod under its own instance, cAdvisor under
 * the node's, and both are about the same pod.
 */
const IDENTITY_LABELS = [
  'namespace',
  'pod',
  'container',
  'instance',
  'node',
  'service',
  'pool',
  'device',
  'mountpoint',
  'interface',
  'datname',
  'consumergroup',
  'group',
  'topic',
  'partition',
  'queue',
  'stream',
  'consumer',
  // NATS JetStream exporters name the stream and consumer so.
  'stream_name',
  'consumer_name',
  'db',
] as const;

export class SeriesIndex {
  readonly #byRole = new Map<MetricRole, RoleSeries[]>();
  /** The time span the metrics cover: the requested window, else the first to the last sample. */
  readonly window: { start: number; end: number };
  /** Usual sampling interval over all series, ms. */
  readonly intervalMs: number;

  constructor(sources: readonly MetricsSource[], units: Readonly<Record<MetricRole, { unit: string }>>) {
    const groups = new Map<
      string,
      Array<{ series: MetricSeries; source: SourcePointer; data: MetricsData }>
    >();
    for (const { source, data } of sources) {
      for (const series of data.series) {
        if (!series.role) continue;
        const key = `${series.role}\u0000${series.subject}`;
        const list = groups.get(key) ?? [];
        list.push({ series, source, data });
        groups.set(key, list);
      }
    }
    let start = Number.POSITIVE_INFINITY;
    let end = Number.NEGATIVE_INFINITY;
    const intervals: number[] = [];
    for (const list of groups.values()) {
      const first = list[0] as (typeof list)[number];
      const role = first.series.role as MetricRole;
      const parts = list.map((item) => samplesOf(item.series));
      const samples =
        parts.length === 1 ? (parts[0] as Samples) : combine(parts, ADDITIVE_UNITS.has(units[role].unit));
      if (samples.times.length === 0) continue;
      const entry: RoleSeries = {
        role,
        subject: first.series.subject,
        labels: commonLabels(list.map((item) => item.series.labels)),
        samples,
        metrics: [...new Set(list.map((item) => item.series.metric))].sort(),
        source: pointerFor(first.source, first.data, first.series.metric),
      };
      const roleList = this.#byRole.get(role) ?? [];
      roleList.push(entry);
      this.#byRole.set(role, roleList);
      start = Math.min(start, samples.times[0] as number, first.data.start ?? Number.POSITIVE_INFINITY);
      end = Math.max(
        end,
        samples.times[samples.times.length - 1] as number,
        first.data.end ?? Number.NEGATIVE_INFINITY,
      );
      intervals.push(first.data.stepMs ?? usualInterval(samples));
    }
    for (const list of this.#byRole.values()) list.sort((a, b) => (a.subject < b.subject ? -1 : 1));
    this.window = Number.isFinite(start) ? { start, end } : { start: 0, end: 0 };
    intervals.sort((a, b) => a - b);
    this.intervalMs = intervals[Math.floor(intervals.length / 2)] ?? 60_000;
  }

  /** Every subject's series of a role, in subject order. */
  all(role: MetricRole): RoleSeries[] {
    return this.#byRole.get(role) ?? [];
  }

  /**
   * The series of `role` about the same thing as `of`: the same subject, else the one series whose
   * identifying labels agree with those of `of` (see sameThing). Undefined when none or several.
   */
  companion(of: Pick<RoleSeries, 'subject' | 'labels'>, role: MetricRole): RoleSeries | undefined {
    const list = this.all(role);
    const exact = list.find((s) => s.subject === of.subject);
    if (exact) return exact;
    const matches = list.filter((s) => sameThing(of.labels, s.labels));
    return matches.length === 1 ? matches[0] : undefined;
  }

  /** Baseline: the first quarter of the window, where an incident window usually still shows normal behaviour. */
  baselineEnd(): number {
    return this.window.start + BASELINE_SHARE * (this.window.end - this.window.start);
  }

  range(): TimeRange {
    return { start: new Date(this.window.start).toISOString(), end: new Date(this.window.end).toISOString() };
  }
}

/**
 * Share of the window taken as the baseline. Incident windows are chosen to start before the
 * trouble; a quarter of 1–6 hours is 15–90 minutes of normal behaviour, enough for a robust median
 * while leaving most of the window to look for the change.
 */
export const BASELINE_SHARE = 0.25;

/**
 * Whether two label sets describe the same thing: they share at least one identifying label and
 * agree on every one they share. When both name a pod, the scrape address (instance) is ignored.
 */
export function sameThing(a: Record<string, string>, b: Record<string, string>): boolean {
  const podLevel = a.pod !== undefined && b.pod !== undefined;
  let shared = 0;
  for (const key of IDENTITY_LABELS) {
    if (podLevel && key === 'instance') continue;
    const x = a[key];
    const y = b[key];
    if (x === undefined || y === undefined) continue;
    if (x !== y) return false;
    shared++;
  }
  return shared > 0;
}

function commonLabels(all: ReadonlyArray<Record<string, string>>): Record<string, string> {
  const [first, ...rest] = all;
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(first ?? {})) {
    if (rest.every((labels) => labels[key] === value)) result[key] = value;
  }
  return result;
}

/**
 * Several series of one role and subject as one: samples within half an interval of each other
 * are one time slot; a slot holds the sum (amounts) or the maximum (ratios) of the series seen in it.
 */
function combine(parts: readonly Samples[], additive: boolean): Samples {
  const interval = Math.min(...parts.filter((p) => p.times.length > 1).map(usualInterval), 60_000);
  const slots = new Map<number, number[]>();
  for (const part of parts) {
    part.times.forEach((t, i) => {
      const slot = Math.round(t / interval);
      const list = slots.get(slot) ?? new Array<number>(parts.length).fill(Number.NaN);
      list[parts.indexOf(part)] = part.values[i] as number;
      slots.set(slot, list);
    });
  }
  const times: number[] = [];
  const values: number[] = [];
  for (const slot of [...slots.keys()].sort((a, b) => a - b)) {
    const present = (slots.get(slot) as number[]).filter(Number.isFinite);
    // A slot missing some of the series would make a sum dip: it is left out rather than undercounted.
    if (additive && present.length < parts.length) continue;
    times.push(slot * interval);
    values.push(additive ? present.reduce((s, v) => s + v, 0) : Math.max(...present));
  }
  return { times, values };
}

function pointerFor(source: SourcePointer, data: MetricsData, metric: string): SourcePointer {
  if (source.type !== 'query' && source.type !== 'file') return source;
  const query = data.queries.find((q) => q.id === metric);
  if (source.type === 'query' && query) return { ...source, query: query.query };
  return source;
}
