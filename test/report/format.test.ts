import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  escapeMarkdown,
  escapeMarkdownCell,
  escapeXmlAttribute,
  escapeXmlText,
  markdownCode,
  markdownCodeBlock,
} from '../../src/report/escape.js';
import {
  formatApdex,
  formatBytes,
  formatConfidence,
  formatCount,
  formatDuration,
  formatMs,
  formatOnset,
  formatPercent,
  formatRange,
  formatRate,
} from '../../src/report/format.js';

describe('format', () => {
  it('writes milliseconds with a unit that keeps three significant digits', () => {
    expect(formatMs(0.42)).toBe('0.42 ms');
    expect(formatMs(87.4)).toBe('87 ms');
    expect(formatMs(1243)).toBe('1.24 s');
    expect(formatMs(30_000)).toBe('30.0 s');
    expect(formatMs(185_000)).toBe('3m 05s');
    expect(formatMs(null)).toBe('–');
  });

  it('groups thousands without the locale', () => {
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(-4200)).toBe('-4,200');
  });

  it('keeps small error rates visible and never rounds a flawed Apdex up to 1.00', () => {
    expect(formatPercent(0.0004)).toBe('0.04%');
    expect(formatPercent(0.135)).toBe('13.5%');
    expect(formatPercent(0)).toBe('0%');
    expect(formatApdex(0.997)).toBe('0.99');
    expect(formatApdex(1)).toBe('1.00');
    expect(formatApdex(0.5)).toBe('0.50');
  });

  it('formats rates, bytes, durations and confidence', () => {
    expect(formatRate(207.85)).toBe('208');
    expect(formatRate(31.17)).toBe('31.2');
    expect(formatRate(12_345.6)).toBe('12,346');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(204_521_120)).toBe('195 MiB');
    expect(formatDuration(1200)).toBe('20m 00s');
    expect(formatDuration(3725)).toBe('1h 02m');
    expect(formatConfidence(0.914)).toBe('91%');
  });

  it('writes instants in UTC whatever offset they were given with', () => {
    expect(formatOnset('2026-11-22T16:06:30+02:00', '2026-11-22T14:00:00Z')).toBe(
      '2026-11-22 14:06:30 UTC (+6m 30s into the test)',
    );
    expect(formatRange('2026-11-22T14:00:00Z', '2026-11-22T14:20:00.500Z')).toBe(
      '2026-11-22 14:00:00–14:20:00 UTC',
    );
    expect(formatRange('2026-11-22T23:00:00Z', '2026-11-23T01:00:00Z')).toBe(
      '2026-11-22 23:00:00 UTC – 2026-11-23 01:00:00 UTC',
    );
  });
});

describe('escape', () => {
  it('escapes HTML text and attributes', () => {
    expect(escapeHtml('<script>alert("x")</script> & \'y\'')).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;',
    );
  });

  it('replaces characters XML 1.0 forbids, keeps tabs and newlines, and keeps surrogate pairs', () => {
    expect(escapeXmlText('a\u0000b\u0007c\td\ne')).toBe('a\uFFFDb\uFFFDc\td\ne');
    expect(escapeXmlText('😀 \uD800 x')).toBe('😀 \uFFFD x');
    expect(escapeXmlAttribute('a"b\'c<d>&\n')).toBe('a&quot;b&apos;c&lt;d&gt;&amp;&#10;');
  });

  it('escapes Markdown so that a table cell stays one cell and no markup starts', () => {
    expect(escapeMarkdownCell('a | b\nc')).toBe('a \\| b c');
    expect(escapeMarkdown('*bold* _x_ [l](u) `c` <b> ~s~')).toBe(
      '\\*bold\\* \\_x\\_ \\[l\\](u) \\`c\\` &lt;b&gt; \\~s\\~',
    );
    expect(escapeMarkdown('# title')).toBe('\\# title');
    expect(escapeMarkdown('1. item')).toBe('1\\. item');
    expect(escapeMarkdown('4.1% failed')).toBe('4.1% failed');
    expect(escapeMarkdown('2026-11-22 rose 3-fold (p95)')).toBe('2026-11-22 rose 3-fold (p95)');
  });

  it('fences code longer than any backtick run inside it', () => {
    expect(markdownCode('a`b')).toBe('``a`b``');
    expect(markdownCode('`x`')).toBe('`` `x` ``');
    expect(markdownCode('a|b', true)).toBe('`a\\|b`');
    expect(markdownCodeBlock('echo ```', 'sh')).toBe('````sh\necho ```\n````');
  });
});
