import { maskSecrets } from '../../core/mask.js';
import type { FailureKind, LoadTestFormat } from '../../core/vocabulary.js';
import { DDSketch } from '../../stats/ddsketch.js';
import type { Bucket, EndpointData, FailureGroup, LoadTestData, RequestStats } from './data.js';
import { classifyFailure } from './failure-kind.js';
import type { AggregateObservation, LoadSample, SampleSink } from './sample.js';

// Folds the observations of one source into LoadTestData in bounded memory: per endpoint, one
// sketch per time bucket plus exact counts. The bucket width starts at one second and doubles
// whenever the run would need more than MAX_BUCKETS buckets, merging neighbours exactly.

/** 480 buckets keep a one-hour run at 8 s resolution and a 10-minute run at 2 s, enough for change points. */
export const MAX_BUCKETS = 480;
/** Distinct endpoint names kept; more usually means unparameterized URLs, so the rest are pooled. */
export const MAX_ENDPOINTS = 300;
export const OTHER_ENDPOINTS = '(other endpoints)';
/** Raw labels remembered for a fast lookup; past this many, a label is masked again on each request. */
const MAX_LABELS = 10_000;
const FIRST_SAMPLES = 20;
const MAX_FAILURE_GROUPS = 20;
/** Distinct status/message pairs tracked before counting; only the top MAX_FAILURE_GROUPS are kept in the data. */
const FAILURE_GROUP_CAP = 2000;
const KEPT_PROBLEMS = 20;
/**
 * Distinct response codes counted per endpoint and per bucket. A run sees a handful; more means the
 * column holds something else (messages, ids), which would make every bucket grow with the file,
 * so further codes are counted together under OTHER_STATUSES.
 */
const MAX_STATUSES = 50;
export const OTHER_STATUSES = '(other statuses)';

/**
 * Latency sketches start with bins for 1 ms to 80 s, the usual range, so the many per-bucket
 * sketches are allocated once instead of growing by doubling (each growth a new typed array, which
 * dominated the accumulation profile). Empty bins never show in the sketch's results.
 */
function latencySketch(): DDSketch {
  return DDSketch.forRange(1, 80_000);
}

class StatsAcc {
  count = 0;
  failures = 0;
  latency = latencySketch();
  // A Map rather than an object: response codes such as "200" are array-index keys, which make an
  // object's element store sparse and every update slow on the hot path.
  statuses = new Map<string, number>();
  failureKinds: Partial<Record<FailureKind, number>> = {};
  failedElapsedSum = 0;
  receivedBytes = 0;
  sentBytes = 0;
  concurrency: number | undefined;

  merge(other: StatsAcc): void {
    this.count += other.count;
    this.failures += other.failures;
    this.latency.merge(other.latency);
    for (const [k, v] of other.statuses) countStatus(this.statuses, k, v);
    for (const [k, v] of Object.entries(other.failureKinds) as Array<[FailureKind, number]>) {
      this.failureKinds[k] = (this.failureKinds[k] ?? 0) + v;
    }
    this.failedElapsedSum += other.failedElapsedSum;
    this.receivedBytes += other.receivedBytes;
    this.sentBytes += other.sentBytes;
    if (other.concurrency !== undefined)
      this.concurrency = Math.max(this.concurrency ?? 0, other.concurrency);
  }

  toJSON(): RequestStats {
    return {
      count: this.count,
      failures: this.failures,
      latency: this.latency.toJSON(),
      statuses: sortKeys(Object.fromEntries(this.statuses)),
      failureKinds: sortKeys(this.failureKinds),
      failedElapsedSum: this.failedElapsedSum,
      receivedBytes: this.receivedBytes,
      sentBytes: this.sentBytes,
      ...(this.concurrency !== undefined ? { concurrency: this.concurrency } : {}),
    };
  }
}

function addSample(stats: StatsAcc, s: LoadSample, weight: number, kind: FailureKind | undefined): void {
  stats.count += weight;
  stats.latency.add(s.elapsed, weight);
  if (s.status !== undefined) countStatus(stats.statuses, s.status, weight);
  if (kind) {
    stats.failures += weight;
    stats.failureKinds[kind] = (stats.failureKinds[kind] ?? 0) + weight;
    stats.failedElapsedSum += s.elapsed * weight;
  }
  if (s.receivedBytes !== undefined) stats.receivedBytes += s.receivedBytes * weight;
  if (s.sentBytes !== undefined) stats.sentBytes += s.sentBytes * weight;
  if (s.concurrency !== undefined && s.concurrency > (stats.concurrency ?? -1))
    stats.concurrency = s.concurrency;
}

