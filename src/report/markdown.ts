import type { LoadTestSummary } from '../diagnosis/load-test-summary.js';
import type { DiagnosisResult, Finding } from '../diagnosis/result.js';
import {
  escapeMarkdownCell as cell,
  markdownCode as code,
  mapStrings,
  markdownCodeBlock,
  escapeMarkdown as md,
  stripControlChars,
} from './escape.js';
import {
  formatApdex,
  formatBytes,
  formatClockRange,
  formatConfidence,
  formatCount,
  formatDuration,
  formatInstant,
  formatMs,
  formatOnset,
  formatPercent,
  formatRange,
  formatRate,
} from './format.js';
import {
  countsByName,
  describeSignal,
  describeSource,
  findingCounts,
  formatWeight,
  groupFindings,
  inputErrors,
  kpiRows,
  needsText,
  showsChain,
  timelineRows,
  verdictHeadline,
  whyNotMatched,
  wouldHelp,
} from './outline.js';

// The diagnosis as GitHub-flavoured Markdown, written to be pasted into a CI job summary or a pull
// request: the same sections as the terminal report, with every checked text escaped so that an
// endpoint name or error message cannot break a table or inject markup.

const VERDICT_ICON = { failure: '🔴', degraded: '🟠', healthy: '🟢', inconclusive: '⚪' } as const;

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function table(
  header: readonly string[],
  align: readonly ('l' | 'r')[],
  rows: readonly string[][],
): string[] {
  return [row(header), row(align.map((a) => (a === 'r' ? '---:' : '---'))), ...rows.map((r) => row(r))];
}

export function renderMarkdown(input: DiagnosisResult): string {
  // Control characters have no place in a job summary, and some CI log viewers interpret them.
  const result = mapStrings(input, stripControlChars);
  const out: string[] = [];
  const groups = groupFindings(result.findings);

  out.push(`# ${VERDICT_ICON[result.verdict]} Faultline: ${md(verdictHeadline(result.verdict))}`, '');
  out.push(`**${md(findingCounts(groups))}**`, '');
  const context = [
    `${result.tool.name} ${result.tool.version}`,
    `generated ${formatInstant(result.generatedAt)}`,
  ];
  if (result.window) context.push(`window ${formatRange(result.window.start, result.window.end)}`);
  out.push(md(context.join(' · ')), '');

  if (result.loadTest) out.push(...loadTestSection(result.loadTest));

  if (showsChain(result)) {
    out.push(
      '## Timeline',
      '',
      'The onsets behind the matched findings, earliest first: causes move before their symptoms.',
      '',
    );
    out.push(
      ...table(
        ['When', 'Evidence', 'Finding', 'Subject', 'What started'],
        ['l', 'l', 'l', 'l', 'l'],
        timelineRows(result).map((row) => [
          cell(row.at),
          cell(row.evidence),
          code(row.scenarioId, true),
          cell(row.subject),
          cell(row.message),
        ]),
      ),
      '',
    );
  }

  if (groups.matched.length) {
    out.push(`## Matched (${groups.matched.length})`, '');
    for (const f of groups.matched) out.push(...matchedSection(f, result.loadTest?.start));
  }

  if (groups.notMatched.length) {
    out.push(`## Not matched (${groups.notMatched.length})`, '');
    out.push(
      ...table(
        ['#', 'Scenario', 'Severity', 'Confidence', 'Why not'],
        ['r', 'l', 'l', 'r', 'l'],
        groups.notMatched.map((f) => [
          String(f.rank),
          `${cell(f.title)} ${code(f.scenarioId, true)}`,
          f.severity,
          formatConfidence(f.confidence),
          cell(whyNotMatched(f)),
        ]),
      ),
      '',
    );
  }

  if (groups.insufficient.length) {
    out.push(`## Not enough evidence (${groups.insufficient.length})`, '');
    out.push(
      ...table(
        ['#', 'Scenario', 'Severity', 'Status'],
        ['r', 'l', 'l', 'l'],
        groups.insufficient.map((f) => [
          String(f.rank),
          `${cell(f.title)} ${code(f.scenarioId, true)}`,
          f.severity,
          cell(needsText(f)),
        ]),
      ),
      '',
    );
  }

  const failed = inputErrors(result);
  if (failed.length) {
    out.push(`## Input errors (${failed.length})`, '');
    out.push(
      ...table(
        ['Kind', 'Source', 'Error'],
        ['l', 'l', 'l'],
        failed.map((i) => [
          i.kind,
          code(describeSource(i.source), true),
          i.error ? `${code(i.error.code, true)} ${cell(i.error.message)}` : '',
        ]),
      ),
      '',
    );
  }

  if (result.errors.length) {
    out.push(`## Run errors (${result.errors.length})`, '');
    for (const e of result.errors) {
      out.push(`- **${e.stage}**${e.scenarioId ? ` ${code(e.scenarioId)}` : ''}: ${md(e.message)}`);
    }
    out.push('');
  }

  const notes = result.loadTest?.notes ?? [];
  if (notes.length) {
    out.push('## Notes', '');
    for (const note of notes) out.push(`- ${md(note)}`);
    out.push('');
  }
  while (out.at(-1) === '') out.pop();
  return `${out.join('\n')}\n`;
}

