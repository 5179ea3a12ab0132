import type { Effect, Endpoint, RequestDraft, Stage } from './model.js';
import { combine, rampIn } from './model.js';
import { defaultStages, usersAt } from './profile.js';
import type { Rng } from './random.js';

// The failure scenarios the simulator can produce, each as an effect on the virtual shop over
// time, with the strength drawn from a realistic range by the seed. Effects come in over several
// seconds, carry noise and hit only part of the traffic, as real incidents do. Each scenario also
// has a near miss: a run a naive detector would confuse with it, used as a negative fixture.

export interface BuildContext {
  rng: Rng;
  durationMs: number;
  onsetMs: number;
  users: number;
  endpoints: readonly Endpoint[];
  /** A parameter: the caller's override when given, else the fallback. */
  param(name: string, fallback: number): number;
}

export interface ScenarioVariant {
  summary: string;
  build(ctx: BuildContext): Effect;
  /** Changes the virtual service's endpoints (e.g. adds an export endpoint). */
  endpoints?: (base: readonly Endpoint[]) => Endpoint[];
}

export interface ScenarioModel extends ScenarioVariant {
  id: string;
  /** A run the scenario's detector must not fire on. */
  nearMiss: ScenarioVariant;
}

const isApp = (d: RequestDraft) => d.endpoint.servedBy === 'app';
const API = {
  list: 'GET /api/products',
  item: 'GET /api/products/{id}',
  cart: 'POST /api/cart',
  checkout: 'POST /api/checkout',
} as const;

/** Mean think time of the default users, used to place knees and limits where the onset asks. */
const MEAN_THINK_MS = 2000;

const slowTail = (share: number, from: number, to: number): Effect => ({
  shape(d, c) {
    if (isApp(d) && c.rng.chance(share)) d.serviceMs += from * (to / from) ** c.rng.next();
  },
});

const scaleEndpoints = (labels: readonly string[] | 'app', factor: (t: number) => number): Effect => ({
  shape(d, c) {
    if (labels === 'app' ? isApp(d) : labels.includes(d.endpoint.label)) d.serviceMs *= factor(c.t);
  },
});

function meanAppServiceMs(endpoints: readonly Endpoint[]): { mean: number; share: number } {
  const app = endpoints.filter((e) => e.servedBy === 'app');
  const total = endpoints.reduce((s, e) => s + e.weight, 0);
  const weight = app.reduce((s, e) => s + e.weight, 0);
  const mean =
    app.reduce((s, e) => s + e.weight * e.medianMs * Math.exp((e.sigma * e.sigma) / 2), 0) / weight;
  return { mean, share: weight / total };
}

/** Users ramp from a light start to `peak`, through the whole run: a stress test looking for the knee. */
function stressStages(ctx: BuildContext, peak: number): Stage[] {
  const start = Math.max(2, Math.round(ctx.users * 0.3));
  return [
    { durationMs: 30_000, target: start },
    { durationMs: ctx.durationMs - 30_000, target: peak },
  ];
}

/** Capacity-bound service whose throughput knee falls at the onset: per-request CPU time set from Little's law. */
function saturation(ctx: BuildContext, workersFactor: number): Effect {
  const stages = stressStages(ctx, Math.round(ctx.users * 2.5));
  const workers = ctx.param('workers', 2);
  const kneeUsers = usersAt(stages, ctx.onsetMs);
  const { mean, share } = meanAppServiceMs(ctx.endpoints);
  // At the knee the workers are just busy: users × share × D = workers × (think + D), solved for D.
  const demand = (workers * MEAN_THINK_MS) / Math.max(kneeUsers * share - workers, 1);
  const scale = demand / mean;
  return {
    stages,
    capacity: () => workers * workersFactor,
    clientTimeoutMs: 30_000,
    shape(d) {
      if (isApp(d)) d.serviceMs *= scale;
    },
  };
}

function errorBody(d: RequestDraft, status: number, rng: Rng): void {
  d.status = status;
  d.receivedBytes = Math.round(rng.uniform(160, 420));
}

