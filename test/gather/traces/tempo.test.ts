import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, GatherError, PartialData } from '../../../src/gather/gatherer.js';
import type { TracesData } from '../../../src/gather/traces/data.js';
import { DEFAULT_TRACEQL, tempoGatherer } from '../../../src/gather/traces/index.js';

// The Tempo source against a local server answering as Tempo does: /api/search with TraceQL,
// then /api/traces/<id> in the older `batches` shape and the newer `trace.resourceSpans` one.

const span = (traceId: string, spanId: string, name: string) => ({
  traceId,
  spanId,
  name,
  kind: 'SPAN_KIND_SERVER',
  startTimeUnixNano: '1763820000000000000',
  endTimeUnixNano: '1763820000100000000',
  status: { code: 'STATUS_CODE_ERROR' },
});
const resource = (spans: unknown[]) => ({
  resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
  scopeSpans: [{ spans }],
});
const A = '0af7651916cd43dd8448eb211c80319c';
const B = '1bf7651916cd43dd8448eb211c80319d';
const C = '2cf7651916cd43dd8448eb211c80319e';

let server: Server;
let url: string;
const searches: URLSearchParams[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    res.setHeader('content-type', 'application/json');
    if (u.pathname === '/api/search') {
      searches.push(u.searchParams);
      return res.end(
        JSON.stringify({
          traces: [
            { traceID: A, rootServiceName: 'checkout' },
            { traceID: B },
            { traceID: 'missing' },
            { traceID: C },
          ],
          metrics: {},
        }),
      );
    }
    if (u.pathname === `/api/traces/${A}`) {
      // Older Tempo: "batches", instrumentationLibrarySpans, ids in base64 (protobuf's JSON mapping).
      const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
      const old = {
        ...span(b64(A), b64('00f067aa0ba902b7'), 'POST /pay'),
        parentSpanId: b64('0000000000000000'),
      };
      return res.end(
        JSON.stringify({
          batches: [
            {
              resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
              instrumentationLibrarySpans: [{ instrumentationLibrary: {}, spans: [old] }],
            },
          ],
        }),
      );
    }
    if (u.pathname === `/api/traces/${C}`)
      return res.end(JSON.stringify({ batches: [{ scopeSpans: 'broken' }] }));
    if (u.pathname === `/api/traces/${B}`)
      return res.end(
        JSON.stringify({ trace: { resourceSpans: [resource([span(B, '00f067aa0ba902b8', 'GET /cart')])] } }),
      );
    res.statusCode = 404;
    res.end('trace not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const window = { start: Date.UTC(2026, 10, 22, 14), end: Date.UTC(2026, 10, 22, 15) };

describe('the Tempo source', () => {
  it('pushes the TraceQL search down, fetches each trace in either shape and notes the ones it could not', async () => {
    const gathered = await tempoGatherer({ url }, { window, limit: 50 }).gather({
      type: 'query',
      language: 'traceql',
      query: '{}',
    });
    expect(gathered).toBeInstanceOf(PartialData);
    const { data, error } = gathered as PartialData<TracesData>;
    expect(error).toEqual({
      code: 'partial',
      message: expect.stringMatching(/^2 of 4 traces could not be fetched/),
    });
    expect(searches.at(-1)?.get('q')).toBe(DEFAULT_TRACEQL);
    expect(searches.at(-1)?.get('start')).toBe(String(window.start / 1000));
    expect(searches.at(-1)?.get('limit')).toBe('50');
    expect(data.format).toBe('tempo');
    // In the order the search found them, whatever order the answers came back in.
    expect(data.spans.map((s) => [s.traceId, s.name, s.service, s.error, s.parentSpanId])).toEqual([
      [A, 'POST /pay', 'checkout', true, undefined],
      [B, 'GET /cart', 'checkout', true, undefined],
    ]);
    expect(data.notes.join(' ')).toMatch(/2 of 4 traces could not be fetched \(first: .*HTTP 404/);
  });

  it('fetches named traces without searching', async () => {
    const before = searches.length;
    const data = dataOf(
      await tempoGatherer({ url }, { window, traceIds: [B] }).gather({
        type: 'query',
        language: 'traceql',
        query: B,
      }),
    );
    expect(searches.length).toBe(before);
    expect(data.traces).toBe(1);
  });

  it('fails with a coded error when no trace can be fetched', async () => {
    await expect(
      tempoGatherer({ url, retries: 0 }, { window, traceIds: ['missing'] }).gather({
        type: 'query',
        language: 'traceql',
        query: 'x',
      }),
    ).rejects.toBeInstanceOf(GatherError);
  });
});
