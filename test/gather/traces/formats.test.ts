import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GatherError } from '../../../src/gather/gatherer.js';
import { TracesDataSchema } from '../../../src/gather/traces/data.js';
import { readTracesFile } from '../../../src/gather/traces/gatherer.js';

const dir = mkdtempSync(join(tmpdir(), 'faultline-traces-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const read = (path: string) => readTracesFile({ type: 'file', path });

const TRACE = '5b8efff798038103d269b633813fc60c';
const otlpRequest = (ids: { trace: string; root: string; child: string }) => ({
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
      scopeSpans: [
        {
          scope: { name: 'manual' },
          spans: [
            {
              traceId: ids.trace,
              spanId: ids.root,
              name: 'POST /pay',
              kind: 2,
              startTimeUnixNano: '1763820000000000000',
              endTimeUnixNano: '1763820000250500000',
              attributes: [
                { key: 'http.response.status_code', value: { intValue: '503' } },
                { key: 'http.route', value: { stringValue: '/pay' } },
              ],
              status: {},
            },
            {
              traceId: ids.trace,
              spanId: ids.child,
              parentSpanId: ids.root,
              name: 'SELECT',
              kind: 'SPAN_KIND_CLIENT',
              startTimeUnixNano: 1763820000010000000,
              endTimeUnixNano: 1763820000110000000,
              attributes: [
                { key: 'db.system', value: { stringValue: 'postgresql' } },
                {
                  key: 'db.statement',
                  value: { stringValue: "SELECT * FROM users WHERE email = 'a@b.c' AND id = 42" },
                },
                { key: 'user.email', value: { stringValue: 'a@b.c' } },
              ],
              status: { code: 'STATUS_CODE_ERROR', message: 'canceling statement due to statement timeout' },
              events: [
                {
                  name: 'exception',
                  attributes: [
                    { key: 'exception.type', value: { stringValue: 'QueryCanceled' } },
                    { key: 'exception.message', value: { stringValue: 'password=hunter2 rejected' } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    },
  ],
});

describe('trace files', () => {
  it('reads OTLP/JSON: hex ids, integer and string kinds, nanosecond strings and numbers, status and events', async () => {
    const data = await read(
      file(
        'one.traces.json',
        JSON.stringify(otlpRequest({ trace: TRACE, root: 'eee19b7ec3c1b174', child: '0102030405060708' })),
      ),
    );
    expect(TracesDataSchema.parse(data)).toEqual(data);
    expect(data).toMatchObject({ format: 'otlp-json', traces: 1, droppedSpans: 0 });
    const [root, child] = data.spans;
    expect(root).toMatchObject({ service: 'checkout', kind: 'server', start: 1763820000000, error: true });
    expect(root?.duration).toBeCloseTo(250.5, 6);
    expect(child).toMatchObject({
      kind: 'client',
      parentSpanId: 'eee19b7ec3c1b174',
      error: true,
    });
    // Nanoseconds written as JSON numbers lose precision past 2^53 (why OTLP/JSON writes strings).
    expect(child?.duration).toBeCloseTo(100, 2);
    // Literals are replaced, attributes not on the list are not kept, secrets are masked.
    expect(child?.attributes).toEqual({
      'db.system': 'postgresql',
      'db.statement': 'SELECT * FROM users WHERE email = ? AND id = ?',
    });
    expect(child?.exceptions?.[0]).toMatch(/^QueryCanceled: /);
    expect(child?.exceptions?.[0]).not.toContain('hunter2');
  });

  it('reads base64 ids and the collector file exporter (one request per line), gzip too', async () => {
    const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
    const lines = [
      JSON.stringify(
        otlpRequest({ trace: b64(TRACE), root: b64('eee19b7ec3c1b174'), child: b64('0102030405060708') }),
      ),
      JSON.stringify(
        otlpRequest({
          trace: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
          root: '1111111111111111',
          child: '2222222222222222',
        }),
      ),
    ].join('\n');
    const data = await read(file('collector.traces.jsonl.gz', gzipSync(lines)));
    expect(data.traces).toBe(2);
    expect(data.spans[0]?.traceId).toBe(TRACE);
    expect(data.spans[1]?.parentSpanId).toBe('eee19b7ec3c1b174');
  });

  it('reads Jaeger JSON with processes, references and tags', async () => {
    const jaeger = {
      data: [
        {
          traceID: TRACE,
          spans: [
            {
              traceID: TRACE,
              spanID: 'a1',
              operationName: 'GET /cart',
              references: [],
              startTime: 1763820000000000,
              duration: 12000,
              tags: [{ key: 'span.kind', type: 'string', value: 'server' }],
              processID: 'p1',
            },
            {
              traceID: TRACE,
              spanID: 'b2',
              operationName: 'GET',
              references: [{ refType: 'CHILD_OF', traceID: TRACE, spanID: 'a1' }],
              startTime: 1763820000001000,
              duration: 5000,
              tags: [
                { key: 'span.kind', type: 'string', value: 'client' },
                { key: 'error', type: 'bool', value: true },
                { key: 'peer.service', type: 'string', value: 'prices' },
              ],
              processID: 'p1',
            },
          ],
          processes: { p1: { serviceName: 'cart', tags: [] } },
        },
      ],
    };
    const data = await read(file('jaeger.json', JSON.stringify(jaeger)));
    expect(data.format).toBe('jaeger-json');
    expect(data.spans.map((s) => [s.service, s.kind, s.start, s.duration, s.error, s.parentSpanId])).toEqual([
      ['cart', 'server', 1763820000000, 12, false, undefined],
      ['cart', 'client', 1763820000001, 5, true, 'a1'],
    ]);
  });

  it('reads Zipkin v2, flat or grouped by trace', async () => {
    const span = {
      traceId: TRACE,
      id: 'c3',
      name: 'get /items',
      kind: 'SERVER',
      timestamp: 1763820000000000,
      duration: 2500,
      localEndpoint: { serviceName: 'items' },
      tags: { 'http.status_code': '500', error: '500' },
    };
    for (const doc of [[span], [[span]]]) {
      const data = await read(file('zipkin.json', JSON.stringify(doc)));
      expect(data.format).toBe('zipkin-json');
      expect(data.spans[0]).toMatchObject({
        service: 'items',
        kind: 'server',
        duration: 2.5,
        error: true,
        attributes: { 'http.status_code': 500 },
      });
    }
  });

  it('says which formats it tried, and where a document is broken', async () => {
    const fail = async (path: string) => {
      try {
        await read(path);
      } catch (error) {
        if (error instanceof GatherError) return error;
        throw error;
      }
      throw new Error('expected a GatherError');
    };
    expect((await fail(file('other.json', '{"hello": 1}'))).message).toMatch(
      /tried OTLP\/JSON .* Jaeger JSON .* Zipkin v2/,
    );
    const broken = otlpRequest({ trace: TRACE, root: 'eee19b7ec3c1b174', child: '0102030405060708' });
    const child = broken.resourceSpans[0]?.scopeSpans[0]?.spans[1] as { endTimeUnixNano?: unknown };
    delete child.endTimeUnixNano;
    expect((await fail(file('broken.traces.json', JSON.stringify(broken)))).message).toMatch(
      /resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[1\]: expected traceId, spanId, startTimeUnixNano and endTimeUnixNano/,
    );
    const lines = `${JSON.stringify(otlpRequest({ trace: TRACE, root: 'eee19b7ec3c1b174', child: '0102030405060708' }))}\n{"resourceSpans": [\n`;
    expect((await fail(file('cut.traces.jsonl', lines))).message).toMatch(
      /cut\.traces\.jsonl:2: not valid JSON/,
    );
  });
});
