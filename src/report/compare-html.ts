import type { ComparisonResult, MetricVerdict } from '../compare/result.js';
import { compareRows, criteriaLine, headline, sideLine, VERDICT_LABELS } from './compare-format.js';

// The comparison as one self-contained HTML page: inline style, no script, no external resource,
// so it can be attached to a CI run and opened anywhere.

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem; color: #1d1d1f; }
h1 { font-size: 1.3rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { padding: .3rem .6rem; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.regression td { background: #fde8e8; }
tr.improvement td { background: #e6f6ea; }
tr.insufficient-data td { color: #8a6d00; }
.verdict-regression { color: #b42318; }
.verdict-improvement { color: #067647; }
.verdict-unchanged, .verdict-inconclusive { color: #475467; }
.muted { color: #667085; }
`;

export function renderCompareHtml(result: ComparisonResult): string {
  const rows = compareRows(result)
    .map((row) => {
      const cells = [
        `<td>${escapeHtml(row.endpoint)}</td>`,
        `<td>${escapeHtml(row.metric)}</td>`,
        `<td class="num">${escapeHtml(row.baseline)}</td>`,
        `<td class="num">${escapeHtml(row.current)}</td>`,
        `<td class="num">${escapeHtml(row.change)}</td>`,
        `<td class="num">${escapeHtml(row.p)}</td>`,
        `<td title="${escapeHtml(row.reason)}">${escapeHtml(VERDICT_LABELS[row.verdict])}</td>`,
      ];
      return `<tr class="${rowClass(row.verdict)}">${cells.join('')}</tr>`;
    })
    .join('\n');
  const only = (label: string, list: ComparisonResult['onlyInBaseline']) =>
    list.length > 0
      ? `<p>${label}: ${list.map((e) => `<code>${escapeHtml(e.name)}</code> (${e.requests})`).join(', ')}</p>`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(headline(result))} – Faultline comparison</title>
<style>${STYLE}</style>
</head>
<body>
<h1 class="verdict-${result.verdict}">${escapeHtml(headline(result))}</h1>
<p class="muted">${escapeHtml(sideLine('Baseline', result.baseline))}<br>${escapeHtml(sideLine('Current', result.current))}</p>
<table>
<thead><tr><th>Endpoint</th><th>Metric</th><th>Baseline</th><th>Current</th><th>Change</th><th>p (adj.)</th><th>Verdict</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
${only('Only in the baseline', result.onlyInBaseline)}${only('Only in the current run', result.onlyInCurrent)}
<p class="muted">${escapeHtml(criteriaLine(result))}</p>
${result.notes.map((n) => `<p><strong>Note:</strong> ${escapeHtml(n)}</p>`).join('\n')}
</body>
</html>
`;
}

function rowClass(verdict: MetricVerdict): string {
  return verdict === 'not-tested' ? '' : verdict;
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
