import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import type { Style } from '../../src/catalog/render/terminal.js';
import { renderTerminal } from '../../src/report/terminal.js';
import { ANSI, ANSI_SEQUENCES, HOSTILE_ENDPOINT, hostileFixture, loadFixture } from './support.js';

const c = pc.createColors(true);
const COLOURED: Style = {
  bold: c.bold,
  dim: c.dim,
  cyan: c.cyan,
  red: c.red,
  yellow: c.yellow,
  green: c.green,
  magenta: c.magenta,
};

function section(text: string, title: string): string {
  const start = text.indexOf(`\n${title}`);
  expect(start, `section ${title}`).toBeGreaterThanOrEqual(0);
  const rest = text.slice(start + 1);
  const next = rest.slice(1).search(/\n[A-Z][A-Z ]+(?: \(\d+\))?\n/);
  return next < 0 ? rest : rest.slice(0, next + 1);
}

describe('renderTerminal', () => {
  const result = loadFixture();
  const text = renderTerminal(result, { width: 100 });

  it('starts with the verdict and the counts', () => {
    const [first, second] = text.split('\n');
    expect(first).toBe('FAILURE — At least one critical or high severity scenario matched');
    expect(second).toBe('3 matched (1 critical, 1 high, 1 medium) · 4 not matched · 3 not enough evidence');
  });

  it('is plain text without a style, and coloured with one', () => {
    expect(text).not.toMatch(ANSI);
    const coloured = renderTerminal(result, { style: COLOURED, width: 100 });
    expect(coloured).toMatch(ANSI);
    // Colour changes nothing but the escapes.
    expect(coloured.replace(ANSI_SEQUENCES, '')).toBe(text);
  });

  it('gives the same bytes for the same result, whatever order the findings come in', () => {
    const shuffled = { ...result, findings: [...result.findings].reverse() };
    expect(renderTerminal(shuffled, { width: 100 })).toBe(text);
    expect(renderTerminal(structuredClone(result), { width: 100 })).toBe(text);
  });

  it('shows the KPI table with the overall row and one row per endpoint', () => {
    const table = section(text, 'LOAD TEST');
    expect(table).toMatch(/^ENDPOINT +REQUESTS +ERR% +REQ\/S +P50 +P95 +P99 +MAX +APDEX$/m);
    expect(table).toMatch(/^All endpoints +249,416 +2\.28% +208 +44 ms +1\.34 s +4\.80 s +30\.0 s +0\.91$/m);
    expect(table).toMatch(
      /^POST \/api\/checkout +24,942 +13\.5% +20\.8 +782 ms +6\.58 s +12\.9 s +30\.0 s +0\.50$/m,
    );
    for (const e of result.loadTest?.endpoints ?? []) expect(table).toContain(e.name);
    expect(table).toContain('phases ramp-up 14:00:00–14:02:00 · steady 14:02:00–14:18:00');
    expect(table).toContain('gateway 3,166 · timeout 2,209');
  });

  it('lists matched findings by rank with onset, subjects, evidence, signals, checks and remediation', () => {
    const matched = section(text, 'MATCHED (3)');
    const ranks = [...matched.matchAll(/^#(\d+) /gm)].map((m) => Number(m[1]));
    expect(ranks).toEqual([1, 2, 3]);
    expect(matched).toMatch(/^#1 Connection pool exhausted +high · 91% confidence$/m);
    expect(matched).toContain('onset 2026-11-22 14:06:30 UTC (+6m 30s into the test)');
    expect(matched).toContain('affects POST /api/cart, POST /api/checkout');
    expect(matched).toContain('expected p95 within 1.5× of the 295 ms steady-state baseline');
    expect(matched).toContain('observed p95 8.3 s (28× baseline) for 11m 30s');
    expect(matched).toContain('source   results.jtl:117905-342118');
    expect(matched).toMatch(
      /\+0\.42 latency\.p95\.change-point \(POST \/api\/checkout\) = 28\.5 — step change/,
    );
    expect(matched).toMatch(/−0\.06 latency\.p95\.change-point \(GET \/api\/products\) = 1\.2/);
    expect(matched).toContain('$ psql -c "SELECT application_name, state, count(*)');
    expect(matched).toContain('1. Terminate sessions stuck');
    expect(matched).toContain('1 more: faultline catalog show connection-pool-exhaustion');
  });

  it('lists the rest compactly, insufficient evidence with what it needs', () => {
    const notMatched = section(text, 'NOT MATCHED (4)');
    expect(notMatched).toContain('#4 Retry storm  retry-storm · 18%');
    expect(notMatched).toContain('request rate fell 36% when errors rose');
    const insufficient = section(text, 'NOT ENOUGH EVIDENCE (3)');
    expect(insufficient).toContain('not enough evidence: needs metrics, logs (');
    expect(insufficient).toMatch(/^ {4}.*database-deadlock/m);
    expect(text).toContain('✗ metrics promql up on http://127.0.0.1:9090 — connection-failed');
    expect(text).toContain('! signatures thread-starvation: signal latency.queueing.ratio');
    expect(text).toContain('• results.jtl: 3 lines could not be read');
  });

  it('fits 100 columns except commands, which stay whole to be copied', () => {
    const long = text.split('\n').filter((l) => l.length > 100);
    expect(long.length).toBeGreaterThan(0);
    for (const line of long) expect(line.trimStart()).toMatch(/^\$ /);
  });

  it('leaves out the least needed columns before it cuts endpoint names on a narrow terminal', () => {
    const narrow = renderTerminal(result, { width: 72 });
    const header = narrow.split('\n').find((l) => l.startsWith('ENDPOINT'));
    expect(header).toMatch(/^ENDPOINT +REQUESTS +ERR% +REQ\/S +P95 +P99 +APDEX$/);
    expect(narrow).toMatch(/^GET \/api\/products\/\{id\} +87,296 /m);
    const tiny = renderTerminal(result, { width: 60 });
    expect(tiny).toMatch(/^ENDPOINT +REQUESTS +ERR% +P95 +P99 +APDEX$/m);
    for (const line of tiny.split('\n').filter((l) => /^(ENDPOINT|All|GET|POST)/.test(l))) {
      expect(line.length).toBeLessThanOrEqual(60);
    }
  });

  it('prints no control characters from the evidence, so names cannot drive the terminal', () => {
    const hostile = renderTerminal(hostileFixture(), { width: 100 });
    expect(hostile).not.toContain('\u0007');
    expect(hostile).toContain('(y)&amp;\uFFFD');
    expect(hostile).toContain(HOSTILE_ENDPOINT.slice(0, 50));
  });

  it('says so when a scenario could not be judged for lack of evidence, and works without a load test', () => {
    const bare = { ...result, verdict: 'inconclusive' as const, loadTest: undefined };
    bare.findings = result.findings.filter((f) => f.status === 'insufficient-evidence');
    const out = renderTerminal(bare, { width: 100 });
    expect(out.split('\n')[0]).toBe('INCONCLUSIVE — Too little evidence to check any scenario');
    expect(out).not.toContain('LOAD TEST');
    expect(out).not.toContain('MATCHED');
    expect(out).toContain('needs metrics');
  });
});
