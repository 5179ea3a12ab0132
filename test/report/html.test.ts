import { describe, expect, it } from 'vitest';
import { renderSvg } from '../../src/report/charts.js';
import { renderHtml } from '../../src/report/html.js';
import { hostileFixture, loadFixture } from './support.js';

describe('renderHtml', () => {
  const result = loadFixture();
  const html = renderHtml(result);

  it('gives the same bytes for the same result', () => {
    expect(renderHtml(structuredClone(result))).toBe(html);
    expect(renderHtml({ ...result, findings: [...result.findings].reverse() })).toBe(html);
  });

  it('renumbers the ids ECharts draws from process-wide counters', () => {
    const option = { xAxis: { type: 'value' as const }, yAxis: { type: 'value' as const }, series: [] };
    const first = renderSvg('chart-x', option, { width: 200, height: 100 });
    const second = renderSvg('chart-x', option, { width: 200, height: 100 });
    expect(second).toBe(first);
    expect(first).not.toMatch(/zr\d+-/);
  });

  it('lists the most frequent failures with their first line, escaped', () => {
    expect(html).toContain('<h3>Top failures</h3>');
    expect(html).toContain('Read timed out &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('results.jtl:48102');
  });

  it('is one file: no script, no external URL, no link to another file', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\b(?:src|href)="(?!#)/i);
    expect(html).not.toMatch(/url\((?!#)/i);
    // Only SVG namespace names contain http, and a browser never fetches those.
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<)]+/g)].map((m) => m[0]);
    const allowed = new Set([
      'http://www.w3.org/2000/svg',
      'http://www.w3.org/1999/xlink',
      'http://127.0.0.1:9090',
    ]);
    expect(urls.filter((u) => !allowed.has(u) && !u.startsWith('http://prometheus:9090'))).toEqual([]);
    expect(html).toContain('<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;');
  });

  it('shows the verdict, the KPIs and every finding by rank', () => {
    expect(html).toContain('data-verdict="failure"');
    expect(html).toContain('<p class="badge">FAILURE</p>');
    expect(html).toContain('<td class="num">249,416</td>');
    const ranks = [...html.matchAll(/<article class="finding [^"]*" id="finding-(\d+)">/g)].map((m) => m[1]);
    expect(ranks).toEqual(['1', '2', '3']);
    expect(html).toContain('<dd class="onset">2026-11-22 14:06:30 UTC (+6m 30s into the test)</dd>');
    expect(html).toContain(
      '<span class="expected">p95 within 1.5× of the 295 ms steady-state baseline</span>',
    );
    expect(html).toContain('<span class="needs">not enough evidence: needs metrics, logs</span>');
  });

  it('draws eight charts with the onsets of the three matched findings on each time chart', () => {
    const figures = [
      ...html.matchAll(/<figure class="chart (wide|small)" id="([^"]+)">([\s\S]*?)<\/figure>/g),
    ];
    expect(figures.map((f) => f[2])).toEqual([
      'chart-latency',
      'chart-throughput',
      'chart-errors',
      'chart-endpoint-p95',
      'chart-histogram-1',
      'chart-histogram-2',
      'chart-histogram-3',
      'chart-histogram-4',
    ]);
    for (const [, size, , body] of figures) {
      expect(body).toMatch(/<svg [^>]*viewBox/);
      const labels = [...(body ?? '').matchAll(/<text[^>]*>(#\d)<\/text>/g)].map((m) => m[1]);
      expect(labels).toEqual(size === 'wide' ? ['#1', '#2', '#3'] : []);
    }
    // Ids stay unique across the page, though every chart numbers its own from zero.
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('escapes every text from the result, in the page and in the charts', () => {
    const hostile = renderHtml(hostileFixture());
    expect(hostile).not.toMatch(/<script|<img|<\/title>.*<\/title>/i);
    expect(hostile).toContain('POST /api/cart&quot;&gt;&lt;script&gt;window.__pwned = 1&lt;/script&gt;');
    expect(hostile).not.toContain('\u0007');
  });

  it('leaves out the time charts for totals-only input and the load-test parts without a load test', () => {
    const lt = result.loadTest;
    if (!lt) throw new Error('fixture has no load test');
    const totals = renderHtml({ ...result, loadTest: { ...lt, summaryOnly: true } });
    expect(totals).not.toContain('id="chart-latency"');
    expect(totals).toContain('id="chart-histogram-1"');
    const none = renderHtml({ ...result, loadTest: undefined });
    expect(none).not.toContain('<svg');
    expect(none).not.toContain('id="load-test"');
    expect(none).toContain('id="finding-1"');
  });
});