const healthy: ScenarioVariant = {
  summary: 'a healthy shop run: ramp-up, steady load, normal noise and GC blips, no errors',
  build: () => ({}),
};

export const SCENARIO_MODELS: readonly ScenarioModel[] = [
  {
    id: 'tail-latency-spike',
    summary: 'from the onset 2-5% of requests stall +300-1500 ms: p99 multiplies, p50 stays flat',
    build(ctx) {
      const share = ctx.param('share', ctx.rng.uniform(0.02, 0.05));
      const ramp = ctx.rng.uniform(15_000, 40_000);
      return {
        shape(d, c) {
          if (isApp(d) && c.rng.chance(share * rampIn(c.t, c.onsetMs, ramp))) {
            d.serviceMs += 300 * 5 ** c.rng.next();
          }
        },
      };
    },
    nearMiss: {
      summary: 'a healthy run with a heavier but stationary tail (1.5% of requests +100-400 ms all along)',
      build: () => slowTail(0.015, 100, 400),
    },
  },
  {
    id: 'global-latency-shift',
    summary: 'every application endpoint gets 2-3x slower from the onset and stays there',
    build(ctx) {
      const factor = ctx.param('factor', ctx.rng.uniform(2, 3));
      const ramp = ctx.rng.uniform(15_000, 40_000);
      return scaleEndpoints('app', (t) => 1 + (factor - 1) * rampIn(t, ctx.onsetMs, ramp));
    },
    nearMiss: {
      summary: 'only POST /api/checkout gets 2.5x slower; the other endpoints stay as they were',
      build: (ctx) => scaleEndpoints([API.checkout], (t) => 1 + 1.5 * rampIn(t, ctx.onsetMs, 20_000)),
    },
  },
  {
    id: 'error-spike-5xx',
    summary: '500/502 responses jump from none to 5-30% on one or two endpoints from the onset',
    build(ctx) {
      const targets = ctx.rng.chance(0.5) ? [API.cart, API.checkout] : [ctx.rng.pick([API.cart, API.item])];
      const rate = ctx.param('rate', ctx.rng.uniform(0.05, 0.3));
      const ramp = ctx.rng.uniform(10_000, 30_000);
      const wobble = ctx.rng.uniform(0, 2 * Math.PI);
      return {
        shape(d, c) {
          if (!targets.includes(d.endpoint.label as never)) return;
          const level = rate * rampIn(c.t, c.onsetMs, ramp) * (1 + 0.25 * Math.sin(c.t / 40_000 + wobble));
          if (!c.rng.chance(level)) return;
          if (c.rng.chance(0.75)) {
            // The application's own exception handler: a bit faster than a full request.
            errorBody(d, 500, c.rng);
            d.serviceMs *= 0.6;
          } else {
            // The proxy found the upstream connection closed: a fast 502 without application time.
            errorBody(d, 502, c.rng);
            d.serviceMs = c.rng.uniform(2, 15);
            d.holdsWorker = false;
          }
        },
      };
    },
    nearMiss: {
      summary: 'a steady 2-3% of 404s for unknown product ids all run long: client errors, no spike',
      build(ctx) {
        const rate = ctx.rng.uniform(0.02, 0.03);
        return {
          shape(d, c) {
            if (d.endpoint.label === API.item && c.rng.chance(rate)) {
              errorBody(d, 404, c.rng);
              d.serviceMs *= 0.5;
            }
          },
        };
      },
    },
  },
  {
    id: 'rate-limiting-429',
    summary: 'users keep rising; once the request rate passes the gateway limit, fast 429s appear',
    build(ctx) {
      const stages = risingStages(ctx);
      const perUserRate = 1000 / (MEAN_THINK_MS + 60);
      // API share of the traffic (static files come from the CDN, not through the gateway).
      const apiShare = meanAppServiceMs(ctx.endpoints).share;
      const limit = ctx.param('limit', usersAt(stages, ctx.onsetMs) * perUserRate * apiShare);
      // Two seconds of burst: arrivals are bursty, so a tighter bucket would reject below the limit.
      const bucket = new TokenBucket(limit, Math.max(4, limit * 2));
      return {
        stages,
        shape(d, c) {
          if (!isApp(d) || bucket.take(c.t)) return;
          errorBody(d, 429, c.rng);
          d.receivedBytes = Math.round(c.rng.uniform(110, 140));
          d.serviceMs = c.rng.logNormal(2.5, 0.4);
          d.holdsWorker = false;
        },
      };
    },
    nearMiss: {
      summary: 'the same rising load with no limit: throughput keeps rising, no 429s',
      build: (ctx) => ({ stages: risingStages(ctx) }),
    },
  },
  {
    id: 'bimodal-latency',
    summary: 'GET /api/products/{id}: a steady 20-35% of requests take a slow path (cache miss) 7-12x slower',
    build(ctx) {
      const share = ctx.param('share', ctx.rng.uniform(0.2, 0.35));
      const factor = ctx.rng.uniform(7, 12);
      return {
        shape(d, c) {
          if (d.endpoint.label === API.item && c.rng.chance(share)) {
            d.serviceMs = c.rng.logNormal(d.endpoint.medianMs * factor, 0.22);
          }
        },
      };
    },
    nearMiss: {
      summary: 'GET /api/products/{id} with one wide log-normal latency: same p99, a single mode',
      build: () => ({
        shape(d, c) {
          if (d.endpoint.label === API.item) d.serviceMs = c.rng.logNormal(d.endpoint.medianMs * 1.6, 0.85);
        },
      }),
    },
  },
  {
    id: 'memory-leak',
    summary: 'latency and GC pauses grow steadily over the run; with crash=1 an OOM and restart near the end',
    build(ctx) {
      const growth = ctx.param('growth', ctx.rng.uniform(0.8, 1.6));
      const gc = ctx.rng.uniform(3, 5);
      const crash = ctx.param('crash', 0) > 0;
      const crashAt = ctx.durationMs * ctx.rng.uniform(0.8, 0.86);
      const oomMs = ctx.rng.uniform(8_000, 15_000);
      const restartMs = ctx.rng.uniform(10_000, 20_000);
      // Heap fill since the process started; a restart empties it.
      const fill = (t: number) => {
        if (crash && t >= crashAt + oomMs + restartMs)
          return (t - crashAt - oomMs - restartMs) / ctx.durationMs;
        return t / ctx.durationMs;
      };
      return {
        gcPressure: (t) => 1 + gc * fill(t) ** 1.5,
        shape(d, c) {
          if (!isApp(d)) return;
          d.serviceMs *= 1 + growth * fill(c.t) ** 1.3;
          if (!crash || c.t < crashAt) return;
          if (c.t < crashAt + oomMs) {
            if (c.rng.chance(0.4)) {
              errorBody(d, 500, c.rng);
              d.failureMessage = 'java.lang.OutOfMemoryError: Java heap space';
            }
          } else if (c.t < crashAt + oomMs + restartMs) {
            // The container was OOM-killed: the proxy has no upstream until it restarts.
            errorBody(d, 502, c.rng);
            d.serviceMs = c.rng.uniform(1, 6);
            d.holdsWorker = false;
          }
        },
      };
    },
    nearMiss: {
      summary: 'a one-off 1.6x step in latency at the onset, flat before and after (no growth)',
      build: (ctx) => scaleEndpoints('app', (t) => 1 + 0.6 * rampIn(t, ctx.onsetMs, 10_000)),
    },
  },
  {
    id: 'cpu-saturation',
    summary:
      'users ramp to 2.5x the start; throughput plateaus at the knee (onset) while latency grows with users',
    build: (ctx) => saturation(ctx, 1),
    nearMiss: {
      summary: 'the same ramp on three times the capacity: throughput keeps rising, latency nearly flat',
      build: (ctx) => saturation(ctx, 3),
    },
  },
  {
    id: 'thread-starvation',
    summary:
      'a blocking dependency call (+2.5-3.5 s) fills a pool of 8 threads: every endpoint queues, timeouts',
    build(ctx) {
      const pool = ctx.param('pool', 8);
      const blocking = ctx.rng.uniform(2500, 3500);
      const ramp = ctx.rng.uniform(10_000, 25_000);
      return {
        capacity: () => pool,
        clientTimeoutMs: 8_000,
        shape(d, c) {
          // Static files are served by the same servlet container here, so they wait for a thread too.
          d.holdsWorker = true;
          if (d.endpoint.servedBy === 'app') {
            d.serviceMs += c.rng.logNormal(blocking, 0.25) * rampIn(c.t, c.onsetMs, ramp);
          }
        },
      };
    },
    nearMiss: {
      summary: 'the dependency gets 150-250 ms slower but threads are plenty: API latency up, no queue',
      build(ctx) {
        const extra = ctx.rng.uniform(150, 250);
        return {
          shape(d, c) {
            if (isApp(d)) d.serviceMs += c.rng.logNormal(extra, 0.25) * rampIn(c.t, c.onsetMs, 15_000);
          },
        };
      },
    },
  },
  {
    id: 'large-payload',
    summary: 'GET /api/reports/export returns 30 kB-30 MB bodies; its latency follows the size',
    endpoints: (base) => [...base, exportEndpoint(650_000, 1.3)],
    build: () => ({
      shape(d) {
        // Serializing the body costs ~50 ms per MB before the first byte leaves.
        if (d.endpoint.label === EXPORT_LABEL) d.serviceMs += d.receivedBytes / 20_000;
      },
    }),
    nearMiss: {
      summary:
        'the export endpoint sends 2 MB every time and is slow for unrelated reasons (size and time uncorrelated)',
      endpoints: (base) => [...base, exportEndpoint(2_000_000, 0.04)],
      build: () => ({
        shape(d, c) {
          if (d.endpoint.label === EXPORT_LABEL) d.serviceMs = c.rng.logNormal(450, 0.7);
        },
      }),
    },
  },
  {
    id: 'retry-storm',
    summary:
      'a dependency fails partly at the onset; clients retry up to 3 times, the extra load keeps it failing',
    build(ctx) {
      const trigger = ctx.param('trigger', ctx.rng.uniform(0.25, 0.4));
      const triggerMs = ctx.rng.uniform(60_000, 120_000);
      return retryStormEffect(ctx, trigger, triggerMs, true);
    },
    nearMiss: {
      summary: 'the same partial failure without client retries: errors, but requests per user stay flat',
      build(ctx) {
        return retryStormEffect(ctx, ctx.rng.uniform(0.25, 0.4), ctx.rng.uniform(60_000, 120_000), false);
      },
    },
  },
  {
    id: 'circuit-breaker-open',
    summary:
      'the payment dependency fails; after slow failures the breaker opens: fast 503s, half-open probes, recovery',
    build(ctx) {
      const downMs = ctx.param('down', ctx.rng.uniform(150_000, 240_000));
      return breakerEffect(ctx.onsetMs, ctx.onsetMs + downMs, ctx.rng.uniform(2000, 3000));
    },
    nearMiss: {
      summary: 'the dependency fails with no breaker: slow 504s after 3 s for a few minutes, then recovery',
      build(ctx) {
        const end = ctx.onsetMs + ctx.rng.uniform(120_000, 180_000);
        return {
          shape(d, c) {
            if (![API.cart, API.checkout].includes(d.endpoint.label as never)) return;
            if (c.t >= c.onsetMs && c.t < end && c.rng.chance(0.7)) {
              errorBody(d, 504, c.rng);
              d.serviceMs = 3000 + c.rng.uniform(0, 25);
            }
          },
        };
      },
    },
  },
  {
    id: 'cascading-failure',
    summary: 'checkout slows and fails first, then cart, product pages and listings follow one after another',
    build(ctx) {
      const order = [API.checkout, API.cart, API.item, API.list];
      let at = ctx.onsetMs;
      const starts = new Map<string, number>();
      for (const label of order) {
        starts.set(label, at);
        at += ctx.rng.uniform(45_000, 80_000);
      }
      const factor = ctx.rng.uniform(6, 10);
      const errors = ctx.rng.uniform(0.2, 0.45);
      return {
        shape(d, c) {
          const start = starts.get(d.endpoint.label);
          if (start === undefined) return;
          const level = rampIn(c.t, start, 40_000);
          if (level === 0) return;
          d.serviceMs *= 1 + (factor - 1) * level;
          if (c.rng.chance(errors * level)) {
            // The ingress gives up after its 5 s upstream timeout.
            errorBody(d, 504, c.rng);
            d.serviceMs = 5000 + c.rng.uniform(0, 30);
          }
        },
      };
    },
    nearMiss: {
      summary: 'checkout alone gets 5x slower with some 504s; nothing else is affected',
      build: () => ({
        shape(d, c) {
          if (d.endpoint.label !== API.checkout) return;
          const level = rampIn(c.t, c.onsetMs, 30_000);
          d.serviceMs *= 1 + 4 * level;
          if (c.rng.chance(0.1 * level)) {
            errorBody(d, 504, c.rng);
            d.serviceMs = 5000 + c.rng.uniform(0, 30);
          }
        },
      }),
    },
  },
  {
    id: 'unhealthy-backend-pool',
    summary: 'one of three backends goes bad at the onset: a steady share of fast 502s and very slow answers',
    build(ctx) {
      const badShare = ctx.param('bad', 1 / 3);
      const failShare = ctx.rng.uniform(0.45, 0.65);
      const slow = ctx.rng.uniform(6, 10);
      return {
        shape(d, c) {
          if (!isApp(d) || c.t < c.onsetMs || !c.rng.chance(badShare * rampIn(c.t, c.onsetMs, 8_000))) return;
          if (c.rng.chance(failShare)) {
            errorBody(d, c.rng.chance(0.8) ? 502 : 503, c.rng);
            d.serviceMs = c.rng.uniform(1, 8);
            d.holdsWorker = false;
          } else {
            d.serviceMs *= slow;
          }
        },
      };
    },
    nearMiss: {
      summary: 'a 30-45 s burst of 502s during a rolling deploy, then a clean run',
      build(ctx) {
        const end = ctx.onsetMs + ctx.rng.uniform(30_000, 45_000);
        return {
          shape(d, c) {
            if (isApp(d) && c.t >= c.onsetMs && c.t < end && c.rng.chance(0.3)) {
              errorBody(d, 502, c.rng);
              d.serviceMs = c.rng.uniform(1, 8);
              d.holdsWorker = false;
            }
          },
        };
      },
    },
  },
  {
    id: 'connection-timeout',
    summary:
      'from the onset 30-60% of new TCP connections get no answer: failures take exactly the 5 s connect timeout',
    build(ctx) {
      const timeout = ctx.param('timeout', 5000);
      const dropped = ctx.rng.uniform(0.3, 0.6);
      const ramp = ctx.rng.uniform(10_000, 30_000);
      return {
        shape(d, c) {
          if (!isApp(d) || !d.newConnection) return;
          if (c.rng.chance(dropped * rampIn(c.t, c.onsetMs, ramp))) {
            d.network = { kind: 'connect-timeout', elapsedMs: timeout + c.rng.uniform(0, 12) };
          }
        },
      };
    },
    nearMiss: {
      summary:
        'checkout answers slowly and the 5 s response timeout fires: read timeouts at 5 s, connections fine',
      build: () => ({
        clientTimeoutMs: 5000,
        shape(d, c) {
          if (d.endpoint.label === API.checkout && c.t >= c.onsetMs) d.serviceMs = c.rng.logNormal(3500, 0.5);
        },
      }),
    },
  },
  {
    id: 'cold-start',
    summary:
      'serverless endpoints: each new environment takes 0.6-1.8 s to initialize; a user step at the onset adds more',
    build(ctx) {
      const init = ctx.rng.uniform(600, 1800);
      return { stages: stepStages(ctx), ...environmentsEffect(init, 3) };
    },
    nearMiss: {
      summary: 'a JIT warm-up: the first 30 s are up to 1.4x slower, no initialization spikes',
      build: () => ({
        shape(d, c) {
          if (isApp(d)) d.serviceMs *= 1 + 0.4 * Math.exp(-c.t / 15_000);
        },
      }),
    },
  },
  {
    id: 'function-timeout',
    summary:
      'checkout is a function with a 6 s timeout; its dependency slows until many calls end at exactly 6 s with 502',
    build(ctx) {
      const gateway = ctx.param('gateway', 0) > 0;
      // With gateway=1 the function may run 30 s but API Gateway gives up at its 29 s integration timeout.
      const limit = gateway ? 29_000 : ctx.param('limit', 6000);
      const target = limit * ctx.rng.uniform(0.75, 1.05);
      return {
        shape(d, c) {
          if (d.endpoint.label !== API.checkout) return;
          const level = rampIn(c.t, c.onsetMs - 60_000, 120_000);
          d.serviceMs *= 1 + (target / d.endpoint.medianMs - 1) * level;
          if (d.serviceMs < limit) return;
          d.serviceMs = limit + c.rng.uniform(12, 60);
          if (gateway) {
            errorBody(d, 504, c.rng);
            d.failureMessage = 'Endpoint request timed out';
          } else {
            errorBody(d, 502, c.rng);
            d.failureMessage = `Task timed out after ${(limit / 1000).toFixed(2)} seconds`;
          }
        },
      };
    },
    nearMiss: {
      summary: 'checkout fails with 500s after varied durations (2-9 s): slow errors, no hard limit',
      build: () => ({
        shape(d, c) {
          if (d.endpoint.label === API.checkout && c.t >= c.onsetMs && c.rng.chance(0.25)) {
            errorBody(d, 500, c.rng);
            d.serviceMs = c.rng.logNormal(3500, 0.45);
          }
        },
      }),
    },
  },
  {
    id: 'unreliable-response-time',
    summary: 'latency wanders widely (0.4x-3x) from one half-minute to the next, with no lasting shift',
    build(ctx) {
      const spread = ctx.param('spread', ctx.rng.uniform(0.45, 0.6));
      return wanderEffect(spread, ctx.rng.uniform(10_000, 25_000));
    },
    nearMiss: {
      summary: 'a healthy run with a slightly larger slow drift (about ±12% over minutes)',
      build: () => wanderEffect(0.12, 120_000),
    },
  },
  {
    id: 'scale-up-too-slow',
    summary:
      'users jump 4x at the onset; replicas arrive 2-4 min later, so latency and 503s spike, then recover',
    build: (ctx) => scaleUpEffect(ctx, false),
    nearMiss: {
      summary: 'the same jump on replicas scaled ahead of time: a short, small latency bump',
      build: (ctx) => scaleUpEffect(ctx, true),
    },
  },
];

