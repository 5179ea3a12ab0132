import { LoadTestAccumulator } from '../../src/gather/load-test/accumulate.js';
import type { LoadTestData } from '../../src/gather/load-test/data.js';
import type { LoadSample } from '../../src/gather/load-test/sample.js';
import { SeededRandom } from '../stats/random.js';

// Synthetic load-test runs for the signal tests: Poisson arrivals at a rate set by the active
// users, log-normal latencies, several endpoints, fed through the real accumulator.

export const RUN_START = Date.UTC(2024, 2, 1, 12, 0, 0);

export interface RequestContext {
  /** Seconds since the run start. */
  t: number;
  users: number;
  endpoint: string;
  /** 0-based index of the request in the run. */
  index: number;
  random: SeededRandom;
}

export interface RunSpec {
  seed: number;
  durationS: number;
  endpoints?: Array<{ name: string; share: number }>;
  /** Active users at time t (s). */
  users?: (t: number) => number;
  /** Requests per second at time t; default 2 per user. */
  rate?: (t: number, users: number) => number;
  /** Response time in ms; default log-normal with median 50 ms and log-sd 0.3. */
  latency?: (c: RequestContext) => number;
  /** A failure for this request, if any. */
  failure?: (c: RequestContext) => { status: string; message?: string; elapsed?: number } | undefined;
  bytes?: (c: RequestContext) => number;
  start?: number;
  /** Record users (JMeter allThreads) with each sample. */
  recordUsers?: boolean;
}

export function defaultUsers(t: number): number {
  return Math.min(50, Math.max(1, Math.ceil((t / 60) * 50)));
}

export function syntheticRun(spec: RunSpec): LoadTestData {
  const random = new SeededRandom(spec.seed);
  const endpoints = spec.endpoints ?? [
    { name: 'GET /items', share: 0.6 },
    { name: 'POST /orders', share: 0.3 },
    { name: 'GET /health', share: 0.1 },
  ];
  const usersAt = spec.users ?? defaultUsers;
  const rateAt = spec.rate ?? ((_: number, users: number) => users * 2);
  const latencyOf = spec.latency ?? ((c: RequestContext) => c.random.logNormal(50, 0.3));
  const start = spec.start ?? RUN_START;
  const acc = new LoadTestAccumulator('jmeter-csv');
  let t = 0;
  let index = 0;
  let line = 2;
  while (true) {
    const users = usersAt(t);
    const rate = Math.max(rateAt(t, users), 1e-3);
    t += -Math.log(1 - random.next()) / rate;
    if (t >= spec.durationS) break;
    const u = random.next();
    let acc01 = 0;
    let endpoint = endpoints[endpoints.length - 1]?.name ?? 'GET /';
    for (const e of endpoints) {
      acc01 += e.share;
      if (u < acc01) {
        endpoint = e.name;
        break;
      }
    }
    const context: RequestContext = { t, users: usersAt(t), endpoint, index, random };
    const failure = spec.failure?.(context);
    const elapsed = failure?.elapsed ?? latencyOf(context);
    const sample: LoadSample = {
      timestamp: Math.round(start + t * 1000),
      elapsed: Math.max(0, Math.round(elapsed * 10) / 10),
      label: endpoint,
      success: failure === undefined,
      status: failure?.status ?? '200',
      ...(failure?.message ? { message: failure.message } : {}),
      ...(spec.bytes ? { receivedBytes: Math.round(spec.bytes(context)) } : {}),
      ...(spec.recordUsers === false ? {} : { concurrency: context.users }),
      line: line++,
    };
    acc.sample(sample);
    index++;
  }
  return acc.finish();
}
