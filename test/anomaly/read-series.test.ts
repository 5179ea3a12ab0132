import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseSeries, readSeriesFile } from '../../src/anomaly/read-series.js';
import { parseTimestamp } from '../../src/anomaly/timestamp.js';
import { InputError } from '../../src/core/problem.js';

const FIXTURES = 'test/fixtures/anomaly';

function problemsOf(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('parseTimestamp', () => {
  it('reads epoch seconds, epoch milliseconds and ISO 8601 (no zone = UTC)', () => {
    expect(parseTimestamp('1709251200')).toEqual({ ms: 1709251200000 });
    expect(parseTimestamp('1709251200.5')).toEqual({ ms: 1709251200500 });
    expect(parseTimestamp('1709251200123')).toEqual({ ms: 1709251200123 });
    expect(parseTimestamp('2024-03-01T00:00:00Z')).toEqual({ ms: Date.UTC(2024, 2, 1) });
    expect(parseTimestamp('2024-03-01 01:30:00')).toEqual({ ms: Date.UTC(2024, 2, 1, 1, 30) });
    expect(parseTimestamp('2024-03-01T02:00:00.250+02:00')).toEqual({
      ms: Date.UTC(2024, 2, 1, 0, 0, 0, 250),
    });
    expect(parseTimestamp('2024-03-01')).toEqual({ ms: Date.UTC(2024, 2, 1) });
  });

  it('refuses what it cannot read without guessing', () => {
    expect(parseTimestamp('2024-02-30T00:00:00Z')).toHaveProperty('error');
    expect(parseTimestamp('yesterday')).toHaveProperty('error');
    expect(parseTimestamp('1709251200000000')).toHaveProperty('error');
  });
});

describe('CSV series', () => {
  it('reads the first numeric column by default and keeps empty cells as missing samples', async () => {
    const series = await readSeriesFile(`${FIXTURES}/cpu-spike.csv`);
    expect(series.name).toBe('cpu_percent');
    expect(series.points).toHaveLength(300);
    expect(series.points[0]?.timestamp).toBe(Date.UTC(2024, 2, 1));
    expect(series.points[120]?.value).toBeNull();
    expect(series.points[200]?.value).toBeGreaterThan(40);
  });

  it('selects a column with --column', async () => {
    const series = await readSeriesFile(`${FIXTURES}/cpu-spike.csv`, { column: 'mem_mb' });
    expect(series.name).toBe('mem_mb');
    expect(series.points[10]?.value).toBe(513);
  });

  it('names the file, line and expectation for every bad row', () => {
    const text = 'timestamp;latency_ms\n1709251200;12.5\n1709251260;abc\n1709251320;13\nyesterday;14\n';
    const error = problemsOf(() => parseSeries(text, 'lat.csv'));
    expect(error.message).toMatch(/lat\.csv cannot be read as a CSV time series: 2 problems/);
    expect(error.problems).toEqual([
      expect.objectContaining({
        file: 'lat.csv',
        line: 3,
        field: 'latency_ms',
        message: expect.stringMatching(/expected a number/),
      }),
      expect.objectContaining({
        file: 'lat.csv',
        line: 5,
        field: 'timestamp',
        message: expect.stringMatching(/ISO 8601/),
      }),
    ]);
  });

  it('requires a time column, a known --column and rows in time order', () => {
    expect(problemsOf(() => parseSeries('when,v\n1,2\n', 'a.csv')).problems[0]?.message).toMatch(
      /time column named time, timestamp, ts, date/,
    );
    expect(
      problemsOf(() => parseSeries('ts,v\n1,2\n', 'a.csv', { column: 'x' })).problems[0]?.message,
    ).toMatch(/expected one of the value columns: v/);
    const order = problemsOf(() => parseSeries('ts,v\n10,1\n10,2\n', 'a.csv'));
    expect(order.problems[0]).toMatchObject({ line: 3, message: expect.stringMatching(/line 2/) });
    expect(problemsOf(() => parseSeries('ts,v\n', 'a.csv')).problems[0]?.message).toMatch(
      /at least one data row/,
    );
  });

  it('reads quoted fields, tabs and CRLF line ends', () => {
    const series = parseSeries('"ts"\t"value"\r\n"60"\t"1.5"\r\n120\tNaN\r\n', 'a.tsv');
    expect(series.points).toEqual([
      { timestamp: 60_000, value: 1.5 },
      { timestamp: 120_000, value: null },
    ]);
  });
});

describe('Prometheus query_range export', () => {
  // The fixtures are real responses of Prometheus 2.42 (/api/v1/query_range and /api/v1/query).
  it('reads the first series by default and another with --series', async () => {
    const first = await readSeriesFile(`${FIXTURES}/prometheus-two-series.json`);
    expect(first.name).toMatch(/^go_goroutines\{instance="localhost:19090",job="self"\}$/);
    expect(first.points.length).toBeGreaterThan(30);
    expect((first.points[0]?.timestamp ?? 1) % 1000).toBe(0);
    const second = await readSeriesFile(`${FIXTURES}/prometheus-two-series.json`, { series: 1 });
    expect(second.name).toMatch(/^process_open_fds/);
  });

  it('keeps NaN samples as missing values', async () => {
    const series = await readSeriesFile(`${FIXTURES}/prometheus-nan.json`);
    expect(series.points.length).toBeGreaterThan(0);
    expect(series.points.every((p) => p.value === null)).toBe(true);
  });

  it('explains error responses, instant queries and a series index out of range', async () => {
    const failure = async (file: string, series?: number) => {
      try {
        await readSeriesFile(`${FIXTURES}/${file}`, series === undefined ? {} : { series });
      } catch (error) {
        if (error instanceof InputError) return error;
        throw error;
      }
      throw new Error(`expected ${file} to be refused`);
    };
    expect((await failure('prometheus-error.json')).problems[0]?.message).toMatch(
      /error response: bad_data: 1:10: parse error/,
    );
    expect((await failure('prometheus-instant.json')).problems[0]).toMatchObject({
      field: 'data.resultType',
      message: expect.stringMatching(/"vector"/),
    });
    expect((await failure('prometheus-two-series.json', 5)).problems[0]?.message).toMatch(
      /from 0 to 1; the series are: 0 go_goroutines/,
    );
  });

  it('names each malformed sample', () => {
    const text = JSON.stringify({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: {},
            values: [
              [1, '2'],
              ['x', '3'],
              [3, 'four'],
            ],
          },
        ],
      },
    });
    const error = problemsOf(() => parseSeries(text, 'q.json'));
    expect(error.problems.map((p) => p.field)).toEqual([
      'data.result[0].values[1]',
      'data.result[0].values[2]',
    ]);
  });

  it('reads gzip and reports unreadable files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-anomaly-'));
    const path = join(dir, 'series.csv.gz');
    writeFileSync(path, gzipSync('time,v\n1,2\n2,3\n'));
    expect((await readSeriesFile(path)).points).toHaveLength(2);
    await expect(readSeriesFile(join(dir, 'missing.csv'))).rejects.toThrow(/no such file/);
  });
});
