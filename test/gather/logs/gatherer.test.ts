import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GatherError } from '../../../src/gather/gatherer.js';
import { LogsAccumulator, MAX_BUCKETS } from '../../../src/gather/logs/accumulate.js';
import { type LogsData, LogsDataSchema } from '../../../src/gather/logs/data.js';
import { logsFileGatherer } from '../../../src/gather/logs/gatherer.js';
import { tempDir } from '../../support/scenarios.js';

const FIXTURES = 'test/fixtures/logs-evidence';
const fixture = (name: string) => join(FIXTURES, name);

async function gather(path: string, options: Parameters<typeof logsFileGatherer>[0] = {}): Promise<LogsData> {
  const data = await logsFileGatherer({ year: 2024, ...options }).gather({ type: 'file', path });
  // Every result is valid bundle data.
  LogsDataSchema.parse(data);
  return data;
}

async function failure(
  path: string,
  options: Parameters<typeof logsFileGatherer>[0] = {},
): Promise<GatherError> {
  try {
    await gather(path, options);
  } catch (error) {
    if (error instanceof GatherError) return error;
    throw error;
  }
  throw new Error(`${path} was read without an error`);
}

const total = (pairs: ReadonlyArray<[number, number]>) => pairs.reduce((sum, [, n]) => sum + n, 0);
const template = (data: LogsData, text: string) => data.templates.find((t) => t.template === text);

