import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeEvidence, diagnoseBundle, readBundle, serializeBundle } from '../../src/pipeline/analyze.js';
import { inputsOfPath } from '../../src/pipeline/evidence.js';
import { tempDir } from '../support/scenarios.js';

const OOM = 'catalog/scenarios/container-oom-killed/fixtures/positive-oom-crashloop.k8s.json';
const clock = () => new Date(0);

describe('Kubernetes evidence in the bundle', () => {
  it('is saved and diagnosed again offline with the same findings', async () => {
    const { bundle, result } = await analyzeEvidence(inputsOfPath(OOM), { now: clock });
    expect(bundle.evidence.kubernetes?.[0]?.status).toBe('loaded');
    const path = join(tempDir(), 'incident.bundle.json');
    writeFileSync(path, serializeBundle(bundle));
    const again = diagnoseBundle(await readBundle(path), { now: clock });
    expect(again).toEqual(result);
    expect(result.findings[0]?.scenarioId).toBe('container-oom-killed');
  });

  it('refuses a saved bundle whose Kubernetes data is damaged, naming the field', async () => {
    const { bundle } = await analyzeEvidence(inputsOfPath(OOM), { now: clock });
    const source = bundle.evidence.kubernetes?.[0];
    if (source?.status !== 'loaded') throw new Error('expected loaded evidence');
    (source.data.pods[0] as { containers: unknown }).containers = 'none';
    const path = join(tempDir(), 'bad.bundle.json');
    writeFileSync(path, serializeBundle(bundle));
    await expect(readBundle(path)).rejects.toThrow(/kubernetes source 1 has invalid data/);
  });

  it('notes an empty dump and judges no Kubernetes scenario on it', async () => {
    const path = join(tempDir(), 'empty.k8s.json');
    writeFileSync(
      path,
      '{"apiVersion": "v1", "items": [], "kind": "List", "metadata": {"resourceVersion": ""}}\n',
    );
    const { bundle, result } = await analyzeEvidence(inputsOfPath(path), { now: clock });
    const source = bundle.evidence.kubernetes?.[0];
    expect(source?.status === 'loaded' && source.data.notes).toEqual([
      `${path}: no objects (kubectl found none, or the selection was empty)`,
    ]);
    expect(result.verdict).toBe('inconclusive');
  });
});
