import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatherError } from '../../../src/gather/gatherer.js';
import { loadTestGatherer } from '../../../src/gather/load-test/gatherer.js';
import { jmeterXmlParser } from '../../../src/gather/load-test/jmeter-xml.js';
import { parseInChunks } from './jmeter-sink.js';

const REAL_XML = join(import.meta.dirname, '../../fixtures/load-test/jmeter/jmeter-2.13.xml');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-jtl-xml-'));
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

const PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n<testResults version="1.2">\n';

describe('JMeter XML: real JMeter 2.13 output', () => {
  it('reads every sample with labels, codes and assertion failure messages', async () => {
    const data = await gather(REAL_XML, true);
    expect(data.format).toBe('jmeter-xml');
    const text = await readFile(REAL_XML, 'utf8');
    const topLevel = text.split('\n').filter((l) => l.startsWith('<httpSample ')).length;
    const byName = Object.fromEntries(data.endpoints.map((e) => [e.name, e]));
    expect(Object.keys(byName).sort()).toEqual(['flaky, sometimes "500"', 'home', 'slow']);
    expect(data.endpoints.reduce((n, e) => n + e.total.count, 0)).toBe(topLevel);
    const flaky500 = (text.match(/lb="flaky, sometimes &quot;500&quot;" rc="500"/g) ?? []).length;
    expect(flaky500).toBeGreaterThan(0);
    expect(byName['flaky, sometimes "500"']?.total).toMatchObject({
      failures: flaky500,
      statuses: { '500': flaky500 },
    });
    expect(byName.slow?.failures[0]).toMatchObject({
      kind: 'assertion',
      message: 'Test failed: text expected to contain /fast/',
    });
  });

  it('reads the same samples whatever the chunk boundaries', async () => {
    const whole = await parseInChunks(jmeterXmlParser, REAL_XML, [1 << 20]);
    const small = await parseInChunks(jmeterXmlParser, REAL_XML, [3, 17, 64]);
    expect(small.samples).toEqual(whole.samples);
    expect(whole.samples[0]).toMatchObject({
      line: 3,
      ttfb: expect.any(Number),
      connect: expect.any(Number),
    });
  });

  it('reads gzip like plain', async () => {
    const gz = await file('real.jtl.gz', gzipSync(await readFile(REAL_XML)));
    expect(await gather(gz)).toEqual(await gather(REAL_XML));
  });
});

describe('JMeter XML: structure', () => {
  it('counts a sample with redirects or embedded resources once, and notes the sub-samples', async () => {
    const text = `${PROLOG}<httpSample t="300" lt="20" ts="1700000000000" s="true" lb="page" rc="200" rm="OK" by="900" na="2">
  <httpSample t="100" lt="10" ts="1700000000000" s="true" lb="page-0" rc="302" rm="Found" by="100"/>
  <httpSample t="200" lt="10" ts="1700000000100" s="true" lb="page-1" rc="200" rm="OK" by="800"/>
</httpSample>
<sample t="40" ts="1700000000500" s="false" lb="tx" rc="500" rm="Number of samples in transaction : 1, number of failing samples : 1">
  <httpSample t="40" ts="1700000000500" s="false" lb="api" rc="500" rm="Internal Server Error"/>
</sample>
</testResults>
`;
    const data = await gather(await file('sub.jtl', text), true);
    expect(data.endpoints.map((e) => [e.name, e.total.count, e.total.failures])).toEqual([
      ['page', 1, 0],
      ['tx', 1, 1],
    ]);
    expect(data.endpoints[0]?.total).toMatchObject({ receivedBytes: 900, concurrency: 2 });
    expect(data.notes.join()).toMatch(/3 nested sub-samples/);
  });

  it('takes the message of the first failed assertion, else the response message', async () => {
    const text = `${PROLOG}<httpSample t="5" ts="1700000000000" s="false" lb="a" rc="200" rm="OK">
  <assertionResult><name>ok one</name><failure>false</failure><error>false</error></assertionResult>
  <assertionResult><name>size</name><failure>true</failure><error>false</error><failureMessage>size was 3 &amp; not 4</failureMessage></assertionResult>
</httpSample>
<httpSample t="5" ts="1700000000001" s="false" lb="a" rc="Non HTTP response code: java.net.SocketTimeoutException" rm="Non HTTP response message: Read timed out"/>
</testResults>`;
    const sink = await parseInChunks(jmeterXmlParser, await file('assert.jtl', text), [1 << 20]);
    expect(sink.samples.map((s) => s.message)).toEqual([
      'size was 3 & not 4',
      'Non HTTP response message: Read timed out',
    ]);
    expect(sink.problems).toEqual([]);
  });

  it('reports a sample without ts or t by its line and reads the others', async () => {
    const text = `${PROLOG}<httpSample t="5" ts="1700000000000" s="true" lb="a" rc="200"/>\n<httpSample t="x" s="true" lb="a"/>\n</testResults>`;
    const sink = await parseInChunks(jmeterXmlParser, await file('attrs.jtl', text), [1 << 20]);
    expect(sink.samples).toHaveLength(1);
    expect(sink.problems).toEqual([
      { line: 4, message: expect.stringMatching(/expected whole-number attributes ts .* and t/) },
    ]);
  });
});

describe('JMeter XML: bad input', () => {
  const samples = Array.from(
    { length: 4 },
    (_, i) => `<httpSample t="${10 + i}" ts="${1700000000000 + i}" s="true" lb="a" rc="200" rm="OK"/>`,
  );

  it('keeps what a truncated file holds and reports the end', async () => {
    const text = `${PROLOG}${samples.join('\n')}\n<httpSample t="9" ts="17000000`;
    const data = await gather(await file('truncated.jtl', text));
    expect(data.endpoints[0]?.total.count).toBe(4);
    expect(data.problems.count).toBe(1);
    expect(data.problems.first[0]).toMatchObject({ line: 7, message: expect.stringMatching(/^expected/) });
  });

  it('keeps a last sample whose start tag is whole when the file ends inside it', async () => {
    const text = `${PROLOG}${samples.join('\n')}\n<httpSample t="9" ts="1700000000009" s="false" lb="a" rc="500">\n  <assertionRes`;
    const data = await gather(await file('truncated-inside.jtl', text));
    expect(data.endpoints[0]?.total).toMatchObject({ count: 5, failures: 1 });
    expect(data.problems.first[0]?.message).toMatch(/truncated/);
  });

  it('reports malformed XML with its line and stops there', async () => {
    const text = `${PROLOG}${samples.slice(0, 2).join('\n')}\n<httpSample t="1" ts="1700000000009" lb="a" s="true"></sample>\n${samples[2]}\n</testResults>`;
    const data = await gather(await file('malformed.jtl', text));
    // The two samples before, and the one whose start tag was whole; nothing after the error.
    expect(data.endpoints[0]?.total.count).toBe(3);
    expect(data.problems.first).toEqual([
      { line: 5, message: expect.stringMatching(/^expected well-formed XML/) },
    ]);
    await expect(gather(await file('malformed-strict.jtl', text), true)).rejects.toMatchObject({
      message: expect.stringMatching(/line 5: expected well-formed XML/),
    });
  });

  it('fails with the line when nothing is readable', async () => {
    const error = await gather(await file('broken.jtl', `${PROLOG}<httpSample t="1" ts="2" lb=a/>`)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GatherError);
    expect(error).toMatchObject({
      code: 'parse-error',
      message: expect.stringMatching(/broken\.jtl: line 3: expected well-formed JMeter XML/),
    });
  });
});
