import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatherError } from '../../../src/gather/gatherer.js';
import { loadTestGatherer } from '../../../src/gather/load-test/gatherer.js';
import { jmeterCsvParser } from '../../../src/gather/load-test/jmeter-csv.js';
import type { LoadSample } from '../../../src/gather/load-test/sample.js';
import { parseInChunks } from './jmeter-sink.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/load-test/jmeter');
const REAL_CSV = join(FIXTURES, 'jmeter-2.13.csv');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-jtl-csv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

const gather = (path: string, strict = false) => loadTestGatherer({ strict }).gather({ type: 'file', path });

const HEADER = 'timeStamp,elapsed,label,responseCode,responseMessage,threadName,success,failureMessage,bytes';
const row = (ts: number, elapsed: number, label: string, code = '200', success = true, extra = '') =>
  `${ts},${elapsed},${label},${code},${success ? 'OK' : 'Error'},t 1-1,${success},${extra},100`;

// A deterministic generator of rows with every quoting case JMeter's CSVSaveService produces.
function trickyJtl(rows: number, delimiter: string, newline: string): string {
  const labels = [
    'home',
    'search, with comma',
    'say "hi"',
    'multi\nline label',
    `delim ${delimiter} inside`,
    'ünïcödé',
  ];
  const messages = ['', 'Connection reset', 'expected "a", got "b"', 'line one\r\nline two', 'a,b;c|d\te'];
  const quote = (v: string) =>
    v.includes(delimiter) || v.includes('"') || v.includes('\n') || v.includes('\r')
      ? `"${v.replaceAll('"', '""')}"`
      : v;
  let seed = 7;
  const next = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const lines = [
    [
      'timeStamp',
      'elapsed',
      'label',
      'responseCode',
      'responseMessage',
      'success',
      'failureMessage',
      'bytes',
      'Latency',
      '"myVar"',
    ].join(delimiter),
  ];
  for (let i = 0; i < rows; i++) {
    const failed = next(10) === 0;
    const fields = [
      String(1_700_000_000_000 + i * 37),
      String(next(900)),
      labels[next(labels.length)] as string,
      failed ? '503' : '200',
      failed ? 'Service "Unavailable"' : 'OK',
      String(!failed),
      failed ? (messages[next(messages.length)] as string) : '',
      String(next(5000)),
      next(7) === 0 ? '' : String(next(100)),
      `v${delimiter}${i}`,
    ];
    lines.push(fields.map(quote).join(delimiter));
  }
  return lines.join(newline) + newline;
}

/** The samples a correct reader must produce, from papaparse's reading of the same text. */
function expectedFromPapa(text: string, delimiter: string): Array<Partial<LoadSample>> {
  const parsed = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: true });
  const [header, ...records] = parsed.data;
  const at = (name: string) => (header ?? []).indexOf(name);
  return records.map((r) => {
    const success = r[at('success')] === 'true';
    const latency = r[at('Latency')] ?? '';
    return {
      timestamp: Number(r[at('timeStamp')]),
      elapsed: Number(r[at('elapsed')]),
      label: r[at('label')],
      success,
      status: r[at('responseCode')],
      message: success ? undefined : r[at('failureMessage')] || r[at('responseMessage')],
      receivedBytes: Number(r[at('bytes')]),
      ttfb: latency === '' ? undefined : Number(latency),
    };
  });
}

const comparable = (s: LoadSample): Partial<LoadSample> => ({
  timestamp: s.timestamp,
  elapsed: s.elapsed,
  label: s.label,
  success: s.success,
  status: s.status,
  message: s.message,
  receivedBytes: s.receivedBytes,
  ttfb: s.ttfb,
});

describe('JMeter CSV: real JMeter 2.13 output', () => {
  it('reads every row of the fixture with labels, codes and assertion messages', async () => {
    const data = await gather(REAL_CSV, true);
    expect(data.format).toBe('jmeter-csv');
    const byName = Object.fromEntries(data.endpoints.map((e) => [e.name, e]));
    expect(Object.keys(byName).sort()).toEqual(['flaky, sometimes "500"', 'home', 'slow']);
    const text = await readFile(REAL_CSV, 'utf8');
    const rows = text.trim().split('\n').slice(1);
    // Independent count: rows of the flaky sampler that JMeter wrote with code 500.
    const flaky500 = rows.filter((r) => r.startsWith('1') && r.includes('""500""",500,')).length;
    expect(flaky500).toBeGreaterThan(0);
    expect(byName['flaky, sometimes "500"']?.total).toMatchObject({ count: 12, failures: flaky500 });
    expect(byName.slow?.total).toMatchObject({ count: 12, failures: 12 });
    expect(byName.slow?.failures[0]?.message).toBe('Test failed: text expected to contain /fast/');
    const first500 = rows.findIndex((r) => r.includes(',500,')) + 2;
    expect(byName['flaky, sometimes "500"']?.failures[0]).toMatchObject({
      status: '500',
      firstLine: first500,
    });
  });

  it('maps Latency, Connect, bytes and allThreads', async () => {
    const sink = await parseInChunks(jmeterCsvParser, REAL_CSV, [1 << 20]);
    const [first] = sink.samples;
    const [, line2] = (await readFile(REAL_CSV, 'utf8')).split('\n');
    const f = (line2 ?? '').split(',');
    expect(first).toMatchObject({
      timestamp: Number(f[0]),
      elapsed: Number(f[1]),
      ttfb: Number(f[13]),
      connect: Number(f[15]),
      receivedBytes: Number(f[9]),
      concurrency: Number(f[11]),
      line: 2,
    });
  });

  it('refuses a JTL without a header row and says which property to set', async () => {
    const error = await gather(join(FIXTURES, 'jmeter-2.13-headerless.csv')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatherError);
    expect(error).toMatchObject({ code: 'unsupported-format' });
    expect((error as Error).message).toMatch(
      /jmeter-2\.13-headerless\.csv: JTL CSV without a header row.*print_field_names=true/,
    );
  });
});