export const HEALTHY: ScenarioVariant = healthy;

/** The README demo: a shop stress test whose users keep rising past the service's capacity. */
export const DEMO: ScenarioVariant = {
  summary:
    'a 10-minute shop stress test: users keep rising past the capacity of the service, whose throughput levels off at the onset',
  build(ctx) {
    return combine([saturation(ctx, 1), slowTail(0.002, 400, 1200)]);
  },
};

const EXPORT_LABEL = 'GET /api/reports/export';

function exportEndpoint(bytes: number, bytesSigma: number): Endpoint {
  return {
    label: EXPORT_LABEL,
    method: 'GET',
    path: '/api/reports/export',
    weight: 0.06,
    medianMs: 120,
    sigma: 0.3,
    bytes,
    bytesSigma,
    sentBytes: 231,
    servedBy: 'app',
  };
}

/** Users rise steadily after the ramp-up, to 1.8x by the end. */
function risingStages(ctx: BuildContext): Stage[] {
  const rampUp = Math.round(ctx.durationMs / 6);
  return [
    { durationMs: rampUp, target: ctx.users },
    { durationMs: ctx.durationMs - rampUp, target: Math.round(ctx.users * 1.8) },
  ];
}

/** Ramp-up, steady, then a quick step up to twice the users at the onset. */
function stepStages(ctx: BuildContext): Stage[] {
  const base = defaultStages(Math.max(2, Math.round(ctx.users / 2)), ctx.onsetMs);
  return [
    ...base,
    { durationMs: 20_000, target: ctx.users },
    { durationMs: ctx.durationMs - ctx.onsetMs - 20_000, target: ctx.users },
  ];
}

