import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourcePointer } from '../../../src/core/source-pointer.js';
import { GatherError, PartialData } from '../../../src/gather/gatherer.js';
import { type LogsData, LogsDataSchema, lokiGatherer } from '../../../src/gather/logs/index.js';
import { type FakeEntry, fakeEntries, lokiAnswer } from './loki-fake.js';

// The Loki gatherer against a local HTTP server that answers like Loki: query_range JSON for log
// queries, Loki's plain-text 400 for a bad query or a limit above max_entries_limit_per_query, a
// warning for partial results, and a server error in the middle of paging.

const START = Date.UTC(2024, 2, 12, 14, 0, 0);
const window = { start: START, end: START + 3_600_000 };
const TOKEN = 'loki-secret-token-4b1d';
const MAX_ENTRIES = 1000;

interface Behaviour {
  entries: FakeEntry[];
  /** Answer this request (1-based) with a 500. */
  failRequest?: number;
  warning?: string;
}

let behaviour: Behaviour = { entries: [] };
const seen: URLSearchParams[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const parsed = new URL(req.url ?? '/', 'http://localhost');
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' }).end('no org id\n');
      return;
    }
    if (parsed.pathname !== '/loki/api/v1/query_range') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
      return;
    }
    seen.push(parsed.searchParams);
    const query = parsed.searchParams.get('query') ?? '';
    const limit = Number(parsed.searchParams.get('limit'));
    const text = (status: number, body: string) =>
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${body}\n`);
    if (!/^\{[a-z_]+=~?"[^"]*"\}/.test(query)) {
      text(400, 'parse error at line 1, col 6: syntax error: unexpected IDENTIFIER, expecting STRING');
      return;
    }
    if (limit > MAX_ENTRIES) {
      text(
        400,
        `max entries limit per query exceeded, limit > max_entries_limit_per_query (${limit} > ${MAX_ENTRIES})`,
      );
      return;
    }
    if (behaviour.failRequest === seen.length) {
      text(500, 'rpc error: code = Unavailable desc = connection error');
      return;
    }
    const answer = lokiAnswer(behaviour.entries, parsed.searchParams) as Record<string, unknown>;
    if (behaviour.warning) answer.warnings = [behaviour.warning];
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function serve(next: Behaviour): void {
  behaviour = next;
  seen.length = 0;
}

const source = (query: string): SourcePointer => ({ type: 'query', language: 'logql', query, server: url });

describe('lokiGatherer against a server answering like Loki', () => {
  it('reads every line of the window in pages the server accepts', async () => {
    serve({ entries: fakeEntries(2400, START + 1000, 1000) });
    const gatherer = lokiGatherer({ url, bearerToken: TOKEN }, { window, query: '{app=~"api|web"}' });
    const data = await gatherer.gather(source('{app=~"api|web"}'));
    if (data instanceof PartialData) throw new Error(`unexpectedly partial: ${data.error.message}`);
    LogsDataSchema.parse(data);
    expect(data).toMatchObject({ format: 'loki', records: 2400, timed: true });
    expect(data.templates.find((t) => t.template.startsWith('dial tcp'))).toMatchObject({
      count: 240,
      level: 'error',
    });
    // The first request asked for Loki's default page; the server's 400 lowered it to its maximum.
    expect(seen.map((p) => p.get('limit'))).toEqual(['5000', '1000', '1000', '1000']);
    expect(seen.every((p) => p.get('direction') === 'forward')).toBe(true);
    expect(data.notes).toContain(
      `the server allows at most ${MAX_ENTRIES} lines per query; pages were made that small`,
    );
    expect(JSON.stringify(data)).not.toContain(TOKEN);
  });

  it("reports Loki's 400 for a bad query as a coded error with Loki's message", async () => {
    serve({ entries: [] });
    const gatherer = lokiGatherer({ url, bearerToken: TOKEN }, { window, query: '{app=api}' });
    const error = await gatherer.gather(source('{app=api}')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GatherError);
    expect((error as GatherError).code).toBe('http-error');
    expect((error as GatherError).message).toContain('parse error at line 1, col 6');
    expect((error as GatherError).message).not.toContain(TOKEN);
  });

  it('refuses wrong credentials with a coded error and without printing them', async () => {
    serve({ entries: fakeEntries(10, START + 1000, 1000) });
    const gatherer = lokiGatherer(
      { url, bearerToken: 'wrong-token-value' },
      { window, query: '{app="web"}' },
    );
    const error = (await gatherer.gather(source('{app="web"}')).catch((e: unknown) => e)) as GatherError;
    expect(error).toBeInstanceOf(GatherError);
    expect(error.code).toBe('auth-failed');
    expect(error.message).not.toContain('wrong-token-value');
  });

  it("keeps what was read when a later page fails, and carries Loki's warnings", async () => {
    serve({
      entries: fakeEntries(2400, START + 1000, 1000),
      failRequest: 2,
      warning: 'query was limited by max_query_series',
    });
    // No retries: the client would otherwise ask again and get the page.
    const gatherer = lokiGatherer(
      { url, bearerToken: TOKEN, retries: 0 },
      { window, query: '{app=~"api|web"}', pageSize: 1000 },
    );
    const read = await gatherer.gather(source('{app=~"api|web"}'));
    expect(read).toBeInstanceOf(PartialData);
    const { data, error } = read as PartialData<LogsData>;
    expect(error.code).toBe('partial');
    expect(data.records).toBe(1000);
    expect(data.notes).toContain('Loki warning: query was limited by max_query_series');
    expect(data.notes.some((n) => n.startsWith('partial: page 2 failed (http-error: '))).toBe(true);
  });
});
