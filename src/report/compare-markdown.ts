import type { ComparisonResult } from '../compare/result.js';
import { compareRows, criteriaLine, headline, sideLine, VERDICT_LABELS } from './compare-format.js';

// The comparison as GitHub-flavoured Markdown, for a pull-request comment or a CI job summary.

export function renderCompareMarkdown(result: ComparisonResult): string {
  const out: string[] = [];
  const mark = result.verdict === 'regression' ? '❌' : result.verdict === 'improvement' ? '✅' : 'ℹ️';
  out.push(`## ${mark} ${escapeMarkdown(headline(result))}`, '');
  out.push(`- ${escapeMarkdown(sideLine('Baseline', result.baseline))}`);
  out.push(`- ${escapeMarkdown(sideLine('Current', result.current))}`, '');
  out.push('| Endpoint | Metric | Baseline | Current | Change | p (adj.) | Verdict |');
  out.push('| --- | --- | ---: | ---: | ---: | ---: | --- |');
  for (const row of compareRows(result)) {
    const verdict = VERDICT_LABELS[row.verdict];
    const shown = row.verdict === 'regression' || row.verdict === 'improvement' ? `**${verdict}**` : verdict;
    out.push(
      `| ${[row.endpoint, row.metric, row.baseline, row.current, row.change, row.p].map(escapeMarkdown).join(' | ')} | ${shown} |`,
    );
  }
  const changed = compareRows(result).filter(
    (r) => r.verdict === 'regression' || r.verdict === 'improvement',
  );
  if (changed.length > 0) {
    out.push('', '### Why');
    for (const row of changed)
      out.push(
        `- **${escapeMarkdown(row.endpoint)}** ${escapeMarkdown(row.metric)}: ${escapeMarkdown(row.reason)}`,
      );
  }
  if (result.onlyInBaseline.length > 0) {
    out.push(
      '',
      `Only in the baseline: ${result.onlyInBaseline.map((e) => `\`${code(e.name)}\` (${e.requests})`).join(', ')}`,
    );
  }
  if (result.onlyInCurrent.length > 0) {
    out.push(
      '',
      `Only in the current run: ${result.onlyInCurrent.map((e) => `\`${code(e.name)}\` (${e.requests})`).join(', ')}`,
    );
  }
  out.push('', `_${escapeMarkdown(criteriaLine(result))}_`);
  for (const note of result.notes) out.push('', `> **Note:** ${escapeMarkdown(note)}`);
  return `${out.join('\n')}\n`;
}

/** Characters that would break a table cell or start Markdown formatting. */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\|*_`[\]<>])/g, '\\$1').replace(/\n/g, ' ');
}

function code(text: string): string {
  return text.replace(/`/g, "'");
}
