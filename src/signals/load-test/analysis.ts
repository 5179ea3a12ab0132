import { DDSketch } from '../../stats/ddsketch.js';
import {
  addStats,
  emptyStats,
  type LoadTestSource,
  type MergedEndpoint,
  type MergedRun,
  mergeSources,
  type Stats,
} from './merge.js';
import { detectPhases, type Phases } from './phases.js';

// The derived series of one run, computed once and shared by every signal and by the summary:
// the bucket grid, users and throughput per bucket, the phases, and per subject (an endpoint or
// `*` for all endpoints merged) its buckets, per-bucket quantiles and steady-state sketch.

export const ALL = '*';

/** A bucket's quantile is used only with at least this many requests: p50 of 5 requests is already ±30%. */
const MIN_QUANTILE_COUNT = 5;
/**
 * Sparse endpoints are analysed on coarser buckets until a typical bucket holds 20 requests (the
 * per-bucket median is then within about ±15% for typical latency spreads), as long as the run
 * keeps at least 20 buckets for change points.
 */
const TARGET_BUCKET_COUNT = 20;
const MIN_SERIES_BUCKETS = 20;
/** A steady window shorter than 5 buckets or a fifth of the run cannot serve as a baseline. */
const MIN_STEADY_BUCKETS = 5;
const MIN_STEADY_SHARE = 0.2;

export interface Window {
  /** Bucket indices on the run grid, end exclusive. */
  start: number;
  end: number;
}

export class SubjectSeries {
  readonly times: number[] = [];
  readonly stats: Array<Stats | undefined> = [];
  readonly widthMs: number;
  /** The analysis window on this subject's grid. */
  readonly window: Window;
  #p50: number[] | undefined;
  #p99: number[] | undefined;
  #steady: DDSketch | undefined;

  constructor(
    readonly name: string,
    readonly endpoints: readonly MergedEndpoint[],
    readonly total: Stats,
    readonly failedLatency: DDSketch,
    run: RunAnalysis,
  ) {
    const native = new Map<number, Stats>();
    for (const e of endpoints) {
      for (const [t, s] of e.buckets) {
        let target = native.get(t);
        if (!target) {
          target = emptyStats();
          native.set(t, target);
        }
        addStats(target, s);
      }
    }
    const counts = [...native.values()].map((s) => s.count).sort((a, b) => a - b);
    const typical = counts[Math.floor(counts.length / 2)] ?? 0;
    let factor = 1;
    while (typical * factor < TARGET_BUCKET_COUNT && run.grid.length / (factor * 2) >= MIN_SERIES_BUCKETS) {
      factor *= 2;
    }
    this.widthMs = run.bucketMs * factor;
    const first = run.grid[0];
    if (first !== undefined) {
      const origin = Math.floor(first / this.widthMs) * this.widthMs;
      const last = run.grid[run.grid.length - 1] as number;
      for (let t = origin; t <= last; t += this.widthMs) {
        this.times.push(t);
        this.stats.push(undefined);
      }
      for (const [t, s] of native) {
        const i = Math.floor((t - origin) / this.widthMs);
        let target = this.stats[i];
        if (!target) {
          target = emptyStats();
          this.stats[i] = target;
        }
        addStats(target, s);
      }
    }
    const from = run.grid[run.window.start];
    const to = run.grid[run.window.end - 1];
    const start = from === undefined ? 0 : this.indexOf(from);
    const end = to === undefined ? 0 : this.indexOf(to) + 1;
    this.window = { start, end };
  }

  indexOf(t: number): number {
    const origin = this.times[0] ?? 0;
    return Math.max(0, Math.min(this.times.length - 1, Math.floor((t - origin) / this.widthMs)));
  }

  get p50(): number[] {
    this.#p50 ??= this.#quantiles(0.5);
    return this.#p50;
  }

  get p99(): number[] {
    this.#p99 ??= this.#quantiles(0.99);
    return this.#p99;
  }

