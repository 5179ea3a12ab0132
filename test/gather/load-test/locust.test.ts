import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { LoadTestData } from '../../../src/gather/load-test/data.js';
import { loadTestGatherer } from '../../../src/gather/load-test/gatherer.js';
import { DDSketch } from '../../../src/stats/ddsketch.js';

const FIXTURES = 'test/fixtures/load-test/locust';
const gather = (path: string): Promise<LoadTestData> => loadTestGatherer().gather({ type: 'file', path });
const endpoint = (data: LoadTestData, name: string) => {
  const found = data.endpoints.find((e) => e.name === name);
  if (!found) throw new Error(`no endpoint ${name} in ${data.endpoints.map((e) => e.name).join(', ')}`);
  return found;
};
const total = (data: LoadTestData) => data.endpoints.reduce((a, e) => a + e.total.count, 0);

/** Final Request Count and Failure Count per endpoint, read from the _stats.csv fixture itself. */
async function expectedTotals(path: string): Promise<Map<string, { count: number; failures: number }>> {
  const rows = (await readFile(path, 'utf8')).trim().split(/\r?\n/).slice(1);
  return new Map(
    rows.map((row) => {
      const [type, name, count, failures] = row.split(',');
      return [type ? `${type} ${name}` : `${name}`, { count: Number(count), failures: Number(failures) }];
    }),
  );
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'faultline-locust-'));
}

describe('Locust --csv', () => {
  it('turns full history into per-interval counts that add up to the final totals', async () => {
    const data = await gather(`${FIXTURES}/full/run_stats_history.csv`);
    const expected = await expectedTotals(`${FIXTURES}/full/run_stats.csv`);
    expect(data.format).toBe('locust-csv');
    expect(data.summaryOnly).toBe(false);
    expect(data.endpoints.map((e) => e.name).sort()).toEqual(['GET /items', 'POST /checkout']);
    for (const e of data.endpoints) {
      expect(e.total.count).toBe(expected.get(e.name)?.count);
      expect(e.total.failures).toBe(expected.get(e.name)?.failures);
    }
    // The Aggregated row only gives users: counting it too would double every request.
    expect(total(data)).toBe(expected.get('Aggregated')?.count);
    expect(Math.max(...data.users.map((u) => u.active))).toBe(20);
    const checkout = endpoint(data, 'POST /checkout');
    // Failures begin at second 40 and carry the kinds of the sibling _failures.csv (27 × 503, 13 × refused).
    const firstFailedBucket = checkout.buckets.find((b) => b.failures > 0);
    expect((firstFailedBucket?.t ?? 0) - data.start).toBeGreaterThanOrEqual(39_000);
    expect(checkout.total.failureKinds.gateway).toBeGreaterThan(
      checkout.total.failureKinds['connection-refused'] ?? 0,
    );
    expect(
      (checkout.total.failureKinds.gateway ?? 0) + (checkout.total.failureKinds['connection-refused'] ?? 0),
    ).toBe(checkout.total.failures);
    const items = endpoint(data, 'GET /items');
    const p50 = DDSketch.fromJSON(items.total.latency).quantile(0.5);
    expect(p50).toBeGreaterThan(28);
    expect(p50).toBeLessThan(42);
    expect(data.notes.join('\n')).toMatch(/1 exception\(s\)|3 exception\(s\)/);
  });

  it('counts each request once when the _stats.csv and _failures.csv of the same run are given too', async () => {
    const history = await gather(`${FIXTURES}/full/run_stats_history.csv`);
    const stats = await gather(`${FIXTURES}/full/run_stats.csv`);
    const failures = await gather(`${FIXTURES}/full/run_failures.csv`);
    expect(total(stats)).toBe(0);
    expect(total(failures)).toBe(0);
    expect(stats.notes.join('\n')).toContain('run_stats_history.csv');
    expect(total(history) + total(stats) + total(failures)).toBe(1010);
  });

  it('reads Aggregated-only history (no --csv-full-history) as one series', async () => {
    const data = await gather(`${FIXTURES}/aggregated/load_stats_history.csv`);
    const expected = await expectedTotals(`${FIXTURES}/aggregated/load_stats.csv`);
    expect(data.endpoints.map((e) => e.name)).toEqual(['Aggregated']);
    expect(data.endpoints[0]?.total.count).toBe(expected.get('Aggregated')?.count);
    expect(data.notes.join('\n')).toMatch(/only the Aggregated row/);
  });

  it('reads _stats.csv totals with exact failure messages when there is no history', async () => {
    const data = await gather(`${FIXTURES}/stats-only/solo_stats.csv`);
    expect(data.summaryOnly).toBe(true);
    const checkout = endpoint(data, 'POST /checkout');
    expect(checkout.total.count).toBe(317);
    expect(checkout.total.failures).toBe(40);
    expect(checkout.total.failureKinds).toEqual({ gateway: 27, 'connection-refused': 13 });
    expect(data.endpoints.some((e) => e.name === 'Aggregated')).toBe(false);
  });

  it('reads a gzip history and counts malformed rows with their line numbers', async () => {
    const dir = await tempDir();
    const lines = (await readFile(`${FIXTURES}/full/run_stats_history.csv`, 'utf8')).split('\r\n');
    lines.splice(3, 0, '1717232401,1,GET,/items,not,numbers', '"unterminated,quote');
    const path = join(dir, 'x_stats_history.csv.gz');
    await writeFile(path, gzipSync(lines.join('\r\n')));
    const data = await gather(path);
    expect(total(data)).toBe(1010);
    expect(data.problems.count).toBe(2);
    expect(data.problems.first.map((p) => p.line)).toEqual([4, 5]);
  });

  it('refuses an _exceptions.csv on its own, saying where its exceptions are reported', async () => {
    await expect(gather(`${FIXTURES}/full/run_exceptions.csv`)).rejects.toMatchObject({
      code: 'unsupported-format',
      message: expect.stringMatching(/holds no requests \(Locust: 3 exception.*run_stats_history\.csv/s),
    });
  });

  it('reads a lone _failures.csv as failure messages without requests', async () => {
    const dir = await tempDir();
    await copyFile(`${FIXTURES}/full/run_failures.csv`, join(dir, 'lone_failures.csv'));
    const data = await gather(join(dir, 'lone_failures.csv'));
    const checkout = endpoint(data, 'POST /checkout');
    expect(checkout.total.count).toBe(0);
    expect(checkout.failures.map((f) => f.count).sort()).toEqual([13, 27]);
  });

  it('reports a header-only history as holding no requests', async () => {
    const dir = await tempDir();
    const header = (await readFile(`${FIXTURES}/full/run_stats_history.csv`, 'utf8')).split('\r\n')[0];
    const path = join(dir, 'empty_stats_history.csv');
    await writeFile(path, `${header}\r\n`);
    await expect(gather(path)).rejects.toMatchObject({ code: 'parse-error', message: /holds no requests/ });
  });
});