function loadTestSection(summary: LoadTestSummary): string[] {
  const out = ['## Load test', ''];
  const facts = [summary.formats.join(', ') || 'unknown format'];
  if (summary.durationSeconds !== null) facts.push(formatDuration(summary.durationSeconds));
  if (summary.start && summary.end) facts.push(formatRange(summary.start, summary.end));
  facts.push(
    summary.summaryOnly
      ? 'totals only'
      : `${summary.series.t.length} buckets of ${formatDuration(summary.bucketSeconds)}`,
  );
  facts.push(`Apdex T ${formatMs(summary.apdexThresholdMs)}`);
  out.push(md(facts.join(' · ')), '');
  if (summary.phases.length) {
    out.push(
      `Phases: ${summary.phases.map((p) => `${p.name} ${formatClockRange(p.start, p.end)}`).join(' · ')}`,
      '',
    );
  }
  out.push(
    ...table(
      ['Endpoint', 'Requests', 'Err %', 'Req/s', 'p50', 'p95', 'p99', 'Max', 'Apdex'],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      kpiRows(summary).map((r) => {
        const name = r.overall ? `**${cell(r.name)}**` : code(r.name, true);
        return [
          name,
          formatCount(r.kpis.requests),
          formatPercent(r.kpis.errorRate),
          formatRate(r.kpis.throughput),
          formatMs(r.kpis.p50),
          formatMs(r.kpis.p95),
          formatMs(r.kpis.p99),
          formatMs(r.kpis.max),
          formatApdex(r.kpis.apdex),
        ];
      }),
    ),
    '',
  );
  const overall = summary.overall;
  const failures = countsByName(overall.failureKinds);
  if (failures.length)
    out.push(`**Failures:** ${failures.map(([k, n]) => `${md(k)} ${formatCount(n)}`).join(' · ')}  `);
  const statuses = countsByName(overall.statuses);
  if (statuses.length)
    out.push(`**Statuses:** ${statuses.map(([k, n]) => `${md(k)} ${formatCount(n)}`).join(' · ')}  `);
  const volume = [`received ${formatBytes(overall.receivedBytes)}`, `sent ${formatBytes(overall.sentBytes)}`];
  if (overall.maxConcurrency !== null) volume.unshift(`peak ${formatCount(overall.maxConcurrency)} users`);
  out.push(`**Volume:** ${md(volume.join(' · '))}`, '');
  if (summary.failures.length) {
    out.push(
      '**Top failures**',
      '',
      ...table(
        ['Count', 'Endpoint', 'Kind', 'Status', 'Message', 'First at'],
        ['r', 'l', 'l', 'l', 'l', 'l'],
        summary.failures.map((f) => [
          formatCount(f.count),
          code(f.endpoint),
          md(f.kind),
          md(f.status),
          md(f.message),
          md(describeSource(f.source)),
        ]),
      ),
      '',
    );
  }
  return out;
}

function matchedSection(f: Finding, testStart: string | undefined): string[] {
  const out = [
    `### ${f.rank}. ${md(f.title)} — ${f.severity}, ${formatConfidence(f.confidence)} confidence`,
    '',
  ];
  const facts = [`- **Scenario:** ${code(f.scenarioId)} (${f.category})`];
  if (f.onset) facts.push(`- **Onset:** ${md(formatOnset(f.onset, testStart))}`);
  if (f.end) facts.push(`- **Until:** ${md(formatInstant(f.end))}`);
  if (f.subjects.length) facts.push(`- **Affects:** ${f.subjects.map((s) => code(s)).join(', ')}`);
  if (f.missingEvidence.length) facts.push(`- **Would help:** ${wouldHelp(f).map(md).join('; ')}`);
  out.push(...facts, '');

  if (f.evidence.length) {
    out.push('**Evidence**', '');
    out.push(
      ...table(
        ['Evidence', 'Expected', 'Observed', 'Source'],
        ['l', 'l', 'l', 'l'],
        f.evidence.map((e) => [
          cell(e.message),
          cell(e.expected ?? '–'),
          cell(e.observed ?? '–'),
          code(describeSource(e.source), true),
        ]),
      ),
      '',
    );
  }
  const contributions = (title: string, list: Finding['raisedBy']) => {
    if (!list.length) return;
    out.push(`**${title}**`, '');
    for (const c of list)
      out.push(`- \`${formatWeight(c.weight)}\` ${code(describeSignal(c))} — ${md(c.reason)}`);
    out.push('');
  };
  contributions('Raised by', f.raisedBy);
  contributions('Lowered by', f.loweredBy);

  if (f.checks.length) {
    out.push('**Check**', '');
    f.checks.forEach((check, i) => {
      out.push(`${i + 1}. ${md(check.description)}`);
      // Indented under the list item so the block belongs to it.
      if (check.command)
        out.push(
          '',
          ...markdownCodeBlock(check.command, 'sh')
            .split('\n')
            .map((l) => `   ${l}`),
        );
    });
    out.push('');
  }
  if (f.remediation.length) {
    out.push('**Do**', '');
    f.remediation.forEach((step, i) => {
      out.push(`${i + 1}. ${md(step)}`);
    });
    out.push('');
  }
  return out;
}
