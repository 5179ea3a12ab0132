import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import { HOSTILE_TITLE, hostileFixture, loadFixture } from './support.js';

/** Splits a Markdown table row into cells the way GitHub does: on pipes not escaped by a backslash. */
function cells(row: string): string[] {
  return row
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

function tableAfter(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(heading);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const lines = markdown.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const end = lines.findIndex((l, i) => i > first && !l.startsWith('|'));
  return lines.slice(first, end);
}

describe('renderMarkdown', () => {
  const result = loadFixture();
  const markdown = renderMarkdown(result);

  it('opens with the verdict as the heading', () => {
    expect(markdown.split('\n')[0]).toBe(
      '# 🔴 Faultline: FAILURE — At least one critical or high severity scenario matched',
    );
    expect(markdown).toContain(
      '**3 matched (1 critical, 1 high, 1 medium) · 4 not matched · 3 not enough evidence**',
    );
  });

  it('is deterministic and independent of the order of findings', () => {
    expect(renderMarkdown(structuredClone(result))).toBe(markdown);
    expect(renderMarkdown({ ...result, findings: [...result.findings].reverse() })).toBe(markdown);
  });

  it('has a KPI table with right-aligned numbers and one row per endpoint', () => {
    const table = tableAfter(markdown, '## Load test');
    expect(table[0]).toBe('| Endpoint | Requests | Err % | Req/s | p50 | p95 | p99 | Max | Apdex |');
    expect(table[1]).toBe('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    expect(table).toHaveLength(2 + 1 + 4);
    expect(cells(table[2] ?? '')).toEqual([
      '**All endpoints**',
      '249,416',
      '2.28%',
      '208',
      '44 ms',
      '1.34 s',
      '4.80 s',
      '30.0 s',
      '0.91',
    ]);
    for (const row of table) expect(cells(row)).toHaveLength(9);
  });

  it('gives each matched finding a section with onset, evidence expected/observed, signals and checks', () => {
    const headings = markdown.split('\n').filter((l) => l.startsWith('### '));
    expect(headings).toEqual([
      '### 1. Connection pool exhausted — high, 91% confidence',
      '### 2. Server error (5xx) spike — critical, 84% confidence',
      '### 3. Tail latency spike — medium, 62% confidence',
    ]);
    expect(markdown).toContain('- **Onset:** 2026-11-22 14:06:30 UTC (+6m 30s into the test)');
    const evidence = tableAfter(markdown, '### 1.');
    expect(cells(evidence[0] ?? '')).toEqual(['Evidence', 'Expected', 'Observed', 'Source']);
    expect(cells(evidence[2] ?? '')).toEqual([
      'p95 of POST /api/checkout rose from 295 ms to 8.3 s at 14:06:30 and stayed there',
      'p95 within 1.5× of the 295 ms steady-state baseline',
      'p95 8.3 s (28× baseline) for 11m 30s',
      '`results.jtl 2026-11-22 14:06:30–14:18:00 UTC`',
    ]);
    expect(markdown).toContain(
      '- `+0.42` `latency.p95.change-point (POST /api/checkout) = 28.5` — step change',
    );
    expect(markdown).toContain('   ```sh\n   jstat -gcutil <pid> 1000 30\n   ```');
  });

  it('lists not-matched and insufficient-evidence scenarios in tables', () => {
    const notMatched = tableAfter(markdown, '## Not matched (4)');
    expect(cells(notMatched[2] ?? '')).toEqual([
      '4',
      'Retry storm `retry-storm`',
      'critical',
      '18%',
      'request rate fell 36% when errors rose; a retry storm makes it grow',
    ]);
    const insufficient = tableAfter(markdown, '## Not enough evidence (3)');
    expect(cells(insufficient.at(-1) ?? '')).toEqual([
      '10',
      'Database deadlocks between transactions `database-deadlock`',
      'medium',
      'not enough evidence: needs metrics, logs',
    ]);
    expect(markdown).toContain('## Input errors (1)');
    expect(markdown).toContain('## Run errors (1)');
    expect(markdown).toContain('- results.jtl: 3 lines could not be read');
  });

  it('escapes names so that tables keep their columns and no HTML gets through', () => {
    const hostile = renderMarkdown(hostileFixture());
    // Inside code spans markup is shown as written; everywhere else it must arrive as entities.
    const prose = hostile.replace(/(`+)[^`].*?\1/g, '');
    expect(prose).not.toMatch(/<script|<img|<\/title/i);
    expect(hostile).toContain('`POST /api/cart"><script>window.__pwned = 1</script>');
    expect(hostile).not.toContain('\u0007');
    const table = tableAfter(hostile, '## Load test');
    for (const row of table) expect(cells(row)).toHaveLength(9);
    const evidence = tableAfter(hostile, '### 1.');
    for (const row of evidence) expect(cells(row)).toHaveLength(4);
    expect(hostile).toContain(
      '### 1. Pool &lt;/title&gt;&lt;script&gt;window.\\_\\_pwned = 3&lt;/script&gt; &amp; "quotes"',
    );
    expect(HOSTILE_TITLE).toContain('</title>');
  });
});
