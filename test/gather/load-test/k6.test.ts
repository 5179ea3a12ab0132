import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyBundle } from '../../../src/bundle/bundle.js';
import { gatherInto } from '../../../src/gather/gatherer.js';
import type { LoadTestData } from '../../../src/gather/load-test/data.js';
import { loadTestGatherer } from '../../../src/gather/load-test/gatherer.js';
import { DDSketch } from '../../../src/stats/ddsketch.js';

const FIXTURES = 'test/fixtures/load-test/k6';
const gather = (path: string): Promise<LoadTestData> => loadTestGatherer().gather({ type: 'file', path });
const endpoint = (data: LoadTestData, name: string) => {
  const found = data.endpoints.find((e) => e.name === name);
  if (!found) throw new Error(`no endpoint ${name} in ${data.endpoints.map((e) => e.name).join(', ')}`);
  return found;
};
const p50 = (sketch: LoadTestData['endpoints'][number]['total']['latency']) =>
  DDSketch.fromJSON(sketch).quantile(0.5);

async function tempFile(name: string, content: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'faultline-k6-'));
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

describe('k6 --out json', () => {
  it('reads one request per http_req_duration point with templated URLs, failures and users', async () => {
    const data = await gather(`${FIXTURES}/run.ndjson.gz`);
    expect(data.format).toBe('k6-json');
    expect(data.summaryOnly).toBe(false);
    expect(data.endpoints.map((e) => e.name).sort()).toEqual(['GET /users/{id}', 'POST login']);
    const users = endpoint(data, 'GET /users/{id}');
    const login = endpoint(data, 'POST login');
    // Login never fails; the users endpoint fails only after second 40 (503s and k6 request timeouts).
    expect(login.total.failures).toBe(0);
    expect(users.total.failures).toBeGreaterThan(10);
    expect(users.total.failureKinds.gateway).toBeGreaterThan(0);
    expect(users.total.failureKinds.timeout).toBeGreaterThan(0);
    expect((users.total.failureKinds.gateway ?? 0) + (users.total.failureKinds.timeout ?? 0)).toBe(
      users.total.failures,
    );
    const timeout = users.failures.find((f) => f.kind === 'timeout');
    expect(timeout?.message).toContain('request timeout');
    expect(timeout?.status).toBe('0');
    const firstFailure = Math.min(...users.failures.map((f) => f.firstTimestamp ?? Number.POSITIVE_INFINITY));
    // Timeouts end after second 40 but started 10 s earlier (the script's request timeout).
    expect(firstFailure - data.start).toBeGreaterThanOrEqual(29_000);
    // Login latency is drawn around 80 ms (56-104 ms).
    expect(p50(login.total.latency)).toBeGreaterThan(60);
    expect(p50(login.total.latency)).toBeLessThan(100);
    expect(Math.max(...data.users.map((u) => u.active))).toBe(10);
    expect(data.problems.count).toBe(0);
    expect(data.notes.join('\n')).toMatch(/checks: \d+ of \d+ failed/);
  });

  it('pairs http_req_failed with its duration when the expected_response tag is off', async () => {
    const paired = await gather(`${FIXTURES}/no-expected-tag.ndjson`);
    const judged = await gather(`${FIXTURES}/pre-0.31.ndjson`);
    // Same seed, same requests: pairing and the status rule must agree on these fixtures.
    const count = (d: LoadTestData) => d.endpoints.reduce((a, e) => a + e.total.count, 0);
    expect(count(paired)).toBe(count(judged));
    expect(count(paired)).toBeGreaterThan(0);
    expect(paired.notes.join('\n')).not.toMatch(/judged by status/);
    expect(judged.notes.join('\n')).toMatch(/judged by status/);
  });

  it('counts garbage and truncated lines with their numbers and goes on', async () => {
    const good =
      '{"metric":"http_req_duration","type":"Point","data":{"time":"2024-03-05T10:00:01.5Z","value":12.5,"tags":{"method":"GET","name":"home","status":"200","expected_response":"true"}}}';
    const path = await tempFile(
      'broken.ndjson',
      [
        good,
        'this is not json',
        '{"metric":"http_req_duration","type":"Point","data":{"time":"2024-03-05T10:00:02Z","value":',
        '{"metric":"http_req_duration","type":"Point","data":{"time":"yesterday","value":3,"tags":{}}}',
        good,
      ].join('\n'),
    );
    const data = await gather(path);
    expect(endpoint(data, 'GET home').total.count).toBe(2);
    expect(data.problems.count).toBe(3);
    expect(data.problems.first.map((p) => p.line)).toEqual([2, 3, 4]);
  });

  it('reports an empty file and a file of k6 metadata only', async () => {
    const empty = await tempFile('empty.ndjson', '');
    await expect(gather(empty)).rejects.toMatchObject({ code: 'parse-error', message: /empty/ });
    const metaOnly = await tempFile(
      'meta.ndjson',
      '{"type":"Metric","data":{"name":"vus","type":"gauge","contains":"default","thresholds":[],"submetrics":null},"metric":"vus"}\n',
    );
    await expect(gather(metaOnly)).rejects.toMatchObject({
      code: 'parse-error',
      message: /holds no requests/,
    });
  });
});

describe('k6 summary', () => {
  it('reads --summary-export totals with name submetrics as endpoints, without double counting', async () => {
    const data = await gather(`${FIXTURES}/summary-export.json`);
    expect(data.format).toBe('k6-summary');
    expect(data.summaryOnly).toBe(true);
    const login = endpoint(data, 'login');
    const other = endpoint(data, 'other requests');
    expect(login.total.count).toBe(700);
    expect(login.total.failures).toBe(0);
    expect(other.total.count).toBe(1300);
    // http_req_failed counts a failed request as a pass: 160 failures, all outside login.
    expect(other.total.failures).toBe(160);
    expect(login.buckets).toEqual([]);
    expect(p50(login.total.latency)).toBeGreaterThan(70);
    expect(p50(login.total.latency)).toBeLessThan(90);
    expect(data.endpoints.some((e) => e.name.includes('expected_response'))).toBe(false);
    expect(data.notes.join('\n')).toContain('k6 summary: totals only, no time series');
    expect(data.notes.join('\n')).toContain('160 of 2000 failed');
  });

  it('reads the handleSummary data shape', async () => {
    const data = await gather(`${FIXTURES}/handle-summary.json`);
    const all = endpoint(data, 'all requests');
    expect(all.total.count).toBe(1200);
    expect(all.total.failures).toBe(30);
    expect(all.total.concurrency).toBe(20);
    expect(p50(all.total.latency)).toBeGreaterThan(75);
    expect(p50(all.total.latency)).toBeLessThan(100);
    expect(data.notes.join('\n')).toMatch(/run of 60 s/);
  });

  it('names the file and the break in truncated JSON', async () => {
    const path = await tempFile('summary.json', '{"metrics": {"http_reqs": {"count": 1');
    const bundle = await gatherInto(emptyBundle('2026-01-01T00:00:00Z'), [
      { gatherer: loadTestGatherer(), source: { type: 'file', path } },
    ]);
    const slot = bundle.evidence['load-test']?.[0];
    expect(slot).toMatchObject({ status: 'failed', error: { code: 'parse-error' } });
    expect(slot?.status === 'failed' && slot.error.message).toContain(path);
  });
});
