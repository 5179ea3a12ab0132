import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyBundle } from '../../../src/bundle/bundle.js';
import { loadCatalog } from '../../../src/catalog/loader.js';
import { diagnose } from '../../../src/diagnosis/diagnose.js';
import type { DiagnosisResult } from '../../../src/diagnosis/result.js';
import { gatherInto } from '../../../src/gather/gatherer.js';
import { logsFileGatherer } from '../../../src/gather/logs/gatherer.js';
import { computeSignals } from '../../../src/signals/compute.js';
import { compileSignature } from '../../../src/signatures/declarative.js';
import type { Signature } from '../../../src/signatures/signature.js';

// The log fixtures of the catalog through gatherer, signals, signatures and diagnosis: every
// positive fixture made only of logs matches its scenario and ranks it first, every negative one
// leaves it unmatched, and the healthy logs raise nothing.

const catalog = loadCatalog();
const signatures = catalog.scenarios
  .map((s) => compileSignature(s))
  .filter((s): s is Signature => s !== undefined);
const isLog = (name: string) => /\.log(?:\.gz)?$|\.logs\./.test(name);

function filesOf(path: string): string[] {
  return statSync(path).isDirectory()
    ? readdirSync(path)
        .sort()
        .map((name) => join(path, name))
    : [path];
}

async function diagnoseLogs(files: readonly string[]): Promise<DiagnosisResult> {
  const bundle = emptyBundle(new Date(0).toISOString());
  await gatherInto(
    bundle,
    files.map((path) => ({ gatherer: logsFileGatherer(), source: { type: 'file' as const, path } })),
  );
  expect(
    bundle.evidence.logs?.every((s) => s.status === 'loaded'),
    JSON.stringify(bundle.evidence.logs?.filter((s) => s.status === 'failed')),
  ).toBe(true);
  const { signals, errors } = computeSignals(bundle, { apdexThresholdMs: 500 });
  expect(errors).toEqual([]);
  return diagnose({
    scenarios: catalog.scenarios,
    signatures,
    bundle,
    signals,
    generatedAt: new Date(0).toISOString(),
    version: 'test',
  });
}

const logFixtures = catalog.scenarios.flatMap((scenario) =>
  scenario.fixtures
    .map((fixture) => ({ scenario, fixture, files: filesOf(join(scenario.dir, fixture.path)) }))
    .filter(({ files }) => files.every((f) => isLog(basename(f)))),
);

describe('log fixtures of the catalog', () => {
  it('has log fixtures, positive and negative', () => {
    expect(logFixtures.filter((f) => f.fixture.expect === 'positive').length).toBeGreaterThanOrEqual(17);
    expect(logFixtures.filter((f) => f.fixture.expect === 'negative').length).toBeGreaterThanOrEqual(17);
  });

  for (const { scenario, fixture, files } of logFixtures) {
    it(`${fixture.expect === 'positive' ? 'matches' : 'does not match'} ${scenario.id} on ${fixture.path}`, async () => {
      const result = await diagnoseLogs(files);
      const finding = result.findings.find((f) => f.scenarioId === scenario.id);
      const matched = result.findings.filter((f) => f.status === 'matched').map((f) => f.scenarioId);
      if (fixture.expect === 'positive') {
        expect(finding?.status, `matched: ${matched.join(', ')}`).toBe('matched');
        expect(finding?.rank, `matched: ${matched.join(', ')}`).toBe(1);
        expect(finding?.evidence.length).toBeGreaterThan(0);
        // The onset is part-way through the log, where the failure began (syslog times carry no
        // year; it is inferred from the file's modification time).
        expect(finding?.onset).toMatch(/^\d{4}-03-12T14:(?:0[5-9]|1\d)/);
      } else {
        expect(finding?.status, `matched: ${matched.join(', ')}`).toBe('not-matched');
      }
    });
  }

  for (const name of readdirSync('catalog/healthy').filter(isLog)) {
    it(`raises nothing on the healthy log ${name}`, async () => {
      const result = await diagnoseLogs([join('catalog/healthy', name)]);
      expect(result.findings.filter((f) => f.status === 'matched').map((f) => f.scenarioId)).toEqual([]);
    });
  }
});
