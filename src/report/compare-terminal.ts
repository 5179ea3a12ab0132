import type { Style } from '../catalog/render/terminal.js';
import type { ComparisonResult, MetricVerdict } from '../compare/result.js';
import {
  type CompareRow,
  compareRows,
  criteriaLine,
  headline,
  sideLine,
  VERDICT_LABELS,
} from './compare-format.js';

// The comparison as a terminal table. Pure: colours come in as a Style (PLAIN when stdout is not a
// TTY) and the width is a parameter, so the same input always gives the same text.

const HEADERS = ['Endpoint', 'Metric', 'Baseline', 'Current', 'Change', 'p (adj.)', 'Verdict'];
/** The endpoint column never shrinks below this, so names stay recognizable. */
const MIN_ENDPOINT_WIDTH = 16;

export function renderCompareTerminal(
  result: ComparisonResult,
  style: Style,
  width = Number.MAX_SAFE_INTEGER,
): string {
  const out: string[] = [];
  const color = verdictColor(style, result.verdict === 'inconclusive' ? 'insufficient-data' : result.verdict);
  out.push(style.bold(color(headline(result))));
  out.push(style.dim(sideLine('Baseline', result.baseline)));
  out.push(style.dim(sideLine('Current ', result.current)));
  out.push('');
  out.push(table(compareRows(result), style, width));
  if (result.onlyInBaseline.length > 0) {
    out.push('');
    out.push(
      `Only in the baseline: ${result.onlyInBaseline.map((e) => `${e.name} (${e.requests})`).join(', ')}`,
    );
  }
  if (result.onlyInCurrent.length > 0) {
    out.push('');
    out.push(
      `Only in the current run: ${result.onlyInCurrent.map((e) => `${e.name} (${e.requests})`).join(', ')}`,
    );
  }
  out.push('');
  out.push(style.dim(criteriaLine(result)));
  for (const note of result.notes) out.push(style.yellow(`Note: ${note}`));
  return `${out.join('\n')}\n`;
}

function table(rows: CompareRow[], style: Style, width: number): string {
  const cells = rows.map((row, i) => [
    i > 0 && rows[i - 1]?.endpoint === row.endpoint ? '' : row.endpoint,
    row.metric,
    row.baseline,
    row.current,
    row.change,
    row.p,
    VERDICT_LABELS[row.verdict],
  ]);
  const widths = HEADERS.map((h, c) => Math.max(h.length, ...cells.map((r) => (r[c] ?? '').length)));
  const total = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  if (total > width) widths[0] = Math.max(MIN_ENDPOINT_WIDTH, (widths[0] ?? 0) - (total - width));
  const line = (values: string[]) =>
    values
      .map((value, c) => {
        const w = widths[c] ?? 0;
        const text = value.length > w ? `${value.slice(0, w - 1)}…` : value;
        return c >= 2 && c <= 5 ? text.padStart(w) : text.padEnd(w);
      })
      .join('  ')
      .trimEnd();
  const out = [style.bold(line(HEADERS))];
  cells.forEach((values, i) => {
    const verdict = rows[i]?.verdict ?? 'unchanged';
    const text = line(values);
    out.push(
      verdict === 'regression' || verdict === 'improvement' ? verdictColor(style, verdict)(text) : text,
    );
  });
  return out.join('\n');
}

function verdictColor(
  style: Style,
  verdict: MetricVerdict | 'regression' | 'improvement',
): (t: string) => string {
  switch (verdict) {
    case 'regression':
      return style.red;
    case 'improvement':
      return style.green;
    case 'insufficient-data':
      return style.yellow;
    default:
      return (t) => t;
  }
}
