import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadTestData } from '../../../src/gather/load-test/data.js';
import { loadTestGatherer } from '../../../src/gather/load-test/gatherer.js';
import {
  jmeterPath as findJMeter,
  JTL_CSV_PROPERTIES,
  runJMeter as runLabJMeter,
} from '../../../src/lab/jmeter.js';
import { type HttpTarget, startHttpTarget } from '../../support/http-target.js';

// Runs the real JMeter against a local server and reads its result files: the parsers are judged
// against what the server actually served. With FAULTLINE_UPDATE_FIXTURES=1 the result files are also
// copied to test/fixtures/load-test/jmeter/ for the tests that run without JMeter.

const FIXTURES = join(import.meta.dirname, '../../fixtures/load-test/jmeter');
const jmeterPath = findJMeter() ?? '';

const THREADS = 3;
const LOOPS = 4;
const LABELS = { home: 'home', flaky: 'flaky, sometimes "500"', slow: 'slow' } as const;

/** JMeter with the lab's launcher, bounded by the test's own time. */
function runJMeter(
  dir: string,
  plan: string,
  out: string,
  properties: Record<string, string>,
): Promise<void> {
  return runLabJMeter(dir, plan, out, properties, 110_000);
}

function sampler(name: string, port: number, path: string, children = ''): string {
  const escaped = name.replaceAll('&', '&amp;').replaceAll('"', '&quot;');
  return `
        <HTTPSamplerProxy guiclass="HttpTestSampleGui" testclass="HTTPSamplerProxy" testname="${escaped}" enabled="true">
          <elementProp name="HTTPsampler.Arguments" elementType="Arguments"><collectionProp name="Arguments.arguments"/></elementProp>
          <stringProp name="HTTPSampler.domain">127.0.0.1</stringProp>
          <stringProp name="HTTPSampler.port">${port}</stringProp>
          <stringProp name="HTTPSampler.protocol">http</stringProp>
          <stringProp name="HTTPSampler.path">${path}</stringProp>
          <stringProp name="HTTPSampler.method">GET</stringProp>
          <boolProp name="HTTPSampler.use_keepalive">true</boolProp>
        </HTTPSamplerProxy>
        <hashTree>${children}</hashTree>`;
}

/** A plan that ends by itself: THREADS threads, LOOPS iterations of three requests each. */
function testPlan(port: number): string {
  const assertion = `
          <ResponseAssertion guiclass="AssertionGui" testclass="ResponseAssertion" testname="body says fast" enabled="true">
            <collectionProp name="Asserion.test_strings"><stringProp name="1">fast</stringProp></collectionProp>
            <stringProp name="Assertion.test_field">Assertion.response_data</stringProp>
            <boolProp name="Assertion.assume_success">false</boolProp>
            <intProp name="Assertion.test_type">2</intProp>
          </ResponseAssertion>
          <hashTree/>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<jmeterTestPlan version="1.2" properties="2.8" jmeter="2.13">
  <hashTree>
    <TestPlan guiclass="TestPlanGui" testclass="TestPlan" testname="faultline" enabled="true">
      <elementProp name="TestPlan.user_defined_variables" elementType="Arguments"><collectionProp name="Arguments.arguments"/></elementProp>
      <boolProp name="TestPlan.functional_mode">false</boolProp>
      <boolProp name="TestPlan.serialize_threadgroups">false</boolProp>
    </TestPlan>
    <hashTree>
      <ThreadGroup guiclass="ThreadGroupGui" testclass="ThreadGroup" testname="users" enabled="true">
        <stringProp name="ThreadGroup.on_sample_error">continue</stringProp>
        <elementProp name="ThreadGroup.main_controller" elementType="LoopController" guiclass="LoopControlPanel" testclass="LoopController" enabled="true">
          <boolProp name="LoopController.continue_forever">false</boolProp>
          <stringProp name="LoopController.loops">${LOOPS}</stringProp>
        </elementProp>
        <stringProp name="ThreadGroup.num_threads">${THREADS}</stringProp>
        <stringProp name="ThreadGroup.ramp_time">0</stringProp>
        <boolProp name="ThreadGroup.scheduler">false</boolProp>
      </ThreadGroup>
      <hashTree>${sampler(LABELS.home, port, '/')}${sampler(LABELS.flaky, port, '/flaky')}${sampler(LABELS.slow, port, '/slow', assertion)}
      </hashTree>
    </hashTree>
  </hashTree>
</jmeterTestPlan>
`;
}

