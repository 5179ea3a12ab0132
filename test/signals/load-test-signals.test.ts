import { describe, expect, it } from 'vitest';
import { LoadTestAccumulator } from '../../src/gather/load-test/accumulate.js';
import { loadTestSignals } from '../../src/signals/load-test/signals.js';
import type { Signal } from '../../src/signals/signal.js';
import { SignalSchema } from '../../src/signals/signal.js';
import { SeededRandom } from '../stats/random.js';
import { RUN_START, type RunSpec, syntheticRun } from './synthetic-run.js';

function signalsOf(spec: RunSpec): Signal[] {
  return loadTestSignals([{ path: 'results/run.jtl', data: syntheticRun(spec) }]);
}

function value(signals: Signal[], name: string, subject = '*'): number {
  const found = signals.find((s) => s.name === name && s.subject === subject);
  if (!found) throw new Error(`signal ${name} for ${subject} is missing`);
  return found.value as number;
}

function onsetSeconds(signals: Signal[], name: string, subject = '*'): number {
  const onset = signals.find((s) => s.name === name && s.subject === subject)?.onset;
  if (!onset) throw new Error(`signal ${name} has no onset`);
  return (Date.parse(onset) - RUN_START) / 1000;
}

const TEN_MINUTES = 600;

describe('loadTestSignals on steady noise', () => {
  const signals = signalsOf({ seed: 11, durationS: TEN_MINUTES });

  it('emits valid signals that say nothing is wrong', () => {
    for (const s of signals) expect(() => SignalSchema.parse(s)).not.toThrow();
    expect(value(signals, 'latency.p50.shift')).toBe(1);
    expect(value(signals, 'latency.p99.shift')).toBe(1);
    expect(value(signals, 'latency.trend')).toBe(0);
    expect(value(signals, 'latency.bimodal')).toBe(0);
    expect(value(signals, 'latency.stalls')).toBe(0);
    expect(value(signals, 'errors.rate.shift')).toBe(0);
    expect(value(signals, 'throughput.collapse')).toBe(1);
    expect(value(signals, 'throughput.knee')).toBe(0);
    expect(value(signals, 'errors.burst')).toBe(1);
    expect(value(signals, 'latency.cold-start')).toBeGreaterThan(0.6);
    expect(value(signals, 'latency.cold-start')).toBeLessThan(1.6);
    expect(value(signals, 'load.summary-only' as string) as unknown).toBe(false);
  });

  it('reports the run facts and the steady state', () => {
    expect(value(signals, 'concurrency.max')).toBe(50);
    expect(value(signals, 'load.duration')).toBeGreaterThan(595);
    // Users reach 95% of 50 after ~57 s of the 60 s ramp.
    expect(value(signals, 'load.phase.steady')).toBeGreaterThan(520);
    expect(value(signals, 'load.phase.steady')).toBeLessThan(560);
    expect(value(signals, 'latency.p50')).toBeGreaterThan(45);
    expect(value(signals, 'latency.p50')).toBeLessThan(55);
    expect(value(signals, 'latency.variability')).toBeLessThan(0.1);
    for (const kind of ['timeout', 'rate-limited', 'gateway', 'server', 'other']) {
      expect(value(signals, `errors.${kind}.rate`)).toBe(0);
    }
  });

  it('emits per-endpoint signals for busy endpoints with time-range pointers to the file', () => {
    const shift = signals.find((s) => s.name === 'latency.p50.shift' && s.subject === 'GET /items');
    expect(shift?.value).toBe(1);
    expect(shift?.sources[0]).toMatchObject({ type: 'time-range', path: 'results/run.jtl' });
    expect(value(signals, 'endpoints.slow-share')).toBe(0);
  });
});