describe('JMeter CSV: quoting, delimiters and chunks, against papaparse', () => {
  for (const [delimiter, newline] of [
    [',', '\n'],
    [';', '\r\n'],
    ['\t', '\n'],
    ['|', '\r\n'],
  ] as const) {
    it(`reads ${JSON.stringify(delimiter)} with ${JSON.stringify(newline)} line ends like papaparse`, async () => {
      const text = trickyJtl(3000, delimiter, newline);
      const path = await file(`tricky-${delimiter.charCodeAt(0)}.jtl`, text);
      const expected = expectedFromPapa(text, delimiter);
      expect(expected).toHaveLength(3000);
      // Whole chunks, then odd small ones so rows and quoted newlines straddle chunk boundaries.
      for (const sizes of [[1 << 20], [1, 7, 13, 64, 3], [4096]]) {
        const sink = await parseInChunks(jmeterCsvParser, path, sizes);
        expect(sink.problems).toEqual([]);
        expect(sink.samples.map(comparable)).toEqual(expected);
      }
    });
  }

  it('numbers rows by their first physical line when quoted fields hold newlines', async () => {
    const text = `${HEADER}\n${row(1, 5, '"two\nlines"')}\n${row(2, 5, 'plain')}\n`;
    const sink = await parseInChunks(jmeterCsvParser, await file('lines.jtl', text), [5]);
    expect(sink.samples.map((s) => [s.label, s.line])).toEqual([
      ['two\nlines', 2],
      ['plain', 4],
    ]);
  });
});

describe('JMeter CSV: columns and timestamps', () => {
  it('reads any column order, ignores unknown columns and quoted variable names', async () => {
    const text = [
      'label|"sessionId"|success|elapsed|Mystery|timeStamp|responseCode',
      'checkout|abc|false|120|x|1700000000000|502',
      'checkout|def|true|80|y|1700000000100|200',
    ].join('\n');
    const sink = await parseInChunks(jmeterCsvParser, await file('order.jtl', text), [1 << 20]);
    expect(sink.problems).toEqual([]);
    expect(sink.samples.map(comparable)).toEqual([
      expect.objectContaining({
        label: 'checkout',
        elapsed: 120,
        success: false,
        status: '502',
        timestamp: 1700000000000,
      }),
      expect.objectContaining({ label: 'checkout', elapsed: 80, success: true, status: '200' }),
    ]);
  });

  it('reads formatted timestamps and says they were taken as UTC', async () => {
    const text = [
      'timeStamp,elapsed,label,success',
      '2024/05/01 12:00:00.250,10,a,true',
      '2024-05-01 12:00:01,10,a,true',
      '2024-05-01T12:00:02.5+02:00,10,a,true',
      '01/05/24 12:00:03,10,a,true',
    ].join('\n');
    const sink = await parseInChunks(jmeterCsvParser, await file('dates.jtl', text), [1 << 20]);
    expect(sink.problems).toEqual([]);
    expect(sink.samples.map((s) => new Date(s.timestamp).toISOString())).toEqual([
      '2024-05-01T12:00:00.250Z',
      '2024-05-01T12:00:01.000Z',
      '2024-05-01T10:00:02.500Z',
      '2024-01-05T12:00:03.000Z',
    ]);
    expect(sink.notes.join()).toMatch(/read as UTC/);
  });

  it('expands statistical rows (SampleCount > 1) into their requests', async () => {
    const text = [
      'timeStamp,elapsed,label,success,bytes,SampleCount,ErrorCount',
      '1700000000000,1000,batch,false,4000,10,2',
    ].join('\n');
    const data = await gather(await file('stat.jtl', text));
    const total = data.endpoints[0]?.total;
    expect(total).toMatchObject({ count: 10, failures: 2, receivedBytes: 4000 });
    // Each request gets the row's mean: 1000 ms over 10 requests.
    expect(total?.latency.min).toBe(100);
    expect(data.notes.join()).toMatch(/1 rows stand for several requests/);
  });

  it('does not count sub-result rows written after their parent', async () => {
    const text = [
      'timeStamp,elapsed,label,threadName,success',
      '1700000000000,300,home,t 1-1,true',
      '1700000000000,100,home-0,t 1-1,true',
      '1700000000100,200,home-1,t 1-1,true',
      '1700000001000,50,page-1,t 1-1,true',
    ].join('\n');
    const data = await gather(await file('sub.jtl', text));
    expect(data.endpoints.map((e) => [e.name, e.total.count])).toEqual([
      ['home', 1],
      ['page-1', 1],
    ]);
    expect(data.notes.join()).toMatch(/2 sub-result rows/);
  });
});

