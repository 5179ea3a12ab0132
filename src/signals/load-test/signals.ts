import jStat from 'jstat';
import type { SourcePointer } from '../../core/source-pointer.js';
import { FAILURE_KIND_NAMES, type FailureKind } from '../../core/vocabulary.js';
import { bimodality } from '../../stats/bimodality.js';
import { detectChangePoints, type Segmentation } from '../../stats/change-points.js';
import { pearsonFromSums, spearman } from '../../stats/correlation.js';
import { DDSketch } from '../../stats/ddsketch.js';
import { throughputKnee } from '../../stats/knee.js';
import { spikePeriodicity } from '../../stats/periodicity.js';
import { detectRateChanges, type RateSegmentation } from '../../stats/rate-change.js';
import { median, robustCv } from '../../stats/robust.js';
import { sketchBins, subtractSketch } from '../../stats/sketch-ops.js';
import { mannKendall, theilSen } from '../../stats/trend.js';
import type { Signal } from '../signal.js';
import { ALL, analyse, type RunAnalysis, type SubjectSeries, type Window } from './analysis.js';
import type { LoadTestSource } from './merge.js';

// The load-test signals of one run (see notes/signals contract): every signal is computed once,
// from the merged view of all files of the run, and says in one sentence what numbers it rests on.

/**
 * An endpoint gets its own signals with at least 50 requests in at least 5 buckets: fewer requests
 * make its p99 the maximum of a handful, and fewer buckets leave no room for a change point
 * with a minimum segment of 3 buckets on each side.
 */
const MIN_ENDPOINT_REQUESTS = 50;
const MIN_ENDPOINT_BUCKETS = 5;
/** A level change must last 30 s: anything shorter is a spike or stall, reported by latency.stalls. */
const MIN_SHIFT_MS = 30_000;
const MIN_SEGMENT_BUCKETS = 3;
/** The sketch resolves quantiles to ±1%, so per-bucket log-quantiles are never less noisy than 0.01. */
const MIN_LOG_SIGMA = 0.01;
/** A MAD of fewer than 5 buckets rests on two or three deviations: too few for latency.variability. */
const MIN_VARIABILITY_BUCKETS = 5;
/**
 * Medians that wander by less than this are not unreliable: load tools record whole milliseconds
 * and a busy host adds a millisecond or two of scheduling jitter, so at millisecond latencies the
 * relative spread is large while nothing a user notices moves.
 */
const MIN_VARIABILITY_MS = 3;
/**
 * Two latency modes closer than this are the ordinary shape of a healthy service (a cache hit and
 * a miss, a keep-alive and a new connection); the slow path of the bimodal-latency scenario costs
 * users tens of milliseconds or more.
 */
const MIN_MODE_GAP_MS = 20;
/** First requests slower by less than this are connection set-up and JIT warm-up, not a cold start users feel. */
const MIN_COLD_START_MS = 25;
/**
 * latency.stalls needs 10 buckets: 5 spike events (the least periodicity accepts) with a quiet
 * bucket between each, so the median still measures the typical level.
 */
const MIN_STALL_BUCKETS = 10;
/** Mann–Kendall significance demanded by the contract for latency.trend. */
const TREND_P = 0.01;
/** Mann–Kendall on fewer than 10 points has too little power to be worth reporting. */
const MIN_TREND_BUCKETS = 10;
/** A climb before a drop counts only when it covers at least half of the steady window. */
const TREND_PREFIX_SHARE = 0.5;
/** A stall at least doubles a bucket's p99; smaller excursions are ordinary tail noise. */
const STALL_MIN_JUMP = Math.log(2);
/** An endpoint counts as slowed when its median rose 1.5× or more (the contract's definition). */
const SLOW_SHIFT = 1.5;
/** Error bursts and fast-fail ratios need 20 failures; fewer cannot tell a pattern from chance. */
const MIN_FAILURES = 20;
/** Formats that give the latency of a whole run as a dozen percentiles, with no request or interval of its own. */
const WHOLE_RUN_PERCENTILES: ReadonlySet<string> = new Set(['autocannon-json', 'k6-summary']);
/** The final climb of users starts at the last bucket below 70% of the peak: smaller steps are part of a plateau. */
const CLIMB_FROM = 0.7;
/** Connect timeouts as the tools write them: Java ConnectTimeoutException or "connect timed out", Go/k6 "dial" errors, Node ETIMEDOUT on connect. */
const CONNECT_TIMEOUT = /connect|dial/i;
/**
 * Requests slower than 4× the steady median count as the tail: for a log-normal latency with the
 * spread of a healthy service (σ ≈ 0.3–0.5 in log space) that is under 0.3% of requests, so a
 * stall that hits a few percent of requests multiplies the share several times.
 */
const TAIL_FACTOR = 4;
/**
 * A tail request must also be this much slower than the median: on a service answering in 2 ms,
 * 4× is 8 ms, within a GC pause or a scheduler hiccup of the host, not a tail users feel (the
 * same floor as a cold start's).
 */
const MIN_TAIL_EXCESS_MS = 25;
/** Onset of a failure kind: first bucket whose count is above its baseline rate at p < 0.001. */
const ONSET_P = 0.001;
/** z for a one-sided 99.9% lower bound on a bucket's failure count (errors.burst). */
const BURST_Z = 3.09;
/**
 * Cold start compares the median of the first 5 requests with the steady state (the accumulator
 * keeps 20 per endpoint). A start-up's cost falls on the requests that arrive while it runs, so
 * how many it slows depends on the arrival rate: at 60 requests/s a quarter-second initialisation
 * holds a dozen, at 20/s a handful. Five is the first calls the traces' way reads too.
 */
const FIRST_REQUESTS = 5;
/** The ramp-up must hold at least 20 requests of a subject to compare its p95 with the steady state. */
const MIN_RAMP_REQUESTS = 20;
/** Throughput collapse counts only while users stay at ≥ 95% of the baseline's (fewer users explain less traffic). */
const USERS_KEPT = 0.95;
/** Typical requests per bucket above which an empty bucket is a stop of traffic, not chance (see #throughputBuckets). */
const MIN_COUNT_FOR_EMPTY_BUCKETS = 20;

export function loadTestSignals(sources: ReadonlyArray<LoadTestSource>): Signal[] {
  return new SignalBuilder(analyse(sources)).build();
}

type Extra = { window?: { start: string; end: string }; onset?: string };

class SignalBuilder {
  readonly #signals: Signal[] = [];
  readonly #p50Shift = new Map<string, number>();

  constructor(readonly a: RunAnalysis) {}