function countStatus(statuses: Map<string, number>, status: string, n: number): void {
  const seen = statuses.get(status);
  if (seen !== undefined) statuses.set(status, seen + n);
  else if (statuses.size < MAX_STATUSES) statuses.set(status, n);
  else statuses.set(OTHER_STATUSES, (statuses.get(OTHER_STATUSES) ?? 0) + n);
}

class EndpointAcc {
  readonly total = new StatsAcc();
  readonly failedLatency = new DDSketch();
  buckets = new Map<number, StatsAcc>();
  readonly first: Array<{ timestamp: number; elapsed: number; line: number }> = [];
  readonly failures = new Map<string, FailureGroup>();
  readonly payload = { n: 0, sumX: 0, sumY: 0, sumXX: 0, sumYY: 0, sumXY: 0 };

  constructor(readonly name: string) {}
}

export class LoadTestAccumulator implements SampleSink {
  #bucketMs = 1000;
  #minIndex = Number.POSITIVE_INFINITY;
  #maxIndex = Number.NEGATIVE_INFINITY;
  #start = Number.POSITIVE_INFINITY;
  #end = Number.NEGATIVE_INFINITY;
  readonly #byLabel = new Map<string, EndpointAcc>();
  readonly #endpoints = new Map<string, EndpointAcc>();
  #users = new Map<number, number>();
  /** The users bucket last written and its value, to skip repeated map updates (reset when coarsening). */
  #lastUsersT = Number.NaN;
  #lastUsersActive = -1;
  #problemCount = 0;
  readonly #problems: Array<{ line: number; message: string }> = [];
  readonly #notes = new Set<string>();
  #timed = false;
  #lastTimestamp = Number.NEGATIVE_INFINITY;
  #unsorted = 0;

  constructor(readonly format: LoadTestFormat) {}

  get problemCount(): number {
    return this.#problemCount;
  }

