import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DiagnosisResultSchema } from '../../src/diagnosis/result.js';
import { buildFixture, FIXTURE_PATH, fixtureJson } from '../fixtures/report/build-fixture.js';

describe('report fixture', () => {
  const stored = readFileSync(FIXTURE_PATH, 'utf8');
  const result = DiagnosisResultSchema.parse(JSON.parse(stored));

  it('is what the builder makes, so it can be regenerated instead of edited by hand', () => {
    expect(stored).toBe(fixtureJson());
  });

  it('has the shape the report tests rely on', () => {
    const lt = result.loadTest;
    expect(lt?.series.t).toHaveLength(120);
    expect(lt?.endpoints).toHaveLength(4);
    expect(lt?.histograms).toHaveLength(4);
    const matched = result.findings.filter((f) => f.status === 'matched');
    expect(matched).toHaveLength(3);
    expect(matched.every((f) => f.onset !== undefined)).toBe(true);
    expect(result.findings.filter((f) => f.status === 'not-matched').length).toBeGreaterThan(0);
    expect(result.findings.filter((f) => f.status === 'insufficient-evidence').length).toBeGreaterThan(0);
  });

  it('keeps its totals consistent: endpoints add up to the overall row', () => {
    const lt = buildFixture().loadTest;
    if (!lt) throw new Error('fixture has no load test');
    const endpoints = lt.endpoints;
    const sum = (pick: (e: (typeof endpoints)[number]) => number) =>
      endpoints.reduce((s, e) => s + pick(e), 0);
    expect(sum((e) => e.requests)).toBe(lt.overall.requests);
    expect(sum((e) => e.failures)).toBe(lt.overall.failures);
    for (const e of lt.endpoints) {
      expect(e.p50 ?? 0).toBeLessThan(e.p95 ?? 0);
      expect(e.p95 ?? 0).toBeLessThan(e.p99 ?? 0);
    }
  });
});
