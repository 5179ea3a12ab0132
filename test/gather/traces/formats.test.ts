import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GatherError } from '../../../src/gather/gatherer.js';
import { TracesDataSchema } from '../../../src/gather/traces/data.js';
import { readTracesFile, tracesFileGatherer } from '../../../src/gather/traces/index.js';

const dir = mkdtempSync(join(tmpdir(), 'faultline-traces-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const read = (path: string) => readTracesFile({ type: 'file', path });

const TRACE = '5b8efff798038103d269b633813fc60c';
const T0 = Date.UTC(2026, 10, 22, 14);
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
    // Jaeger writes ids without leading zeros; they are read at their full width, as other formats write them.
    expect(data.spans.map((s) => [s.service, s.kind, s.start, s.duration, s.error, s.parentSpanId])).toEqual([
      ['cart', 'server', 1763820000000, 12, false, undefined],
      ['cart', 'client', 1763820000001, 5, true, '00000000000000a1'],
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
    expect((await failure(file('other.json', '{"hello": 1}'))).message).toMatch(
      /tried OTLP\/JSON .* Jaeger JSON .* Zipkin v2/,
    );
    const broken = otlpRequest({ trace: TRACE, root: 'eee19b7ec3c1b174', child: '0102030405060708' });
    const spans = broken.resourceSpans[0]?.scopeSpans[0]?.spans as Array<{ endTimeUnixNano?: unknown }>;
    delete spans[1]?.endTimeUnixNano;
    // One broken span is skipped and noted with where it is; the others are read.
    const partial = await read(file('broken.traces.json', JSON.stringify(broken)));
    expect(partial.spans).toHaveLength(1);
    expect(partial.notes.join(' ')).toMatch(
      /1 spans could not be read .*broken\.traces\.json: resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[1\]: expected traceId, spanId, startTimeUnixNano and endTimeUnixNano/,
    );
    // When no span can be read the file is broken, and the error says where.
    delete spans[0]?.endTimeUnixNano;
    const error = await failure(file('all-broken.traces.json', JSON.stringify(broken)));
    expect(error.code).toBe('parse-error');
    expect(error.message).toMatch(
      /all-broken\.traces\.json: resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]/,
    );
    const notArray = await failure(file('scopes.traces.json', '{"resourceSpans": [{"scopeSpans": {}}]}'));
    expect(notArray.message).toMatch(/resourceSpans\[0\]\.scopeSpans: expected an array/);
  });

  it('skips and notes a collector line cut short, naming the line', async () => {
    const good = JSON.stringify(
      otlpRequest({ trace: TRACE, root: 'eee19b7ec3c1b174', child: '0102030405060708' }),
    );
    const data = await read(file('cut.traces.jsonl', `${good}\n${good.slice(0, 80)}\n`));
    expect(data.spans).toHaveLength(2);
    expect(data.notes.join(' ')).toMatch(
      /1 lines were skipped \(line 2\): .*cut\.traces\.jsonl:2: not valid JSON/,
    );
  });

  it('refuses zstd, damaged gzip and directories with a coded error, and never changes the file', async () => {
    const zstd = file('x.traces.json.zst', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0]));
    expect((await failure(zstd)).message).toMatch(/zstd-compressed; decompress it first/);
    const gz = gzipSync('{"resourceSpans": []}');
    const damaged = file('damaged.traces.json.gz', gz.subarray(0, gz.length - 6));
    expect(await failure(damaged)).toMatchObject({
      code: 'parse-error',
      message: expect.stringMatching(/damaged gzip/),
    });
    expect((await failure(dir)).code).toBe('unreadable');
    expect(readFileSync(damaged)).toEqual(gz.subarray(0, gz.length - 6));
  });

  it('keeps at most maxSpans spans and counts the rest', async () => {
    const path = file(
      'many.traces.json',
      JSON.stringify(otlpRequest({ trace: TRACE, root: 'eee19b7ec3c1b174', child: '0102030405060708' })),
    );
    const data = await readTracesFile({ type: 'file', path }, { maxSpans: 1 });
    expect(data.spans).toHaveLength(1);
    expect(data.droppedSpans).toBe(1);
    expect(data.notes.join(' ')).toMatch(/1 spans beyond the first 1 were not kept/);
    const gathered = await tracesFileGatherer({ maxSpans: 1 }).gather({ type: 'file', path });
    expect(gathered.droppedSpans).toBe(1);
  });

  it('reads an empty answer as no spans, with a note', async () => {
    for (const empty of ['{"data": [], "total": 0}', '[]']) {
      const data = await read(file('empty.json', empty));
      expect(data.spans).toEqual([]);
      expect(data.notes).toContain('no spans in the source');
    }
  });
});

