import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { emptyBundle } from '../../../src/bundle/bundle.js';
import { gatherInto } from '../../../src/gather/gatherer.js';
import type { LoadTestData } from '../../../src/gather/load-test/data.js';
import { loadTestGatherer } from '../../../src/gather/load-test/gatherer.js';
import { DDSketch } from '../../../src/stats/ddsketch.js';

const FIXTURES = 'test/fixtures/load-test/gatling';
const gather = (path: string): Promise<LoadTestData> => loadTestGatherer().gather({ type: 'file', path });
const endpoint = (data: LoadTestData, name: string) => {
  const found = data.endpoints.find((e) => e.name === name);
  if (!found) throw new Error(`no endpoint ${name} in ${data.endpoints.map((e) => e.name).join(', ')}`);
  return found;
};

async function tempFile(name: string, content: string | Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'faultline-gatling-'));
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

describe('Gatling simulation.log', () => {
  it('reads the 3.4+ layout: requests, group paths, KO kinds and users over time', async () => {
    const data = await gather(`${FIXTURES}/3.9/simulation.log`);
    expect(data.format).toBe('gatling-log');
    expect(data.endpoints.map((e) => e.name).sort()).toEqual(['checkout / pay', 'home']);
    const home = endpoint(data, 'home');
    const pay = endpoint(data, 'checkout / pay');
    // 40 users × 12 iterations, one home and one pay request each; GROUP records are not requests.
    expect(home.total.count).toBe(480);
    expect(pay.total.count).toBe(480);
    expect(home.total.failures).toBe(0);
    expect(pay.total.failures).toBeGreaterThan(0);
    // "found 503" in a status check failure is the response code, so it is a gateway failure.
    expect(pay.total.statuses['503']).toBeGreaterThan(0);
    expect((pay.total.failureKinds.gateway ?? 0) + (pay.total.failureKinds.timeout ?? 0)).toBe(
      pay.total.failures,
    );
    expect(pay.total.failureKinds.timeout).toBeGreaterThan(0);
    const homeP50 = DDSketch.fromJSON(home.total.latency).quantile(0.5);
    expect(homeP50).toBeGreaterThan(30);
    expect(homeP50).toBeLessThan(50);
    const peak = Math.max(...data.users.map((u) => u.active));
    expect(peak).toBeGreaterThan(10);
    expect(peak).toBeLessThanOrEqual(40);
    expect(data.users[data.users.length - 1]?.active).toBe(0);
    const notes = data.notes.join('\n');
    expect(notes).toContain('Gatling 3.9.5');
    expect(notes).toMatch(/480 GROUP records skipped/);
    expect(notes).toMatch(/1 ERROR records/);
    expect(data.problems.count).toBe(0);
  });

  it('reads the 3.0-3.3 layout with user ids to the same requests', async () => {
    const modern = await gather(`${FIXTURES}/3.9/simulation.log`);
    const old = await gather(`${FIXTURES}/3.2/simulation.log`);
    const summary = (d: LoadTestData) => d.endpoints.map((e) => [e.name, e.total.count, e.total.failures]);
    expect(summary(old)).toEqual(summary(modern));
    expect(old.users).toEqual(modern.users);
  });

  it('reads gzip and counts bad records with their line numbers', async () => {
    const text = await readFile(`${FIXTURES}/3.9/simulation.log`, 'utf8');
    const lines = text.split('\n');
    lines.splice(5, 0, 'REQUEST\t\thome\tnot-a-time\t1717228800553\tOK\t ', 'garbage line');
    const path = await tempFile('simulation.log.gz', gzipSync(lines.join('\n')));
    const data = await gather(path);
    expect(endpoint(data, 'home').total.count).toBe(480);
    expect(data.problems.count).toBe(2);
    expect(data.problems.first.map((p) => p.line)).toEqual([6, 7]);
  });

  it('refuses the binary simulation.log of Gatling 3.12.1+ with advice', async () => {
    await expect(gather(`${FIXTURES}/binary/simulation.log`)).rejects.toMatchObject({
      code: 'unsupported-format',
      message: expect.stringMatching(/binary simulation.log written by Gatling 3\.12\.1 or later.*3\.11/s),
    });
  });

  it('reports a log cut after the RUN record as holding no requests', async () => {
    const path = await tempFile(
      'simulation.log',
      'RUN\tshop.ShopSimulation\tshopsimulation\t1717228800000\t \t3.9.5\n',
    );
    await expect(gather(path)).rejects.toMatchObject({ code: 'parse-error', message: /holds no requests/ });
  });

  it('lists the formats tried for a file no parser recognizes', async () => {
    const path = await tempFile('notes.txt', 'just some text\nnothing to see\n');
    const bundle = await gatherInto(emptyBundle('2026-01-01T00:00:00Z'), [
      { gatherer: loadTestGatherer(), source: { type: 'file', path } },
    ]);
    const slot = bundle.evidence['load-test']?.[0];
    expect(slot).toMatchObject({ status: 'failed', error: { code: 'unsupported-format' } });
    const message = slot?.status === 'failed' ? slot.error.message : '';
    expect(message).toContain('Tried:');
    for (const format of ['gatling-log', 'k6-json', 'k6-summary', 'locust-csv'])
      expect(message).toContain(format);
  });
});
