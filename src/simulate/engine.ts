import type { Effect, Endpoint, NetworkFailureKind, RequestContext, RequestDraft } from './model.js';
import { defaultStages, stagesDuration, userIntervals } from './profile.js';
import { Rng } from './random.js';
import { BASE_URL } from './service.js';

// The simulation: closed-model virtual users (request, wait for the answer, think, repeat) against
// a virtual service. Because users wait for answers, throughput follows Little's law,
// users / (latency + think time), and slows down by itself when the service does.
// Events run in time order from one heap, so a run of any length streams in constant memory and
// requests come out in order of completion, the order in which load tools write them.

export interface SimulatedRequest {
  /** Request start, epoch ms. */
  start: number;
  elapsed: number;
  endpoint: Endpoint;
  url: string;
  /** HTTP status; 0 when there was no HTTP response. */
  status: number;
  success: boolean;
  failureMessage?: string;
  network?: NetworkFailureKind;
  receivedBytes: number;
  sentBytes: number;
  /** Time to first byte (JMeter Latency); 0 without a response. */
  ttfb: number;
  connect: number;
  /** 0-based user number. */
  user: number;
  activeUsers: number;
}

export type SimulationEvent =
  | { kind: 'request'; request: SimulatedRequest }
  | { kind: 'users'; time: number; active: number };

export interface EngineConfig {
  endpoints: readonly Endpoint[];
  effect: Effect;
  seed: number;
  durationMs: number;
  onsetMs: number;
  users: number;
  /** Epoch ms of the run start. */
  startEpochMs: number;
}

/** Think time of a JMeter Uniform Random Timer (1 s + up to 2 s), a common shop-journey setting. */
const DEFAULT_THINK_MS: [number, number] = [1000, 3000];
/** JMeter and k6 wait 60 s for a response unless the plan says otherwise. */
const DEFAULT_CLIENT_TIMEOUT_MS = 60_000;
/** About 12.5 MB/s of effective download per connection: a 245 kB script takes ~20 ms. */
const BYTES_PER_MS = 12_500;
/** One request in a thousand loses a packet and waits for the 200 ms minimum retransmission timeout. */
const RETRANSMIT_SHARE = 0.001;
/** Requests per keep-alive connection before the client opens a new one (mean). */
const REQUESTS_PER_CONNECTION = 8;
/** Window for the recent request rate that load-dependent effects read. */
const RATE_WINDOW_MS = 5000;

interface UserState {
  intervals: Array<[number, number]>;
  interval: number;
  connectionLeft: number;
  retry?: { endpoint: Endpoint; attempt: number };
}

type Event =
  | { kind: 'start'; time: number; seq: number; user: number }
  | { kind: 'done'; time: number; seq: number; request: SimulatedRequest; attempt: number }
  | { kind: 'tick'; time: number; seq: number };