describe('logsFileGatherer on text logs', () => {
  it('reads a Spring Boot log: times, levels, templates, and the root cause of a stack trace', async () => {
    const data = await gather(fixture('spring-stack.log'));
    expect(data).toMatchObject({ format: 'text', lines: 11, records: 6, timed: true, bucketMs: 1000 });
    expect(data.start).toBe(Date.UTC(2024, 2, 12, 9, 14, 5, 33));
    expect(data.end).toBe(Date.UTC(2024, 2, 12, 9, 14, 12, 210));
    expect(template(data, 'Order <*> created for customer <*> in <*>')).toMatchObject({
      count: 3,
      level: 'info',
      firstLine: 2,
      buckets: [
        [1, 1],
        [2, 1],
        [7, 1],
      ],
    });
    expect(template(data, 'Failed to save order <*>')).toMatchObject({
      level: 'error',
      firstLine: 4,
      count: 1,
    });
    // The record's failure is only in its trace; its last `Caused by:` line is the cause.
    expect(data.causes).toEqual([
      expect.objectContaining({
        template: 'org.postgresql.util.PSQLException: FATAL: sorry, too many clients already',
        count: 1,
        level: 'error',
        firstLine: 4,
      }),
    ]);
    expect(total(data.levels.error ?? [])).toBe(1);
    expect(total(data.levels.warn ?? [])).toBe(1);
    expect(total(data.levels.info ?? [])).toBe(4);
    expect(data.notes).toContain('times without a time zone were read as UTC');
    expect(data.notes.some((n) => /^bucket width 1 s: .*within 720 buckets/.test(n))).toBe(true);
  });

  it('masks secrets in samples and templates', async () => {
    const data = await gather(fixture('spring-stack.log'));
    const warned = data.templates.find((t) => t.level === 'warn');
    expect(warned?.sample).toContain('password=***');
    expect(JSON.stringify(data)).not.toContain('hunter2');
  });

  it('reads the timestamp formats of common tools, each line by its own', async () => {
    const data = await gather(fixture('formats.log'));
    expect(data.records).toBe(12);
    expect(data.untimed).toBe(0);
    // The first line is 08:22:15 UTC (+01:00); the rest are 09:22:15 UTC in their own notation.
    expect(data.start).toBe(Date.UTC(2024, 2, 12, 8, 22, 15, 530));
    expect(data.end).toBeGreaterThanOrEqual(Date.UTC(2024, 2, 12, 9, 22, 15, 530));
    expect(data.end).toBeLessThan(Date.UTC(2024, 2, 12, 9, 22, 16));
    const lastBucket = Math.floor(
      (Date.UTC(2024, 2, 12, 9, 22, 15) - (data.start as number)) / data.bucketMs,
    );
    const late = data.templates.filter((t) => t.firstLine > 1).flatMap((t) => t.buckets.map(([i]) => i));
    for (const index of late) expect(index).toBeGreaterThanOrEqual(lastBucket - 1);
    expect(
      data.notes.some((n) => n.startsWith('times without a year (syslog, klog) were placed in 2024')),
    ).toBe(true);
    // Levels from each format's own header.
    expect(template(data, 'deadlock detected')?.level).toBe('error');
    expect(template(data, 'WORKER TIMEOUT (pid:<*>)')?.level).toBe('fatal');
    expect(template(data, 'ENOSPC: no space left on device, write')?.level).toBe('error');
  });

  it('places year-less syslog times by the end of the analysis window when one is given', async () => {
    const path = join(tempDir('faultline-syslog-'), 'messages.log');
    writeFileSync(
      path,
      [
        'Dec 31 23:58:01 web-1 kernel: TCP: request_sock_TCP: Possible SYN flooding on port 443. Sending cookies.',
        'Jan  1 00:02:11 web-1 systemd[1]: nginx.service: Main process exited, code=killed, status=9/KILL',
        '',
      ].join('\n'),
    );
    const data = await logsFileGatherer({ lastRecordBefore: Date.UTC(2027, 0, 1, 0, 30) }).gather({
      type: 'file',
      path,
    });
    // December is after the window's month (January): the year before.
    expect(data.start).toBe(Date.UTC(2026, 11, 31, 23, 58, 1));
    expect(data.end).toBeGreaterThanOrEqual(Date.UTC(2027, 0, 1, 0, 2, 11));
    expect(data.notes).toContain(
      'times without a year (syslog, klog) were placed in 2027, the year of the end of the analysis window, and months after its month in the year before',
    );
  });

  it('counts records before the first time and lines without a time, and buckets them with a neighbour', async () => {
    const data = await gather(fixture('late-times.log'));
    expect(data).toMatchObject({
      records: 6,
      timed: true,
      untimed: 3,
      start: Date.UTC(2024, 2, 12, 9, 21, 40),
    });
    // The two leading lines are counted at the first time, the plain line with the record before it.
    expect(template(data, '=== service starting ===')?.buckets).toEqual([[0, 1]]);
    expect(template(data, 'plain line without a time')?.buckets).toEqual([[1, 1]]);
    expect(data.notes.some((n) => n.startsWith('3 record(s) had no readable time'))).toBe(true);
  });

  it('buckets a log without any time by record number and says so', async () => {
    const data = await gather(fixture('untimed.log'));
    expect(data).toMatchObject({ timed: false, records: 6, untimed: 0, bucketMs: 1 });
    expect(data.start).toBeUndefined();
    expect(template(data, 'worker <*> ready')?.buckets).toEqual([
      [1, 1],
      [2, 1],
      [4, 1],
    ]);
    expect(data.notes).toContain(
      'no record has a time this reader knows; buckets count 1 record(s) each instead of time',
    );
  });

  it('reads the same data from a gzipped copy', async () => {
    const dir = tempDir('logs-gz-');
    const path = join(dir, 'spring.log.gz');
    writeFileSync(path, gzipSync(readFileSync(fixture('spring-stack.log'))));
    const plain = await gather(fixture('spring-stack.log'));
    const zipped = await gather(path);
    expect(zipped).toEqual(plain);
  });
});

