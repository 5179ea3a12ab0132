import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadTestData } from '../../../src/gather/load-test/data.js';
import { loadTestGatherer } from '../../../src/gather/load-test/gatherer.js';
import { loadTestSignals } from '../../../src/signals/load-test/signals.js';
import { DDSketch } from '../../../src/stats/ddsketch.js';
import { startHttpTarget } from '../../support/http-target.js';

const FIXTURES = 'test/fixtures/load-test/autocannon';
const gather = (path: string): Promise<LoadTestData> => loadTestGatherer().gather({ type: 'file', path });
const run = promisify(execFile);
const autocannonCli = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

interface RawResult {
  start: string;
  finish: string;
  connections: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
  latency: Record<string, number> & { totalCount?: number };
  requests: { total: number; sent: number };
  throughput: { total: number };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-autocannon-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function raw(name: string): Promise<RawResult> {
  return JSON.parse(await readFile(join(FIXTURES, name), 'utf8')) as RawResult;
}

describe('autocannon -j fixtures (autocannon 8.0.0)', () => {
  it('reads the whole run as one total, with its window and the response codes autocannon counted', async () => {
    const result = await raw('503-mix.json');
    const data = await gather(join(FIXTURES, '503-mix.json'));
    expect(data.format).toBe('autocannon-json');
    // One total over the run is not a time series: no bucket, no onset can be read from it.
    expect(data.summaryOnly).toBe(true);
    expect(data.endpoints.map((e) => e.name)).toEqual(['GET /api/ok']);
    const endpoint = data.endpoints[0];
    expect(endpoint?.buckets).toHaveLength(0);
    expect(data.start).toBe(Date.parse(result.start));
    expect(data.end).toBe(Date.parse(result.finish));
    const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([k, v]) => [k, v.count]));
    expect(endpoint?.total.statuses).toEqual(statuses);
    expect(endpoint?.total.count).toBe(result.requests.total);
    expect(endpoint?.total.failures).toBe(statuses['503']);
    expect(endpoint?.total.failureKinds).toEqual({ gateway: statuses['503'] });
    expect(endpoint?.total.receivedBytes).toBe(result.throughput.total);
    expect(endpoint?.total.concurrency).toBe(result.connections);
    expect(data.notes.join('\n')).toMatch(/no time series/);
  });

  it('keeps the reported latency percentiles', async () => {
    const result = await raw('503-mix.json');
    const data = await gather(join(FIXTURES, '503-mix.json'));
    const sketch = DDSketch.fromJSON(data.endpoints[0]?.total.latency ?? new DDSketch().toJSON());
    // Percentiles are spread over the interval between neighbours, so the median lands between p25 and p75.
    expect(sketch.quantile(0.5)).toBeGreaterThanOrEqual(result.latency.p25 ?? Number.NaN);
    expect(sketch.quantile(0.5)).toBeLessThanOrEqual(result.latency.p75 ?? Number.NaN);
    expect(sketch.quantile(0.999)).toBeLessThanOrEqual((result.latency.max ?? 0) * 1.02);
  });

  it('tells when requests were sent but neither answered nor counted as errors', async () => {
    const result = await raw('closed-without-answer.json');
    const data = await gather(join(FIXTURES, 'closed-without-answer.json'));
    expect(data.endpoints[0]?.total.count).toBe(result.requests.total);
    const lost = result.requests.sent - result.requests.total - result.errors;
    expect(data.notes.join('\n')).toContain(`${lost} got neither`);
  });

  it('reads a gzip-compressed result the same way', async () => {
    const path = join(dir, 'result.json.gz');
    await writeFile(path, gzipSync(await readFile(join(FIXTURES, '503-mix.json'))));
    expect(await gather(path)).toEqual(await gather(join(FIXTURES, '503-mix.json')));
  });
});

describe('autocannon bad input', () => {
  it('names the line and column of a truncated result', async () => {
    const text = await readFile(join(FIXTURES, '503-mix.json'), 'utf8');
    const path = join(dir, 'truncated.json');
    await writeFile(path, text.slice(0, Math.floor(text.length / 2)));
    await expect(gather(path)).rejects.toThrow(
      /truncated\.json:\d+:\d+: invalid autocannon JSON: the JSON ends early/,
    );
  });

  it('names the missing field of a result of the wrong shape', async () => {
    const path = join(dir, 'shape.json');
    await writeFile(
      path,
      JSON.stringify({ connections: 1, pipelining: 1, latency: { p50: 1 }, requests: {}, throughput: {} }),
    );
    await expect(gather(path)).rejects.toThrow(
      /expected "requests.total" to be a number, got nothing \(missing\)/,
    );
  });

  it('rejects an empty file and garbage without a stack trace', async () => {
    const empty = join(dir, 'empty.json');
    await writeFile(empty, '');
    await expect(gather(empty)).rejects.toThrow(/the file is empty/);
    const garbage = join(dir, 'garbage.json');
    await writeFile(garbage, Buffer.from([0x00, 0xff, 0x13, 0x37, 0x42]));
    await expect(gather(garbage)).rejects.toMatchObject({ code: 'unsupported-format' });
  });
});