  /** All latencies of the analysis window merged (the whole run's for totals-only data). */
  get steady(): DDSketch {
    if (!this.#steady) {
      const sketch = new DDSketch(this.total.latency.alpha);
      for (let i = this.window.start; i < this.window.end; i++) {
        const s = this.stats[i];
        if (s) sketch.merge(s.latency);
      }
      this.#steady = sketch.count > 0 ? sketch : this.total.latency;
    }
    return this.#steady;
  }

  get paths(): string[] {
    return [...new Set(this.endpoints.flatMap((e) => e.paths))];
  }

  get bucketCount(): number {
    return this.stats.filter((s) => s && s.count > 0).length;
  }

  #quantiles(q: number): number[] {
    return this.stats.map((s) => (s && s.count >= MIN_QUANTILE_COUNT ? s.latency.quantile(q) : Number.NaN));
  }
}

export class RunAnalysis {
  readonly grid: number[] = [];
  readonly bucketMs: number;
  /** Users per grid bucket; all undefined when no source recorded users. */
  readonly users: Array<number | undefined>;
  readonly hasUsers: boolean;
  /** Requests per second per grid bucket, all endpoints. */
  readonly throughput: number[];
  /** True for buckets entirely inside the run (the first and last are usually cut short). */
  readonly full: boolean[];
  readonly phases: Phases;
  /** The steady window when it is long enough to serve as a baseline, else the run up to the ramp-down. */
  readonly window: Window;
  readonly #subjects = new Map<string, SubjectSeries>();

  constructor(readonly run: MergedRun) {
    this.bucketMs = run.bucketMs;
    if (!run.summaryOnly) {
      const first = Math.floor(run.start / run.bucketMs) * run.bucketMs;
      const last = Math.floor(run.end / run.bucketMs) * run.bucketMs;
      for (let t = first; t <= last; t += run.bucketMs) this.grid.push(t);
    }
    this.hasUsers = run.users.size > 0;
    this.users = this.grid.map((t) => run.users.get(t));
    const seconds = run.bucketMs / 1000;
    const origin = this.grid[0] ?? 0;
    this.throughput = this.grid.map(() => 0);
    for (const e of run.endpoints) {
      for (const [t, stats] of e.buckets) {
        const i = Math.round((t - origin) / run.bucketMs);
        if (i >= 0 && i < this.throughput.length)
          this.throughput[i] = (this.throughput[i] as number) + stats.count / seconds;
      }
    }
    this.full = this.grid.map((t) => t >= run.start && t + run.bucketMs <= run.end);
    this.phases = detectPhases(this.users, this.throughput);
    const steadyLength = this.phases.steadyEnd - this.phases.steadyStart;
    this.window =
      steadyLength >= Math.max(MIN_STEADY_BUCKETS, MIN_STEADY_SHARE * this.grid.length)
        ? { start: this.phases.steadyStart, end: this.phases.steadyEnd }
        : { start: 0, end: Math.max(this.phases.steadyEnd, Math.min(this.grid.length, MIN_STEADY_BUCKETS)) };
  }

  get bucketSeconds(): number {
    return this.bucketMs / 1000;
  }

  /** The series of one endpoint, or of all endpoints for `*`; built on first use. */
  subject(name: string): SubjectSeries {
    const cached = this.#subjects.get(name);
    if (cached) return cached;
    const endpoints = name === ALL ? this.run.endpoints : this.run.endpoints.filter((e) => e.name === name);
    const total = emptyStats();
    const failed = new DDSketch(endpoints[0]?.failedLatency.alpha);
    for (const e of endpoints) {
      addStats(total, e.total);
      failed.merge(e.failedLatency);
    }
    const series = new SubjectSeries(name, endpoints, total, failed, this);
    this.#subjects.set(name, series);
    return series;
  }
}

/** The signals and the summary of one run read the same sources; merge and derive them once. */
const ANALYSES = new WeakMap<ReadonlyArray<LoadTestSource>, RunAnalysis>();

export function analyse(sources: ReadonlyArray<LoadTestSource>): RunAnalysis {
  let analysis = ANALYSES.get(sources);
  if (!analysis) {
    analysis = new RunAnalysis(mergeSources(sources));
    ANALYSES.set(sources, analysis);
  }
  return analysis;
}