describe('latency shifts', () => {
  it('finds a step of the median at minute 3 with its onset', () => {
    const signals = signalsOf({
      seed: 12,
      durationS: TEN_MINUTES,
      latency: (c) => c.random.logNormal(c.t >= 180 ? 120 : 50, 0.3),
    });
    expect(value(signals, 'latency.p50.shift')).toBeGreaterThan(2.2);
    expect(value(signals, 'latency.p50.shift')).toBeLessThan(2.6);
    expect(Math.abs(onsetSeconds(signals, 'latency.p50.shift') - 180)).toBeLessThanOrEqual(4);
    expect(value(signals, 'latency.trend')).toBe(0);
    expect(value(signals, 'endpoints.slow-share')).toBe(1);
  });

  it('sees a tail-only spike in p99 but not in p50', () => {
    const signals = signalsOf({
      seed: 13,
      durationS: TEN_MINUTES,
      latency: (c) => {
        const slow = c.t >= 240 && c.t < 360 && c.random.chance(0.05);
        return c.random.logNormal(slow ? 1000 : 50, 0.3);
      },
    });
    expect(value(signals, 'latency.p99.shift')).toBeGreaterThan(4);
    expect(Math.abs(onsetSeconds(signals, 'latency.p99.shift') - 240)).toBeLessThanOrEqual(4);
    expect(value(signals, 'latency.p50.shift')).toBeLessThan(1.15);
  });

  it("judges the tail of all endpoints by each endpoint's own median, so a slow endpoint drifting is not a tail", () => {
    // GET /items answers in 5 ms; POST /orders in 20 ms, creeping to 30 ms: across a single
    // threshold for the mix (4× 5 ms, 25 ms more at least) its requests would cross into the tail.
    const endpoints = [
      { name: 'GET /items', share: 0.7 },
      { name: 'POST /orders', share: 0.3 },
    ];
    const drifting = signalsOf({
      seed: 14,
      durationS: TEN_MINUTES,
      endpoints,
      latency: (c) =>
        c.endpoint === 'POST /orders'
          ? c.random.logNormal(c.t >= 300 ? 30 : 20, 0.3)
          : c.random.logNormal(5, 0.3),
    });
    expect(value(drifting, 'latency.tail.shift')).toBeLessThan(2);
    // A real tail, in one endpoint only, still shows in the run's.
    const stalled = signalsOf({
      seed: 15,
      durationS: TEN_MINUTES,
      endpoints,
      latency: (c) => {
        const slow = c.endpoint === 'GET /items' && c.t >= 300 && c.random.chance(0.05);
        return c.random.logNormal(slow ? 400 : c.endpoint === 'POST /orders' ? 20 : 5, 0.3);
      },
    });
    expect(value(stalled, 'latency.tail.shift')).toBeGreaterThan(3);
    expect(Math.abs(onsetSeconds(stalled, 'latency.tail.shift') - 300)).toBeLessThanOrEqual(10);
  });

  it('reports a linear climb as a trend', () => {
    const signals = signalsOf({
      seed: 14,
      durationS: TEN_MINUTES,
      latency: (c) => c.random.logNormal(50 * (1 + (2 * c.t) / TEN_MINUTES), 0.3),
    });
    // From ~60 s to 600 s the median goes from 60 to 150 ms: +150%.
    expect(value(signals, 'latency.trend')).toBeGreaterThan(1.1);
    expect(value(signals, 'latency.trend')).toBeLessThan(1.9);
  });
});

