import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/scenarios.js';

const SHIFT = 'catalog/scenarios/global-latency-shift/fixtures/positive-step.jtl.gz';
const HEALTHY = 'catalog/healthy/healthy-shop.jtl.gz';

describe('faultline analyze', () => {
  it('prints a JSON diagnosis and exits 0 without a policy', async () => {
    const run = await runCli(['analyze', SHIFT, '--format', 'json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as {
      verdict: string;
      findings: Array<{ scenarioId: string; status: string }>;
    };
    expect(result.verdict).toBe('failure');
    expect(result.findings[0]).toMatchObject({ scenarioId: 'global-latency-shift', status: 'matched' });
  });

  it('prints the terminal report without colours when not on a terminal', async () => {
    const run = await runCli(['analyze', SHIFT]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Global latency shift/);
    expect(run.stdout).not.toContain(String.fromCharCode(27));
  });

  it('shows progress on a terminal only, never in CI or with --quiet', async () => {
    const tty = await runCli(['analyze', SHIFT, '--format', 'json'], { isTTY: true });
    expect(tty.stderr).toMatch(/reading .*positive-step\.jtl\.gz: 100% of/);
    const ci = await runCli(['analyze', SHIFT, '--format', 'json'], { isTTY: true, env: { CI: 'true' } });
    expect(ci.stderr).toBe('');
    const quiet = await runCli(['analyze', SHIFT, '--format', 'json', '--quiet'], { isTTY: true });
    expect(quiet.stderr).toBe('');
    const piped = await runCli(['analyze', SHIFT, '--format', 'json']);
    expect(piped.stderr).toBe('');
  });

  it('exits 2 naming the file when no input can be read', async () => {
    const missing = await runCli(['analyze', 'nope.jtl']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.jtl/);
    const unknown = await runCli(['analyze', 'package.json']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/package\.json: not a load-test result format.*Tried:/s);
  });

  it('exits 1 when a policy limit fails and lists the failing condition', async () => {
    const run = await runCli(['analyze', HEALTHY, '--fail-on', 'p95 < 1ms', '--fail-on', 'error_rate < 5%']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/policy: FAILED \(1 of 2 conditions\)/);
    expect(run.stderr).toMatch(/✗ p95 < 1ms/);
    const pass = await runCli(['analyze', HEALTHY, '--fail-on', 'error_rate < 5%', '--format', 'json']);
    expect(pass.code).toBe(0);
  });

  it('fails the run on a severity policy when a high scenario matched', async () => {
    const run = await runCli(['analyze', SHIFT, '--fail-on-severity', 'high', '--format', 'json']);
    expect(run.code).toBe(1);
  });

  it('exits 2 with a suggestion for a bad limit expression', async () => {
    const run = await runCli(['analyze', HEALTHY, '--fail-on', 'p59 < 1s']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/p59/);
  });

  it('saves the bundle and diagnoses it again to the same findings', async () => {
    const dir = tempDir();
    const bundle = join(dir, 'run.bundle.json');
    const first = await runCli(['analyze', SHIFT, '--format', 'json', '--save-bundle', bundle]);
    const again = await runCli(['diagnose', bundle, '--format', 'json']);
    expect(again.code).toBe(0);
    const strip = (text: string) => ({ ...JSON.parse(text), generatedAt: undefined });
    expect(strip(again.stdout)).toEqual(strip(first.stdout));
  });

  it('writes Markdown, JUnit and HTML reports to a file', async () => {
    const dir = tempDir();
    for (const [format, pattern] of [
      ['markdown', /^# /m],
      ['junit', /<testsuite /],
      ['html', /<!doctype html>/i],
    ] as const) {
      const file = join(dir, `report.${format}`);
      const run = await runCli(['analyze', SHIFT, '--format', format, '-o', file]);
      expect(run.code).toBe(0);
      expect(readFileSync(file, 'utf8')).toMatch(pattern);
    }
  });
});

describe('faultline compare', () => {
  it('finds a significant regression against a healthy baseline and exits 1', async () => {
    const run = await runCli(['compare', HEALTHY, SHIFT, '--format', 'json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).verdict).toBe('regression');
  });

  it('finds nothing when a run is compared with itself', async () => {
    const run = await runCli(['compare', HEALTHY, HEALTHY]);
    expect(run.code).toBe(0);
  });

  it('accepts a saved bundle as a side', async () => {
    const bundle = join(tempDir(), 'base.bundle.json');
    await runCli(['analyze', HEALTHY, '--format', 'json', '--save-bundle', bundle]);
    const run = await runCli(['compare', bundle, HEALTHY, '--format', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).verdict).not.toBe('regression');
  });
});

describe('faultline demo', () => {
  it('analyzes the bundled sample and writes the HTML report', async () => {
    const file = join(tempDir(), 'demo.html');
    const run = await runCli(['demo', '-o', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/samples\/demo\/shop-load-test\.jtl\.gz/);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toMatch(/<svg/);
  });
});

describe('faultline accuracy', () => {
  it('measures top-1 and top-3 recognition on the labelled fixtures', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'README.md'), 'not a run');
    const run = await runCli(['accuracy', '--scenario', 'cold-start', '--healthy', dir, '--format', 'json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { scenarios: Array<{ scenarioId: string; positives: number }> };
    expect(report.scenarios.map((s) => s.scenarioId)).toEqual(['cold-start']);
    expect(report.scenarios[0]?.positives).toBeGreaterThan(0);
  });
});
