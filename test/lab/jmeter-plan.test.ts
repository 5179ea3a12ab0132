import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { loadTestGatherer } from '../../src/gather/load-test/gatherer.js';
import { JTL_CSV_PROPERTIES, jmeterPath, labPlan, type PlanGroup, runJMeter } from '../../src/lab/jmeter.js';
import { startHttpTarget } from '../support/http-target.js';

/** JMeter's reference to the sequence's id column. */
const ID = '$' + '{id}';

const REQUESTS = [
  { label: 'product', method: 'GET', path: `/api/products/${ID}` },
  { label: 'order', method: 'POST', path: '/api/orders', body: `{"productId":${ID}}` },
] as const;

function elements(xml: string): string[] {
  const names: string[] = [];
  const parser = new SaxesParser();
  parser.on('opentag', (tag) => names.push(tag.name));
  parser.write(xml).close();
  return names;
}

describe('the lab test plan', () => {
  it('is well-formed XML with one sampler per request under a switch fed by the sequence', () => {
    const plan = labPlan({
      port: 8080,
      groups: [{ threads: 4, delayS: 0, durationS: 30, rate: 10 }],
      sequenceCsv: '/tmp/seq.csv',
      requests: REQUESTS,
    });
    const names = elements(plan);
    expect(names.filter((n) => n === 'HTTPSamplerProxy')).toHaveLength(2);
    expect(names).toContain('SwitchController');
    expect(names).toContain('CSVDataSet');
    expect(plan).toContain('<value>600</value>');
    expect(plan).toContain(`{&quot;productId&quot;:${ID}}`);
  });

  it('climbs in steps: one thread group per step, each joining at its start with its own rate', () => {
    const plan = labPlan({
      port: 8080,
      groups: [
        { threads: 5, delayS: 0, durationS: 90, rate: 15 },
        { threads: 5, delayS: 60, durationS: 30, rate: 15 },
      ],
      sequenceCsv: '/tmp/seq.csv',
      requests: REQUESTS,
    });
    const names = elements(plan);
    expect(names.filter((n) => n === 'ThreadGroup')).toHaveLength(2);
    expect(names.filter((n) => n === 'ConstantThroughputTimer')).toHaveLength(2);
    expect(plan).toContain('<stringProp name="ThreadGroup.delay">60</stringProp>');
    expect(plan).toContain('<stringProp name="ThreadGroup.duration">30</stringProp>');
    // Each timer divides its rate over its own group's threads, so the steps add up.
    expect(plan.match(/<intProp name="calcMode">2<\/intProp>/g)).toHaveLength(2);
    expect(plan.match(/<value>900<\/value>/g)).toHaveLength(2);
  });

  /** Runs a plan of these groups in JMeter against a local target; returns the JTL's lines and what the target served. */
  async function runPlan(groups: PlanGroup[]) {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-lab-plan-'));
    const target = await startHttpTarget({ '/api/products/*': {}, '/api/orders': {} });
    try {
      const sequence = join(dir, 'sequence.csv');
      writeFileSync(sequence, 'product,1\norder,2\nproduct,3\n');
      const plan = join(dir, 'plan.jmx');
      writeFileSync(plan, labPlan({ port: target.port, groups, sequenceCsv: sequence, requests: REQUESTS }));
      const out = join(dir, 'results.jtl');
      await runJMeter(dir, plan, out, JTL_CSV_PROPERTIES, 100_000);
      const data = await loadTestGatherer({ strict: true }).gather({ type: 'file', path: out });
      return { lines: readFileSync(out, 'utf8').trim().split('\n'), data, served: target.served };
    } finally {
      await target.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it.skipIf(!jmeterPath())(
    'runs in JMeter and gives results Faultline reads, labelled by request',
    async () => {
      const { lines, data, served } = await runPlan([{ threads: 2, delayS: 0, durationS: 4, rate: 20 }]);
      expect(lines[0]).toMatch(/^timeStamp,elapsed,label,responseCode/);
      expect(data.endpoints.map((e) => e.name).sort()).toEqual(['order', 'product']);
      expect(served.byRoute['/api/orders']).toBeGreaterThan(0);
    },
    120_000,
  );

  it.skipIf(!jmeterPath())(
    'starts a later step when its delay has passed',
    async () => {
      const [header, ...rows] = (
        await runPlan([
          { threads: 2, delayS: 0, durationS: 6, rate: 10 },
          { threads: 2, delayS: 3, durationS: 3, rate: 10 },
        ])
      ).lines;
      const thread = (header ?? '').split(',').indexOf('threadName');
      const firstOf = (group: string) =>
        Math.min(
          ...rows.filter((r) => r.split(',')[thread]?.startsWith(group)).map((r) => Number(r.slice(0, 13))),
        );
      const second = firstOf('users-2');
      expect(Number.isFinite(second)).toBe(true);
      // The second group's threads start 3 s after the first group's.
      expect(second - firstOf('users-1')).toBeGreaterThanOrEqual(2000);
    },
    120_000,
  );
});
