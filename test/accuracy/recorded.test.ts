import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confusion } from '../../src/accuracy/measure.js';
import { findRecordedRuns, measureRecorded } from '../../src/accuracy/recorded.js';
import { loadCatalog } from '../../src/catalog/loader.js';
import { packageRoot } from '../../src/core/package-root.js';
import { analyzeEvidence, serializeBundle } from '../../src/pipeline/analyze.js';
import { inputsOfPath } from '../../src/pipeline/evidence.js';

const catalog = loadCatalog();
const fixture = (scenario: string, name: string) => join(catalog.get(scenario)?.dir ?? '', 'fixtures', name);
let root: string;

/** Records a run folder the way the lab does: the bundle gathered from `file`, labelled `scenario`. */
async function record(dir: string, scenario: string, file: string): Promise<void> {
  const { bundle } = await analyzeEvidence(inputsOfPath(file), { catalog, now: () => new Date(0) });
  mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, dir, 'manifest.json'), JSON.stringify({ scenario }));
  writeFileSync(join(root, dir, 'bundle.json.gz'), gzipSync(serializeBundle(bundle)));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'faultline-recorded-'));
  await record('memory-leak/seed-1', 'memory-leak', fixture('memory-leak', 'positive-growth.jtl.gz'));
  // Labelled with the wrong scenario on purpose: a miss the table and the confusion list must show.
  await record('slow-query/seed-1', 'slow-query', fixture('memory-leak', 'positive-growth.jtl.gz'));
  await record('healthy/seed-1', 'healthy', join(packageRoot(), 'catalog', 'healthy', 'healthy-busy.jtl.gz'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('accuracy on recorded runs', () => {
  it('finds the run folders by their manifest, at any depth', () => {
    expect(findRecordedRuns(root).map((d) => d.slice(root.length + 1))).toEqual([
      'healthy/seed-1',
      'memory-leak/seed-1',
      'slow-query/seed-1',
    ]);
  });

  it('scores each labelled run by the rank of its scenario and healthy runs by any finding', async () => {
    const table = await measureRecorded(catalog, root);
    expect(table.runs).toBe(3);
    const row = (id: string) => table.scenarios.find((s) => s.scenarioId === id);
    expect(row('memory-leak')).toMatchObject({ positives: 1, top1: 1 });
    expect(row('slow-query')).toMatchObject({ positives: 1, top1: 0 });
    expect(table.total.healthyRuns).toBe(1);
    expect(table.total.healthyRunsWithAlarms).toBe(0);
    expect(confusion(table.outcomes)).toEqual([{ expected: 'slow-query', got: 'memory-leak', count: 1 }]);
  });

  it('refuses a manifest whose label is not a scenario, naming the file', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'faultline-recorded-bad-'));
    try {
      writeFileSync(join(bad, 'manifest.json'), JSON.stringify({ scenario: 'no-such-scenario' }));
      await expect(measureRecorded(catalog, bad)).rejects.toThrow(
        /manifest\.json: "no-such-scenario" is not a scenario/,
      );
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
