import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadTestData } from '../../../src/gather/load-test/data.js';
import { loadTestGatherer } from '../../../src/gather/load-test/gatherer.js';
import { startHttpTarget } from '../../support/http-target.js';

const FIXTURE = 'test/fixtures/load-test/har/playwright-chromium.har';
const CHROMIUM = '/usr/bin/chromium';
const gather = (path: string): Promise<LoadTestData> => loadTestGatherer().gather({ type: 'file', path });

interface HarEntry {
  startedDateTime: string;
  time: number;
  request: { method: string; url: string };
  response: { status: number };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-har-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function counts(data: LoadTestData): Record<string, { count: number; statuses: Record<string, number> }> {
  return Object.fromEntries(
    data.endpoints.map((e) => [e.name, { count: e.total.count, statuses: e.total.statuses }]),
  );
}

describe('HAR recorded by Playwright with Chromium', () => {
  it('reads every entry with its endpoint template and status', async () => {
    const har = JSON.parse(await readFile(FIXTURE, 'utf8')) as { log: { entries: HarEntry[] } };
    const data = await gather(FIXTURE);
    expect(data.format).toBe('har');
    expect(counts(data)).toEqual({
      'GET /': { count: 1, statuses: { '200': 1 } },
      'GET /api/ok': { count: 4, statuses: { '200': 2, '503': 2 } },
      'GET /refused': { count: 1, statuses: { '0': 1 } },
      'GET /users/{id}': { count: 3, statuses: { '200': 3 } },
    });
    const entries = har.log.entries;
    expect(data.start).toBe(Math.min(...entries.map((e) => Date.parse(e.startedDateTime))));
    const refused = data.endpoints.find((e) => e.name === 'GET /refused');
    expect(refused?.total.failures).toBe(1);
    expect(refused?.failures[0]?.firstLine).toBe(
      entries.findIndex((e) => e.request.url.endsWith('/refused')) + 1,
    );
    expect(data.notes).toContain('HAR recorded by Playwright 1.65.2');
  });

  it('reads gzip like plain JSON', async () => {
    const path = join(dir, 'page.har.gz');
    await writeFile(path, gzipSync(await readFile(FIXTURE)));
    expect(await gather(path)).toEqual(await gather(FIXTURE));
  });

  it('streams a large HAR entry by entry', async () => {
    // 20 000 entries with 2 KB bodies (~60 MB of JSON): read without loading the document at once.
    const body = 'x'.repeat(2048);
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const entry = (i: number) =>
      JSON.stringify({
        startedDateTime: new Date(t0 + i * 10).toISOString(),
        time: 5 + (i % 7),
        request: {
          method: 'GET',
          url: `https://shop.test/products/${i}?ref=x`,
          headersSize: -1,
          bodySize: -1,
        },
        response: {
          status: i % 100 === 0 ? 500 : 200,
          statusText: '',
          headersSize: -1,
          bodySize: 2048,
          content: { size: 2048, text: body },
        },
        timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: 4, receive: 1 },
      });
    const parts = ['{"log":{"version":"1.2","creator":{"name":"test","version":"1"},"entries":['];
    for (let i = 0; i < 20_000; i++) parts.push(i === 0 ? entry(i) : `,\n${entry(i)}`);
    parts.push(']}}');
    const path = join(dir, 'large.har');
    await writeFile(path, parts.join(''));
    const data = await gather(path);
    expect(data.endpoints.map((e) => e.name)).toEqual(['GET /products/{id}']);
    expect(data.endpoints[0]?.total.count).toBe(20_000);
    expect(data.endpoints[0]?.total.statuses).toEqual({ '200': 19_800, '500': 200 });
    expect(data.endpoints[0]?.total.receivedBytes).toBe(20_000 * 2048);
  });
});

describe('HAR bad input', () => {
  it('names the line of a truncated HAR and how many entries came before', async () => {
    const text = await readFile(FIXTURE, 'utf8');
    const cut = text.indexOf('"entries"') + 3000;
    const path = join(dir, 'truncated.har');
    await writeFile(path, text.slice(0, cut));
    await expect(gather(path)).rejects.toThrow(
      /truncated\.har:\d+: invalid HAR JSON: the JSON ends early \(truncated file\?\)/,
    );
  });

  it('names the line and column of a syntax error', async () => {
    const path = join(dir, 'syntax.har');
    await writeFile(path, '{"log": {"version": "1.2",\n  "entries": [\n  {"x": 1} oops ]}}');
    await expect(gather(path)).rejects.toThrow(/syntax\.har:3:12: invalid HAR JSON: unexpected "o"/);
  });

  it('names the missing entries of a HAR of the wrong shape', async () => {
    const path = join(dir, 'shape.har');
    await writeFile(
      path,
      JSON.stringify({ log: { version: '1.2', creator: { name: 'x', version: '1' }, pages: [] } }),
    );
    await expect(gather(path)).rejects.toThrow(/expected "log.entries" to be a non-empty array/);
  });

  it('counts entries that lack fields as problems and keeps the rest', async () => {
    const good = {
      startedDateTime: '2026-01-01T00:00:00.000Z',
      time: 12,
      request: { method: 'GET', url: 'http://h/a' },
      response: { status: 200 },
      timings: { send: 0, wait: 10, receive: 2 },
    };
    const path = join(dir, 'partial.har');
    const entries = [good, { ...good, startedDateTime: 'yesterday' }, { ...good, request: {} }, 7];
    await writeFile(path, JSON.stringify({ log: { version: '1.2', entries } }));
    const data = await gather(path);
    expect(data.endpoints[0]?.total.count).toBe(1);
    expect(data.problems.count).toBe(3);
    expect(data.problems.first.map((p) => p.line)).toEqual([2, 3, 4]);
    expect(data.problems.first[0]?.message).toMatch(/startedDateTime/);
  });
});

describe.skipIf(!existsSync(CHROMIUM))('HAR recorded live with Chromium', () => {
  it('holds the requests the server served', async () => {
    const { chromium } = await import('playwright-core');
    const page = `<!doctype html><script>
      (async () => {
        for (const u of ['/orders/11', '/orders/12', '/api/ok', '/api/ok', '/api/ok']) await fetch(u);
        document.title = 'done';
      })();
    </script>`;
    const target = await startHttpTarget({
      '/': { body: page, contentType: 'text/html' },
      '/orders/*': { latencyMs: 5 },
      '/api/ok': { errorRatio: 1 / 3, errorStatus: 503 },
    });
    const harPath = join(dir, 'live.har');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const context = await browser.newContext({ recordHar: { path: harPath } });
      const tab = await context.newPage();
      await tab.goto(`${target.url}/`);
      await tab.waitForFunction(() => document.title === 'done');
      await context.close();
    } finally {
      await browser.close();
      await target.close();
    }
    const data = await gather(harPath);
    const seen = counts(data);
    expect(seen['GET /orders/{id}']?.count).toBe(target.served.byRoute['/orders/*']);
    expect(seen['GET /api/ok']?.count).toBe(target.served.byRoute['/api/ok']);
    expect(seen['GET /api/ok']?.statuses['503']).toBe(target.served.byStatus['503']);
    expect(seen['GET /']?.count).toBe(target.served.byRoute['/']);
  });
});
