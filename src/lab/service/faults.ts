// The service's fault switches: what the control endpoint turns on. Each switch changes one code
// path the way the real defect would (a leak, a blocking loop, a query without its index, a
// transaction holding its connection, locks taken in opposite orders...), so the evidence comes
// from the real mechanism, not from numbers painted into the telemetry.

export interface Switches {
  /** Keep this many KiB per request forever (a cache without eviction). */
  leakKiB: number;
  /** Block the event loop this many ms every 200 ms (synchronous work on the loop). */
  blockLoopMs: number;
  /** Hold the pool client this many ms inside each order transaction. */
  holdConnectionMs: number;
  /** Update two product rows of each order in random order (lock order inversion). */
  lockOrderInversion: boolean;
  /** Every order updates one shared counter row and holds it this many ms. */
  hotRowHoldMs: number;
  /** Retries of a failed downstream call, without jitter or backoff. */
  retries: number;
  /** Open the circuit after this many consecutive downstream failures (0: no breaker). */
  breakerThreshold: number;
  /** Downstream call timeout. */
  downstreamTimeoutMs: number;
  /** Requests per second the service admits before answering 429 (0: no limit). */
  rateLimit: number;
  /** The consumer of order messages stops processing. */
  consumerStalled: boolean;
  /** Product reads build the order-items page with one query per item. */
  nPlusOne: boolean;
  /** Cache entries live a fixed 45 s instead of a random 30–60 s. */
  fixedTtl: boolean;
  /** Concurrent misses of one key wait for a single load (single flight); off, every miss loads the value itself. */
  coalesceMisses: boolean;
  /** Product responses carry this many KiB of extra detail (an endpoint without field selection). */
  payloadKiB: number;
  /** A cache miss also asks the catalog origin (a slow tier over HTTP) that answers after this many ms (0: the table alone). */
  missPathMs: number;
  /** Every product read opens this many files and never closes them (a descriptor leak). */
  leakFds: number;
}

export const DEFAULT_SWITCHES: Switches = {
  leakKiB: 0,
  blockLoopMs: 0,
  holdConnectionMs: 0,
  lockOrderInversion: false,
  hotRowHoldMs: 0,
  retries: 1,
  breakerThreshold: 0,
  downstreamTimeoutMs: 2000,
  rateLimit: 0,
  consumerStalled: false,
  nPlusOne: false,
  fixedTtl: false,
  coalesceMisses: true,
  payloadKiB: 0,
  missPathMs: 0,
  leakFds: 0,
};

export function parseSwitches(body: unknown): Partial<Switches> {
  if (typeof body !== 'object' || body === null) throw new Error('expected a JSON object of switches');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!(key in DEFAULT_SWITCHES)) throw new Error(`unknown switch "${key}"`);
    const expected = typeof DEFAULT_SWITCHES[key as keyof Switches];
    if (typeof value !== expected) throw new Error(`switch "${key}" expects a ${expected}`);
    out[key] = value;
  }
  return out as Partial<Switches>;
}