describe('autocannon run against a local server', () => {
  it('reports the requests and status codes the server served', async () => {
    const target = await startHttpTarget({
      '/api/items/*': { latencyMs: 2, errorRatio: 0.2, errorStatus: 503 },
    });
    try {
      const { stdout } = await run(process.execPath, [
        autocannonCli,
        '-j',
        '-a',
        '120',
        '-c',
        '4',
        `${target.url}/api/items/17`,
      ]);
      const path = join(dir, 'live.json');
      await writeFile(path, stdout);
      const data = await gather(path);
      const endpoint = data.endpoints[0];
      expect(data.endpoints.map((e) => e.name)).toEqual(['GET /api/items/{id}']);
      expect(endpoint?.total.count).toBe(target.served.total);
      expect(endpoint?.total.statuses).toEqual(target.served.byStatus);
      expect(endpoint?.total.failures).toBe(target.served.byStatus['503']);
    } finally {
      await target.close();
    }
  });

  it('reads the response times back from a histogram filled in for coordinated omission', async () => {
    // At a fixed rate autocannon records each response of L ms as L values, one per millisecond
    // below it: every response here takes ~41 ms, yet its own median reads about half of that.
    const target = await startHttpTarget({ '/slow': { latencyMs: 40 } });
    try {
      const { stdout } = await run(process.execPath, [
        autocannonCli,
        '-j',
        '-R',
        '100',
        '-c',
        '4',
        '-a',
        '300',
        `${target.url}/slow`,
      ]);
      const path = join(dir, 'rated.json');
      await writeFile(path, stdout);
      const result = JSON.parse(stdout) as RawResult;
      expect(result.latency.totalCount).toBeGreaterThan(10 * result.requests.total);
      const data = await gather(path);
      expect(data.notes.join('\n')).toMatch(/filled its latency histogram in for coordinated omission/);
      const sketch = DDSketch.fromJSON(data.endpoints[0]?.total.latency ?? new DDSketch().toJSON());
      // No response beats the 40 ms delay; a busy host may add some to it.
      expect(sketch.quantile(0.5)).toBeGreaterThan(38);
      expect(sketch.quantile(0.5)).toBeLessThan(80);
      expect(sketch.quantile(0.1)).toBeGreaterThan(30);
      // autocannon's own median sits near half of the response time.
      expect(result.latency.p50).toBeLessThan(0.7 * sketch.quantile(0.5));
      // One path at one delay: a dozen whole-run percentiles are never read as two groups.
      const signals = loadTestSignals([{ path, data }]);
      expect(signals.some((s) => s.name === 'latency.bimodal')).toBe(false);
    } finally {
      await target.close();
    }
  });

  it('counts client timeouts as timeout failures', async () => {
    // Every 4th request never gets an answer; autocannon gives up after its 1 s timeout.
    const target = await startHttpTarget({
      '/slow': { latencyMs: 1, errorRatio: 0.25, errorStatus: 'hang' },
    });
    try {
      const { stdout } = await run(process.execPath, [
        autocannonCli,
        '-j',
        '-a',
        '24',
        '-c',
        '4',
        '-t',
        '1',
        `${target.url}/slow`,
      ]);
      const path = join(dir, 'timeouts.json');
      await writeFile(path, stdout);
      const result = JSON.parse(stdout) as RawResult;
      const data = await gather(path);
      const total = data.endpoints[0]?.total;
      expect(result.timeouts).toBeGreaterThan(0);
      expect(total?.failureKinds.timeout).toBe(result.timeouts);
      expect(total?.count).toBe(result.requests.total + result.errors);
      expect(total?.statuses['200']).toBe(target.served.byStatus['200']);
      expect(result.timeouts).toBeLessThanOrEqual(target.served.byStatus.hang ?? 0);
    } finally {
      await target.close();
    }
  });
});
