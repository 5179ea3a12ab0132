import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/scenarios.js';

const PULL = 'catalog/scenarios/image-pull-failure/fixtures/positive-registry-unauthorized.k8s.json';
const HEALTHY = 'catalog/healthy/healthy-shop-cluster.k8s.json';

interface Result {
  verdict: string;
  inputs: Array<{ status: string }>;
  findings: Array<{
    scenarioId: string;
    status: string;
    evidence: Array<{ source: { type: string; path?: string } }>;
  }>;
}

describe('faultline k8s', () => {
  it('names the scenario behind unhealthy objects, with pointers into the dump', async () => {
    const run = await runCli(['k8s', PULL, '--format', 'json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as Result;
    expect(result.verdict).toBe('failure');
    const matched = result.findings.filter((f) => f.status === 'matched').map((f) => f.scenarioId);
    // The stalled rollout is the symptom; the image pull is the cause and ranks first.
    expect(matched[0]).toBe('image-pull-failure');
    expect(matched).toContain('deployment-rollout-failed');
    const source = result.findings[0]?.evidence[0]?.source;
    expect(source?.type).toBe('object');
    expect(source?.path).toMatch(
      /^catalog\/scenarios\/image-pull-failure\/fixtures\/positive-registry-unauthorized\.k8s\.json#items\[\d+\]\.status\.containerStatuses\[0\]\.state\.waiting/,
    );
  });

  it('finds nothing on a healthy cluster, in every format', async () => {
    const json = JSON.parse((await runCli(['k8s', HEALTHY, '--format', 'json'])).stdout) as Result;
    expect(json.verdict).toBe('healthy');
    expect(json.findings.filter((f) => f.status === 'matched')).toEqual([]);
    for (const format of ['terminal', 'markdown', 'junit', 'html']) {
      const run = await runCli(['k8s', HEALTHY, '--format', format]);
      expect(run.code, format).toBe(0);
      expect(run.stdout.length, format).toBeGreaterThan(0);
    }
  });

  it('exits 1 when a policy fails and 2 when no dump can be read', async () => {
    const policy = await runCli(['k8s', PULL, '--fail-on-severity', 'high', '--format', 'json']);
    expect(policy.code).toBe(1);
    const dir = tempDir();
    const broken = join(dir, 'broken.k8s.json');
    writeFileSync(broken, '{"kind": "List", "items": [\n  {"kind": "Pod",, }\n]}');
    const bad = await runCli(['k8s', broken]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${broken}: not valid JSON at line 2, column 18`);
    expect(bad.stderr).toContain('[parse-error]');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('is read by analyze too when the file is named *.k8s.json', async () => {
    const run = await runCli(['analyze', PULL, '--format', 'json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as Result;
    expect(result.findings.find((f) => f.status === 'matched')?.scenarioId).toBe('image-pull-failure');
  });
});