export function* simulateEvents(config: EngineConfig): Generator<SimulationEvent> {
  const { effect, endpoints, onsetMs } = config;
  const stages = effect.stages ?? defaultStages(config.users, config.durationMs);
  const durationMs = Math.min(config.durationMs, stagesDuration(stages));
  const root = new Rng(config.seed);
  const userRng = root.fork(1);
  const serviceRng = root.fork(2);
  const effectRng = root.fork(3);
  const noise = new ServiceNoise(root.fork(4), effect.gcPressure);
  const think = effect.thinkMs ?? DEFAULT_THINK_MS;
  const clientTimeout = effect.clientTimeoutMs ?? DEFAULT_CLIENT_TIMEOUT_MS;
  const totalWeight = endpoints.reduce((sum, e) => sum + e.weight, 0);
  const pickEndpoint = (): Endpoint => {
    let x = userRng.next() * totalWeight;
    for (const endpoint of endpoints) {
      x -= endpoint.weight;
      if (x < 0) return endpoint;
    }
    return endpoints[endpoints.length - 1] as Endpoint;
  };

  const heap = new EventHeap();
  let seq = 0;
  const users: UserState[] = userIntervals(stages).map((intervals) => ({
    intervals,
    interval: 0,
    connectionLeft: 0,
  }));
  users.forEach((user, index) => {
    const first = user.intervals[0];
    if (first)
      heap.push({ kind: 'start', time: first[0] + userRng.uniform(0, 100), seq: seq++, user: index });
  });
  const changes = users
    .flatMap((u) =>
      u.intervals.flatMap(([a, b]) => [
        { t: a, d: 1 },
        { t: b, d: -1 },
      ]),
    )
    .sort((x, y) => x.t - y.t || x.d - y.d);
  let changeIndex = 0;
  let active = 0;
  const activeAt = (t: number): number => {
    while (changeIndex < changes.length && (changes[changeIndex]?.t ?? Infinity) <= t) {
      active += changes[changeIndex]?.d ?? 0;
      changeIndex++;
    }
    return active;
  };
  for (let t = 0; t < durationMs; t += 1000) heap.push({ kind: 'tick', time: t, seq: seq++ });

  const workers = new WorkerPool();
  const recentStarts: number[] = [];
  let recentHead = 0;

  for (let event = heap.pop(); event; event = heap.pop()) {
    if (event.kind === 'tick') {
      yield { kind: 'users', time: config.startEpochMs + event.time, active: activeAt(event.time) };
      continue;
    }
    if (event.kind === 'done') {
      const { request } = event;
      yield { kind: 'request', request };
      const user = users[request.user] as UserState;
      const end = request.start - config.startEpochMs + request.elapsed;
      const policy = effect.retry;
      if (!request.success && policy && event.attempt < policy.attempts) {
        user.retry = { endpoint: request.endpoint, attempt: event.attempt + 1 };
        heap.push({
          kind: 'start',
          time: end + policy.backoffMs(event.attempt, userRng),
          seq: seq++,
          user: request.user,
        });
      } else {
        user.retry = undefined;
        heap.push({
          kind: 'start',
          time: end + userRng.uniform(think[0], think[1]),
          seq: seq++,
          user: request.user,
        });
      }
      continue;
    }

    const t = event.time;
    const user = users[event.user] as UserState;
    const interval = user.intervals[user.interval];
    if (!interval || t >= durationMs) continue;
    if (t >= interval[1]) {
      // The user's active period ended while it was thinking; it comes back with its next period.
      user.interval++;
      user.retry = undefined;
      const next = user.intervals[user.interval];
      if (next)
        heap.push({ kind: 'start', time: next[0] + userRng.uniform(0, 100), seq: seq++, user: event.user });
      continue;
    }

    recentStarts.push(t);
    while ((recentStarts[recentHead] ?? t) < t - RATE_WINDOW_MS) recentHead++;
    if (recentHead > 4096) {
      recentStarts.splice(0, recentHead);
      recentHead = 0;
    }

    const endpoint = user.retry?.endpoint ?? pickEndpoint();
    const attempt = user.retry?.attempt ?? 1;
    const activeUsers = activeAt(t);
    const draft = baseDraft(endpoint, t, serviceRng, noise);
    if (user.connectionLeft <= 0) {
      draft.newConnection = true;
      draft.connectMs = serviceRng.logNormal(4, 0.35);
    }
    const ctx: RequestContext = {
      t,
      durationMs,
      onsetMs,
      user: event.user,
      attempt,
      activeUsers,
      recentRate: (recentStarts.length - recentHead) / (RATE_WINDOW_MS / 1000),
      rng: effectRng,
    };
    const sampledBytes = draft.receivedBytes;
    effect.shape?.(draft, ctx);
    if (draft.status >= 400 && draft.receivedBytes === sampledBytes) {
      draft.receivedBytes = Math.round(serviceRng.uniform(180, 420));
    }

    const timing = time(draft, t, effect, workers, serviceRng);
    let { elapsed, ttfb } = timing;
    let network = draft.network?.kind;
    let status = network ? 0 : timing.status;
    let failureMessage = draft.failureMessage;
    if (!network && elapsed > clientTimeout) {
      network = 'read-timeout';
      status = 0;
      elapsed = clientTimeout + serviceRng.uniform(0, 3);
      ttfb = 0;
      failureMessage = undefined;
    }
    if (draft.newConnection && network !== 'connect-timeout' && network !== 'connection-refused') {
      user.connectionLeft = Math.round(serviceRng.exponential(REQUESTS_PER_CONNECTION)) + 1;
    }
    // A failed connection or a timed-out read leaves no reusable connection.
    if (network) user.connectionLeft = 0;
    else user.connectionLeft--;

    // Rounded from the end time, so that rows written in completion order also end in order.
    const elapsedMs = Math.max(0, Math.round(t + elapsed) - Math.round(t));
    const request: SimulatedRequest = {
      start: config.startEpochMs + Math.round(t),
      elapsed: elapsedMs,
      endpoint,
      url: urlFor(endpoint, serviceRng),
      status,
      success: !network && status < 400,
      ...(failureMessage !== undefined ? { failureMessage } : {}),
      ...(network ? { network } : {}),
      receivedBytes: network ? 0 : Math.max(0, Math.round(draft.receivedBytes)),
      sentBytes: network === 'connect-timeout' || network === 'connection-refused' ? 0 : endpoint.sentBytes,
      ttfb: Math.max(0, Math.round(ttfb)),
      connect: draft.newConnection
        ? network === 'connect-timeout'
          ? elapsedMs
          : Math.round(draft.connectMs)
        : 0,
      user: event.user,
      activeUsers,
    };
    heap.push({ kind: 'done', time: t + elapsed, seq: seq++, request, attempt });
  }
}