const CSV_PROPERTIES = JTL_CSV_PROPERTIES;
const XML_PROPERTIES = {
  'jmeter.save.saveservice.output_format': 'xml',
  'jmeter.save.saveservice.assertion_results': 'all',
  'jmeter.save.saveservice.connect_time': 'true',
};

describe.skipIf(!jmeterPath)('real JMeter runs (skipped: jmeter is not on PATH)', () => {
  let dir: string;
  let target: HttpTarget;
  let served: { home: number; flaky: number; flaky500: number; slow: number };
  let csv: string;
  let xml: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'faultline-jmeter-'));
    const runs: Record<string, Record<string, string>> = {
      'out.csv': CSV_PROPERTIES,
      'out.xml': XML_PROPERTIES,
    };
    const counts: Array<typeof served> = [];
    for (const [file, properties] of Object.entries(runs)) {
      // A fresh server per run, so each result file is compared with what that run was served.
      target = await startHttpTarget({
        '/': { body: 'home' },
        '/flaky': { errorRatio: 1 / 3, errorStatus: 500, body: 'flaky' },
        '/slow': { latencyMs: 30, body: 'slow' },
      });
      try {
        const plan = join(dir, 'plan.jmx');
        await writeFile(plan, testPlan(target.port));
        await runJMeter(dir, plan, join(dir, file), properties);
      } finally {
        await target.close();
      }
      const s = target.served;
      counts.push({
        home: s.byRoute['/'] ?? 0,
        flaky: s.byRoute['/flaky'] ?? 0,
        flaky500: Math.round((s.byRoute['/flaky'] ?? 0) / 3),
        slow: s.byRoute['/slow'] ?? 0,
      });
    }
    served = counts[0] as typeof served;
    expect(counts[1]).toEqual(served);
    csv = join(dir, 'out.csv');
    xml = join(dir, 'out.xml');
    if (process.env.FAULTLINE_UPDATE_FIXTURES === '1') {
      await copyFile(csv, join(FIXTURES, 'jmeter-2.13.csv'));
      await copyFile(xml, join(FIXTURES, 'jmeter-2.13.xml'));
      const [, ...rows] = (await readFile(csv, 'utf8')).split('\n');
      await writeFile(join(FIXTURES, 'jmeter-2.13-headerless.csv'), rows.join('\n'));
    }
  }, 240_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function expectMatchesServer(data: LoadTestData): void {
    const byName = new Map(data.endpoints.map((e) => [e.name, e]));
    expect([...byName.keys()].sort()).toEqual(Object.values(LABELS).sort());
    // Every request the plan made reached the server once: THREADS x LOOPS per sampler.
    expect(served).toMatchObject({ home: THREADS * LOOPS, flaky: THREADS * LOOPS, slow: THREADS * LOOPS });
    expect(byName.get(LABELS.home)?.total).toMatchObject({ count: served.home, failures: 0 });
    const flaky = byName.get(LABELS.flaky)?.total;
    expect(flaky).toMatchObject({ count: served.flaky, failures: served.flaky500 });
    expect(flaky?.statuses['500']).toBe(served.flaky500);
    expect(flaky?.failureKinds).toEqual({ server: served.flaky500 });
    // The body never says "fast", so the assertion fails every slow request with its message.
    const slow = byName.get(LABELS.slow);
    expect(slow?.total).toMatchObject({ count: served.slow, failures: served.slow });
    expect(slow?.failures[0]?.message).toBe('Test failed: text expected to contain /fast/');
    expect(slow?.total.latency.min).toBeGreaterThanOrEqual(30);
    expect(data.problems.count).toBe(0);
  }

  it('reads the CSV JTL JMeter wrote', async () => {
    const data = await loadTestGatherer({ strict: true }).gather({ type: 'file', path: csv });
    expect(data.format).toBe('jmeter-csv');
    expectMatchesServer(data);
  });

  it('reads the XML JTL JMeter wrote', async () => {
    const data = await loadTestGatherer({ strict: true }).gather({ type: 'file', path: xml });
    expect(data.format).toBe('jmeter-xml');
    expectMatchesServer(data);
  });
});
