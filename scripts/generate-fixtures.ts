import { statSync } from 'node:fs';
import { join } from 'node:path';
import { type SimulateOptions, simulate } from '../src/simulate/simulate.js';

// Writes the simulated load-test fixtures: for each catalog scenario the simulator models, positive
// runs (the failure, at different strengths) and a negative run (its near miss), plus healthy runs
// for false-alarm measurement and the README demo. Seeds are fixed, so the files are the same on
// every run; regenerate with `npm run fixtures` after changing the simulator.

interface FixtureSpec extends Omit<SimulateOptions, 'durationMs' | 'onsetMs'> {
  file: string;
  minutes?: number;
  onsetMinutes?: number;
}

/** Short runs at modest rates keep each file near 100-200 kB gzipped while leaving minutes of baseline. */
const MINUTES = 8;
const USERS = 30;

const scenario = (id: string, specs: Array<Omit<FixtureSpec, 'scenario'>>): FixtureSpec[] =>
  specs.map((spec) => ({
    scenario: id,
    ...spec,
    file: join('catalog/scenarios', id, 'fixtures', spec.file),
  }));

const FIXTURES: FixtureSpec[] = [
  ...scenario('tail-latency-spike', [
    { file: 'positive-stalls.jtl.gz', seed: 11 },
    { file: 'positive-mild.jtl.gz', seed: 12, params: { share: 0.025 } },
    { file: 'negative-normal-tail.jtl.gz', seed: 13, nearMiss: true },
  ]),
  ...scenario('global-latency-shift', [
    { file: 'positive-step.jtl.gz', seed: 21 },
    { file: 'positive-late.jtl.gz', seed: 22, minutes: 9, onsetMinutes: 6, params: { factor: 2 } },
    { file: 'negative-one-endpoint.jtl.gz', seed: 23, nearMiss: true },
  ]),
  ...scenario('error-spike-5xx', [
    { file: 'positive-step.jtl.gz', seed: 31 },
    { file: 'positive-k6.json.gz', seed: 32, format: 'k6-json', minutes: 6, users: 12 },
    { file: 'negative-steady-404.jtl.gz', seed: 33, nearMiss: true },
  ]),
  ...scenario('rate-limiting-429', [
    { file: 'positive-gateway.jtl.gz', seed: 41 },
    { file: 'positive-k6.json.gz', seed: 42, format: 'k6-json', minutes: 6, users: 12 },
    { file: 'negative-no-limit.jtl.gz', seed: 43, nearMiss: true },
  ]),
  ...scenario('bimodal-latency', [
    { file: 'positive-cache-miss.jtl.gz', seed: 51 },
    { file: 'negative-wide-unimodal.jtl.gz', seed: 53, nearMiss: true },
  ]),
  ...scenario('memory-leak', [
    { file: 'positive-growth.jtl.gz', seed: 61, minutes: 10 },
    { file: 'positive-oom-restart.jtl.gz', seed: 62, minutes: 10, params: { crash: 1 } },
    { file: 'negative-step.jtl.gz', seed: 63, nearMiss: true },
  ]),
  ...scenario('cpu-saturation', [
    { file: 'positive-knee.jtl.gz', seed: 71 },
    { file: 'positive-early-knee.jtl.gz', seed: 72, onsetMinutes: 2.5 },
    { file: 'negative-headroom.jtl.gz', seed: 73, nearMiss: true },
  ]),
  ...scenario('thread-starvation', [
    { file: 'positive-pool.jtl.gz', seed: 81 },
    { file: 'negative-slow-dependency.jtl.gz', seed: 83, nearMiss: true },
  ]),
  ...scenario('large-payload', [
    { file: 'positive-export.jtl.gz', seed: 91 },
    { file: 'negative-fixed-size.jtl.gz', seed: 93, nearMiss: true },
  ]),
  ...scenario('retry-storm', [
    { file: 'positive-storm.jtl.gz', seed: 101 },
    { file: 'positive-weak-trigger.jtl.gz', seed: 102, params: { trigger: 0.2 } },
    { file: 'negative-no-retries.jtl.gz', seed: 103, nearMiss: true },
  ]),
  ...scenario('circuit-breaker-open', [
    { file: 'positive-open.jtl.gz', seed: 111, minutes: 9 },
    { file: 'negative-no-breaker.jtl.gz', seed: 113, nearMiss: true },
  ]),
  ...scenario('cascading-failure', [
    { file: 'positive-chain.jtl.gz', seed: 121, minutes: 10, onsetMinutes: 3.5 },
    { file: 'negative-single-endpoint.jtl.gz', seed: 123, nearMiss: true },
  ]),
  ...scenario('unhealthy-backend-pool', [
    { file: 'positive-one-of-three.jtl.gz', seed: 131 },
    { file: 'positive-two-of-four.jtl.gz', seed: 132, params: { bad: 0.5 } },
    { file: 'negative-deploy-burst.jtl.gz', seed: 133, nearMiss: true },
  ]),
  ...scenario('connection-timeout', [
    { file: 'positive-syn-drop.jtl.gz', seed: 141 },
    { file: 'negative-read-timeout.jtl.gz', seed: 143, nearMiss: true },
  ]),
  ...scenario('cold-start', [
    { file: 'positive-scale-step.jtl.gz', seed: 151 },
    { file: 'negative-jit-warmup.jtl.gz', seed: 153, nearMiss: true },
  ]),
  ...scenario('function-timeout', [
    { file: 'positive-6s.jtl.gz', seed: 161 },
    { file: 'positive-gateway-29s.jtl.gz', seed: 162, params: { gateway: 1 } },
    { file: 'negative-varied-errors.jtl.gz', seed: 163, nearMiss: true },
  ]),
  ...scenario('unreliable-response-time', [
    { file: 'positive-wander.jtl.gz', seed: 171 },
    { file: 'negative-slow-drift.jtl.gz', seed: 173, nearMiss: true },
  ]),
  ...scenario('scale-up-too-slow', [
    { file: 'positive-lag.jtl.gz', seed: 181 },
    { file: 'negative-prescaled.jtl.gz', seed: 183, nearMiss: true },
  ]),
  ...[
    { file: 'healthy-shop.jtl.gz', seed: 201 },
    { file: 'healthy-small.jtl.gz', seed: 202, users: 8, minutes: 6 },
    { file: 'healthy-busy.jtl.gz', seed: 203, users: 35, minutes: 6 },
    { file: 'healthy-long.jtl.gz', seed: 204, users: 10, minutes: 15 },
    { file: 'healthy-k6.json.gz', seed: 205, users: 12, minutes: 6, format: 'k6-json' as const },
  ].map((spec) => ({
    scenario: 'healthy',
    ...spec,
    file: join('catalog/healthy', spec.file),
  })),
  {
    scenario: 'demo',
    file: 'samples/demo/shop-load-test.jtl.gz',
    seed: 7,
    minutes: 10,
    users: 30,
    onsetMinutes: 4,
  },
];

async function main(): Promise<void> {
  for (const spec of FIXTURES) {
    const { file, minutes, onsetMinutes, ...options } = spec;
    const info = await simulate({
      users: USERS,
      ...options,
      durationMs: (minutes ?? MINUTES) * 60_000,
      ...(onsetMinutes !== undefined ? { onsetMs: onsetMinutes * 60_000 } : {}),
      output: file,
    });
    const kb = Math.round(statSync(file).size / 1024);
    console.log(
      `${file}: ${info.requests} requests, ${info.failures} failed, onset ${(info.onsetMs / 60_000).toFixed(1)} min, ${kb} kB`,
    );
  }
}

await main();