describe('logsFileGatherer on structured logs', () => {
  it('reads JSON lines: time fields in several notations, levels, error fields as causes, and a broken line', async () => {
    const data = await gather(fixture('go-service.logs.jsonl'));
    expect(data).toMatchObject({ format: 'json-lines', records: 8, timed: true, untimed: 1 });
    expect(data.start).toBeCloseTo(Date.UTC(2024, 2, 12, 9, 21, 40) + 118.213, 3);
    // pino's epoch ms and zap's epoch seconds
    expect(template(data, 'inventory call failed')?.firstSeen).toBe(1710235305000);
    expect(template(data, 'slow request')).toMatchObject({ firstSeen: 1710235306250, level: 'warn' });
    const causes = (data.causes ?? []).map((c) => [c.template, c.count]);
    expect(causes).toEqual([
      ['dial tcp: lookup postgres.orders.svc on <*>: no such host', 2],
      ['Error: getaddrinfo EAI_AGAIN inventory', 1],
    ]);
    expect(data.notes).toContain(
      '1 line(s) start with "{" but are not a JSON object (line 8); they were read as text',
    );
  });

  it('fails a log with a broken JSON line under --strict, naming the line', async () => {
    const error = await failure(fixture('go-service.logs.jsonl'), { strict: true });
    expect(error.code).toBe('parse-error');
    expect(error.message).toMatch(
      /go-service\.logs\.jsonl: 1 line\(s\) start with "\{" but are not a JSON object \(line 8\).*--strict/,
    );
  });

  it('reads logfmt with its time, level and err fields', async () => {
    const data = await gather(fixture('logfmt.log'));
    expect(data).toMatchObject({
      format: 'logfmt',
      records: 4,
      untimed: 0,
      start: Date.UTC(2024, 2, 12, 9, 21, 40),
    });
    expect(template(data, 'cache miss ratio high: <*>')?.level).toBe('warn');
    expect(data.causes?.[0]).toMatchObject({ template: 'dial tcp <*>: connect: no route to host', count: 2 });
  });
});

describe('logsFileGatherer on an exported Loki response', () => {
  it('merges the streams in time order and takes levels from the line, else from the stream label', async () => {
    const data = await gather(fixture('loki-export.json'));
    expect(data).toMatchObject({ format: 'loki', lines: 6, records: 6, timed: true });
    expect(data.start).toBe(1710235301000);
    expect(data.end).toBe(1710235314000);
    expect(template(data, 'request served in <*>')).toMatchObject({ firstLine: 1, count: 2, level: 'info' });
    expect(template(data, 'dial tcp <*>: connect: connection refused')).toMatchObject({
      level: 'error',
      firstSeen: 1710235310000,
      lastSeen: 1710235312500,
    });
    // The line says warn although its stream is labelled info.
    expect(template(data, 'slow request')?.level).toBe('warn');
    expect(data.causes?.[0]?.template).toBe(
      'org.postgresql.util.PSQLException: FATAL: sorry, too many clients already',
    );
  });

  it('refuses a metric query result with advice', async () => {
    const error = await failure(fixture('loki-matrix.json'));
    expect(error.code).toBe('unsupported-format');
    expect(error.message).toMatch(/a Loki matrix result .*ask for log lines with a selector/);
  });

  it('reports Loki error answers and malformed values with their place', async () => {
    const dir = tempDir('logs-loki-');
    const bad = join(dir, 'error.json');
    writeFileSync(
      bad,
      JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error at line 1, col 5' }),
    );
    expect(await failure(bad)).toMatchObject({
      code: 'http-error',
      message: expect.stringContaining('parse error at line 1, col 5'),
    });
    const broken = join(dir, 'broken.json');
    writeFileSync(
      broken,
      JSON.stringify({
        status: 'success',
        data: { resultType: 'streams', result: [{ stream: {}, values: [[1710235300, 'x']] }] },
      }),
    );
    const error = await failure(broken);
    expect(error.code).toBe('parse-error');
    expect(error.message).toContain(
      'data.result[0].values[0][0] is 1710235300, expected epoch nanoseconds as a string of digits',
    );
  });
});