  sample(s: LoadSample): void {
    if (!Number.isFinite(s.timestamp) || !Number.isFinite(s.elapsed) || s.elapsed < 0) {
      this.problem(
        s.line,
        `expected a time and a non-negative response time, got ${s.timestamp} and ${s.elapsed}`,
      );
      return;
    }
    const weight = s.weight ?? 1;
    this.#timed = true;
    if (s.timestamp < this.#lastTimestamp) this.#unsorted++;
    this.#lastTimestamp = s.timestamp;
    this.#extend(s.timestamp, s.timestamp + s.elapsed);
    const endpoint = this.#endpoint(s.label);
    const bucket = this.#bucket(endpoint, s.timestamp);
    const kind = s.success ? undefined : classifyFailure(s.status, s.message);
    // Two calls rather than a loop over [total, bucket]: no array and iterator per request.
    addSample(endpoint.total, s, weight, kind);
    addSample(bucket, s, weight, kind);
    if (s.concurrency !== undefined) this.#recordUsers(s.timestamp, s.concurrency);
    if (kind) {
      endpoint.failedLatency.add(s.elapsed, weight);
      this.#failure(endpoint, kind, s.status ?? '', s.message ?? '', weight, s.line, s.timestamp);
    }
    if (s.receivedBytes !== undefined && s.receivedBytes > 0 && s.elapsed > 0 && !kind) {
      const x = Math.log(s.receivedBytes);
      const y = Math.log(s.elapsed);
      const p = endpoint.payload;
      p.n += weight;
      p.sumX += x * weight;
      p.sumY += y * weight;
      p.sumXX += x * x * weight;
      p.sumYY += y * y * weight;
      p.sumXY += x * y * weight;
    }
    const first = endpoint.first;
    if (first.length < FIRST_SAMPLES || s.timestamp < (first[first.length - 1]?.timestamp ?? 0)) {
      let at = first.length;
      while (at > 0 && (first[at - 1]?.timestamp ?? 0) > s.timestamp) at--;
      first.splice(at, 0, { timestamp: s.timestamp, elapsed: s.elapsed, line: s.line });
      if (first.length > FIRST_SAMPLES) first.pop();
    }
  }

  aggregate(o: AggregateObservation): void {
    if (!(o.count >= 0) || o.quantiles.length === 0) {
      if (o.count > 0) this.problem(o.line, 'expected latency quantiles with a request count');
      return;
    }
    const endpoint = this.#endpoint(o.label);
    const targets: StatsAcc[] = [endpoint.total];
    if (o.start !== undefined && Number.isFinite(o.start)) {
      this.#extend(o.start, o.start + (o.durationMs ?? 0));
      if (!o.wholeRun) {
        this.#timed = true;
        targets.push(this.#bucket(endpoint, o.start));
        if (o.concurrency !== undefined) this.#recordUsers(o.start, o.concurrency);
      }
    }
    const points = quantilePoints(o);
    for (const stats of targets) {
      stats.count += o.count;
      stats.failures += o.failures;
      spreadQuantiles(stats.latency, points, o.count);
      for (const [k, v] of Object.entries(o.statuses ?? {})) countStatus(stats.statuses, k, v);
      if (o.receivedBytes !== undefined) stats.receivedBytes += o.receivedBytes;
      if (o.sentBytes !== undefined) stats.sentBytes += o.sentBytes;
      if (o.concurrency !== undefined) stats.concurrency = Math.max(stats.concurrency ?? 0, o.concurrency);
    }
    // Failure kinds: from messages when the tool gives them, else from the response codes, else "other".
    const kinds = new Map<FailureKind, number>();
    let classified = 0;
    for (const [message, n] of Object.entries(o.failureMessages ?? {})) {
      const kind = classifyFailure(undefined, message);
      kinds.set(kind, (kinds.get(kind) ?? 0) + n);
      classified += n;
      this.#failure(endpoint, kind, '', message, n, o.line, o.start);
    }
    if (classified === 0) {
      for (const [status, n] of Object.entries(o.statuses ?? {})) {
        const code = Number(status);
        if (code >= 400 || code === 0) {
          const kind = classifyFailure(status, undefined);
          kinds.set(kind, (kinds.get(kind) ?? 0) + n);
          classified += n;
          this.#failure(endpoint, kind, status, '', n, o.line, o.start);
        }
      }
    }
    if (o.failures > classified) kinds.set('other', (kinds.get('other') ?? 0) + o.failures - classified);
    for (const stats of targets) {
      for (const [kind, n] of kinds) stats.failureKinds[kind] = (stats.failureKinds[kind] ?? 0) + n;
    }
  }

  users(timestamp: number, active: number, line: number): void {
    if (!Number.isFinite(timestamp) || !(active >= 0)) {
      this.problem(line, `expected a time and a user count, got ${timestamp} and ${active}`);
      return;
    }
    this.#timed = true;
    this.#extend(timestamp, timestamp);
    this.#recordUsers(timestamp, active);
  }

  problem(line: number, message: string): void {
    this.#problemCount++;
    if (this.#problems.length < KEPT_PROBLEMS) this.#problems.push({ line, message });
  }

  note(text: string): void {
    this.#notes.add(text);
  }

  finish(): LoadTestData {
    const notes = [...this.#notes];
    if (this.#unsorted > 0) {
      notes.push(
        `${this.#unsorted} requests were out of time order in the file; they were placed by their own timestamps`,
      );
    }
    if (this.#endpoints.has(OTHER_ENDPOINTS)) {
      notes.push(
        `more than ${MAX_ENDPOINTS} distinct endpoint names; the rest were pooled as "${OTHER_ENDPOINTS}"`,
      );
    }
    const endpoints = [...this.#endpoints.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map(
        (e): EndpointData => ({
          name: e.name,
          total: { ...e.total.toJSON(), failedLatency: e.failedLatency.toJSON() },
          buckets: [...e.buckets.entries()]
            .sort(([a], [b]) => a - b)
            .map(([t, s]): Bucket => ({ t, ...s.toJSON() })),
          first: e.first,
          failures: [...e.failures.values()]
            .sort((a, b) => b.count - a.count || a.firstLine - b.firstLine)
            .slice(0, MAX_FAILURE_GROUPS),
          payload: e.payload,
        }),
      );
    const hasTime = Number.isFinite(this.#start);
    return {
      format: this.format,
      summaryOnly: !this.#timed,
      bucketMs: this.#bucketMs,
      start: hasTime ? this.#start : 0,
      end: hasTime ? this.#end : 0,
      endpoints,
      users: [...this.#users.entries()].sort(([a], [b]) => a - b).map(([t, active]) => ({ t, active })),
      problems: { count: this.#problemCount, first: this.#problems },
      notes,
    };
  }

  #endpoint(label: string): EndpointAcc {
    let endpoint = this.#byLabel.get(label);
    if (endpoint) return endpoint;
    // Labels can carry credentials (a URL with ?token=…); only the masked name is ever kept.
    const masked = maskSecrets(label);
    const name =
      this.#endpoints.has(masked) || this.#endpoints.size < MAX_ENDPOINTS ? masked : OTHER_ENDPOINTS;
    endpoint = this.#endpoints.get(name) ?? new EndpointAcc(name);
    this.#endpoints.set(name, endpoint);
    if (this.#byLabel.size < MAX_LABELS) this.#byLabel.set(label, endpoint);
    return endpoint;
  }

  #extend(start: number, end: number): void {
    if (start < this.#start) this.#start = start;
    if (end > this.#end) this.#end = end;
    const index = Math.floor(start / this.#bucketMs);
    if (index < this.#minIndex) this.#minIndex = index;
    if (index > this.#maxIndex) this.#maxIndex = index;
    while (this.#maxIndex - this.#minIndex + 1 > MAX_BUCKETS) this.#coarsen();
  }

  #bucket(endpoint: EndpointAcc, timestamp: number): StatsAcc {
    const t = Math.floor(timestamp / this.#bucketMs) * this.#bucketMs;
    let bucket = endpoint.buckets.get(t);
    if (!bucket) {
      bucket = new StatsAcc();
      endpoint.buckets.set(t, bucket);
    }
    return bucket;
  }

  #recordUsers(timestamp: number, active: number): void {
    const t = Math.floor(timestamp / this.#bucketMs) * this.#bucketMs;
    // Consecutive requests mostly fall in the same bucket with the same user count: skip the map then.
    if (t === this.#lastUsersT && active <= this.#lastUsersActive) return;
    const seen = this.#users.get(t) ?? -1;
    if (active > seen) this.#users.set(t, active);
    this.#lastUsersT = t;
    this.#lastUsersActive = Math.max(active, seen);
  }

  #coarsen(): void {
    const width = this.#bucketMs * 2;
    for (const endpoint of this.#endpoints.values()) {
      const merged = new Map<number, StatsAcc>();
      for (const [t, stats] of endpoint.buckets) {
        const key = Math.floor(t / width) * width;
        const target = merged.get(key);
        if (target) target.merge(stats);
        else merged.set(key, stats);
      }
      endpoint.buckets = merged;
    }
    const users = new Map<number, number>();
    for (const [t, active] of this.#users) {
      const key = Math.floor(t / width) * width;
      users.set(key, Math.max(users.get(key) ?? 0, active));
    }
    this.#users = users;
    this.#lastUsersT = Number.NaN;
    this.#bucketMs = width;
    this.#minIndex = Math.floor(this.#minIndex / 2);
    this.#maxIndex = Math.floor(this.#maxIndex / 2);
  }

  #failure(
    endpoint: EndpointAcc,
    kind: FailureKind,
    status: string,
    message: string,
    weight: number,
    line: number,
    timestamp: number | undefined,
  ): void {
    // Messages often embed ids or timings; the first 200 characters are enough to group and show.
    const cut = message.length > 200 ? `${message.slice(0, 200)}…` : message;
    const key = `${status}\u0000${cut}`;
    const group = endpoint.failures.get(key);
    if (group) {
      group.count += weight;
      if (
        timestamp !== undefined &&
        (group.firstTimestamp === undefined || timestamp < group.firstTimestamp)
      ) {
        group.firstTimestamp = timestamp;
        group.firstLine = line;
      }
    } else if (endpoint.failures.size < FAILURE_GROUP_CAP) {
      endpoint.failures.set(key, {
        kind,
        status: maskSecrets(status),
        // Messages can quote headers or URLs with credentials; only the masked text is kept.
        message: maskSecrets(cut),
        count: weight,
        firstLine: line,
        ...(timestamp !== undefined ? { firstTimestamp: timestamp } : {}),
      });
    }
  }
}

/** The tool's quantiles as a monotone curve from q=0 (min) to q=1 (max). */
function quantilePoints(o: AggregateObservation): Array<{ q: number; value: number }> {
  const points = o.quantiles
    .filter((p) => p.q > 0 && p.q <= 1 && Number.isFinite(p.value) && p.value >= 0)
    .sort((a, b) => a.q - b.q);
  const lowest = points[0]?.value ?? 0;
  const min = o.min !== undefined && Number.isFinite(o.min) ? Math.min(o.min, lowest) : lowest;
  const curve = [{ q: 0, value: min }, ...points];
  const last = curve[curve.length - 1];
  if (last && last.q < 1) curve.push({ q: 1, value: Math.max(o.max ?? last.value, last.value) });
  // Tools round quantiles independently; keep the curve monotone.
  for (let i = 1; i < curve.length; i++) {
    const prev = curve[i - 1];
    const point = curve[i];
    if (prev && point && point.value < prev.value) point.value = prev.value;
  }
  return curve;
}

/**
 * Adds `count` requests to a sketch so that its quantiles follow the reported ones: each interval
 * between two reported quantiles gets its share of the requests, spread geometrically between the
 * two values (latency is roughly log-uniform within such an interval).
 */
function spreadQuantiles(sketch: DDSketch, curve: Array<{ q: number; value: number }>, count: number): void {
  if (count <= 0) return;
  const STEPS = 8;
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1];
    const b = curve[i];
    if (!a || !b) continue;
    const share = (b.q - a.q) * count;
    if (share <= 0) continue;
    const lo = Math.max(a.value, 1e-3);
    const hi = Math.max(b.value, lo);
    for (let s = 0; s < STEPS; s++) {
      const value = lo * (hi / lo) ** ((s + 0.5) / STEPS);
      sketch.add(value, share / STEPS);
    }
  }
}

function sortKeys<T extends Record<string, number>>(record: T): T {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T;
}