describe('JMeter CSV: bad input', () => {
  it('says an empty file is empty', async () => {
    await expect(gather(await file('empty.jtl', ''))).rejects.toMatchObject({
      code: 'parse-error',
      message: expect.stringMatching(/empty\.jtl: the file is empty/),
    });
  });

  it('keeps the rows before a truncated last line and reports that line', async () => {
    const text = `${HEADER}\n${row(1000, 5, 'a')}\n${row(2000, 6, 'a')}\n1700000003000,7,a,2`;
    const data = await gather(await file('truncated.jtl', text));
    expect(data.endpoints[0]?.total.count).toBe(2);
    expect(data.problems).toEqual({
      count: 1,
      first: [{ line: 4, message: expect.stringMatching(/expected 9 fields.*found 4/) }],
    });
  });

  it('reports an unterminated quote at the end of the file', async () => {
    const text = `${HEADER}\n${row(1000, 5, 'a')}\n1700000003000,7,"open label`;
    const sink = await parseInChunks(jmeterCsvParser, await file('openquote.jtl', text), [1 << 20]);
    expect(sink.samples).toHaveLength(1);
    expect(sink.problems).toEqual([{ line: 3, message: expect.stringMatching(/expected a closing quote/) }]);
  });

  it('skips a line over the row bound without blaming a quote it does not have', async () => {
    const text = `${HEADER}\n${row(1000, 5, 'a')}\n${'x'.repeat(5 * 1024 * 1024)}\n${row(2000, 6, 'a')}\n`;
    const sink = await parseInChunks(jmeterCsvParser, await file('long-line.jtl', text), [1 << 20]);
    expect(sink.samples).toHaveLength(2);
    expect(sink.problems).toEqual([
      { line: 3, message: expect.stringMatching(/expected a row of at most 4 MB/) },
    ]);
  });

  it('reports every row written with another delimiter than the header', async () => {
    const rows = [HEADER, ...Array.from({ length: 5 }, (_, i) => row(i, 5, 'a').replaceAll(',', ';'))];
    const path = await file('wrong-delim.jtl', rows.join('\n'));
    await expect(gather(path)).rejects.toMatchObject({
      code: 'parse-error',
      message: expect.stringMatching(/holds no requests \(5 unreadable lines, first at line 2\)/),
    });
  });

  it('counts garbage lines, keeps the first line numbers and reads the rest', async () => {
    const lines = [
      HEADER,
      row(1000, 5, 'a'),
      'garbage',
      row(2000, 6, 'a'),
      'x,y,z,1,2,3,4,5,6',
      'abc,12,a,200,OK,t,true,,1',
      '',
    ];
    const data = await gather(await file('garbage.jtl', lines.join('\n')));
    expect(data.endpoints[0]?.total.count).toBe(2);
    expect(data.problems.count).toBe(3);
    expect(data.problems.first.map((p) => p.line)).toEqual([3, 5, 6]);
    expect(data.problems.first[1]?.message).toMatch(/expected timeStamp as epoch milliseconds/);
    expect(data.problems.first[0]?.message).toMatch(/expected 9 fields separated by ','/);
  });

  it('places unsorted rows by their own timestamps and says so', async () => {
    const lines = [
      HEADER,
      row(1_700_000_005_000, 5, 'a'),
      row(1_700_000_001_000, 6, 'a'),
      row(1_700_000_009_000, 7, 'a'),
    ];
    const data = await gather(await file('unsorted.jtl', lines.join('\n')));
    expect(data.start).toBe(1_700_000_001_000);
    expect(data.endpoints[0]?.buckets.map((b) => b.t)).toEqual([
      1_700_000_001_000, 1_700_000_005_000, 1_700_000_009_000,
    ]);
    expect(data.notes.join()).toMatch(/1 requests were out of time order/);
  });

  it('reads a gzip-compressed JTL like the plain one', async () => {
    const plain = await gather(REAL_CSV);
    const gz = await file('real.jtl.gz', gzipSync(await readFile(REAL_CSV)));
    expect(await gather(gz)).toEqual(plain);
  });

  it('fails in strict mode and lists the unreadable lines', async () => {
    const lines = [
      HEADER,
      row(1000, 5, 'a'),
      row(2000, -1, 'a'),
      row(3000, 5, 'a', '200', true).replace('true', 'maybe'),
    ];
    const path = await file('strict.jtl', lines.join('\n'));
    await expect(gather(path, true)).rejects.toMatchObject({
      code: 'parse-error',
      message: expect.stringMatching(
        /2 unreadable line\(s\) \(--strict\):\n {2}line 3: expected elapsed.*\n {2}line 4: expected success as true or false/,
      ),
    });
    expect((await gather(path)).problems.count).toBe(2);
  });
});