describe('latency shape', () => {
  it('finds two modes at 20 ms and 200 ms (70/30)', () => {
    const signals = signalsOf({
      seed: 15,
      durationS: TEN_MINUTES,
      latency: (c) => c.random.logNormal(c.random.chance(0.3) ? 200 : 20, 0.2),
    });
    expect(value(signals, 'latency.bimodal')).toBeGreaterThan(8);
    expect(value(signals, 'latency.bimodal')).toBeLessThan(12);
    expect(value(signals, 'latency.p50.shift')).toBe(1);
  });

  it('sees a slow group that held its share through the run as no growth', () => {
    const signals = signalsOf({
      seed: 15,
      durationS: TEN_MINUTES,
      latency: (c) => c.random.logNormal(c.random.chance(0.3) ? 200 : 20, 0.2),
    });
    expect(value(signals, 'latency.slow-mode.growth')).toBe(0);
  });

  it('sees a slow group that appeared partway through as growth of its share', () => {
    // From minute 4 two requests in three wait 200 ms (a blocked worker), before it none.
    const signals = signalsOf({
      seed: 15,
      durationS: TEN_MINUTES,
      latency: (c) => c.random.logNormal(c.t >= 240 && c.random.chance(0.66) ? 200 : 20, 0.2),
    });
    expect(value(signals, 'latency.bimodal')).toBeGreaterThan(3);
    expect(value(signals, 'latency.slow-mode.growth')).toBeGreaterThan(0.5);
  });

  it('finds 10 s stalls every 60 s', () => {
    const signals = signalsOf({
      seed: 16,
      durationS: TEN_MINUTES,
      latency: (c) => c.random.logNormal(c.t % 60 >= 30 && c.t % 60 < 40 ? 800 : 50, 0.3),
    });
    expect(value(signals, 'latency.stalls')).toBeGreaterThan(55);
    expect(value(signals, 'latency.stalls')).toBeLessThan(65);
  });

  it('measures a cold start of the first 20 requests', () => {
    const signals = signalsOf({
      seed: 17,
      durationS: TEN_MINUTES,
      latency: (c) => c.random.logNormal(c.index < 20 ? 500 : 50, 0.2),
    });
    expect(value(signals, 'latency.cold-start')).toBeGreaterThan(8);
    expect(value(signals, 'latency.cold-start')).toBeLessThan(12);
  });

  it('measures a cold start that slows only the first few requests, as at a low arrival rate', () => {
    const signals = signalsOf({
      seed: 17,
      durationS: TEN_MINUTES,
      latency: (c) => c.random.logNormal(c.index < 4 ? 500 : 50, 0.2),
    });
    expect(value(signals, 'latency.cold-start')).toBeGreaterThan(6);
  });

  it('counts no cold start when the first requests are within the steady spread of a slow path', () => {
    // Three in ten requests take a 400 ms path all run long, the first few among them.
    const signals = signalsOf({
      seed: 17,
      durationS: TEN_MINUTES,
      latency: (c) => c.random.logNormal(c.index < 3 || c.random.chance(0.3) ? 400 : 50, 0.2),
    });
    expect(value(signals, 'latency.cold-start')).toBeLessThanOrEqual(1);
  });
});

