import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { JMETER_CSV_HEADER } from '../../src/simulate/writers/jmeter-csv.js';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'faultline-simulate-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('faultline simulate', () => {
  it('lists the scenarios it can simulate, healthy included, with their near misses', async () => {
    const run = await runCli(['simulate', '--list']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ {2}healthy {2,}/m);
    expect(run.stdout).toMatch(/^ {2}retry-storm {2,}/m);
    expect(run.stdout).toContain('near miss:');
  });

  it('rejects an unknown scenario with exit 2 and suggests the nearest names', async () => {
    const run = await runCli(['simulate', 'tail-latncy-spike']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown scenario "tail-latncy-spike"');
    expect(run.stderr).toContain('did you mean: tail-latency-spike');
    expect(run.stdout).toBe('');
  });

  it('rejects a malformed duration as a usage error', async () => {
    const run = await runCli(['simulate', 'healthy', '--duration', 'ten minutes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('expected a time');
  });

  it('writes a JTL to stdout without --output', async () => {
    const run = await runCli(['simulate', 'healthy', '--duration', '2m', '--users', '3']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(JMETER_CSV_HEADER);
    expect(lines.length).toBeGreaterThan(50);
  });

  it('writes a gzip file when the output ends in .gz, and says what it wrote', async () => {
    const output = join(dir, 'spike.json.gz');
    const run = await runCli([
      'simulate',
      'error-spike-5xx',
      '--format',
      'k6-json',
      '--seed',
      '4',
      '--duration',
      '3m',
      '--users',
      '5',
      '--onset',
      '1m',
      '-o',
      output,
    ]);
    expect(run.code).toBe(0);
    expect(existsSync(output)).toBe(true);
    const first = gunzipSync(readFileSync(output)).toString('utf8').split('\n')[0] ?? '';
    expect(JSON.parse(first)).toMatchObject({ type: 'Metric', metric: 'vus' });
    expect(run.stderr).toMatch(/wrote \d+ requests \(\d+ failed\) of error-spike-5xx, onset 1m00s/);
  });
});
