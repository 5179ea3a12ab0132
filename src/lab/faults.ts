import { LAB_FD_LIMIT, LAB_POOL_MAX, type LabFault, type LabRequest, type LoadShape } from './types.js';

// The faults the lab injects, each named by the catalog scenario it should be recognized as.
// Service faults flip a switch of the running service (its real code path changes); environment
// faults change the lab's own processes (its Redis, the payments dependency, the host's CPU).

/**
 * A fault that holds a shared resource (the pool's connections, one locked row) longer is sized
 * to the traffic: the requests that need it ask for 1.2 times what it can serve, so waiters pile
 * up at whatever rate the run has. A fixed hold that overloads the pool at 60 requests/s leaves
 * half of it idle at 30/s, and then nothing was injected that the diagnosis could name.
 */
const OVERLOAD = 1.2;

/**
 * A descriptor leak runs the service out within 40 s of the injection: one file per product
 * read does that at 60 requests/s, and the leak grows with the read where the traffic is lower, so
 * the limit is met inside a 100 s run whatever its rate.
 */
const FD_RUN_OUT_S = 40;

/** Requests per second of one kind in a load. */
function rateOf(load: LoadShape, request: LabRequest): number {
  const weights = Object.values(load.mix).reduce((sum, w) => sum + (w ?? 0), 0);
  return weights > 0 ? (load.rate * (load.mix[request] ?? 0)) / weights : 0;
}

/** How long each of `holders` must be held for `request`s to ask for OVERLOAD times them, at least `minMs`. */
function overloadingHoldMs(load: LoadShape, request: LabRequest, holders: number, minMs: number): number {
  const rate = rateOf(load, request);
  return rate > 0 ? Math.max(minMs, Math.round((1000 * OVERLOAD * holders) / rate)) : minMs;
}

