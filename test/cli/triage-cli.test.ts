import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runCli } from '../support/cli.js';

const LOCK = 'catalog/scenarios/terraform-state-lock-held/fixtures/positive-dynamodb-lock-gitlab.output.txt';
const APPLIED =
  'catalog/scenarios/terraform-state-lock-held/fixtures/negative-lock-acquired-after-wait.output.txt';

interface Result {
  verdict: string;
  findings: Array<{
    scenarioId: string;
    status: string;
    evidence: Array<{ source: { type: string; path?: string; line?: number; endLine?: number } }>;
  }>;
}

/** Runs the CLI with bytes on stdin. */
async function withStdin(args: string[], bytes: Buffer) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    write: (t) => {
      stdout += t;
    },
    error: (t) => {
      stderr += t;
    },
    isTTY: false,
    columns: undefined,
    env: {},
    stdin: () => Readable.from([bytes]),
  });
  return { code, stdout, stderr };
}

describe('faultline triage', () => {
  it('names the scenario and cites the lines, exit 0 without a policy', async () => {
    const run = await runCli(['triage', LOCK, '--format', 'json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as Result;
    expect(result.findings[0]).toMatchObject({ scenarioId: 'terraform-state-lock-held', status: 'matched' });
    expect(result.findings[0]?.evidence[0]?.source).toEqual({
      type: 'file',
      path: LOCK,
      line: 19,
      endLine: 31,
    });
    // Only scenarios that failure output can show are judged.
    expect(result.findings.every((f) => f.status !== 'insufficient-evidence')).toBe(true);
  });

  it('finds nothing in successful output', async () => {
    const run = await runCli(['triage', APPLIED, '--format', 'json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as Result;
    expect(result.findings.filter((f) => f.status === 'matched')).toEqual([]);
    expect(result.verdict).toBe('healthy');
  });

  it('reads stdin, gzip or not', async () => {
    const text = readFileSync(LOCK);
    for (const bytes of [text, gzipSync(text)]) {
      const run = await withStdin(['triage', '-', '--format', 'json'], bytes);
      expect(run.code).toBe(0);
      const result = JSON.parse(run.stdout) as Result;
      expect(result.findings[0]?.evidence[0]?.source).toMatchObject({ path: '-', line: 19 });
    }
  });

  it('exits 1 when a policy fails on a matched finding', async () => {
    const run = await runCli(['triage', LOCK, '--fail-on-severity', 'medium', '--format', 'json']);
    expect(run.code).toBe(1);
    const pass = await runCli(['triage', APPLIED, '--fail-on-severity', 'medium', '--format', 'json']);
    expect(pass.code).toBe(0);
  });

  it('exits 2 with a coded error on binary or missing input', async () => {
    const binary = await withStdin(['triage', '-'], Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]));
    expect(binary.code).toBe(2);
    expect(binary.stderr).toMatch(/stdin: binary data at byte 4.*\[unsupported-format\]/);
    const missing = await runCli(['triage', 'nope.log']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.log: no such file \[not-found\]/);
  });

  it('renders every report format from the same result', async () => {
    for (const format of ['terminal', 'markdown', 'junit', 'html']) {
      const run = await runCli(['triage', LOCK, '--format', format]);
      expect(run.code, format).toBe(0);
      expect(run.stdout, format).toMatch(/terraform-state-lock-held|Terraform state lock/);
    }
  });
});
