import { LoadTestAccumulator } from '../../src/gather/load-test/accumulate.js';
import type { LoadTestData } from '../../src/gather/load-test/data.js';

// Synthetic load tests for the comparison tests: requests drawn from log-normal latency
// distributions with a seeded generator, folded through the real accumulator.

/** mulberry32: a small seeded PRNG, so every test run draws the same samples. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function normal(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export interface EndpointSpec {
  name: string;
  requests: number;
  /** Median latency, ms. */
  median: number;
  /** Sigma of log latency. */
  sigma?: number;
  errorRate?: number;
  /** Multiplies every latency (1.4 = everything 40% slower). */
  scale?: number;
  /** Sigma of a log-normal level shared by all requests of one second: latency clustered in time. */
  bucketSigma?: number;
}

export interface RunSpec {
  seed: number;
  start?: number;
  durationSeconds?: number;
  endpoints: EndpointSpec[];
}

export function syntheticRun(spec: RunSpec): LoadTestData {
  const random = prng(spec.seed);
  const accumulator = new LoadTestAccumulator('jmeter-csv');
  const start = spec.start ?? Date.UTC(2025, 0, 1);
  const duration = (spec.durationSeconds ?? 60) * 1000;
  let line = 1;
  for (const endpoint of spec.endpoints) {
    const levels = new Map<number, number>();
    for (let i = 0; i < endpoint.requests; i++) {
      const timestamp = start + Math.floor((i / endpoint.requests) * duration);
      const second = Math.floor((timestamp - start) / 1000);
      let level = levels.get(second);
      if (level === undefined) {
        level = Math.exp((endpoint.bucketSigma ?? 0) * normal(random));
        levels.set(second, level);
      }
      const elapsed =
        endpoint.median * (endpoint.scale ?? 1) * level * Math.exp((endpoint.sigma ?? 0.4) * normal(random));
      const failed = random() < (endpoint.errorRate ?? 0);
      accumulator.sample({
        timestamp,
        elapsed,
        label: endpoint.name,
        success: !failed,
        status: failed ? '500' : '200',
        line: line++,
      });
    }
  }
  return accumulator.finish();
}
