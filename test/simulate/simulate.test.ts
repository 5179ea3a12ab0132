import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Papa from 'papaparse';
import { afterAll, describe, expect, it } from 'vitest';
import type { LoadTestData } from '../../src/gather/load-test/data.js';
import { loadTestGatherer } from '../../src/gather/load-test/gatherer.js';
import { type SimulateOptions, simulate, simulationChunks } from '../../src/simulate/simulate.js';
import { JMETER_CSV_HEADER } from '../../src/simulate/writers/jmeter-csv.js';
import { DDSketch } from '../../src/stats/ddsketch.js';

const dir = mkdtempSync(join(tmpdir(), 'faultline-simulate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = (options: SimulateOptions) => [...simulationChunks(options)].join('');

/** Simulates to a file and reads it back through the real gatherer (format detection, parser, accumulator). */
async function gathered(
  options: SimulateOptions,
  name: string,
): Promise<{ data: LoadTestData; onsetMs: number }> {
  const path = join(dir, name);
  const info = await simulate({ ...options, output: path });
  const data = await loadTestGatherer().gather({ type: 'file', path } as never);
  return { data, onsetMs: info.onsetMs };
}

interface Window {
  count: number;
  failures: number;
  latency: DDSketch;
  statuses: Record<string, number>;
  seconds: number;
}

/** Merges the buckets of some endpoints (all when `labels` is empty) that start within [from, to) ms of the run start. */
function windowOf(data: LoadTestData, fromMs: number, toMs: number, labels: string[] = []): Window {
  const w: Window = {
    count: 0,
    failures: 0,
    latency: new DDSketch(),
    statuses: {},
    seconds: (toMs - fromMs) / 1000,
  };
  for (const endpoint of data.endpoints) {
    if (labels.length && !labels.includes(endpoint.name)) continue;
    for (const b of endpoint.buckets) {
      const t = b.t - data.start;
      if (t < fromMs || t >= toMs) continue;
      w.count += b.count;
      w.failures += b.failures;
      w.latency.merge(DDSketch.fromJSON(b.latency));
      for (const [k, v] of Object.entries(b.statuses)) w.statuses[k] = (w.statuses[k] ?? 0) + v;
    }
  }
  return w;
}

const MIN = 60_000;
const RUN = { durationMs: 8 * MIN, users: 30, onsetMs: 4 * MIN } as const;
/** Steady baseline: after the ramp-up (first 80 s), before the onset. */
const baselineOf = (data: LoadTestData, labels?: string[]) => windowOf(data, 1.5 * MIN, 4 * MIN, labels);
/** After the effect has come in (effects ramp in over up to 40 s). */
const effectOf = (data: LoadTestData, labels?: string[]) => windowOf(data, 5 * MIN, 8 * MIN, labels);

describe('determinism', () => {
  it('gives the same bytes for the same seed and different ones for another seed', () => {
    const options: SimulateOptions = { scenario: 'retry-storm', seed: 5, durationMs: 3 * MIN, users: 10 };
    const first = text(options);
    expect(text(options)).toBe(first);
    expect(text({ ...options, seed: 6 })).not.toBe(first);
    expect(text({ ...options, format: 'k6-json' })).toBe(text({ ...options, format: 'k6-json' }));
  });

  it('writes identical gzip files for the same seed', async () => {
    const a = join(dir, 'a.jtl.gz');
    const b = join(dir, 'b.jtl.gz');
    await simulate({ scenario: 'cold-start', seed: 3, durationMs: 3 * MIN, users: 8, output: a });
    await simulate({ scenario: 'cold-start', seed: 3, durationMs: 3 * MIN, users: 8, output: b });
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(gunzipSync(readFileSync(a)).toString('utf8').startsWith(`${JMETER_CSV_HEADER}\n`)).toBe(true);
  });
});

describe('JMeter CSV writer', () => {
  const csv = text({ scenario: 'connection-timeout', seed: 2, durationMs: 4 * MIN, users: 20, onsetMs: MIN });
  const parsed = Papa.parse<Record<string, string>>(csv.trimEnd(), { header: true });

  it('writes the JMeter 5.x default columns and 17 fields on every row', () => {
    expect(parsed.errors).toEqual([]);
    expect(parsed.meta.fields?.join(',')).toBe(JMETER_CSV_HEADER);
    expect(parsed.data.length).toBeGreaterThan(1000);
  });

  it('orders rows by completion, so start timestamps are slightly out of order', () => {
    const rows = parsed.data;
    let unsorted = 0;
    for (let i = 1; i < rows.length; i++) {
      const row = rows[i] as Record<string, string>;
      const previous = rows[i - 1] as Record<string, string>;
      const end = Number(row.timeStamp) + Number(row.elapsed);
      const previousEnd = Number(previous.timeStamp) + Number(previous.elapsed);
      expect(end).toBeGreaterThanOrEqual(previousEnd);
      if (Number(row.timeStamp) < Number(previous.timeStamp)) unsorted++;
    }
    expect(unsorted).toBeGreaterThan(0);
  });

  it('writes connect timeouts as JMeter does: a Non HTTP response code and elapsed equal to the connect time', () => {
    const failed = parsed.data.filter((r) => r.success === 'false');
    expect(failed.length).toBeGreaterThan(10);
    for (const row of failed) {
      expect(row.responseCode).toBe('Non HTTP response code: org.apache.http.conn.ConnectTimeoutException');
      expect(row.responseMessage).toMatch(
        /^Non HTTP response message: Connect to .* failed: connect timed out$/,
      );
      expect(Number(row.elapsed)).toBeGreaterThanOrEqual(5000);
      expect(Number(row.elapsed)).toBeLessThan(5020);
      expect(row.Connect).toBe(row.elapsed);
      expect(row.Latency).toBe('0');
    }
  });
});

describe('k6 JSON writer', () => {
  it('writes Metric and Point lines with request tags, and vus once a second', () => {
    const lines = text({
      scenario: 'rate-limiting-429',
      seed: 4,
      format: 'k6-json',
      durationMs: 3 * MIN,
      users: 10,
    })
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    const points = lines.filter((l) => l.type === 'Point');
    const declared = lines.filter((l) => l.type === 'Metric').map((l) => l.metric);
    expect(new Set(declared).size).toBe(declared.length);
    expect(declared).toEqual(
      expect.arrayContaining(['vus', 'http_reqs', 'http_req_duration', 'http_req_failed']),
    );
    const vus = points.filter((p) => p.metric === 'vus');
    expect(vus.length).toBe(180);
    const durations = points.filter((p) => p.metric === 'http_req_duration');
    expect(durations.length).toBeGreaterThan(500);
    for (const p of durations.slice(0, 50)) {
      expect(p.data.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      expect(p.data.tags).toMatchObject({
        method: expect.any(String),
        status: expect.any(String),
        url: expect.any(String),
      });
    }
  });
});

describe('simulated runs through the gatherer', () => {
  it('a healthy run has no errors and a stable median minute after minute', async () => {
    const { data } = await gathered({ scenario: 'healthy', seed: 9, ...RUN }, 'healthy.jtl.gz');
    const all = windowOf(data, 0, RUN.durationMs);
    expect(all.failures).toBe(0);
    expect(data.problems.count).toBe(0);
    const medians: number[] = [];
    for (let m = 2; m < 8; m++) medians.push(windowOf(data, m * MIN, (m + 1) * MIN).latency.quantile(0.5));
    const mid = [...medians].sort((a, b) => a - b)[3] as number;
    // Normal drift is a few percent; 20% would already look like a change.
    for (const m of medians) expect(Math.abs(m / mid - 1)).toBeLessThan(0.2);
    // Closed-model users: 30 users / (~2 s think + ~0.06 s response) ≈ 14.5 requests per second.
    const rate = windowOf(data, 2 * MIN, 8 * MIN).count / 360;
    expect(rate).toBeGreaterThan(12.5);
    expect(rate).toBeLessThan(16);
  });

  it('global-latency-shift: every API endpoint slows 2-3x after the onset, not before', async () => {
    const { data } = await gathered({ scenario: 'global-latency-shift', seed: 1, ...RUN }, 'shift.jtl.gz');
    for (const label of ['GET /api/products', 'GET /api/products/{id}', 'POST /api/cart']) {
      const ratio =
        effectOf(data, [label]).latency.quantile(0.5) / baselineOf(data, [label]).latency.quantile(0.5);
      expect(ratio).toBeGreaterThan(1.7);
      expect(ratio).toBeLessThan(3.5);
    }
    const early = windowOf(data, 1.5 * MIN, 2.75 * MIN).latency.quantile(0.5);
    const late = windowOf(data, 2.75 * MIN, 4 * MIN).latency.quantile(0.5);
    expect(Math.abs(late / early - 1)).toBeLessThan(0.2);
  });

  it('tail-latency-spike: p99 multiplies after the onset while p50 stays flat', async () => {
    const { data } = await gathered({ scenario: 'tail-latency-spike', seed: 1, ...RUN }, 'tail.jtl.gz');
    const b = baselineOf(data);
    const a = effectOf(data);
    expect(a.latency.quantile(0.99) / b.latency.quantile(0.99)).toBeGreaterThan(2);
    expect(Math.abs(a.latency.quantile(0.5) / b.latency.quantile(0.5) - 1)).toBeLessThan(0.15);
  });

  it('error-spike-5xx: no errors before the onset, several percent of 5xx after it', async () => {
    const { data } = await gathered(
      { scenario: 'error-spike-5xx', seed: 1, ...RUN, params: { rate: 0.2 } },
      'e.jtl.gz',
    );
    expect(windowOf(data, 0, RUN.onsetMs).failures).toBe(0);
    const a = effectOf(data);
    const fiveXx = Object.entries(a.statuses).reduce((s, [k, v]) => s + (k.startsWith('5') ? v : 0), 0);
    expect(fiveXx).toBe(a.failures);
    expect(a.failures / a.count).toBeGreaterThan(0.02);
  });

  it('rate-limiting-429: fast 429s appear only once the request rate passes the limit', async () => {
    const { data } = await gathered({ scenario: 'rate-limiting-429', seed: 1, ...RUN }, 'rl.jtl.gz');
    const early = windowOf(data, 0, 3 * MIN);
    expect((early.statuses['429'] ?? 0) / early.count).toBeLessThan(0.005);
    const late = windowOf(data, 6 * MIN, 8 * MIN);
    expect((late.statuses['429'] ?? 0) / late.count).toBeGreaterThan(0.05);
    const failed = data.endpoints.map((e) => DDSketch.fromJSON(e.total.failedLatency));
    const merged = new DDSketch();
    for (const f of failed) merged.merge(f);
    expect(merged.quantile(0.5)).toBeLessThan(20);
  });

  it('cpu-saturation: throughput plateaus after the knee while users keep rising and latency climbs', async () => {
    const { data } = await gathered({ scenario: 'cpu-saturation', seed: 1, ...RUN }, 'cpu.jtl.gz');
    const atKnee = windowOf(data, 3.5 * MIN, 4.5 * MIN);
    const end = windowOf(data, 7 * MIN, 8 * MIN);
    const usersAt = (t: number) => data.users.filter((u) => u.t - data.start <= t).at(-1)?.active ?? 0;
    expect(usersAt(7.5 * MIN) / usersAt(4 * MIN)).toBeGreaterThan(1.4);
    expect(end.count / atKnee.count).toBeLessThan(1.15);
    expect(end.latency.quantile(0.5) / atKnee.latency.quantile(0.5)).toBeGreaterThan(2);
  });

  it('retry-storm: requests per user multiply after the onset, with errors', async () => {
    const { data } = await gathered({ scenario: 'retry-storm', seed: 1, ...RUN }, 'storm.jtl.gz');
    const b = baselineOf(data);
    const a = effectOf(data);
    expect(a.count / a.seconds / (b.count / b.seconds)).toBeGreaterThan(1.4);
    expect(b.failures / b.count).toBeLessThan(0.01);
    expect(a.failures / a.count).toBeGreaterThan(0.2);
  });

  it('connection-timeout: failures are timeouts of exactly the connect timeout, none before the onset', async () => {
    const { data } = await gathered({ scenario: 'connection-timeout', seed: 1, ...RUN }, 'ct.jtl.gz');
    expect(windowOf(data, 0, RUN.onsetMs).failures).toBe(0);
    let failures = 0;
    for (const e of data.endpoints) {
      failures += e.total.failures;
      expect(e.total.failures).toBe(e.total.failureKinds.timeout ?? 0);
      if (e.total.failures > 0) {
        const failed = DDSketch.fromJSON(e.total.failedLatency);
        expect(failed.quantile(0.01)).toBeGreaterThan(4900);
        expect(failed.quantile(0.99)).toBeLessThan(5100);
      }
    }
    expect(failures).toBeGreaterThan(20);
  });

  it('reads k6 output with the same endpoint names as JMeter output', async () => {
    const options: SimulateOptions = { scenario: 'error-spike-5xx', seed: 3, durationMs: 3 * MIN, users: 10 };
    const jmeter = (await gathered(options, 'x.jtl')).data;
    const k6 = (await gathered({ ...options, format: 'k6-json' }, 'x.json.gz')).data;
    expect(k6.format).toBe('k6-json');
    expect(k6.endpoints.map((e) => e.name)).toEqual(jmeter.endpoints.map((e) => e.name));
    expect(k6.endpoints.map((e) => e.total.failures)).toEqual(jmeter.endpoints.map((e) => e.total.failures));
  });
});