  build(): Signal[] {
    const run = this.a.run;
    const all = this.a.subject(ALL);
    this.#emit(
      'load.summary-only',
      ALL,
      run.summaryOnly,
      undefined,
      run.summaryOnly
        ? `${run.paths.join(', ')} hold${run.paths.length === 1 ? 's' : ''} totals only, with no time series`
        : `${run.paths.join(', ')} hold${run.paths.length === 1 ? 's' : ''} a time series of ${this.a.grid.length} buckets of ${this.a.bucketSeconds} s`,
      this.#fileSources(run.paths),
    );
    this.#emit(
      'load.requests',
      ALL,
      all.total.count,
      'requests',
      `${fmt(all.total.count)} requests over ${run.endpoints.length} endpoint${run.endpoints.length === 1 ? '' : 's'}`,
      this.#rangeSources(all),
    );
    const maxUsers = this.a.hasUsers ? Math.max(...this.a.users.map((u) => u ?? 0)) : all.total.concurrency;
    if (maxUsers !== undefined) {
      this.#emit(
        'concurrency.max',
        ALL,
        maxUsers,
        'users',
        `at most ${fmt(maxUsers)} users were active at once`,
        this.#rangeSources(all),
      );
    }
    if (!run.summaryOnly) this.#runTimed(all);
    // Too few requests give no verdict: the run's signals need as many as an endpoint's do.
    const subjects = [
      ...(all.total.count >= MIN_ENDPOINT_REQUESTS ? [all] : []),
      ...this.#endpointSubjects(),
    ];
    for (const subject of subjects) this.#subjectSignals(subject);
    if (!run.summaryOnly) this.#slowShare(subjects.filter((s) => s.name !== ALL));
    return this.#signals;
  }

  #endpointSubjects(): SubjectSeries[] {
    return this.a.run.endpoints
      .map((e) => this.a.subject(e.name))
      .filter(
        (s) =>
          s.total.count >= MIN_ENDPOINT_REQUESTS &&
          (this.a.run.summaryOnly || s.bucketCount >= MIN_ENDPOINT_BUCKETS),
      );
  }

  // ---- run level ----

  #runTimed(all: SubjectSeries): void {
    const { run, grid } = this.a;
    const duration = (run.end - run.start) / 1000;
    this.#emit(
      'load.duration',
      ALL,
      round(duration),
      's',
      `the run lasted ${fmt(duration)} s, from ${iso(run.start)} to ${iso(run.end)}`,
      this.#rangeSources(all),
    );
    const { steadyStart, steadyEnd, basis } = this.a.phases;
    const steadyWindow = this.#window(steadyStart, steadyEnd);
    const steadySeconds = ((steadyEnd - steadyStart) * this.a.bucketMs) / 1000;
    this.#emit(
      'load.phase.steady',
      ALL,
      steadySeconds,
      's',
      basis === 'users'
        ? `users stayed within 5% of their maximum for ${fmt(steadySeconds)} s, from ${steadyWindow.start} to ${steadyWindow.end}`
        : basis === 'throughput'
          ? `no users were recorded; throughput stayed within 10% of its typical level for ${fmt(steadySeconds)} s, from ${steadyWindow.start} to ${steadyWindow.end}`
          : `the run is too short to tell phases apart; the whole ${fmt(steadySeconds)} s count as steady`,
      this.#rangeSources(all, steadyWindow),
      { window: steadyWindow },
    );
    if (grid.length > 0) {
      this.#knee(all);
      this.#collapse();
      this.#perUserShift();
      this.#concurrencyCorrelation(all);
    }
  }

  /** Buckets of ramp-up and steady state that are entirely inside the run. */
  #loadBuckets(): number[] {
    const indices: number[] = [];
    for (let i = 0; i < this.a.phases.steadyEnd; i++) if (this.a.full[i]) indices.push(i);
    return indices;
  }

  #knee(all: SubjectSeries): void {
    if (!this.a.hasUsers) return;
    const indices = this.#loadBuckets();
    const points = indices.map((i) => ({
      users: this.a.users[i] ?? 0,
      throughput: this.a.throughput[i] ?? 0,
      latency: all.p50[all.indexOf(this.a.grid[i] as number)] ?? Number.NaN,
    }));
    const knee = throughputKnee(points);
    if (!knee) return;
    const window = this.#window(indices[0] ?? 0, (indices[indices.length - 1] ?? 0) + 1);
    if (knee.users === 0) {
      // No hinge could be fitted when users took too few distinct levels (a single step): the
      // slopes are then unknown, and saying throughput kept pace would claim more than was seen.
      const fitted = Number.isFinite(knee.slopeBefore) && Number.isFinite(knee.slopeAfter);
      this.#emit(
        'throughput.knee',
        ALL,
        0,
        'users',
        fitted
          ? `throughput kept pace with users (log–log slope ${fmt(knee.slopeBefore)} then ${fmt(knee.slopeAfter)}` +
              (Number.isFinite(knee.latencySlope) ? `, latency slope ${fmt(knee.latencySlope)}` : '') +
              `) as users grew ${fmt(knee.usersGrowth)}×, so no capacity knee was reached`
          : `users grew ${fmt(knee.usersGrowth)}× in too few steps to fit throughput against them, so no capacity knee was found`,
        this.#rangeSources(all, window),
        { window },
      );
      return;
    }
    const t = this.a.grid[indices[knee.index] ?? 0] as number;
    this.#emit(
      'throughput.knee',
      ALL,
      round(knee.users),
      'users',
      `throughput stopped rising at about ${fmt(knee.users)} users (${fmt(knee.plateau)} req/s; log–log slope ` +
        `${fmt(knee.slopeBefore)} before, ${fmt(knee.slopeAfter)} after) while users grew another ` +
        `${fmt(knee.usersGrowth)}× and median latency grew with slope ${fmt(knee.latencySlope)}`,
      this.#rangeSources(all, window),
      { window, onset: iso(t) },
    );
  }

  /**
   * Full buckets of the analysis window whose throughput can be compared on a log scale. A bucket
   * where nothing completed is the deepest collapse there is, so it stays in, counted as half a
   * request (less than any bucket that saw one), but only when a typical bucket holds at least
   * 20 requests: a Poisson count with mean 20 is zero with probability 2e-9, while in a sparse run
   * (a few requests per bucket) empty buckets are ordinary noise and are left out as before.
   */
  #throughputBuckets(): { indices: number[]; log: (i: number) => number } {
    const w = this.a.window;
    const seconds = this.a.bucketSeconds;
    const full: number[] = [];
    for (let i = w.start; i < w.end; i++) if (this.a.full[i]) full.push(i);
    const typical = median(full.map((i) => (this.a.throughput[i] ?? 0) * seconds));
    const keepEmpty = typical >= MIN_COUNT_FOR_EMPTY_BUCKETS;
    const indices = full.filter((i) => keepEmpty || (this.a.throughput[i] ?? 0) > 0);
    return { indices, log: (i) => Math.log(Math.max(this.a.throughput[i] ?? 0, 0.5 / seconds)) };
  }

  #collapse(): void {
    const { indices, log: logOf } = this.#throughputBuckets();
    const all = this.a.subject(ALL);
    if (indices.length < 2 * MIN_SEGMENT_BUCKETS) return;
    const log = indices.map(logOf);
    const seg = this.#segmentLog(log, this.a.bucketMs);
    const base = seg.segments[0];
    const meanUsers = (from: number, to: number) => {
      const u = indices
        .slice(from, to)
        .map((i) => this.a.users[i])
        .filter((x): x is number => x !== undefined);
      return u.length > 0 ? u.reduce((s, x) => s + x, 0) / u.length : undefined;
    };
    let worst: { ratio: number; start: number; end: number } | undefined;
    if (base) {
      const baseUsers = meanUsers(base.start, base.end);
      for (const s of seg.segments.slice(1)) {
        const users = meanUsers(s.start, s.end);
        if (baseUsers !== undefined && users !== undefined && users < USERS_KEPT * baseUsers) continue;
        const ratio = Math.exp(s.level - base.level);
        if (ratio < 1 && (!worst || ratio < worst.ratio)) worst = { ratio, start: s.start, end: s.end };
      }
    }
    const window = this.#window(indices[0] as number, (indices[indices.length - 1] as number) + 1);
    if (!base || !worst) {
      this.#emit(
        'throughput.collapse',
        ALL,
        1,
        'ratio',
        `throughput held at a median of ${fmt(Math.exp(median(log)))} req/s over the steady window with no significant drop`,
        this.#rangeSources(all, window),
        { window },
      );
      return;
    }
    const onset = this.a.grid[indices[worst.start] as number] as number;
    this.#emit(
      'throughput.collapse',
      ALL,
      round(worst.ratio),
      'ratio',
      `throughput fell from a median of ${fmt(Math.exp(base.level))} req/s to ${fmt(Math.exp(base.level) * worst.ratio)} req/s ` +
        `at ${iso(onset)} (×${fmt(worst.ratio)}) while users did not fall`,
      this.#rangeSources(all, window),
      { window, onset: iso(onset) },
    );
  }

  #perUserShift(): void {
    if (!this.a.hasUsers) return;
    const buckets = this.#throughputBuckets();
    const indices = buckets.indices.filter((i) => (this.a.users[i] ?? 0) > 0);
    if (indices.length < 2 * MIN_SEGMENT_BUCKETS) return;
    const all = this.a.subject(ALL);
    const log = indices.map((i) => buckets.log(i) - Math.log(this.a.users[i] as number));
    const seg = this.#segmentLog(log, this.a.bucketMs);
    const window = this.#window(indices[0] as number, (indices[indices.length - 1] as number) + 1);
    const shift = largestShift(seg);
    if (!shift) {
      this.#emit(
        'throughput.per-user.shift',
        ALL,
        1,
        'ratio',
        `requests per user per second held at a median of ${fmt(Math.exp(median(log)))} with no significant change`,
        this.#rangeSources(all, window),
        { window },
      );
      return;
    }
    const onset = this.a.grid[indices[shift.start] as number] as number;
    this.#emit(
      'throughput.per-user.shift',
      ALL,
      round(shift.ratio),
      'ratio',
      `requests per user per second went from ${fmt(Math.exp(shift.before))} to ${fmt(Math.exp(shift.after))} at ` +
        `${iso(onset)} (×${fmt(shift.ratio)}, change score ${fmt(shift.score)} vs penalty ${fmt(seg.penalty)})`,
      this.#rangeSources(all, window),
      { window, onset: iso(onset) },
    );
  }

  #concurrencyCorrelation(all: SubjectSeries): void {
    if (!this.a.hasUsers) return;
    const indices = this.#loadBuckets();
    const users = indices.map((i) => this.a.users[i] ?? Number.NaN);
    const p50 = indices.map((i) => all.p50[all.indexOf(this.a.grid[i] as number)] ?? Number.NaN);
    const rho = spearman(users, p50);
    if (Number.isNaN(rho)) return;
    const window = this.#window(indices[0] ?? 0, (indices[indices.length - 1] ?? 0) + 1);
    this.#emit(
      'latency.concurrency.correlation',
      ALL,
      round(rho),
      'rho',
      `Spearman correlation of active users with the per-bucket median latency over ${indices.length} buckets of ` +
        `ramp-up and steady state is ${fmt(rho)}`,
      this.#rangeSources(all, window),
      { window },
    );
  }

  #slowShare(endpoints: SubjectSeries[]): void {
    const measured = endpoints.filter((s) => this.#p50Shift.has(s.name));
    if (measured.length < 2) return;
    const slow = measured.filter((s) => (this.#p50Shift.get(s.name) ?? 1) >= SLOW_SHIFT);
    const share = slow.length / measured.length;
    this.#emit(
      'endpoints.slow-share',
      ALL,
      round(share),
      'ratio',
      `${slow.length} of ${measured.length} endpoints had their median latency rise ${SLOW_SHIFT}× or more` +
        (slow.length > 0
          ? ` (${slow
              .slice(0, 5)
              .map((s) => s.name)
              .join(', ')}${slow.length > 5 ? ', …' : ''})`
          : ''),
      this.#rangeSources(this.a.subject(ALL)),
    );
  }

  // ---- per subject ----

  #subjectSignals(s: SubjectSeries): void {
    const timed = !this.a.run.summaryOnly && s.times.length > 0;
    const sw = timed ? this.#subjectWindow(s, s.window) : undefined;
    const extra = sw ? { window: sw } : {};
    const where = timed ? 'in the steady state' : 'over the run';
    const steady = s.steady;
    if (steady.count > 0) {
      const p50 = steady.quantile(0.5);
      const p95 = steady.quantile(0.95);
      const p99 = steady.quantile(0.99);
      const src = this.#rangeSources(s, sw);
      this.#emit(
        'latency.p50',
        s.name,
        round(p50),
        'ms',
        `median response time ${where} is ${fmt(p50)} ms over ${fmt(steady.count)} requests`,
        src,
        extra,
      );
      this.#emit(
        'latency.p95',
        s.name,
        round(p95),
        'ms',
        `95th percentile response time ${where} is ${fmt(p95)} ms`,
        src,
        extra,
      );
      this.#emit(
        'latency.p99',
        s.name,
        round(p99),
        'ms',
        `99th percentile response time ${where} is ${fmt(p99)} ms`,
        src,
        extra,
      );
      if (p50 > 0) {
        this.#emit(
          'latency.tail-ratio',
          s.name,
          round(p99 / p50),
          'ratio',
          `p99 ${where} (${fmt(p99)} ms) is ${fmt(p99 / p50)}× the median (${fmt(p50)} ms)`,
          src,
          extra,
        );
      }
      // A whole-run summary's dozen percentiles cannot show a valley between two groups: the shape
      // between them would be the interpolation's, so only recorded requests are tested for two modes.
      const percentilesOnly = this.a.run.formats.every((f) => WHOLE_RUN_PERCENTILES.has(f));
      const found = percentilesOnly ? undefined : bimodality(sketchBins(steady));
      const gap = found ? Math.abs((found.modes[0]?.location ?? 0) - (found.modes[1]?.location ?? 0)) : 0;
      const modes = found && found.ratio > 0 && gap < MIN_MODE_GAP_MS ? { ...found, ratio: 0 } : found;
      if (modes) {
        const [m1, m2] = [...modes.modes].sort((x, y) => y.share - x.share);
        this.#emit(
          'latency.bimodal',
          s.name,
          round(modes.ratio),
          'ratio',
          modes.ratio > 0 && m1 && m2
            ? `response times ${where} form two groups around ${fmt(Math.min(m1.location, m2.location))} ms and ` +
                `${fmt(Math.max(m1.location, m2.location))} ms (${pct(m1.location < m2.location ? m1.share : m2.share)} and ` +
                `${pct(m1.location < m2.location ? m2.share : m1.share)} of requests), the valley between them at ` +
                `${pct(modes.valleyDepth)} of the smaller peak`
            : found && found.ratio > 0
              ? `response times ${where} form two groups only ${fmt(gap)} ms apart, the ordinary shape of a cached or pooled path, not a slow path`
              : `response times ${where} have a single mode around ${fmt(m1?.location ?? p50)} ms`,
          src,
          extra,
        );
        const [low, high] = [...modes.modes].sort((x, y) => x.location - y.location);
        if (timed)
          this.#slowModeGrowth(
            s,
            modes.ratio > 0 && low && high ? Math.sqrt(low.location * high.location) : undefined,
          );
      }
    }
    this.#errorRates(s, sw);
    this.#fastFail(s);
    this.#connectShare(s);
    this.#payload(s);
    if (!timed) return;
    this.#latencyShift(s, 'p50');
    this.#latencyShift(s, 'p99');
    this.#tailShift(s);
    this.#trend(s);
    this.#variability(s);
    this.#stalls(s);
    this.#coldStart(s);
    this.#rampExcess(s);
    this.#errorShift(s);
    this.#burst(s);
  }

  #latencyShift(s: SubjectSeries, which: 'p50' | 'p99'): void {
    const { indices, values } = finiteIn(s[which], s.window);
    if (values.length < 2 * MIN_SEGMENT_BUCKETS) return;
    const log = values.map(Math.log);
    const seg = this.#segmentLog(log, s.widthMs);
    const window = this.#subjectWindow(s, s.window);
    const name = `latency.${which}.shift`;
    const shift = largestShift(seg);
    if (which === 'p50') {
      this.#p50Shift.set(s.name, shift?.ratio ?? 1);
      this.#reversals(s, seg);
    }
    if (!shift) {
      this.#emit(
        name,
        s.name,
        1,
        'ratio',
        `per-bucket ${which} stayed at a median of ${fmt(Math.exp(median(log)))} ms with no significant change ` +
          `over ${values.length} buckets`,
        this.#rangeSources(s, window),
        { window },
      );
      return;
    }
    const onset = s.times[indices[shift.start] as number] as number;
    const baseEnd = s.times[indices[shift.baseEnd - 1] as number] as number;
    this.#emit(
      name,
      s.name,
      round(shift.ratio),
      'ratio',
      `median of per-bucket ${which} went from ${fmt(Math.exp(shift.before))} ms (${window.start} to ` +
        `${iso(baseEnd + s.widthMs)}) to ${fmt(Math.exp(shift.after))} ms from ${iso(onset)}: ×${fmt(shift.ratio)} ` +
        `(change score ${fmt(shift.score)} vs penalty ${fmt(seg.penalty)})`,
      this.#rangeSources(s, window),
      { window, onset: iso(onset) },
    );
  }

  /**
   * How often the median level turned around: a step has none, a leak none, a latency that wanders
   * up and down between levels (unreliable response time) several.
   */
  #reversals(s: SubjectSeries, seg: Segmentation): void {
    const window = this.#subjectWindow(s, s.window);
    const levels = seg.segments.map((x) => x.level);
    let reversals = 0;
    for (let i = 2; i < levels.length; i++) {
      const before = (levels[i - 1] as number) - (levels[i - 2] as number);
      const after = (levels[i] as number) - (levels[i - 1] as number);
      if (before * after < 0) reversals++;
    }
    this.#emit(
      'latency.p50.reversals',
      s.name,
      reversals,
      'count',
      `the per-bucket median went through ${levels.length} significant level${levels.length === 1 ? '' : 's'} ` +
        `and changed direction ${reversals} time${reversals === 1 ? '' : 's'}`,
      this.#rangeSources(s, window),
      { window },
    );
  }

  /**
   * A rise in the share of very slow requests. The per-bucket p99 of a bucket with 30 requests is
   * its slowest request, so a tail that grows from 0.3% to 3% of requests hardly moves its median;
   * counting requests beyond a fixed multiple of the steady median, bucket by bucket, and testing
   * that count as a binomial rate finds it.
   */
  #tailShift(s: SubjectSeries): void {
    const threshold = this.#tailThreshold(s);
    if (threshold === undefined) return;
    const events: number[] = [];
    const trials: number[] = [];
    for (let i = s.window.start; i < s.window.end; i++) {
      const count = s.stats[i]?.count ?? 0;
      trials.push(count);
      events.push(0);
    }
    // Across several endpoints each request is judged by its own endpoint's steady median: one
    // threshold over a mix would count an endpoint that is always slower than the others, and move
    // with every drift of it across the line.
    const several = s.endpoints.length > 1;
    for (const e of s.endpoints) {
      const line = (several ? this.#tailThreshold(this.a.subject(e.name)) : undefined) ?? threshold;
      for (const [t, st] of e.buckets) {
        const i = s.indexOf(t) - s.window.start;
        if (i < 0 || i >= events.length || st.count === 0) continue;
        events[i] = (events[i] as number) + st.count * (1 - st.latency.rankOf(line));
      }
    }
    const tailLine = several
      ? `${TAIL_FACTOR}× their endpoint's steady median (at least ${MIN_TAIL_EXCESS_MS} ms more)`
      : `${fmt(threshold)} ms (${TAIL_FACTOR}× the steady median, at least ${MIN_TAIL_EXCESS_MS} ms more)`;
    const seg = detectRateChanges(events, trials, { minSegment: this.#minSegment(s.widthMs, trials.length) });
    const window = this.#subjectWindow(s, s.window);
    const base = seg.segments[0];
    let worst: { ratio: number; start: number; rate: number } | undefined;
    if (base) {
      // Half a request of pseudo-count keeps a baseline with no slow request from dividing by zero.
      const baseRate = Math.max(
        base.rate,
        0.5 /
          Math.max(
            1,
            trials.slice(base.start, base.end).reduce((a, b) => a + b, 0),
          ),
      );
      for (const later of seg.segments.slice(1)) {
        const ratio = later.rate / baseRate;
        if (ratio > 1 && (!worst || ratio > worst.ratio))
          worst = { ratio, start: later.start, rate: later.rate };
      }
    }
    if (!base || !worst) {
      this.#emit(
        'latency.tail.shift',
        s.name,
        1,
        'ratio',
        `the share of requests slower than ${tailLine} did not change significantly`,
        this.#rangeSources(s, window),
        { window },
      );
      return;
    }
    const onset = s.times[s.window.start + worst.start] as number;
    this.#emit(
      'latency.tail.shift',
      s.name,
      round(worst.ratio),
      'ratio',
      `the share of requests slower than ${tailLine} rose from ${pct(base.rate)} ` +
        `to ${pct(worst.rate)} at ${iso(onset)} (×${fmt(worst.ratio)})`,
      this.#rangeSources(s, window),
      { window, onset: iso(onset) },
    );
  }

  /** Very slow, for one subject: TAIL_FACTOR times its steady median, and MIN_TAIL_EXCESS_MS more at least. */
  #tailThreshold(s: SubjectSeries): number | undefined {
    const { values } = finiteIn(s.p50, s.window);
    if (values.length < 2 * MIN_SEGMENT_BUCKETS) return undefined;
    const typical = median(values);
    return Math.max(TAIL_FACTOR * typical, typical + MIN_TAIL_EXCESS_MS);
  }

  #trend(s: SubjectSeries): void {
    const { indices, values } = finiteIn(s.p50, s.window);
    if (values.length < MIN_TREND_BUCKETS) return;
    const log = values.map(Math.log);
    const times = indices.map((i) => s.times[i] as number);
    const window = this.#subjectWindow(s, s.window);
    let trend = this.#climb(s, log, times);
    let scope = 'over the steady window';
    if (trend.value === 0) {
      // A leak often ends in a crash and a restart that resets latency; the climb before the
      // largest drop is the evidence, and the drop itself is told by the error signals.
      const drop = this.#largestDrop(s, log);
      if (drop !== undefined && drop >= MIN_TREND_BUCKETS && drop >= TREND_PREFIX_SHARE * log.length) {
        const before = this.#climb(s, log.slice(0, drop), times.slice(0, drop));
        if (before.value !== 0) {
          trend = before;
          scope = `until the drop at ${iso(times[drop] as number)}`;
        }
      }
    }
    this.#emit(
      'latency.trend',
      s.name,
      round(trend.value),
      'ratio',
      trend.value !== 0
        ? `median latency rose ${pct(trend.value)} ${scope} (${trend.stats})`
        : `no monotone trend in median latency over the steady window (${trend.stats};${trend.reason})`,
      this.#rangeSources(s, window),
      { window },
    );
  }

  /** A significant monotone rise of log latency that one step does not explain; value 0 otherwise. */
  #climb(s: SubjectSeries, log: number[], times: number[]): { value: number; stats: string; reason: string } {
    const mk = mannKendall(log);
    if (!mk) return { value: 0, stats: 'too few buckets', reason: '' };
    const sen = theilSen(times, log);
    const span = (times[times.length - 1] as number) - (times[0] as number);
    const change = Math.exp(sen.slope * span) - 1;
    const stats = `Mann–Kendall tau ${fmt(mk.tau)}, p ${fmtP(mk.p)}, Theil–Sen slope ${fmt(sen.slope * 60_000 * 100)}%/min in log space`;
    if (mk.p >= TREND_P || change <= 0)
      return { value: 0, stats, reason: ' not a significant rise at p < 0.01' };
    // A single step also makes Mann–Kendall significant; the trend must survive removing the best
    // one-step fit, or it is a shift (latency.p50.shift), not a climb.
    const seg = this.#segmentLog(log, s.widthMs);
    const best = [...seg.changePoints].sort((x, y) => y.score - x.score)[0];
    if (best) {
      const before = median(log.slice(0, best.index));
      const after = median(log.slice(best.index));
      const residual = mannKendall(log.map((x, i) => x - (i < best.index ? before : after)));
      if (!residual || residual.p >= TREND_P) {
        return {
          value: 0,
          stats,
          reason: ` explained by a single step at ${iso(times[best.index] as number)} (residual p ${fmtP(residual?.p ?? 1)})`,
        };
      }
    }
    return { value: change, stats, reason: '' };
  }

  /** Index where the median level fell the most, if it fell significantly. */
  #largestDrop(s: SubjectSeries, log: number[]): number | undefined {
    const seg = this.#segmentLog(log, s.widthMs);
    const drops = seg.changePoints.filter((c) => c.effect < 0).sort((a, b) => a.effect - b.effect);
    return drops[0]?.index;
  }

  #variability(s: SubjectSeries): void {
    const { values } = finiteIn(s.p50, s.window);
    if (values.length < MIN_VARIABILITY_BUCKETS) return;
    const robust = robustCv(values);
    if (!Number.isFinite(robust)) return;
    const cv = robust * median(values) < MIN_VARIABILITY_MS ? 0 : robust;
    const window = this.#subjectWindow(s, s.window);
    this.#emit(
      'latency.variability',
      s.name,
      round(cv),
      'ratio',
      `per-bucket median latency varies by ${pct(cv)} (1.4826·MAD/median over ${values.length} buckets of ${s.widthMs / 1000} s, median ${fmt(median(values))} ms)`,
      this.#rangeSources(s, window),
      { window },
    );
  }

  #stalls(s: SubjectSeries): void {
    const all = { start: 0, end: s.times.length };
    const { indices, values } = finiteIn(s.p99, all);
    if (values.length < MIN_STALL_BUCKETS) return;
    const times = indices.map((i) => (s.times[i] as number) / 1000);
    const result = spikePeriodicity(times, values.map(Math.log), {
      bucketWidth: s.widthMs / 1000,
      minJump: STALL_MIN_JUMP,
    });
    const window = this.#subjectWindow(s, all);
    const firstEvent = result.eventTimes[0];
    this.#emit(
      'latency.stalls',
      s.name,
      round(result.period),
      's',
      result.period > 0
        ? `per-bucket p99 spiked ${result.events} times (${result.spikeBuckets} stall buckets, at least 2× the typical ` +
            `${fmt(median(values))} ms) every ${fmt(result.period)} s; ${result.matchingGaps} of ${result.events - 1} gaps fit the period`
        : `${result.spikeBuckets} buckets in ${result.events} events had a p99 at least 2× the typical ${fmt(median(values))} ms, ` +
            'not at a regular interval',
      this.#rangeSources(s, window),
      result.period > 0 && firstEvent !== undefined ? { window, onset: iso(firstEvent * 1000) } : { window },
    );
  }

  #coldStart(s: SubjectSeries): void {
    const first = s.endpoints
      .flatMap((e) => e.first)
      .sort((a, b) => a.timestamp - b.timestamp)
      .slice(0, FIRST_REQUESTS);
    if (first.length < FIRST_REQUESTS) return;
    const steadyMedian = s.steady.quantile(0.5);
    if (!(steadyMedian > 0)) return;
    const firstMedian = median(first.map((f) => f.elapsed));
    // Connection set-up and JIT warm-up add a few milliseconds to any service's first requests; and
    // three of five ordinary requests pass the steady p90 about once in a hundred runs, so a median
    // below it is the run's own spread, whatever its ratio to the steady median.
    const warmUp = firstMedian - steadyMedian < MIN_COLD_START_MS || firstMedian <= s.steady.quantile(0.9);
    const ratio = warmUp ? Math.min(1, firstMedian / steadyMedian) : firstMedian / steadyMedian;
    const start = first[0] as (typeof first)[number];
    const end = first[first.length - 1] as (typeof first)[number];
    const sources: SourcePointer[] = [...new Set(first.map((f) => f.path))].map((path) => {
      const lines = first
        .filter((f) => f.path === path)
        .map((f) => f.line)
        .filter((l) => l > 0);
      return {
        type: 'file' as const,
        path,
        ...(lines.length > 0 ? { line: Math.min(...lines), endLine: Math.max(...lines) } : {}),
      };
    });
    this.#emit(
      'latency.cold-start',
      s.name,
      round(ratio),
      'ratio',
      `the first ${first.length} requests had a median of ${fmt(firstMedian)} ms, ${fmt(firstMedian / steadyMedian)}× the steady median of ${fmt(steadyMedian)} ms${warmUp ? `; less than ${MIN_COLD_START_MS} ms more or within the steady p90, an ordinary warm-up, counted as none` : ''}`,
      sources,
      {
        window: { start: iso(start.timestamp), end: iso(end.timestamp + end.elapsed) },
        onset: iso(this.a.run.start),
      },
    );
  }

  /**
   * Whether the slow group of two held its share through the run (a second path some requests
   * always take) or grew from some point on (a fault that slowed requests from then, which leaves
   * the run's requests in two groups too: before and after). Requests beyond the valley between
   * the modes are counted bucket by bucket and their share tested for change points as a binomial
   * rate; the value is the largest significant rise of that share over the first segment's.
   */
  #slowModeGrowth(s: SubjectSeries, boundary: number | undefined): void {
    if (boundary === undefined) {
      // One mode: no slow group whose share could grow (the bimodal way fails on its own signal).
      this.#emit(
        'latency.slow-mode.growth',
        s.name,
        0,
        'ratio',
        'response times form one group, so there is no slow group whose share could grow',
        this.#rangeSources(s),
      );
      return;
    }
    // The whole run, not only the steady window: in a stepped load that is the last step, which a
    // fault that began on an earlier step fills from end to end.
    const trials = s.stats.map((st) => st?.count ?? 0);
    const events = s.stats.map((st) =>
      st && st.count > 0 ? st.count * (1 - st.latency.rankOf(boundary)) : 0,
    );
    const seg = detectRateChanges(events, trials, { minSegment: this.#minSegment(s.widthMs, trials.length) });
    const base = seg.segments[0];
    const worst = largestRise(seg);
    const window = this.#subjectWindow(s, { start: 0, end: s.times.length });
    const onset = worst ? (s.times[worst.start] as number) : undefined;
    this.#emit(
      'latency.slow-mode.growth',
      s.name,
      round(worst?.rise ?? 0),
      'ratio',
      worst && base
        ? `the share of requests in the slow group (beyond ${fmt(boundary)} ms) rose from ${pct(base.rate)} to ${pct(worst.rate)} at ${iso(onset as number)}: the slow group grew from a point in time rather than holding through the run`
        : `the share of requests in the slow group (beyond ${fmt(boundary)} ms) held through the run`,
      this.#rangeSources(s, window),
      onset !== undefined ? { window, onset: iso(onset) } : { window },
    );
  }

  /**
   * How much worse the system did while the load was last rising than once it held steady: p95
   * and error rate from the start of the final climb of users over the first third of what
   * follows, against the last third of the steady state. A system whose capacity catches up late
   * (slow autoscaling, cold caches) is bad early and recovers; a saturated one is worst at the end.
   */
  #rampExcess(s: SubjectSeries): void {
    if (!this.a.hasUsers) return;
    const { steadyStart, steadyEnd } = this.a.phases;
    const users = this.a.users;
    const max = Math.max(...users.map((u) => u ?? 0));
    if (!(max > 0)) return;
    // The last bucket before the steady state with users still below the climb's start; none means
    // the window began at full load (a constant-rate run), with no climb to compare against.
    let climb: number | undefined;
    for (let i = 0; i < steadyStart; i++) if ((users[i] ?? 0) < CLIMB_FROM * max) climb = i;
    if (climb === undefined) return;
    const span = steadyEnd - climb;
    if (span < 3 * MIN_SEGMENT_BUCKETS) return;
    const toSubject = (runIndex: number) =>
      s.indexOf(this.a.grid[Math.min(runIndex, this.a.grid.length - 1)] as number);
    const early = this.#collect(s, toSubject(climb), toSubject(climb + Math.floor(span / 3)));
    const late = this.#collect(s, toSubject(steadyEnd - Math.floor(span / 3)), toSubject(steadyEnd));
    if (early.latency.count < MIN_RAMP_REQUESTS || late.latency.count < MIN_RAMP_REQUESTS) return;
    const earlyP95 = early.latency.quantile(0.95);
    const lateP95 = late.latency.quantile(0.95);
    const window = this.#subjectWindow(s, { start: toSubject(climb), end: toSubject(steadyEnd) });
    if (lateP95 > 0) {
      this.#emit(
        'latency.ramp.excess',
        s.name,
        round(earlyP95 / lateP95),
        'ratio',
        `p95 was ${fmt(earlyP95)} ms while users climbed to ${fmt(max)} (from ${iso(this.a.grid[climb] as number)}), ` +
          `${fmt(earlyP95 / lateP95)}× the ${fmt(lateP95)} ms at the end of the steady state`,
        this.#rangeSources(s, window),
        { window, onset: iso(this.a.grid[climb] as number) },
      );
    }
    const earlyRate = early.failures / early.latency.count;
    const lateRate = late.failures / late.latency.count;
    this.#emit(
      'errors.ramp.excess',
      s.name,
      round(earlyRate - lateRate),
      'ratio',
      `${pct(earlyRate)} of requests failed while users climbed to ${fmt(max)}, against ${pct(lateRate)} at the end of the steady state`,
      this.#rangeSources(s, window),
      { window, onset: iso(this.a.grid[climb] as number) },
    );
  }

  #collect(s: SubjectSeries, from: number, to: number): { latency: DDSketch; failures: number } {
    const latency = new DDSketch(s.total.latency.alpha);
    let failures = 0;
    for (let i = from; i < to; i++) {
      const st = s.stats[i];
      if (!st) continue;
      latency.merge(st.latency);
      failures += st.failures;
    }
    return { latency, failures };
  }

  #errorRates(s: SubjectSeries, sw: { start: string; end: string } | undefined): void {
    const { count, failures, failureKinds } = s.total;
    if (count === 0) return;
    const src = this.#rangeSources(s, sw);
    this.#emit(
      'errors.rate',
      s.name,
      round(failures / count),
      'ratio',
      `${fmt(failures)} of ${fmt(count)} requests failed (${pct(failures / count)})`,
      src,
    );
    for (const kind of FAILURE_KIND_NAMES) {
      const n = failureKinds[kind] ?? 0;
      const groups = s.endpoints.flatMap((e) => e.failures).filter((g) => g.kind === kind);
      const top = groups[0];
      const onset = n > 0 ? this.#kindOnset(s, kind) : undefined;
      const pointers: SourcePointer[] = [...new Set(groups.map((g) => g.path))].slice(0, 3).map((path) => {
        const g = groups.find((x) => x.path === path) as (typeof groups)[number];
        return { type: 'file' as const, path, ...(g.firstLine > 0 ? { line: g.firstLine } : {}) };
      });
      this.#emit(
        `errors.${kind}.rate`,
        s.name,
        round(n / count),
        'ratio',
        n > 0
          ? `${fmt(n)} of ${fmt(count)} requests (${pct(n / count)}) failed as ${kind}` +
              (top ? `, most often "${describeGroup(top)}" (${fmt(top.count)} times)` : '') +
              (onset ? `; first significant at ${iso(onset)}` : '')
          : `no request failed as ${kind}`,
        [...pointers, ...src],
        onset !== undefined ? { onset: iso(onset) } : {},
      );
    }
  }

  /**
   * First bucket where the kind's count is significantly above its baseline rate: the first fifth of
   * the run, ramp included. The steady window would not do: in a stepped or ramped load it is the
   * last step, which a fault that began on an earlier one already fills, and the onset would fall
   * back to the run's start.
   */
  #kindOnset(s: SubjectSeries, kind: FailureKind): number | undefined {
    if (this.a.run.summaryOnly || s.times.length === 0) return undefined;
    const n = s.stats.length;
    const baseEnd = Math.min(n, Math.max(MIN_SEGMENT_BUCKETS, Math.floor(n / 5)));
    let k0 = 0;
    let n0 = 0;
    for (let i = 0; i < baseEnd; i++) {
      k0 += s.stats[i]?.failureKinds[kind] ?? 0;
      n0 += s.stats[i]?.count ?? 0;
    }
    const p0 = n0 > 0 ? k0 / n0 : 0;
    for (let i = 0; i < s.stats.length; i++) {
      const st = s.stats[i];
      const k = st?.failureKinds[kind] ?? 0;
      if (!st || k === 0) continue;
      const lambda = st.count * p0;
      const tail = lambda === 0 ? 0 : 1 - jStat.poisson.cdf(Math.ceil(k) - 1, lambda);
      if (tail < ONSET_P) return s.times[i];
    }
    // Present at its baseline rate from the start: the onset is the run's start.
    return k0 > 0 ? this.a.run.start : undefined;
  }

  #errorShift(s: SubjectSeries): void {
    const events = s.stats.map((st) => st?.failures ?? 0);
    const trials = s.stats.map((st) => st?.count ?? 0);
    // A change needs a before and an after of at least the shortest segment each.
    if (trials.filter((n) => n > 0).length < 2 * MIN_SEGMENT_BUCKETS) return;
    const seg: RateSegmentation = detectRateChanges(events, trials, {
      minSegment: this.#minSegment(s.widthMs, s.stats.length),
    });
    const base = seg.segments[0];
    const window = this.#subjectWindow(s, { start: 0, end: s.times.length });
    const worst = largestRise(seg);
    if (!base || !worst) {
      this.#emit(
        'errors.rate.shift',
        s.name,
        0,
        'ratio',
        `the error rate showed no significant rise (${seg.segments.length} segment${seg.segments.length === 1 ? '' : 's'}, ` +
          `first at ${pct(base?.rate ?? 0)})`,
        this.#rangeSources(s, window),
        { window },
      );
      return;
    }
    const onset = s.times[worst.start] as number;
    const score = seg.changePoints.find((c) => c.index === worst.start)?.score ?? 0;
    this.#emit(
      'errors.rate.shift',
      s.name,
      round(worst.rise),
      'ratio',
      `the error rate rose from ${pct(base.rate)} to ${pct(worst.rate)} at ${iso(onset)} ` +
        `(+${fmt(worst.rise * 100)} points; likelihood-ratio ${fmt(score)} vs penalty ${fmt(seg.penalty)})`,
      this.#rangeSources(s, window),
      { window, onset: iso(onset) },
    );
  }

  #burst(s: SubjectSeries): void {
    const { failures, count } = s.total;
    const window = this.#subjectWindow(s, { start: 0, end: s.times.length });
    if (failures === 0) {
      this.#emit(
        'errors.burst',
        s.name,
        1,
        'ratio',
        'no request failed, so there is no burst',
        this.#rangeSources(s, window),
        { window },
      );
      return;
    }
    if (failures < MIN_FAILURES) return;
    const runRate = failures / count;
    let top: { ratio: number; index: number; rate: number } | undefined;
    for (const [i, st] of s.stats.entries()) {
      if (!st || st.count === 0) continue;
      // Lower 99.9% bound of the bucket's failure count (Anscombe square-root approximation), so
      // chance clusters of a few failures in a quiet bucket do not read as bursts.
      const lower = st.failures > (BURST_Z / 2) ** 2 ? (Math.sqrt(st.failures) - BURST_Z / 2) ** 2 : 0;
      const ratio = lower / st.count / runRate;
      if (!top || ratio > top.ratio) top = { ratio, index: i, rate: st.failures / st.count };
    }
    const value = Math.max(1, top?.ratio ?? 1);
    const at = top ? (s.times[top.index] as number) : this.a.run.start;
    this.#emit(
      'errors.burst',
      s.name,
      round(value),
      'ratio',
      value > 1 && top
        ? `the bucket at ${iso(at)} had ${pct(top.rate)} failures, at least ${fmt(value)}× the run's ${pct(runRate)} (99.9% lower bound)`
        : `failures were spread over the run: no bucket is significantly above the run's ${pct(runRate)}`,
      this.#rangeSources(s, window),
      value > 1 ? { window, onset: iso(at) } : { window },
    );
  }

  /** Which timeouts were timeouts of connecting (nothing accepted the connection) rather than of waiting for an answer. */
  #connectShare(s: SubjectSeries): void {
    const timeouts = s.endpoints.flatMap((e) => e.failures).filter((g) => g.kind === 'timeout');
    const total = timeouts.reduce((n, g) => n + g.count, 0);
    if (total === 0) return;
    const connect = timeouts
      .filter((g) => CONNECT_TIMEOUT.test(`${g.status} ${g.message}`))
      .reduce((n, g) => n + g.count, 0);
    this.#emit(
      'errors.timeout.connect-share',
      s.name,
      round(connect / total),
      'ratio',
      `${fmt(connect)} of ${fmt(total)} timeouts happened while connecting`,
      this.#rangeSources(s),
    );
  }

  #fastFail(s: SubjectSeries): void {
    const failed = s.failedLatency;
    if (failed.count < MIN_FAILURES) return;
    const success = subtractSketch(s.total.latency.toJSON(), failed.toJSON());
    if (success.count === 0) return;
    const failedMedian = failed.quantile(0.5);
    const successMedian = success.quantile(0.5);
    if (!(successMedian > 0)) return;
    this.#emit(
      'errors.fast-fail',
      s.name,
      round(failedMedian / successMedian),
      'ratio',
      `failed requests took a median of ${fmt(failedMedian)} ms against ${fmt(successMedian)} ms for successful ones ` +
        `(${fmt(failed.count)} failures)`,
      this.#rangeSources(s),
    );
    // Failures that all end after the same time hit a fixed timeout (a function's limit, a
    // gateway's or a client's); an unhealthy backend or an application error ends whenever it ends.
    const q1 = failed.quantile(0.25);
    const q3 = failed.quantile(0.75);
    this.#emit(
      'errors.duration.spread',
      s.name,
      round((q3 - q1) / failedMedian),
      'ratio',
      `half of the failed requests ended between ${fmt(q1)} ms and ${fmt(q3)} ms (interquartile range ` +
        `${pct((q3 - q1) / failedMedian)} of the median ${fmt(failedMedian)} ms)`,
      this.#rangeSources(s),
    );
  }

  #payload(s: SubjectSeries): void {
    const { receivedBytes, count } = s.total;
    if (receivedBytes > 0 && count > 0) {
      this.#emit(
        'payload.mean-bytes',
        s.name,
        round(receivedBytes / count),
        'bytes',
        `${fmt(count)} responses carried ${fmt(receivedBytes)} bytes, ${fmt(receivedBytes / count)} bytes on average`,
        this.#rangeSources(s),
      );
    }
    const sums = { n: 0, sumX: 0, sumY: 0, sumXX: 0, sumYY: 0, sumXY: 0 };
    for (const e of s.endpoints)
      for (const k of Object.keys(sums) as Array<keyof typeof sums>) sums[k] += e.payload[k];
    // Ten successful responses with sizes are the least that gives r a meaning.
    if (sums.n < 10) return;
    const r = pearsonFromSums(sums);
    if (Number.isNaN(r)) return;
    this.#emit(
      'latency.payload.correlation',
      s.name,
      round(r),
      'r',
      `Pearson correlation of log response size with log response time over ${fmt(sums.n)} successful responses is ${fmt(r)}`,
      this.#rangeSources(s),
    );
  }

  // ---- helpers ----

  /** Level changes of a log-scale series (latency, throughput) on buckets of widthMs. */
  #segmentLog(log: readonly number[], widthMs: number): Segmentation {
    return detectChangePoints(log, {
      minSegment: this.#minSegment(widthMs, log.length),
      minSigma: MIN_LOG_SIGMA,
    });
  }

  #minSegment(widthMs: number, length: number): number {
    const wanted = Math.max(MIN_SEGMENT_BUCKETS, Math.ceil(MIN_SHIFT_MS / widthMs));
    // Short runs: still allow a change in the middle.
    return Math.min(wanted, Math.max(MIN_SEGMENT_BUCKETS, Math.floor(length / 4)));
  }

  #window(start: number, end: number): { start: string; end: string } {
    const g = this.a.grid;
    const from = g[Math.max(0, Math.min(start, g.length - 1))] ?? this.a.run.start;
    const last = g[Math.max(0, Math.min(end - 1, g.length - 1))] ?? this.a.run.end;
    return {
      start: iso(Math.max(from, this.a.run.start)),
      end: iso(Math.min(last + this.a.bucketMs, this.a.run.end)),
    };
  }

  #subjectWindow(s: SubjectSeries, w: Window): { start: string; end: string } {
    const from = s.times[Math.max(0, Math.min(w.start, s.times.length - 1))] ?? this.a.run.start;
    const last = s.times[Math.max(0, Math.min(w.end - 1, s.times.length - 1))] ?? this.a.run.end;
    const start = Math.max(from, this.a.run.start);
    return { start: iso(start), end: iso(Math.max(start, Math.min(last + s.widthMs, this.a.run.end))) };
  }

  #rangeSources(s: SubjectSeries, window?: { start: string; end: string }): SourcePointer[] {
    const paths = s.name === ALL ? this.a.run.paths : s.paths;
    if (this.a.run.summaryOnly) return this.#fileSources(paths);
    return paths.map((path) => {
      const range = this.a.run.ranges.find((r) => r.path === path);
      if (!range) return { type: 'file' as const, path };
      return {
        type: 'time-range' as const,
        path,
        range: window ?? { start: iso(range.start), end: iso(range.end) },
      };
    });
  }

  #fileSources(paths: readonly string[]): SourcePointer[] {
    return paths.map((path) => ({ type: 'file' as const, path }));
  }

  #emit(
    name: string,
    subject: string,
    value: number | boolean,
    unit: string | undefined,
    explanation: string,
    sources: SourcePointer[],
    extra: Extra = {},
  ): void {
    if (typeof value === 'number' && !Number.isFinite(value)) return;
    this.#signals.push({
      name,
      subject,
      value,
      ...(unit ? { unit } : {}),
      ...(extra.window ? { window: extra.window } : {}),
      ...(extra.onset ? { onset: extra.onset } : {}),
      explanation: `${subject === ALL ? 'All endpoints' : subject}: ${explanation}.`,
      sources,
    });
  }
}

