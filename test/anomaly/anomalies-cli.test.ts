import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const CPU = 'test/fixtures/anomaly/cpu-spike.csv';

interface AnomaliesJson {
  points: Array<{ timestamp: string; value: number | null; score: number | null }>;
  windows: Array<{ start: string; end: string; peakScore: number; direction: string; kind: string }>;
}

describe('faultline anomalies', () => {
  it('prints one JSON point per input row and the flagged spike', async () => {
    const run = await runCli(['anomalies', CPU, '--format', 'json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as AnomaliesJson;
    expect(result.points).toHaveLength(300);
    expect(result.points[120]).toEqual({ timestamp: '2024-03-01T02:00:00.000Z', value: null, score: null });
    expect(result.points[200]?.score).toBeGreaterThanOrEqual(0.8);
    expect(result.windows).toEqual([
      {
        start: '2024-03-01T03:20:00.000Z',
        end: '2024-03-01T03:20:00.000Z',
        peakScore: result.points[200]?.score,
        direction: 'up',
        kind: 'spike',
      },
    ]);
  });

  it('prints a table of windows by default', async () => {
    const run = await runCli(['anomalies', CPU]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /cpu-spike\.csv \(cpu_percent\): 300 points \(1 missing\), every 1m, no cycle found/,
    );
    expect(run.stdout).toMatch(/2024-03-01T03:20:00\.000Z .* up +spike/);
  });

  it('writes to a file with -o and selects a column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-anomalies-'));
    const output = join(dir, 'out', 'scores.json');
    const run = await runCli(['anomalies', CPU, '--column', 'mem_mb', '--format', 'json', '-o', output]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(existsSync(output)).toBe(true);
    const result = JSON.parse(readFileSync(output, 'utf8')) as AnomaliesJson;
    expect(result.points[10]?.value).toBe(513);
    expect(result.windows).toEqual([]);
  });

  it('reads a Prometheus export and picks a series', async () => {
    const run = await runCli([
      'anomalies',
      'test/fixtures/anomaly/prometheus-two-series.json',
      '--series',
      '1',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /\(process_open_fds\{instance="localhost:19090",job="self"\}\): \d+ points, every 1s/,
    );
  });

  it('exits 2 with file, line and expectation and no stack trace on bad input', async () => {
    const run = await runCli(['anomalies', 'test/fixtures/anomaly/bad-values.csv']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/bad-values\.csv:3: latency_ms: expected a number/);
    expect(run.stderr).toMatch(/bad-values\.csv:5: timestamp: expected epoch seconds/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 for a missing file, a bad --series and an unknown --format', async () => {
    expect((await runCli(['anomalies', 'no/such.csv'])).code).toBe(2);
    expect((await runCli(['anomalies', CPU, '--series', '-1'])).code).toBe(2);
    expect((await runCli(['anomalies', CPU, '--format', 'html'])).code).toBe(2);
  });
});
