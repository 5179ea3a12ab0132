import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadTestData } from '../../../src/gather/load-test/data.js';
import { loadTestGatherer } from '../../../src/gather/load-test/gatherer.js';

// Artillery is not installed with the project (see test/fixtures/load-test/artillery/README.md):
// these fixtures are real reports of Artillery 2.0.21 run against test/support/http-target.ts.
const FIXTURES = 'test/fixtures/load-test/artillery';
const gather = (path: string): Promise<LoadTestData> => loadTestGatherer().gather({ type: 'file', path });

interface Period {
  counters: Record<string, number>;
  firstMetricAt?: number;
  summaries?: Record<string, unknown>;
  histograms?: Record<string, unknown>;
}
interface Report {
  aggregate: Period;
  intermediate: Period[];
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-artillery-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function report(name: string): Promise<Report> {
  return JSON.parse(await readFile(join(FIXTURES, name), 'utf8')) as Report;
}

/** Sum over all periods of the counters whose names match. */
function total(r: Report, pattern: RegExp): number {
  let sum = 0;
  for (const period of r.intermediate) {
    for (const [key, n] of Object.entries(period.counters)) if (pattern.test(key)) sum += n;
  }
  return sum;
}

describe('Artillery 2.x reports with metrics-by-endpoint', () => {
  it('gives each URL its own endpoint with the counts of every period', async () => {
    const r = await report('by-endpoint-3-periods.json');
    const data = await gather(join(FIXTURES, 'by-endpoint-3-periods.json'));
    expect(data.format).toBe('artillery-json');
    expect(data.summaryOnly).toBe(false);
    expect(data.endpoints.map((e) => e.name)).toEqual(['/api/ok', '/slow', '/users/{id}']);
    const byName = new Map(data.endpoints.map((e) => [e.name, e]));
    const prefix = 'plugins\\.metrics-by-endpoint\\.';
    expect(byName.get('/api/ok')?.total.count).toBe(total(r, new RegExp(`^${prefix}/api/ok\\.codes\\.`)));
    expect(byName.get('/api/ok')?.total.statuses['503']).toBe(
      total(r, new RegExp(`^${prefix}/api/ok\\.codes\\.503$`)),
    );
    expect(byName.get('/api/ok')?.total.failureKinds).toEqual({ gateway: total(r, /^http\.codes\.503$/) });
    // Timed-out requests have no response: they come on top of the answered ones.
    const timeouts = total(r, /^errors\.ETIMEDOUT$/);
    expect(timeouts).toBeGreaterThan(0);
    expect(byName.get('/slow')?.total.failureKinds).toEqual({ timeout: timeouts });
    expect(byName.get('/slow')?.total.count).toBe(total(r, new RegExp(`^${prefix}/slow\\.`)));
    const all = data.endpoints.reduce((sum, e) => sum + e.total.count, 0);
    expect(all).toBe(total(r, /^http\.responses$/) + total(r, /^errors\./));
    expect(all).toBe(total(r, /^http\.requests$/));
  });

  it('places each period at its first metric and follows the active users', async () => {
    const r = await report('by-endpoint-3-periods.json');
    const data = await gather(join(FIXTURES, 'by-endpoint-3-periods.json'));
    expect(data.start).toBe(r.intermediate[0]?.firstMetricAt);
    const bucketTimes = new Set(data.endpoints.flatMap((e) => e.buckets.map((b) => b.t)));
    expect(bucketTimes.size).toBe(r.intermediate.filter((p) => p.counters['http.requests']).length);
    expect(data.users.length).toBeGreaterThan(0);
    expect(Math.max(...data.users.map((u) => u.active))).toBeLessThanOrEqual(total(r, /^vusers\.created$/));
    expect(data.notes.join('\n')).toMatch(/times to first byte/);
  });

  it('names POST endpoints by path and templates ids', async () => {
    const data = await gather(join(FIXTURES, 'post-and-503.json'));
    expect(data.endpoints.map((e) => [e.name, e.total.count])).toEqual([
      ['/api/ok', 10],
      ['/users/{id}', 10],
    ]);
  });

  it('classifies refused connections', async () => {
    const r = await report('refused.json');
    const data = await gather(join(FIXTURES, 'refused.json'));
    expect(data.endpoints[0]?.total.failureKinds).toEqual({
      'connection-refused': total(r, /^errors\.ECONNREFUSED$/),
    });
    expect(data.endpoints[0]?.failures[0]?.message).toBe('ECONNREFUSED');
  });
});

describe('Artillery reports without per-endpoint metrics', () => {
  it('pools every request under "(all requests)" from the http.* counters', async () => {
    const r = await report('timeouts-short.json');
    const strip = (p: Period): Period => {
      const keep = (o: Record<string, unknown> | undefined) =>
        Object.fromEntries(Object.entries(o ?? {}).filter(([k]) => !k.startsWith('plugins.')));
      return {
        ...p,
        counters: keep(p.counters) as Record<string, number>,
        summaries: keep(p.summaries),
        histograms: keep(p.histograms),
      };
    };
    const plain = { aggregate: strip(r.aggregate), intermediate: r.intermediate.map(strip) };
    const path = join(dir, 'plain.json');
    await writeFile(path, JSON.stringify(plain, null, 2));
    const data = await gather(path);
    expect(data.endpoints.map((e) => e.name)).toEqual(['(all requests)']);
    const endpoint = data.endpoints[0];
    expect(endpoint?.total.count).toBe(total(r, /^http\.responses$/) + total(r, /^errors\./));
    expect(endpoint?.total.statuses).toEqual({
      '200': total(r, /^http\.codes\.200$/),
      '503': total(r, /^http\.codes\.503$/),
    });
    expect(endpoint?.total.failureKinds).toEqual({
      gateway: total(r, /^http\.codes\.503$/),
      timeout: total(r, /^errors\.ETIMEDOUT$/),
    });
  });

  it('reads the aggregate as one interval when there are no periods', async () => {
    const r = await report('timeouts-short.json');
    const path = join(dir, 'aggregate-only.json');
    await writeFile(path, JSON.stringify({ aggregate: r.aggregate }));
    const data = await gather(path);
    const all = data.endpoints.reduce((sum, e) => sum + e.total.count, 0);
    expect(all).toBe(r.aggregate.counters['http.requests']);
    expect(data.notes.join('\n')).toMatch(/no intermediate periods/);
  });
});

describe('Artillery bad input', () => {
  it('reads gzip like plain JSON', async () => {
    const path = join(dir, 'report.json.gz');
    await writeFile(path, gzipSync(await readFile(join(FIXTURES, 'refused.json'))));
    expect(await gather(path)).toEqual(await gather(join(FIXTURES, 'refused.json')));
  });

  it('names the line of a truncated report', async () => {
    const text = await readFile(join(FIXTURES, 'by-endpoint-3-periods.json'), 'utf8');
    const path = join(dir, 'truncated.json');
    await writeFile(path, text.slice(0, 5000));
    const lines = text.slice(0, 5000).split('\n').length;
    await expect(gather(path)).rejects.toThrow(
      new RegExp(`truncated\\.json:${lines}:\\d+: invalid Artillery JSON: the JSON ends early`),
    );
  });

  it('names the field a report of the wrong shape lacks', async () => {
    const path = join(dir, 'shape.json');
    await writeFile(path, JSON.stringify({ aggregate: { firstMetricAt: 1, period: 2 } }));
    await expect(gather(path)).rejects.toThrow(
      /expected "aggregate.counters" to be an object of counters, got nothing/,
    );
  });

  it('counts a broken period as a problem and reads the others', async () => {
    const r = await report('by-endpoint-3-periods.json');
    const path = join(dir, 'broken-period.json');
    await writeFile(
      path,
      JSON.stringify({ ...r, intermediate: [r.intermediate[0], 'oops', ...r.intermediate.slice(1)] }),
    );
    const data = await gather(path);
    expect(data.problems).toEqual({
      count: 1,
      first: [{ line: 2, message: expect.stringMatching(/intermediate\[1\]/) }],
    });
    const all = data.endpoints.reduce((sum, e) => sum + e.total.count, 0);
    expect(all).toBe(total(r, /^http\.requests$/));
  });

  it('refuses an Artillery 1.x report with a clear message', async () => {
    const path = join(dir, 'v1.json');
    await writeFile(
      path,
      JSON.stringify({
        aggregate: { timestamp: '2020-01-01T00:00:00Z', scenariosCreated: 1, latency: { median: 3 } },
        intermediate: [],
      }),
    );
    await expect(gather(path)).rejects.toMatchObject({
      code: 'unsupported-format',
      message: expect.stringMatching(/1\.x/),
    });
  });
});
