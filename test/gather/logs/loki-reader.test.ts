import { describe, expect, it } from 'vitest';
import { GatherError, PartialData } from '../../../src/gather/gatherer.js';
import { type LogsData, LogsDataSchema } from '../../../src/gather/logs/data.js';
import { type LokiFetch, PROBLEM_LINE_FILTER, readLoki } from '../../../src/gather/logs/loki-reader.js';
import { type FakeEntry, fakeEntries, lokiAnswer } from './loki-fake.js';

const START = Date.UTC(2024, 2, 12, 14, 0, 0);
const window = { start: START, end: START + 3_600_000 };
const SERVER = 'http://loki.test:3100';

/** The data of a read that was not cut short. */
function whole(read: LogsData | PartialData<LogsData>): LogsData {
  expect(read).not.toBeInstanceOf(PartialData);
  return read as LogsData;
}

function fakeLoki(entries: readonly FakeEntry[], fail?: (request: number) => Error | undefined) {
  const requests: Array<Record<string, string>> = [];
  const fetch: LokiFetch = async (params) => {
    requests.push(params);
    const error = fail?.(requests.length);
    if (error) throw error;
    return lokiAnswer(entries, params);
  };
  return { fetch, requests };
}

const total = (pairs: ReadonlyArray<[number, number]> = []) => pairs.reduce((sum, [, n]) => sum + n, 0);

describe('readLoki', () => {
  it('pages forward through the window and reads every line once', async () => {
    const entries = fakeEntries(2500, START + 1000, 1000);
    const loki = fakeLoki(entries);
    const data = whole(
      await readLoki(loki.fetch, SERVER, { window, query: '{app=~"api|web"}', pageSize: 1000 }),
    );
    LogsDataSchema.parse(data);
    expect(data).toMatchObject({ format: 'loki', lines: 2500, records: 2500, timed: true });
    expect(total(data.levels.error)).toBe(250);
    expect(total(data.levels.info)).toBe(2250);
    expect(loki.requests).toHaveLength(3);
    expect(loki.requests[0]).toEqual({
      query: '{app=~"api|web"}',
      start: String(BigInt(window.start) * 1_000_000n),
      end: String(BigInt(window.end) * 1_000_000n),
      limit: '1000',
      direction: 'forward',
    });
    // The next page starts at the last time read.
    expect(loki.requests[1]?.start).toBe(String(entries[999]?.ns));
    expect(data.notes[0]).toBe(`read 2500 line(s) of {app=~"api|web"} from ${SERVER} in 3 page(s)`);
  });

  it('loses and repeats nothing when a page ends among lines of the same nanosecond', async () => {
    const ns = BigInt(START + 5000) * 1_000_000n;
    const entries: FakeEntry[] = [
      ...fakeEntries(8, START + 1000, 500),
      ...Array.from({ length: 5 }, (_, i) => ({ ns, labels: { app: 'api' }, line: `burst line ${i}` })),
      ...fakeEntries(7, START + 6000, 500),
    ];
    const loki = fakeLoki(entries);
    const data = whole(await readLoki(loki.fetch, SERVER, { window, query: '{app="api"}', pageSize: 10 }));
    expect(data.records).toBe(20);
    expect(data.templates.find((t) => t.template === 'burst line <*>')?.count).toBe(5);
  });

  it('stops at the line limit and says where', async () => {
    const loki = fakeLoki(fakeEntries(3000, START + 1000, 1000));
    const data = whole(
      await readLoki(loki.fetch, SERVER, {
        window,
        query: '{app="web"}',
        pageSize: 1000,
        limit: 1500,
      }),
    );
    expect(data.records).toBe(1500);
    // The second page starts with the last line of the first again, so it asks for one more.
    expect(loki.requests.map((r) => r.limit)).toEqual(['1000', '501']);
    expect(
      data.notes.some((n) => /^the line limit \(1500\) was reached at 2024-03-12T14:25:0\d\.000Z/.test(n)),
    ).toBe(true);
  });

  it('pushes a line filter down only when asked, and says what it means for rates', async () => {
    const loki = fakeLoki(fakeEntries(10, START + 1000, 1000));
    const data = whole(
      await readLoki(loki.fetch, SERVER, {
        window,
        query: '{app="api"}',
        lineFilter: PROBLEM_LINE_FILTER,
      }),
    );
    expect(loki.requests[0]?.query).toBe(`{app="api"} ${PROBLEM_LINE_FILTER}`);
    expect(data.notes.some((n) => n.startsWith('only lines matching'))).toBe(true);
  });

  it("shrinks pages to the server's max_entries_limit_per_query when it refuses a larger one", async () => {
    const entries = fakeEntries(900, START + 1000, 1000);
    const requests: string[] = [];
    const fetch: LokiFetch = async (params) => {
      requests.push(params.limit as string);
      if (Number(params.limit) > 400) {
        throw new GatherError(
          'http-error',
          `${SERVER}/loki/api/v1/query_range: HTTP 400: max entries limit per query exceeded, limit > max_entries_limit_per_query (${params.limit} > 400)`,
        );
      }
      return lokiAnswer(entries, params);
    };
    const data = whole(await readLoki(fetch, SERVER, { window, query: '{app="web"}' }));
    expect(data.records).toBe(900);
    expect(requests).toEqual(['5000', '400', '400', '400']);
    expect(data.notes).toContain('the server allows at most 400 lines per query; pages were made that small');
  });

  it('fails with the coded error when the first request fails', async () => {
    const loki = fakeLoki(
      [],
      () =>
        new GatherError(
          'http-error',
          `${SERVER}: HTTP 400: parse error at line 1, col 7: syntax error: unexpected IDENTIFIER`,
        ),
    );
    await expect(readLoki(loki.fetch, SERVER, { window, query: '{app=api}' })).rejects.toMatchObject({
      code: 'http-error',
      message: expect.stringContaining('parse error at line 1, col 7'),
    });
  });

  it('keeps the lines read before a later page failed, and says the data is partial', async () => {
    const loki = fakeLoki(fakeEntries(2500, START + 1000, 1000), (request) =>
      request === 2 ? new GatherError('timeout', `${SERVER}: no answer within 30 s`) : undefined,
    );
    const read = await readLoki(loki.fetch, SERVER, { window, query: '{app="web"}', pageSize: 1000 });
    expect(read).toBeInstanceOf(PartialData);
    const { data, error } = read as PartialData<LogsData>;
    expect(data.records).toBe(1000);
    expect(error).toEqual({ code: 'partial', message: expect.stringMatching(/^page 2 failed \(timeout: /) });
    expect(data.notes.some((n) => n.startsWith('partial: page 2 failed (timeout: '))).toBe(true);
  });

  it('refuses an empty window and an answer that is not a log result', async () => {
    const loki = fakeLoki([]);
    await expect(
      readLoki(loki.fetch, SERVER, { window: { start: START, end: START }, query: '{a="b"}' }),
    ).rejects.toBeInstanceOf(GatherError);
    const matrix: LokiFetch = async () => ({ status: 'success', data: { resultType: 'matrix', result: [] } });
    await expect(readLoki(matrix, SERVER, { window, query: 'rate({a="b"}[1m])' })).rejects.toMatchObject({
      code: 'unsupported-format',
    });
  });
});