describe('what is kept of a span', () => {
  const attributes = async (attrs: Array<[string, string | number]>) => {
    const request = otlpRequest({ trace: TRACE, root: 'eee19b7ec3c1b174', child: '0102030405060708' });
    const child = request.resourceSpans[0]?.scopeSpans[0]?.spans[1] as { attributes: unknown };
    child.attributes = attrs.map(([key, value]) => ({
      key,
      value: typeof value === 'number' ? { intValue: String(value) } : { stringValue: value },
    }));
    const data = await read(file('attrs.traces.json', JSON.stringify(request)));
    return data.spans[1]?.attributes;
  };

  it('templates URLs: no query string, no credentials, ids as {id}', async () => {
    expect(
      await attributes([
        ['url.full', 'https://svc:hunter2@payments.internal/v1/charges/8812/refunds?token=abc&amount=3'],
        ['url.path', '/items/550e8400-e29b-41d4-a716-446655440000'],
        ['http.request.resend_count', 2],
        ['http.request.header.authorization', 'Bearer abcdefghijklmnop'],
      ]),
    ).toEqual({
      'url.full': 'https://payments.internal/v1/charges/{id}/refunds',
      'url.path': '/items/{id}',
      'http.request.resend_count': 2,
    });
  });

  it('cuts query strings from span names that are raw URLs', async () => {
    const span = {
      traceId: TRACE,
      id: 'c3',
      name: 'get /reset?token=abc123&email=a@b.c',
      timestamp: 1,
      duration: 1,
      localEndpoint: { serviceName: 'auth' },
    };
    const data = await read(file('names.json', JSON.stringify([span])));
    expect(data.spans[0]?.name).toBe('get /reset');
  });

  it('replaces literals in statements, so the same query with other values is the same text', async () => {
    const one = await attributes([
      ['db.statement', "SELECT * FROM t WHERE id IN (1, 2, 3) AND name = 'O''Brien'"],
    ]);
    const two = await attributes([['db.statement', "SELECT *   FROM t WHERE id IN (7) AND name = 'x'"]]);
    expect(one?.['db.statement']).toBe('SELECT * FROM t WHERE id IN (?) AND name = ?');
    expect(two).toEqual(one);
    const mongo = await attributes([
      ['db.statement', '{"find": "users", "filter": {"email": "a@b.c", "age": 42}}'],
    ]);
    expect(mongo?.['db.statement']).toBe('{"find": ?, "filter": {"email": ?, "age": ?}}');
  });
});

describe('ids and parents as exporters write them', () => {
  it('takes an all-zero parent id for no parent, in hex and in base64', async () => {
    const request = otlpRequest({ trace: TRACE, root: 'eee19b7ec3c1b174', child: '0102030405060708' });
    const [root, child] = (request.resourceSpans[0]?.scopeSpans[0]?.spans ?? []) as Array<{
      parentSpanId?: string;
    }>;
    if (root) root.parentSpanId = '0000000000000000';
    const hex = await read(file('zero.traces.json', JSON.stringify(request)));
    expect(hex.spans[0]?.parentSpanId).toBeUndefined();
    if (root) root.parentSpanId = Buffer.alloc(8).toString('base64');
    if (child) child.parentSpanId = Buffer.from('eee19b7ec3c1b174', 'hex').toString('base64');
    const b64 = await read(file('zero64.traces.json', JSON.stringify(request)));
    expect(b64.spans.map((s) => s.parentSpanId)).toEqual([undefined, 'eee19b7ec3c1b174']);
  });

  it('takes a Jaeger FOLLOWS_FROM reference as the parent when there is no CHILD_OF', async () => {
    const data = await read(
      file(
        'follows.json',
        JSON.stringify({
          data: [
            {
              traceID: TRACE,
              spans: [
                {
                  traceID: TRACE,
                  spanID: 'aa',
                  operationName: 'publish',
                  references: [],
                  startTime: 1,
                  duration: 1,
                  tags: [],
                  processID: 'p1',
                },
                {
                  traceID: TRACE,
                  spanID: 'bb',
                  operationName: 'consume',
                  references: [{ refType: 'FOLLOWS_FROM', traceID: TRACE, spanID: 'aa' }],
                  startTime: 5,
                  duration: 1,
                  tags: [{ key: 'span.kind', type: 'string', value: 'consumer' }],
                  processID: 'p1',
                },
              ],
              processes: { p1: { serviceName: 'mailer', tags: [] } },
            },
          ],
        }),
      ),
    );
    expect(data.spans[1]).toMatchObject({ kind: 'consumer', parentSpanId: '00000000000000aa' });
  });

  it('splits a Zipkin span shared by client and server into a client and its server child', async () => {
    const base = {
      traceId: '463ac35c9f6413ad',
      id: '72485a3953bb6124',
      parentId: '5f6f1c3bd9a0c8b7',
      timestamp: 1763820000000000,
    };
    const data = await read(
      file(
        'shared.json',
        JSON.stringify([
          {
            ...base,
            name: 'get /items',
            kind: 'CLIENT',
            duration: 9000,
            localEndpoint: { serviceName: 'web' },
          },
          {
            ...base,
            name: 'get /items',
            kind: 'SERVER',
            shared: true,
            timestamp: base.timestamp + 1000,
            duration: 7000,
            localEndpoint: { serviceName: 'items' },
          },
          {
            traceId: base.traceId,
            id: '0b1c2d3e4f506172',
            parentId: base.id,
            name: 'select',
            kind: 'CLIENT',
            timestamp: base.timestamp + 2000,
            duration: 1000,
            localEndpoint: { serviceName: 'items' },
          },
        ]),
      ),
    );
    const [client, server, query] = data.spans;
    expect(client).toMatchObject({
      service: 'web',
      spanId: '72485a3953bb6124-client',
      parentSpanId: '5f6f1c3bd9a0c8b7',
    });
    expect(server).toMatchObject({
      service: 'items',
      spanId: '72485a3953bb6124',
      parentSpanId: '72485a3953bb6124-client',
    });
    expect(query?.parentSpanId).toBe(server?.spanId);
    // A 64-bit Zipkin trace id is read at full width.
    expect(client?.traceId).toBe('0000000000000000463ac35c9f6413ad');
  });
});