function baseDraft(endpoint: Endpoint, t: number, rng: Rng, noise: ServiceNoise): RequestDraft {
  const app = endpoint.servedBy === 'app';
  let serviceMs = rng.logNormal(endpoint.medianMs * (app ? noise.drift(t) : 1), endpoint.sigma);
  if (app) serviceMs += noise.pauseOverlap(t, serviceMs);
  const receivedBytes =
    endpoint.bytesSigma > 0 ? rng.logNormal(endpoint.bytes, endpoint.bytesSigma) : endpoint.bytes;
  let transferMs = rng.logNormal(2.5, 0.3) + receivedBytes / BYTES_PER_MS;
  if (rng.chance(RETRANSMIT_SHARE)) transferMs += rng.uniform(200, 230);
  return {
    endpoint,
    serviceMs,
    transferMs,
    status: 200,
    receivedBytes,
    holdsWorker: app,
    newConnection: false,
    connectMs: 0,
  };
}

/** When the request ends and when its first byte arrives, given the workers it may wait for. */
function time(
  draft: RequestDraft,
  t: number,
  effect: Effect,
  workers: WorkerPool,
  rng: Rng,
): { elapsed: number; ttfb: number; status: number } {
  const network = draft.network;
  if (network) {
    const elapsed = network.elapsedMs ?? draft.connectMs + rng.logNormal(2, 0.4);
    return { elapsed, ttfb: 0, status: 0 };
  }
  const body = draft.receivedBytes / BYTES_PER_MS;
  let wait = 0;
  if (draft.holdsWorker && effect.capacity) {
    workers.resize(Math.max(1, Math.floor(effect.capacity(t))), t);
    const free = workers.earliestFree();
    wait = Math.max(0, free - t);
    if (effect.maxQueueWaitMs !== undefined && wait > effect.maxQueueWaitMs) {
      // Shed by the proxy in front of the application: a fast 503 that never reaches a worker.
      const elapsed = draft.connectMs + rng.logNormal(3, 0.4);
      draft.receivedBytes = Math.round(rng.uniform(180, 260));
      return { elapsed, ttfb: elapsed, status: 503 };
    }
    workers.take(t + wait + draft.serviceMs);
  }
  const elapsed = draft.connectMs + wait + draft.serviceMs + draft.transferMs;
  return { elapsed, ttfb: Math.max(draft.connectMs, elapsed - body), status: draft.status };
}

