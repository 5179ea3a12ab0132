import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, PartialData } from '../../../src/gather/gatherer.js';
import type { MetricsData } from '../../../src/gather/metrics/data.js';
import { prometheusGatherer } from '../../../src/gather/metrics/gatherer.js';
import { DEFAULT_QUERY_SET } from '../../../src/gather/metrics/query-set.js';

// What the Prometheus source does with answers a real Prometheus rarely gives: warnings of a
// partial answer (Thanos, Mimir), a malformed answer to one query, a server without the label
// values API. A local HTTP server plays the server.

let server: Server;
let base: string;
const T0 = Date.UTC(2026, 10, 22, 14) / 1000;
const WINDOW = { start: T0 * 1000, end: (T0 + 3600) * 1000 };
const SOURCE = { type: 'query', language: 'promql', query: 'default query set' } as const;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      const query = new URLSearchParams(body).get('query') ?? '';
      if (url.pathname === '/thanos/api/v1/label/__name__/values')
        return json(200, { status: 'success', data: ['up', 'process_resident_memory_bytes'] });
      if (url.pathname === '/thanos/api/v1/query_range') {
        if (query.includes('process_resident_memory_bytes'))
          return json(200, {
            status: 'success',
            warnings: ['partial response: store eu-2 unreachable'],
            data: {
              resultType: 'matrix',
              result: [
                {
                  metric: { instance: 'api-1:8080', job: 'api' },
                  values: [
                    [T0, '123'],
                    [T0 + 15, 'NaN'],
                  ],
                },
              ],
            },
          });
        return json(200, { status: 'success', data: { resultType: 'vector', result: [] } });
      }
      if (url.pathname === '/old/api/v1/query_range')
        return json(200, { status: 'success', data: { resultType: 'matrix', result: [] } });
      return json(404, { status: 'error', error: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('Prometheus answers', () => {
  it('keeps a partial answer with its warning, and fails a malformed one alone, naming the server', async () => {
    const gathered = await prometheusGatherer({ url: `${base}/thanos` }, { window: WINDOW }).gather(SOURCE);
    expect(gathered).toBeInstanceOf(PartialData);
    const { data, error } = gathered as PartialData<MetricsData>;
    expect(error).toEqual({
      code: 'partial',
      message: expect.stringMatching(/^1 of 2 queries failed \(first: targets\.up: parse-error: /),
    });
    expect(data.queries.map((q) => [q.id, q.status])).toEqual([
      ['process.resident', 'ok'],
      ['targets.up', 'failed'],
    ]);
    expect(data.queries[1]?.error).toMatchObject({
      code: 'parse-error',
      message: `${base}/thanos/api/v1/query_range (targets.up): expected {"status":"success","data":{"resultType":"matrix","result":[...]}}`,
    });
    expect(data.notes).toContain('process.resident: partial response: store eu-2 unreachable');
    expect(data.series).toEqual([
      {
        role: 'memory.resident',
        metric: 'process.resident',
        labels: { instance: 'api-1:8080', job: 'api' },
        subject: 'instance=api-1:8080',
        timestamps: [T0 * 1000, (T0 + 15) * 1000],
        values: [123, null],
      },
    ]);
    // No configuration to read the scrape interval from: the 15 s floor.
    expect(data.stepMs).toBe(15_000);
  });

  it('sends every query when the server cannot list metric names, and says so', async () => {
    const data = dataOf(await prometheusGatherer({ url: `${base}/old` }, { window: WINDOW }).gather(SOURCE));
    expect(data.queries).toHaveLength(DEFAULT_QUERY_SET.length);
    expect(data.queries.every((q) => q.status === 'empty')).toBe(true);
    expect(data.notes[0]).toMatch(
      /^metric discovery failed \(.*HTTP 404: "not found"\); every query was sent$/,
    );
  });
});