describe('the rhythm of streaming calls', () => {
  const times = [1000, 2000, 3000, 4000];
  const expected = { count: 4, medianGap: 1000, longestGap: 56_000, longestGapStart: T0 + 4000 };
  const T = (ms: number) => T0 + ms;

  it('sums up OTLP message events', async () => {
    const request = otlpRequest({ trace: TRACE, root: 'eee19b7ec3c1b174', child: '0102030405060708' });
    const root = request.resourceSpans[0]?.scopeSpans[0]?.spans[0] as Record<string, unknown>;
    root.startTimeUnixNano = `${T0}000000`;
    root.endTimeUnixNano = `${T0 + 60_000}000000`;
    root.events = times.map((t, i) => ({
      timeUnixNano: `${T(t)}000000`,
      name: 'message',
      attributes: [{ key: 'message.id', value: { intValue: String(i + 1) } }],
    }));
    const data = await read(file('stream.traces.json', JSON.stringify(request)));
    expect(data.spans[0]?.messages).toEqual(expected);
    expect(data.spans[1]?.messages).toBeUndefined();
  });

  it('from Jaeger logs and Zipkin annotations too', async () => {
    const jaeger = await read(
      file(
        'stream-jaeger.json',
        JSON.stringify({
          data: [
            {
              traceID: TRACE,
              spans: [
                {
                  traceID: TRACE,
                  spanID: '1',
                  operationName: 'feed.Prices/Subscribe',
                  startTime: T0 * 1000,
                  duration: 60_000_000,
                  tags: [],
                  logs: times.map((t) => ({
                    timestamp: T(t) * 1000,
                    fields: [{ key: 'event', type: 'string', value: 'message' }],
                  })),
                  processID: 'p1',
                },
              ],
              processes: { p1: { serviceName: 'feed' } },
            },
          ],
        }),
      ),
    );
    expect(jaeger.spans[0]?.messages).toEqual(expected);
    const zipkin = await read(
      file(
        'stream-zipkin.json',
        JSON.stringify([
          {
            traceId: TRACE,
            id: '1',
            name: 'feed.prices/subscribe',
            timestamp: T0 * 1000,
            duration: 60_000_000,
            annotations: times.map((t, i) => ({
              timestamp: T(t) * 1000,
              value: i % 2 ? 'message' : 'message|{"message.type":"SENT"}|0',
            })),
            localEndpoint: { serviceName: 'feed' },
          },
        ]),
      ),
    );
    expect(zipkin.spans[0]?.messages).toEqual(expected);
  });
});

async function failure(path: string): Promise<GatherError> {
  try {
    await read(path);
  } catch (error) {
    if (error instanceof GatherError) return error;
    throw error;
  }
  throw new Error('expected a GatherError');
}