function urlFor(endpoint: Endpoint, rng: Rng): string {
  const path = endpoint.path.replace('{id}', () => String(rng.int(1000, 9999)));
  const query =
    endpoint.method === 'GET' && endpoint.path.endsWith('s') ? `?page=${rng.int(1, 12)}&size=24` : '';
  return `${BASE_URL}${path}${query}`;
}

/**
 * What makes a healthy service's latency move without anything being wrong: slow drift over
 * minutes (a few percent, from caches and background work) and short stop-the-world GC pauses
 * that stall the requests in flight.
 */
class ServiceNoise {
  readonly #rng: Rng;
  readonly #pressure: ((t: number) => number) | undefined;
  readonly #phases: [number, number];
  readonly #periods: [number, number];
  /** Pauses as [start, end], generated ahead of the requests that may run into them. */
  readonly #pauses: Array<[number, number]> = [];
  #nextPause: number;

  constructor(rng: Rng, pressure?: (t: number) => number) {
    this.#rng = rng;
    this.#pressure = pressure;
    this.#phases = [rng.uniform(0, 2 * Math.PI), rng.uniform(0, 2 * Math.PI)];
    this.#periods = [rng.uniform(240_000, 540_000), rng.uniform(90_000, 180_000)];
    this.#nextPause = rng.exponential(25_000);
  }

  /** ±5% and ±3% waves: visible in a chart, far below any change worth reporting. */
  drift(t: number): number {
    const [p1, p2] = this.#periods;
    const [f1, f2] = this.#phases;
    return Math.exp(
      0.05 * Math.sin((2 * Math.PI * t) / p1 + f1) + 0.03 * Math.sin((2 * Math.PI * t) / p2 + f2),
    );
  }

  /** Extra time a request spends frozen in pauses that start while it runs. */
  pauseOverlap(t: number, serviceMs: number): number {
    const end = t + serviceMs;
    while (this.#nextPause < end + 1000) {
      const pressure = this.#pressure?.(this.#nextPause) ?? 1;
      // Young-generation pauses of a healthy JVM: tens of ms, about every 25 s.
      const length = Math.min(this.#rng.logNormal(45 * pressure, 0.45), 2500);
      this.#pauses.push([this.#nextPause, this.#nextPause + length]);
      this.#nextPause += length + this.#rng.exponential(25_000 / pressure ** 2);
    }
    while (this.#pauses.length > 0 && (this.#pauses[0]?.[1] ?? Infinity) < t - 3000) this.#pauses.shift();
    let extra = 0;
    for (const [a, b] of this.#pauses) {
      if (a > end + extra) break;
      if (b > t) extra += b - Math.max(a, t);
    }
    return extra;
  }
}

/** Application workers as the times they become free; a request takes the one free first. */
class WorkerPool {
  readonly #free: number[] = [];

  resize(count: number, now: number): void {
    while (this.#free.length < count) this.#free.push(now);
    // Fewer workers: drop the ones that will be busy longest (their requests still finish).
    if (this.#free.length > count) {
      this.#free.sort((a, b) => a - b);
      this.#free.length = count;
    }
  }

  earliestFree(): number {
    let best = Infinity;
    for (const f of this.#free) if (f < best) best = f;
    return best;
  }

  take(until: number): void {
    let index = 0;
    for (let i = 1; i < this.#free.length; i++)
      if ((this.#free[i] ?? 0) < (this.#free[index] ?? 0)) index = i;
    this.#free[index] = until;
  }
}

/** Binary min-heap on (time, seq): equal times keep their scheduling order, so runs are deterministic. */
class EventHeap {
  readonly #items: Event[] = [];

  push(event: Event): void {
    const items = this.#items;
    items.push(event);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i] as Event, items[parent] as Event)) break;
      [items[i], items[parent]] = [items[parent] as Event, items[i] as Event];
      i = parent;
    }
  }

  pop(): Event | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        if (l < items.length && before(items[l] as Event, items[smallest] as Event)) smallest = l;
        if (r < items.length && before(items[r] as Event, items[smallest] as Event)) smallest = r;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest] as Event, items[i] as Event];
        i = smallest;
      }
    }
    return top;
  }
}

function before(a: Event, b: Event): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
