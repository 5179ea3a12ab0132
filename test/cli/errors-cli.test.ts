import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/scenarios.js';

// User errors exit 2 with one readable line per problem: never an internal error, never a stack.

const HEALTHY = 'catalog/healthy/healthy-shop.jtl.gz';

describe('faultline user errors', () => {
  it('exits 2 when --output or --save-bundle cannot be written', async () => {
    const dir = tempDir();
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    for (const args of [
      ['analyze', HEALTHY, '-q', '-o', dir],
      ['analyze', HEALTHY, '-q', '-o', join(file, 'report.txt')],
      ['analyze', HEALTHY, '-q', '--save-bundle', join(file, 'run.bundle.json')],
      ['catalog', 'list', '-o', dir],
    ]) {
      const run = await runCli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(
        /^faultline: cannot write .*: (it is a directory|a part of the path is a file)/m,
      );
      expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    }
  });

  it('creates a missing folder for --output', async () => {
    const output = join(tempDir(), 'new', 'folder', 'report.md');
    const run = await runCli(['analyze', HEALTHY, '-q', '--format', 'markdown', '-o', output]);
    expect(run.code).toBe(0);
    expect(readFileSync(output, 'utf8')).toMatch(/^# /);
  });

  it('lists each problem of a broken policy file once', async () => {
    const policy = join(tempDir(), 'policy.yaml');
    writeFileSync(policy, 'limits:\n  p95: [1\n bad');
    const run = await runCli(['analyze', HEALTHY, '-q', '--policy', policy]);
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toBe(`faultline: invalid policy file ${policy}:`);
    expect(lines.length).toBeGreaterThan(1);
    expect(new Set(lines).size).toBe(lines.length);
  });

  it('says a bad --fail-on expression once', async () => {
    const run = await runCli(['analyze', HEALTHY, '-q', '--fail-on', 'p95 <']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('tells a result file or a folder from a bundle in diagnose, without quoting binary data', async () => {
    const gz = await runCli(['diagnose', HEALTHY]);
    expect(gz.code).toBe(2);
    expect(gz.stderr).toMatch(/not a saved evidence bundle \(it is not JSON\); .*analyze reads result files/);
    expect(gz.stderr).not.toMatch(/Unexpected token/);
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    const folder = await runCli(['diagnose', join(dir, 'sub')]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/a directory, not a bundle file/);
  });

  it('exits 2 when a side of compare is missing or unreadable', async () => {
    const missingArg = await runCli(['compare', HEALTHY]);
    expect(missingArg.code).toBe(2);
    const missingFile = await runCli(['compare', HEALTHY, 'nope.jtl']);
    expect(missingFile.code).toBe(2);
    expect(missingFile.stderr).toMatch(/^faultline: current: .*nope\.jtl/m);
    expect(existsSync('nope.jtl')).toBe(false);
  });
});