describe('throughput', () => {
  // Closed model: 0.2 s think time; capacity 200 req/s. Below capacity X = N / (R0 + Z); above, X
  // stays at 200 and R = N / X − Z grows with N (Little's law).
  const saturating = (capacity: number): RunSpec => ({
    seed: 18,
    durationS: TEN_MINUTES,
    users: (t) => Math.max(1, Math.round(10 + (90 * t) / TEN_MINUTES)),
    rate: (_, n) => Math.min(n / 0.25, capacity),
    latency: (c) => {
      const x = Math.min(c.users / 0.25, capacity);
      return c.random.logNormal(Math.max(50, (c.users / x - 0.2) * 1000), 0.2);
    },
  });

  it('finds the knee of a saturating system', () => {
    const signals = signalsOf(saturating(200));
    const knee = value(signals, 'throughput.knee');
    expect(knee).toBeGreaterThan(40);
    expect(knee).toBeLessThan(65);
    expect(value(signals, 'latency.concurrency.correlation')).toBeGreaterThan(0.6);
  });

  it('finds no knee while throughput keeps pace with users', () => {
    const signals = signalsOf(saturating(10_000));
    expect(value(signals, 'throughput.knee')).toBe(0);
  });

  it('sees throughput collapse while users stay', () => {
    const signals = signalsOf({
      seed: 19,
      durationS: TEN_MINUTES,
      rate: (t, users) => users * (t >= 300 ? 0.8 : 2),
    });
    expect(value(signals, 'throughput.collapse')).toBeLessThan(0.5);
    expect(Math.abs(onsetSeconds(signals, 'throughput.collapse') - 300)).toBeLessThanOrEqual(4);
  });

  it('sees a stop of all traffic as a collapse, not as steady throughput', () => {
    // 100 req/s from 50 users, then nothing completes from 200 s to 290 s (every user hung).
    const random = new SeededRandom(41);
    const acc = new LoadTestAccumulator('jmeter-csv');
    let line = 2;
    for (let ms = 0; ms < 300_000; ms += 10) {
      if (ms >= 200_000 && ms < 290_000) continue;
      acc.sample({
        timestamp: RUN_START + ms,
        elapsed: random.logNormal(50, 0.3),
        label: 'GET /items',
        success: true,
        status: '200',
        concurrency: 50,
        line: line++,
      });
    }
    const signals = loadTestSignals([{ path: 'results/run.jtl', data: acc.finish() }]);
    expect(value(signals, 'throughput.collapse')).toBeLessThan(0.05);
    expect(Math.abs(onsetSeconds(signals, 'throughput.collapse') - 200)).toBeLessThanOrEqual(2);
    expect(value(signals, 'throughput.per-user.shift')).toBeLessThan(0.05);
  });

  it('says no knee was found, without NaN, when users took a single step', () => {
    const signals = signalsOf({ seed: 42, durationS: 120, users: (t) => (t < 3 ? 10 : 20) });
    const knee = signals.find((s) => s.name === 'throughput.knee');
    expect(knee?.value).toBe(0);
    expect(knee?.explanation).toContain('too few steps');
  });
});

describe('edge cases', () => {
  const cases: Record<string, RunSpec> = {
    'every request failed': {
      seed: 43,
      durationS: 120,
      failure: () => ({ status: '500', message: 'boom', elapsed: 5 }),
    },
    'failures that took no time': {
      seed: 43,
      durationS: 120,
      failure: () => ({ status: '500', message: 'boom', elapsed: 0 }),
    },
    'one bucket': { seed: 44, durationS: 0.9, users: () => 100 },
    'no users recorded': { seed: 45, durationS: 120, recordUsers: false },
    'users in one step': { seed: 46, durationS: 120, users: (t) => (t < 3 ? 10 : 20) },
    'zero latency': { seed: 47, durationS: 60, latency: () => 0 },
    'a handful of requests': { seed: 48, durationS: 3, users: () => 1, rate: () => 1 },
  };
  for (const [name, spec] of Object.entries(cases)) {
    it(`gives valid signals with finite values and readable explanations: ${name}`, () => {
      for (const s of signalsOf(spec)) {
        expect(() => SignalSchema.parse(s)).not.toThrow();
        expect(JSON.stringify(s)).not.toMatch(/NaN|Infinity|undefined|null/);
      }
    });
  }

  it('gives the run facts for a file with no request at all', () => {
    const signals = loadTestSignals([
      { path: 'empty.jtl', data: new LoadTestAccumulator('jmeter-csv').finish() },
    ]);
    expect(value(signals, 'load.requests')).toBe(0);
    for (const s of signals) expect(JSON.stringify(s)).not.toMatch(/NaN|Infinity/);
  });
});