class TokenBucket {
  #tokens: number;
  #last = 0;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
  ) {
    this.#tokens = burst;
  }

  take(t: number): boolean {
    this.#tokens = Math.min(this.burst, this.#tokens + ((t - this.#last) / 1000) * this.perSecond);
    this.#last = t;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

function retryStormEffect(ctx: BuildContext, trigger: number, triggerMs: number, retries: boolean): Effect {
  const affected = [API.list, API.item, API.cart, API.checkout] as string[];
  let baseline = 0;
  let baselineCount = 0;
  return {
    capacity: () => ctx.param('workers', 6),
    clientTimeoutMs: 10_000,
    ...(retries
      ? {
          retry: {
            attempts: 5,
            // Exponential backoff without jitter: retries of many users arrive in waves.
            backoffMs: (retry: number, rng: Rng) => 50 * 2 ** (retry - 1) * rng.uniform(0.97, 1.03),
          },
        }
      : {}),
    shape(d, c) {
      if (c.t < c.onsetMs) {
        if (c.t > ctx.durationMs / 6) {
          baseline += c.recentRate;
          baselineCount++;
        }
        return;
      }
      if (!affected.includes(d.endpoint.label)) return;
      const normal = baselineCount ? baseline / baselineCount : c.recentRate;
      // The dependency fails more the more it is called: once retries push the load ~10% above
      // normal, the extra failures cause extra retries, and the storm outlives its trigger.
      const overload = retries ? Math.max(0, c.recentRate / normal - 1.1) * 1.2 : 0;
      const cause = c.t < c.onsetMs + triggerMs ? trigger * rampIn(c.t, c.onsetMs, 10_000) : 0.05;
      if (c.rng.chance(Math.min(0.55, cause + overload))) {
        // The dependency rejects quickly; the service passes its 503 on.
        errorBody(d, 503, c.rng);
        d.serviceMs = c.rng.logNormal(80, 0.4);
      } else {
        d.serviceMs *= 1.2 + 2 * overload;
      }
    },
  };
}

/** A circuit breaker in front of a dependency that is down from `downAt` until `upAt`. */
function breakerEffect(downAt: number, upAt: number, dependencyTimeoutMs: number): Effect {
  type State = 'closed' | 'open' | 'half-open';
  const OPEN_MS = 60_000;
  const FAILURES_TO_OPEN = 8;
  const HALF_OPEN_CALLS = 5;
  let state: State = 'closed';
  let failures = 0;
  let openedAt = 0;
  let probes = 0;
  let probeFailures = 0;
  return {
    shape(d, c) {
      if (![API.cart, API.checkout].includes(d.endpoint.label as never)) return;
      if (state === 'open' && c.t - openedAt >= OPEN_MS) {
        state = 'half-open';
        probes = 0;
        probeFailures = 0;
      }
      if (state === 'open' || (state === 'half-open' && probes >= HALF_OPEN_CALLS)) {
        // CallNotPermittedException mapped to 503: the call never reaches the dependency.
        errorBody(d, 503, c.rng);
        d.serviceMs = c.rng.logNormal(3, 0.4);
        return;
      }
      const dependencyDown = c.t >= downAt && c.t < upAt;
      if (state === 'half-open') probes++;
      if (dependencyDown) {
        errorBody(d, 500, c.rng);
        d.serviceMs = dependencyTimeoutMs + c.rng.uniform(0, 40);
        failures++;
        if (state === 'half-open') probeFailures++;
      } else {
        failures = 0;
      }
      if (state === 'closed' && failures >= FAILURES_TO_OPEN) {
        state = 'open';
        openedAt = c.t;
      } else if (state === 'half-open' && probeFailures >= 3) {
        state = 'open';
        openedAt = c.t;
      } else if (state === 'half-open' && probes >= HALF_OPEN_CALLS && probeFailures < 3) {
        state = 'closed';
        failures = 0;
      }
    },
  };
}

/** Serverless environments per endpoint: one request at a time each, a new one is cold. */
function environmentsEffect(initMs: number, warmupFactor: number): Effect {
  const environments = new Map<string, Array<{ busyUntil: number; served: number }>>();
  return {
    shape(d, c) {
      if (!isApp(d)) return;
      const pool = environments.get(d.endpoint.label) ?? [];
      environments.set(d.endpoint.label, pool);
      // The platform reuses the most recently used idle environment.
      let chosen: { busyUntil: number; served: number } | undefined;
      for (const env of pool)
        if (env.busyUntil <= c.t && (!chosen || env.busyUntil > chosen.busyUntil)) chosen = env;
      if (!chosen) {
        chosen = { busyUntil: c.t, served: 0 };
        pool.push(chosen);
        d.serviceMs += c.rng.logNormal(initMs, 0.2);
      }
      // Class loading and JIT keep the first calls of an environment slower for a while.
      d.serviceMs *= 1 + warmupFactor * Math.exp(-chosen.served / 6);
      chosen.served++;
      chosen.busyUntil = c.t + d.serviceMs + 30;
    },
  };
}

/** Latency multiplied by exp(x(t)), x an Ornstein–Uhlenbeck process: wanders, always returns. */
function wanderEffect(spread: number, correlationMs: number): Effect {
  let last = 0;
  let x = 0;
  return {
    shape(d, c) {
      const decay = Math.exp(-(c.t - last) / correlationMs);
      x = x * decay + spread * Math.sqrt(1 - decay * decay) * c.rng.normal();
      last = c.t;
      if (isApp(d)) d.serviceMs *= Math.exp(x);
    },
  };
}

function scaleUpEffect(ctx: BuildContext, preScaled: boolean): Effect {
  const base = Math.max(2, Math.round(ctx.users * 0.4));
  const peak = Math.round(ctx.users * 1.6);
  const rampUp = Math.round(ctx.durationMs / 6);
  const jumpMs = ctx.rng.uniform(30_000, 60_000);
  const stages: Stage[] = [
    { durationMs: rampUp, target: base },
    { durationMs: ctx.onsetMs - rampUp, target: base },
    { durationMs: jumpMs, target: peak },
    { durationMs: ctx.durationMs - ctx.onsetMs - jumpMs, target: peak },
  ];
  // One single-threaded replica serves ~5 API requests/s (200 ms of CPU each); two carry the base load at ~50%.
  const { mean } = meanAppServiceMs(ctx.endpoints);
  const scale = 200 / mean;
  const lag = ctx.rng.uniform(120_000, 200_000);
  const steps = [ctx.onsetMs + lag, ctx.onsetMs + lag + ctx.rng.uniform(20_000, 40_000)];
  return {
    stages,
    capacity: (t) => (preScaled ? 7 : 2 + steps.filter((s) => t >= s).length * 3),
    // The ingress gives up on requests queued for a replica longer than a second.
    maxQueueWaitMs: 1000,
    shape(d) {
      if (isApp(d)) d.serviceMs *= scale;
    },
  };
}