describe('logsFileGatherer on bad input', () => {
  it.each([
    ['a missing file', 'missing.log', 'not-found', /missing\.log: no such file/],
    ['an empty file', 'empty.log', 'parse-error', /empty\.log: the file is empty/],
    ['binary data', 'binary.log', 'unsupported-format', /binary data at byte 0, expected a text log/],
  ])('gives a coded error for %s', async (_what, name, code, message) => {
    const error = await failure(fixture(name));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it('gives a coded error for a folder and for a query source', async () => {
    expect((await failure(FIXTURES)).code).toBe('unreadable');
    await expect(
      logsFileGatherer().gather({ type: 'query', language: 'logql', query: '{app="x"}' }),
    ).rejects.toMatchObject({
      code: 'unsupported-format',
    });
  });

  it('never modifies the file it reads', async () => {
    const path = fixture('spring-stack.log');
    const before = { hash: hash(path), mtime: statSync(path).mtimeMs };
    await gather(path);
    expect({ hash: hash(path), mtime: statSync(path).mtimeMs }).toEqual(before);
  });
});

describe('LogsAccumulator', () => {
  it('widens buckets as a log grows, keeping at most 720 and never under 1 s, and counts every record', () => {
    const accumulator = new LogsAccumulator();
    const start = Date.UTC(2024, 2, 12, 0, 0, 0);
    // 12 hours, one record every 7 s, with an error every 10th.
    let records = 0;
    for (let t = start; t < start + 12 * 3_600_000; t += 7000) {
      records++;
      const error = records % 10 === 0;
      accumulator.add({
        line: records,
        message: error ? `job ${records} failed` : `job ${records} done`,
        level: error ? 'error' : 'info',
        time: t,
      });
    }
    const data = accumulator.finish('text', records);
    expect(data.bucketMs).toBe(60_000);
    const buckets = new Set(data.templates.flatMap((t) => t.buckets.map(([i]) => i)));
    expect(Math.max(...buckets) + 1).toBeLessThanOrEqual(MAX_BUCKETS);
    expect(data.templates.reduce((sum, t) => sum + t.count, 0)).toBe(records);
    expect(total(data.levels.error ?? []) + total(data.levels.info ?? [])).toBe(records);
    expect(data.notes).toContain(
      "bucket width 1 min: the narrowest readable width (at least 1 s) that keeps the log's 12 h within 720 buckets",
    );
  });

  it('counts records the template cap cannot keep as untemplated, and says so', () => {
    const accumulator = new LogsAccumulator({ maxTemplates: 3 });
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
    words.forEach((word, i) => {
      accumulator.add({
        line: i + 1,
        message: `${word} ${word} ${word} happened`,
        level: 'info',
        time: 1710235300000 + i * 1000,
      });
    });
    const data = accumulator.finish('text', words.length);
    const kept = data.templates.reduce((sum, t) => sum + t.count, 0);
    expect(data.templates.length).toBeLessThanOrEqual(3);
    expect(kept + data.untemplated).toBe(words.length);
    expect(data.untemplated).toBeGreaterThan(0);
    expect(data.notes.some((n) => n.startsWith('the template cap (3) was reached'))).toBe(true);
  });

  it('places records that arrive out of order before the first, moving the start back', () => {
    const accumulator = new LogsAccumulator();
    const t0 = Date.UTC(2024, 2, 12, 9, 0, 0);
    accumulator.add({ line: 1, message: 'b happened', level: 'info', time: t0 });
    accumulator.add({ line: 2, message: 'a happened', level: 'info', time: t0 - 3000 });
    const data = accumulator.finish('text', 2);
    expect(data.start).toBe(t0 - 3000);
    expect(data.templates.flatMap((t) => t.buckets)).toEqual([
      [3, 1],
      [0, 1],
    ]);
  });

  it('reads a time months away from its neighbours as no time, so one misread number cannot stretch the buckets', () => {
    const accumulator = new LogsAccumulator();
    const t0 = Date.UTC(2024, 2, 12, 9, 0, 0);
    accumulator.add({ line: 1, message: 'a happened', level: 'info', time: t0 });
    accumulator.add({ line: 2, message: '1234567890 items counted', level: 'info', time: 1234567890 * 1000 });
    accumulator.add({ line: 3, message: 'b happened', level: 'info', time: t0 + 5000 });
    const data = accumulator.finish('text', 3);
    expect(data).toMatchObject({ start: t0, end: t0 + 5000, bucketMs: 1000, untimed: 1 });
    expect(data.notes).toContain(
      '1 record(s) had a time more than 31 days from the record before them and were counted as without a time',
    );
  });

  it('cuts samples to 500 characters after masking', () => {
    const accumulator = new LogsAccumulator();
    accumulator.add({
      line: 1,
      message: `token=${'s'.repeat(40)} ${'x '.repeat(400)}`,
      level: 'info',
      time: 1710235300000,
    });
    const data = accumulator.finish('text', 1);
    const sample = data.templates[0]?.sample ?? '';
    expect(sample.length).toBe(500);
    expect(sample.startsWith('token=***')).toBe(true);
  });
});

function hash(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
