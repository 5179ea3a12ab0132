import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoadTestAccumulator, OTHER_STATUSES } from '../../../src/gather/load-test/accumulate.js';
import { loadTestGatherer } from '../../../src/gather/load-test/gatherer.js';
import { forEachLine, MAX_LINE_CHARS } from '../../../src/gather/load-test/input.js';

// Bad inputs every parser shares: how a file is opened and split into lines, and what the
// accumulator keeps whatever the file holds.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-input-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const gather = (path: string) => loadTestGatherer().gather({ type: 'file', path });

async function* chunksOf(...parts: string[]): AsyncIterable<Buffer> {
  for (const part of parts) yield Buffer.from(part);
}

async function lines(...parts: string[]): Promise<{ lines: Array<[number, string]>; tooLong: number[] }> {
  const out: Array<[number, string]> = [];
  const tooLong: number[] = [];
  await forEachLine(
    chunksOf(...parts),
    (line, n) => out.push([n, line]),
    (n) => tooLong.push(n),
  );
  return { lines: out, tooLong };
}

const K6_POINT =
  '{"metric":"http_req_duration","type":"Point","data":{"time":"2024-01-01T00:00:00Z","value":12,"tags":{"url":"http://x/a","method":"GET","status":"200","expected_response":"true"}}}';

describe('forEachLine', () => {
  it('splits LF and CRLF lines across chunk boundaries, CR split from its LF too', async () => {
    const result = await lines('a\r', '\nb\nc', 'd\r\n', 'e');
    expect(result.lines).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'cd'],
      [4, 'e'],
    ]);
  });

  it('drops a byte order mark at the start of the file only', async () => {
    const result = await lines('\uFEFFa\n\uFEFFb');
    expect(result.lines).toEqual([
      [1, 'a'],
      [2, '\uFEFFb'],
    ]);
  });

  it('skips a line longer than MAX_LINE_CHARS, reports its number and goes on', async () => {
    const piece = 'x'.repeat(1024 * 1024);
    const long = Array.from({ length: MAX_LINE_CHARS / piece.length + 1 }, () => piece);
    const result = await lines('a\n', ...long, 'tail\nb\n', ...long);
    expect(result.lines).toEqual([
      [1, 'a'],
      [3, 'b'],
    ]);
    expect(result.tooLong).toEqual([2, 4]);
  });
});

describe('opening bad inputs', () => {
  it('names the path of a directory given as a file', async () => {
    const path = join(dir, 'results.jtl');
    await mkdir(path);
    await expect(gather(path)).rejects.toThrow(`${path}: a directory, not a file`);
  });

  it('tells a corrupt gzip from an empty file', async () => {
    const path = join(dir, 'corrupt.jtl.gz');
    await writeFile(path, Buffer.from([0x1f, 0x8b, 0x58, 0x58, 0x58, 0x58, 0x58, 0x58, 0x58, 0x58, 0x58]));
    await expect(gather(path)).rejects.toThrow(`${path}: starts like gzip but cannot be decompressed`);
  });

  it('reports a truncated gzip as truncated', async () => {
    const path = join(dir, 'truncated.jtl.gz');
    const jtl = `timeStamp,elapsed,label\n${'1700000000000,12,home\n'.repeat(2000)}`;
    const gz = gzipSync(jtl);
    await writeFile(path, gz.subarray(0, gz.length - 20));
    await expect(gather(path)).rejects.toThrow(`${path}: the gzip data is truncated or corrupt`);
  });

  it('refuses UTF-16 text with advice instead of "unknown format"', async () => {
    const path = join(dir, 'k6-utf16.json');
    await writeFile(
      path,
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${K6_POINT}\n`, 'utf16le')]),
    );
    await expect(gather(path)).rejects.toThrow(`${path}: the text is UTF-16`);
  });

  it('reads a k6 line file that starts with a byte order mark, first line included', async () => {
    const path = join(dir, 'bom.k6.json');
    await writeFile(path, `\uFEFF${K6_POINT}\r\n${K6_POINT}\r\n`);
    const data = await gather(path);
    expect(data.problems.count).toBe(0);
    expect(data.endpoints[0]?.total.count).toBe(2);
  });

  it('recognizes a Gatling log that starts with a byte order mark', async () => {
    const path = join(dir, 'simulation.log');
    await writeFile(
      path,
      '\uFEFFRUN\tsim\tid\t1700000000000\t \t3.9.5\nREQUEST\t\tx\t1700000000000\t1700000000010\tOK\t \n',
    );
    const data = await gather(path);
    expect(data.format).toBe('gatling-log');
    expect(data.endpoints[0]?.total.count).toBe(1);
  });
});

describe('accumulator memory', () => {
  it('pools response codes past a bound instead of growing with the file', () => {
    const acc = new LoadTestAccumulator('jmeter-csv');
    for (let i = 0; i < 1000; i++) {
      acc.sample({
        timestamp: 1_700_000_000_000,
        elapsed: 5,
        label: 'a',
        success: true,
        status: `x${i}`,
        line: i + 1,
      });
    }
    const total = acc.finish().endpoints[0]?.total;
    const statuses = Object.keys(total?.statuses ?? {});
    expect(statuses.length).toBeLessThanOrEqual(51);
    expect(statuses).toContain(OTHER_STATUSES);
    expect(Object.values(total?.statuses ?? {}).reduce((a, b) => a + b, 0)).toBe(1000);
  });
});
