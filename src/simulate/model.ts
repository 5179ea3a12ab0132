import type { Rng } from './random.js';

// The vocabulary of the simulator: the virtual service's endpoints, one request as the engine
// drafts it before effects change it, and the effect a failure scenario applies over time.

export interface Endpoint {
  /** Sampler label as a JMeter plan or k6 script would name it. */
  label: string;
  method: 'GET' | 'POST';
  /** Path template; `{id}` is replaced by a random product id in each URL. */
  path: string;
  /** Share of requests that go to this endpoint. */
  weight: number;
  /** Median server time in ms on a healthy, lightly loaded service. */
  medianMs: number;
  /** Log-space standard deviation of the server time. */
  sigma: number;
  /** Typical response size in bytes, headers included. */
  bytes: number;
  /** Log-space spread of the response size (0 for a fixed file). */
  bytesSigma: number;
  sentBytes: number;
  /** `app` requests are served by the application (they take a worker); `edge` ones by a CDN or proxy cache. */
  servedBy: 'app' | 'edge';
}

/** A failure with no HTTP response, written as the tools write exceptions and Go errors. */
export type NetworkFailureKind =
  | 'connect-timeout'
  | 'read-timeout'
  | 'connection-refused'
  | 'connection-reset';

/** One request while the engine and the effects shape it. Times in ms. */
export interface RequestDraft {
  readonly endpoint: Endpoint;
  /** Time the application works on the request; it holds a worker for this long when capacity is bounded. */
  serviceMs: number;
  /** Time spent outside the application: network round trip, proxy, transfer of the body. */
  transferMs: number;
  status: number;
  /** Failure text an assertion or the tool adds (JMeter failureMessage, k6 error tag). */
  failureMessage?: string;
  receivedBytes: number;
  /** A failure without an HTTP response; `elapsedMs` when the failure itself fixes the duration. */
  network?: { kind: NetworkFailureKind; elapsedMs?: number };
  /**
   * The request needs an application worker (starts as true for `app` endpoints). Effects clear it for
   * answers given before the application: rate limiter, open breaker, balancer without a healthy backend.
   */
  holdsWorker: boolean;
  /** The request opened a new TCP connection (else it reused a keep-alive one). */
  newConnection: boolean;
  connectMs: number;
}

export interface RequestContext {
  /** Request start, ms since the run start. */
  t: number;
  durationMs: number;
  onsetMs: number;
  user: number;
  /** 1 for the first try, 2.. for client retries of a failed request. */
  attempt: number;
  activeUsers: number;
  /** Requests started per second over the last five seconds. */
  recentRate: number;
  rng: Rng;
}

export interface Stage {
  /** Length of the stage in ms. */
  durationMs: number;
  /** Users at the end of the stage; users change linearly within it (like k6 ramping-vus stages). */
  target: number;
}

export interface RetryPolicy {
  /** Tries in total, the first included. */
  attempts: number;
  /** Wait before retry number `retry` (1-based). */
  backoffMs(retry: number, rng: Rng): number;
}

/** What a scenario does to the virtual service and its users. Every part is optional. */
export interface Effect {
  /** Users over time; replaces the default ramp-up and steady state. */
  stages?: Stage[];
  /** Application workers (threads, cores, replicas × threads) at a time; unbounded when absent. */
  capacity?: (t: number) => number;
  /** Requests that would wait longer than this for a worker are shed with a fast 503. */
  maxQueueWaitMs?: number;
  /** The load tool's response timeout. */
  clientTimeoutMs?: number;
  retry?: RetryPolicy;
  /** Multiplies how often and how long GC pauses are (1 = normal). */
  gcPressure?: (t: number) => number;
  /** Replaces the think-time range of the users. */
  thinkMs?: [number, number];
  /** Changes a request before it is queued and timed. */
  shape?(draft: RequestDraft, ctx: RequestContext): void;
}

/** 0 before `onset`, 1 after `onset + rampMs`, smooth in between: effects come in over a few buckets. */
export function rampIn(t: number, onsetMs: number, rampMs: number): number {
  if (t <= onsetMs) return 0;
  if (rampMs <= 0 || t >= onsetMs + rampMs) return 1;
  const x = (t - onsetMs) / rampMs;
  return x * x * (3 - 2 * x);
}

/** Several effects as one: the first one that sets users, capacity, timeouts or retries wins; shapes run in order. */
export function combine(effects: readonly Effect[]): Effect {
  const first = <K extends keyof Effect>(key: K): Effect[K] =>
    effects.find((e) => e[key] !== undefined)?.[key];
  const pressures = effects.map((e) => e.gcPressure).filter((p) => p !== undefined);
  const shapes = effects.filter((e) => e.shape);
  return {
    stages: first('stages'),
    capacity: first('capacity'),
    maxQueueWaitMs: first('maxQueueWaitMs'),
    clientTimeoutMs: first('clientTimeoutMs'),
    retry: first('retry'),
    thinkMs: first('thinkMs'),
    gcPressure: pressures.length ? (t) => pressures.reduce((product, p) => product * p(t), 1) : undefined,
    shape: shapes.length
      ? (draft, ctx) => {
          for (const effect of shapes) effect.shape?.(draft, ctx);
        }
      : undefined,
  };
}