describe('errors', () => {
  it('counts 429s as rate-limited', () => {
    const signals = signalsOf({
      seed: 20,
      durationS: TEN_MINUTES,
      failure: (c) =>
        c.random.chance(0.05) ? { status: '429', message: 'Too Many Requests', elapsed: 3 } : undefined,
    });
    expect(value(signals, 'errors.rate-limited.rate')).toBeGreaterThan(0.04);
    expect(value(signals, 'errors.rate-limited.rate')).toBeLessThan(0.06);
    expect(value(signals, 'errors.gateway.rate')).toBe(0);
    // Spread evenly: no burst and no shift.
    expect(value(signals, 'errors.burst')).toBeLessThan(1.5);
    expect(value(signals, 'errors.rate.shift')).toBe(0);
    const pointer = signals.find((s) => s.name === 'errors.rate-limited.rate' && s.subject === '*')
      ?.sources[0];
    expect(pointer).toMatchObject({ type: 'file', path: 'results/run.jtl' });
    expect((pointer as { line?: number }).line).toBeGreaterThan(1);
  });

  it('recognizes fast 503s from minute 4 as fast failures with a shift and a burst', () => {
    const signals = signalsOf({
      seed: 21,
      durationS: TEN_MINUTES,
      failure: (c) =>
        c.t >= 240 && c.random.chance(0.3)
          ? { status: '503', message: 'Service Unavailable', elapsed: 2 }
          : undefined,
    });
    expect(value(signals, 'errors.fast-fail')).toBeLessThan(0.3);
    expect(value(signals, 'errors.gateway.rate')).toBeGreaterThan(0.15);
    expect(value(signals, 'errors.rate.shift')).toBeGreaterThan(0.25);
    expect(value(signals, 'errors.rate.shift')).toBeLessThan(0.35);
    expect(Math.abs(onsetSeconds(signals, 'errors.rate.shift') - 240)).toBeLessThanOrEqual(4);
    expect(Math.abs(onsetSeconds(signals, 'errors.gateway.rate') - 240)).toBeLessThanOrEqual(4);
  });

  it('tells slow timeouts by a high fast-fail ratio', () => {
    const signals = signalsOf({
      seed: 22,
      durationS: TEN_MINUTES,
      failure: (c) =>
        c.random.chance(0.02)
          ? { status: 'Non HTTP response code: java.net.SocketTimeoutException', elapsed: 5000 }
          : undefined,
    });
    expect(value(signals, 'errors.fast-fail')).toBeGreaterThan(50);
    expect(value(signals, 'errors.timeout.rate')).toBeGreaterThan(0.01);
  });
});

describe('payload', () => {
  it('correlates response size with latency', () => {
    const signals = signalsOf({
      seed: 23,
      durationS: 300,
      bytes: (c) => 1000 * Math.exp(2 * c.random.next()),
      latency: (c) => c.random.logNormal(20, 0.1),
    });
    expect(value(signals, 'payload.mean-bytes')).toBeGreaterThan(2500);
    expect(value(signals, 'payload.mean-bytes')).toBeLessThan(3900);
    expect(Math.abs(value(signals, 'latency.payload.correlation'))).toBeLessThan(0.1);
  });

  it('finds latency that grows with response size', () => {
    let size = 0;
    const signals = signalsOf({
      seed: 24,
      durationS: 300,
      bytes: () => size,
      latency: (c) => {
        size = 1000 * Math.exp(3 * c.random.next());
        return c.random.logNormal(size / 100, 0.2);
      },
    });
    expect(value(signals, 'latency.payload.correlation')).toBeGreaterThan(0.9);
  });
});

describe('latency while users climb', () => {
  // Slow for the first 90 s, then the usual 50 ms median.
  const earlySlow = (c: { t: number }) => (c.t < 90 ? 250 : 50);

  it('compares the climb of users with the steady state that follows', () => {
    const climbing = signalsOf({ seed: 5, durationS: TEN_MINUTES, latency: earlySlow });
    expect(value(climbing, 'latency.ramp.excess')).toBeGreaterThan(2);
  });

  it('has nothing to compare when the window starts at full load', () => {
    // A constant-rate run measured after its warm-up: users never climb inside the window.
    const constant = signalsOf({ seed: 5, durationS: TEN_MINUTES, users: () => 20, latency: earlySlow });
    expect(constant.some((s) => s.name === 'latency.ramp.excess')).toBe(false);
    expect(constant.some((s) => s.name === 'errors.ramp.excess')).toBe(false);
  });
});
