import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DiagnosisResult } from '../../src/diagnosis/result.js';
import { runCli } from '../support/cli.js';

// A load test joined with the metrics of its window: the latency trend alone only suggests a
// memory leak; the process memory of one instance climbing from the same minute confirms it.

const dir = mkdtempSync(join(tmpdir(), 'faultline-joined-'));

/** Resident memory of two instances every 15 s: both with a GC saw-tooth, one climbing from minute 3. */
function memory(startMs: number, leaking: boolean): string {
  const lines = ['# TYPE process_resident_memory_bytes gauge'];
  for (let i = 0; i <= 80; i++) {
    const t = (startMs + i * 15_000) / 1000;
    const sawtooth = i % 8 < 4 ? 20e6 : 0;
    const wobble = ((i * 7919) % 13) * 4e5;
    const climb = leaking ? Math.max(0, i - 12) * 4e6 : 0;
    lines.push(
      `process_resident_memory_bytes{instance="shop-1:8080",job="shop"} ${400e6 + sawtooth + wobble + climb} ${t}`,
    );
    lines.push(
      `process_resident_memory_bytes{instance="shop-2:8080",job="shop"} ${410e6 + sawtooth + wobble} ${t}`,
    );
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

async function analyze(leaking: boolean): Promise<DiagnosisResult> {
  const jtl = join(dir, 'leak.jtl');
  const simulated = await runCli([
    'simulate',
    'memory-leak',
    '--seed',
    '7',
    '--onset',
    '3m',
    '--duration',
    '20m',
    '-o',
    jtl,
  ]);
  expect(simulated.code).toBe(0);
  const start = Number(readFileSync(jtl, 'utf8').split('\n')[1]?.split(',')[0]);
  const metrics = join(dir, `memory-${leaking}.metrics.prom`);
  writeFileSync(metrics, memory(start, leaking));
  const run = await runCli(['analyze', jtl, metrics, '--format', 'json']);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as DiagnosisResult;
}

describe('a load test with the metrics of its window', () => {
  it('confirms the leak the latency trend suggests when memory climbs from the same minutes', async () => {
    const result = await analyze(true);
    const leak = result.findings.find((f) => f.scenarioId === 'memory-leak');
    expect(leak?.rank).toBe(1);
    expect(leak?.raisedBy.find((r) => r.signal === 'corroboration')?.subject).toBe('metrics');
    expect(leak?.evidence.some((e) => String(e.data.signal).startsWith('metrics.memory'))).toBe(true);
    expect(leak?.subjects).toContain('instance=shop-1:8080');
    expect(leak?.missingEvidence).not.toContain('metrics');
  });

  it('does not confirm it when memory stays flat, and still names what would', async () => {
    const result = await analyze(false);
    const leak = result.findings.find((f) => f.scenarioId === 'memory-leak');
    expect(leak?.raisedBy.find((r) => r.signal === 'corroboration')).toBeUndefined();
    expect(leak?.evidence.every((e) => !String(e.data.signal).startsWith('metrics.'))).toBe(true);
  });
});
