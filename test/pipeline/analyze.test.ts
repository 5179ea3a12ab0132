import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/loader.js';
import { InputError } from '../../src/core/problem.js';
import { DiagnosisResultSchema } from '../../src/diagnosis/result.js';
import { analyze, diagnoseBundle, readBundle, serializeBundle } from '../../src/pipeline/analyze.js';
import { renderJson } from '../../src/report/json.js';
import { tempDir } from '../support/scenarios.js';

const catalog = loadCatalog();
const clock = () => new Date('2026-12-01T00:00:00Z');
const SHIFT = 'catalog/scenarios/global-latency-shift/fixtures/positive-step.jtl.gz';
const HEALTHY = 'catalog/healthy/healthy-shop.jtl.gz';

describe('analyze', () => {
  it('diagnoses a load test into a valid result with KPIs, the matched scenario and its evidence', async () => {
    const { result } = await analyze([SHIFT], { catalog, now: clock });
    expect(DiagnosisResultSchema.safeParse(result).success).toBe(true);
    expect(result.loadTest?.overall.requests).toBeGreaterThan(1000);
    const finding = result.findings.find((f) => f.scenarioId === 'global-latency-shift');
    expect(finding?.status).toBe('matched');
    expect(finding?.onset).toBeDefined();
    expect(finding?.evidence[0]?.source).toMatchObject({ path: SHIFT });
    expect(result.window?.start).toBeDefined();
  });

  it('gives the same bytes for the same input', async () => {
    const a = await analyze([HEALTHY], { catalog, now: clock });
    const b = await analyze([HEALTHY], { catalog, now: clock });
    expect(renderJson(a.result)).toBe(renderJson(b.result));
  });

  it('records a file that cannot be read and goes on with the others', async () => {
    const { result } = await analyze(['does/not/exist.jtl', HEALTHY], { catalog, now: clock });
    expect(result.inputs.map((i) => i.status)).toEqual(['failed', 'loaded']);
    expect(result.inputs[0]?.error?.code).toBe('not-found');
    expect(result.verdict).toBe('healthy');
  });

  it('reports scenarios as insufficient evidence when nothing could be read', async () => {
    const { result } = await analyze(['does/not/exist.jtl'], { catalog, now: clock });
    expect(result.verdict).toBe('inconclusive');
    expect(result.findings.every((f) => f.status === 'insufficient-evidence')).toBe(true);
  });

  it('diagnoses a saved bundle again offline to the same result', async () => {
    const { bundle, result } = await analyze([SHIFT], { catalog, now: clock });
    const file = join(tempDir(), 'run.bundle.json');
    writeFileSync(file, serializeBundle(bundle));
    const again = diagnoseBundle(await readBundle(file), { catalog, now: clock });
    expect(renderJson(again)).toBe(renderJson(result));
  });

  it('rejects a file that is not a bundle, naming it and the bad field', async () => {
    const dir = tempDir();
    const notJson = join(dir, 'x.json');
    writeFileSync(notJson, 'timeStamp,elapsed\n');
    await expect(readBundle(notJson)).rejects.toThrow(/x\.json: not a saved evidence bundle/);
    const wrong = join(dir, 'y.json');
    writeFileSync(wrong, JSON.stringify({ formatVersion: 1, createdAt: 'yesterday', evidence: {} }));
    const error = await readBundle(wrong).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems[0]).toMatchObject({ field: 'createdAt' });
  });

  it('gives no verdict from a handful of requests in one instant', async () => {
    const file = join(tempDir(), 'zero.jtl');
    writeFileSync(
      file,
      'timeStamp,elapsed,label,responseCode,success\n1741685400000,120,GET /a,200,true\n1741685400000,90,GET /b,500,false\n',
    );
    const { result } = await analyze([file], { catalog, now: clock });
    expect(result.loadTest?.overall.requests).toBe(2);
    expect(result.loadTest?.durationSeconds).toBe(0.12);
    expect(result.verdict).toBe('inconclusive');
  });
});