interface Shift {
  ratio: number;
  before: number;
  after: number;
  /** Index (in the segmented series) where the shifted segment starts. */
  start: number;
  /** End of the baseline segment. */
  baseEnd: number;
  score: number;
}

/** The later segment whose rate rose most over the first segment's, by how much (a difference of shares). */
function largestRise(seg: RateSegmentation): { rise: number; start: number; rate: number } | undefined {
  const base = seg.segments[0]?.rate ?? 0;
  let worst: { rise: number; start: number; rate: number } | undefined;
  for (const later of seg.segments.slice(1)) {
    const rise = later.rate - base;
    if (rise > 0 && (!worst || rise > worst.rise)) worst = { rise, start: later.start, rate: later.rate };
  }
  return worst;
}

/**
 * The segment that moved furthest from the first (baseline) segment, on a log-scale series. The
 * baseline is the run's own earliest steady level, never a window containing the anomaly.
 */
function largestShift(seg: Segmentation): Shift | undefined {
  const base = seg.segments[0];
  if (!base || seg.segments.length < 2) return undefined;
  let best: Shift | undefined;
  seg.segments.slice(1).forEach((s, i) => {
    const delta = s.level - base.level;
    if (!best || Math.abs(delta) > Math.abs(Math.log(best.ratio))) {
      best = {
        ratio: Math.exp(delta),
        before: base.level,
        after: s.level,
        start: s.start,
        baseEnd: base.end,
        score: seg.changePoints[i]?.score ?? 0,
      };
    }
  });
  return best;
}

function finiteIn(series: readonly number[], w: Window): { indices: number[]; values: number[] } {
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = w.start; i < w.end; i++) {
    const v = series[i];
    if (v !== undefined && Number.isFinite(v) && v > 0) {
      indices.push(i);
      values.push(v);
    }
  }
  return { indices, values };
}

function describeGroup(g: { status: string; message: string }): string {
  return [g.status, g.message]
    .filter((x) => x !== '')
    .join(' ')
    .slice(0, 120);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Four significant digits: enough for any threshold, readable in JSON. */
function round(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(4));
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (Number.isInteger(x) || abs >= 1000) return Math.round(x).toLocaleString('en-US');
  if (abs >= 100) return x.toFixed(0);
  if (abs >= 10) return x.toFixed(1);
  if (abs >= 1) return x.toFixed(2);
  return x.toPrecision(2);
}

function fmtP(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : p.toFixed(4);
}

function pct(x: number): string {
  const v = x * 100;
  return `${Math.abs(v) >= 10 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toPrecision(2)}%`;
}