export const FAULTS: readonly LabFault[] = [
  {
    id: 'healthy',
    injects: 'nothing: a control run under the same load',
  },
  {
    id: 'memory-leak',
    injects: 'every request keeps 64 KiB forever (an unbounded in-process cache)',
    service: { leakKiB: 64 },
    // The memory floor is judged over 2-minute spans: eight minutes give it four.
    minDurationS: 480,
  },
  {
    id: 'thread-starvation',
    injects: 'the event loop is blocked 150 ms of every 200 ms by synchronous work',
    service: { blockLoopMs: 150 },
  },
  {
    id: 'cpu-saturation',
    injects: 'two busy processes beside the service take both cores of the host',
    inject: async (ctx) => ctx.burnCpu(2),
    restore: async (ctx) => ctx.stopBurners(),
  },
  {
    id: 'slow-query',
    injects: 'the index the search query uses is dropped: every search scans 200,000 rows',
    service: { dropSearchIndex: true },
    load: { mix: { search: 4, product: 3, order: 1, quote: 1 } },
  },
  {
    id: 'connection-pool-exhaustion',
    injects: `order transactions hold their pool connection long enough (a slow call inside the transaction) that orders ask for ${OVERLOAD} times the pool's ${LAB_POOL_MAX} connections, at least 400 ms`,
    service: (load) => ({ holdConnectionMs: overloadingHoldMs(load, 'order', LAB_POOL_MAX, 400) }),
    load: { mix: { order: 4, product: 2, search: 2, quote: 1 } },
  },
  {
    id: 'database-deadlock',
    injects:
      'orders update two stock rows in request order, so concurrent orders lock them in opposite orders',
    service: { lockOrderInversion: true },
    load: { mix: { order: 5, product: 2, search: 1, quote: 1 } },
  },
  {
    id: 'shared-resource-lock-contention',
    injects: `every order takes its number from one counter row, locked FOR UPDATE and held long enough that orders ask for ${OVERLOAD} times what the row can serve, at least 50 ms`,
    service: (load) => ({ hotRowHoldMs: overloadingHoldMs(load, 'order', 1, 50) }),
    load: { mix: { order: 5, product: 2, search: 1, quote: 1 } },
  },
  {
    id: 'error-spike-5xx',
    injects: 'the payments dependency answers 503 to half of the calls',
    inject: async (ctx) => ctx.downstream({ mode: 'errors', share: 0.5 }),
    restore: async (ctx) => ctx.downstream({ mode: 'ok' }),
    load: { mix: { quote: 4, product: 3, search: 1, order: 1 } },
  },
  {
    id: 'upstream-timeout',
    injects: 'the payments dependency takes 3 s; the service gives up after 1 s',
    service: { downstreamTimeoutMs: 1000 },
    inject: async (ctx) => ctx.downstream({ mode: 'slow', delayMs: 3000 }),
    restore: async (ctx) => ctx.downstream({ mode: 'ok' }),
    load: { mix: { quote: 4, product: 3, search: 1, order: 1 } },
  },
  {
    id: 'retry-storm',
    injects:
      'the payments dependency fails every call and the service retries each 5 times at once, without backoff or jitter',
    service: { retries: 5 },
    inject: async (ctx) => ctx.downstream({ mode: 'errors', share: 1 }),
    restore: async (ctx) => ctx.downstream({ mode: 'ok' }),
    load: { mix: { quote: 4, product: 3, search: 1, order: 1 } },
  },
  {
    id: 'circuit-breaker-open',
    injects: 'the payments dependency fails every call; the service breaker opens after 5 failures',
    service: { breakerThreshold: 5 },
    inject: async (ctx) => ctx.downstream({ mode: 'errors', share: 1 }),
    restore: async (ctx) => ctx.downstream({ mode: 'ok' }),
    load: { mix: { quote: 4, product: 3, search: 1, order: 1 } },
  },
  {
    id: 'rate-limiting-429',
    injects: 'the service admits 20 requests a second and answers 429 to the rest',
    service: { rateLimit: 20 },
  },
  {
    id: 'eviction-storm',
    injects:
      "the lab's Redis gets a 1 MB maxmemory with allkeys-lru: hot product entries are evicted as they are written",
    inject: async (ctx) => {
      await ctx.redisCli('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
      await ctx.redisCli('CONFIG', 'SET', 'maxmemory', '1mb');
    },
    restore: async (ctx) => {
      await ctx.redisCli('CONFIG', 'SET', 'maxmemory', '0');
    },
    load: { keys: { count: 20_000, hotShare: 0.2 } },
  },
  {
    id: 'cache-stampede',
    injects:
      'the hot product is cached for exactly 45 s and every request that misses it reloads it from the catalog origin, which takes a second (request coalescing off)',
    // Behind the cache, a slow origin; healthy, TTLs are staggered and readers of a key being loaded wait for that load.
    setting: { missPathMs: 1000 },
    service: { fixedTtl: true, coalesceMisses: false },
    load: {
      mix: { product: 6, search: 1, order: 1, quote: 1 },
      keys: { count: 2000, hotShare: 0.97, hot: 1 },
    },
    // Five expiries after the injection, for the bursts to show their period.
    minDurationS: 360,
  },
  {
    id: 'consumer-stall',
    injects: 'the consumer of order messages stops processing while orders keep being published',
    service: { consumerStalled: true },
    load: { mix: { order: 4, product: 2, search: 1, quote: 1 } },
  },
  {
    id: 'n-plus-one-queries',
    injects: 'the order-items page loads each item with its own query',
    service: { nPlusOne: true },
    load: { mix: { 'order-items': 4, order: 1, product: 2, search: 1 } },
  },
  {
    id: 'dns-resolution-failure',
    injects: 'the payments dependency is addressed by a name that does not resolve',
    service: { downstream: 'http://payments.faultline-lab.invalid:8080' },
    load: { mix: { quote: 4, product: 3, search: 1, order: 1 } },
  },
  {
    id: 'dependency-unavailable',
    injects: 'the payments dependency stops listening: every call is refused',
    inject: async (ctx) => ctx.downstream({ mode: 'down' }),
    restore: async (ctx) => ctx.downstream({ mode: 'ok' }),
    load: { mix: { quote: 4, product: 3, search: 1, order: 1 } },
  },
  {
    id: 'cache-penetration',
    injects:
      'a client starts asking for products that do not exist; the service caches only what it finds, so every such lookup misses and goes to the database',
    load: { keys: { count: 2000, hotShare: 0.6 } },
    // The same product traffic as before plus the lookups of missing ids: the other routes make room.
    loadDuring: { mix: { product: 5, 'missing-product': 4, search: 0.5, order: 0.25, quote: 0.25 } },
  },
  {
    id: 'hot-key',
    injects:
      'the cache is spread over three Redis shards and 80% of requests start asking for one product, so one shard serves most lookups',
    redisShards: 3,
    loadDuring: { keys: { count: 2000, hotShare: 0.8, hot: 1 } },
  },
  {
    id: 'bimodal-latency',
    injects:
      'a cache miss also reads the product from the catalog origin, a slow tier that answers in 120 ms; hits take a millisecond',
    service: { missPathMs: 120 },
    wholeRun: true,
  },
  {
    id: 'large-payload',
    injects: 'product responses carry 600 KiB of reviews (an endpoint without field selection or paging)',
    service: { payloadKiB: 600 },
  },
  {
    id: 'cold-start',
    injects:
      'the service is restarted just before the load, without warm-up: each route initialises on its first request',
    startsCold: true,
  },
  {
    id: 'file-descriptor-exhaustion',
    injects: `every product read opens files and never closes them, as many as run the ${LAB_FD_LIMIT} descriptors out (the usual soft limit) within ${FD_RUN_OUT_S} s of product reads at the run's rate, at least one`,
    service: (load) => ({
      leakFds: Math.max(1, Math.ceil(LAB_FD_LIMIT / (FD_RUN_OUT_S * rateOf(load, 'product')))),
    }),
  },
  {
    id: 'tls-certificate-expired',
    injects:
      'the service is pointed at the payments dependency over HTTPS, whose certificate expired a month ago',
    inject: async (ctx) => ctx.switchService({ downstream: ctx.expiredTlsDownstream }),
    load: { mix: { quote: 4, product: 3, search: 1, order: 1 } },
  },
];

export function faultById(id: string): LabFault | undefined {
  return FAULTS.find((f) => f.id === id);
}
