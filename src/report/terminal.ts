import { PLAIN, type Style, severityColor, wrap } from '../catalog/render/terminal.js';
import type { Verdict } from '../core/vocabulary.js';
import type { LoadTestSummary } from '../diagnosis/load-test-summary.js';
import type { DiagnosisResult, Finding } from '../diagnosis/result.js';
import { mapStrings, stripControlChars } from './escape.js';
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
  describeCounts,
  describeSignal,
  describeSource,
  findingCounts,
  formatWeight,
  groupFindings,
  inputErrors,
  type KpiRow,
  kpiRows,
  needsText,
  showsChain,
  TOP_CHECKS,
  TOP_REMEDIATION,
  timelineRows,
  verdictHeadline,
  whyNotMatched,
  wouldHelp,
} from './outline.js';
import { textTable } from './text-table.js';

// The diagnosis as a person reads it in a terminal: verdict first, then the load-test numbers,
// then what matched with its evidence and what to do, then the rest in one line each. Pure:
// colours come in as a Style (plain when not a TTY) and the width is a parameter.

export interface TerminalOptions {
  style?: Style;
  /** Column count for wrapping; 100 when not given. */
  width?: number;
}

export function verdictColor(style: Style, verdict: Verdict): (text: string) => string {
  switch (verdict) {
    case 'failure':
      return (t) => style.bold(style.red(t));
    case 'degraded':
      return (t) => style.bold(style.yellow(t));
    case 'healthy':
      return (t) => style.bold(style.green(t));
    case 'inconclusive':
      return (t) => style.bold(style.magenta(t));
  }
}

export function renderTerminal(input: DiagnosisResult, options: TerminalOptions = {}): string {
  const result = mapStrings(input, stripControlChars);
  const style = options.style ?? PLAIN;
  // Below 60 columns the tables cannot fit their numbers; wrapping narrower only hurts.
  const width = Math.max(60, options.width ?? 100);
  const out: string[] = [];
  const heading = (title: string) => {
    out.push('', style.bold(style.cyan(title)));
  };
  const groups = groupFindings(result.findings);

  out.push(verdictColor(style, result.verdict)(verdictHeadline(result.verdict)));
  out.push(findingCounts(groups));
  const context = [
    `${result.tool.name} ${result.tool.version}`,
    `generated ${formatInstant(result.generatedAt)}`,
  ];
  if (result.window) context.push(`window ${formatRange(result.window.start, result.window.end)}`);
  out.push(style.dim(context.join(' · ')));

  if (result.loadTest) {
    heading('LOAD TEST');
    out.push(...loadTestLines(result.loadTest, style, width));
  }

  if (showsChain(result)) {
    heading('TIMELINE (what started first)');
    for (const row of timelineRows(result)) {
      const who = [row.evidence, row.scenarioId, row.subject].filter(Boolean).join(' · ');
      out.push(wrap(`${style.bold(row.at)}  ${row.message} ${style.dim(`(${who})`)}`, width, '  ', '    '));
    }
  }

  if (groups.matched.length) {
    heading(`MATCHED (${groups.matched.length})`);
    for (const finding of groups.matched) {
      out.push('', ...matchedLines(finding, result.loadTest?.start, style, width));
    }
  }

  if (groups.notMatched.length) {
    heading(`NOT MATCHED (${groups.notMatched.length})`);
    // Those that something spoke for are shown with why they fell short; those that nothing spoke
    // for (most of the catalog, when output is triaged) are named on one line, by id.
    const near = groups.notMatched.filter((f) => f.confidence > 0 || f.raisedBy.length > 0);
    const clear = groups.notMatched.filter((f) => !near.includes(f));
    const rankWidth = rankColumnWidth(near);
    for (const f of near) {
      const rank = `#${f.rank}`.padEnd(rankWidth);
      out.push(
        `  ${style.bold(rank)} ${f.title}  ${style.dim(`${f.scenarioId} · ${formatConfidence(f.confidence)}`)}`,
      );
      out.push(style.dim(wrap(whyNotMatched(f), width, ' '.repeat(rankWidth + 3))));
    }
    if (clear.length) {
      out.push(`  ${style.green(`no sign of (${clear.length})`)}`);
      out.push(style.dim(wrap(clear.map((f) => f.scenarioId).join(', '), width, '    ')));
    }
  }

  if (groups.insufficient.length) {
    heading(`NOT ENOUGH EVIDENCE (${groups.insufficient.length})`);
    // A terminal shows them grouped by what they lack, by id: with one kind of evidence most of
    // the catalog lands here, and a line pair each would bury the findings (JSON, Markdown and
    // HTML keep every one in full).
    const byNeed = new Map<string, string[]>();
    for (const f of groups.insufficient) {
      const need = needsText(f);
      byNeed.set(need, [...(byNeed.get(need) ?? []), f.scenarioId]);
    }
    for (const [need, ids] of byNeed) {
      out.push(`  ${style.yellow(`${need} (${ids.length})`)}`);
      out.push(style.dim(wrap(ids.join(', '), width, '    ')));
    }
  }

  const failed = inputErrors(result);
  if (failed.length) {
    heading(`INPUT ERRORS (${failed.length})`);
    for (const input of failed) {
      const error = input.error ? ` — ${input.error.code}: ${input.error.message}` : '';
      out.push(
        labelled(
          `${input.kind} ${describeSource(input.source)}${error}`,
          width,
          '  ',
          '✗',
          style.red,
          '    ',
        ),
      );
    }
  }

  if (result.errors.length) {
    heading(`RUN ERRORS (${result.errors.length})`);
    for (const e of result.errors) {
      const where = `${e.stage}${e.scenarioId ? ` ${e.scenarioId}` : ''}`;
      out.push(labelled(`${where}: ${e.message}`, width, '  ', '!', style.red, '    '));
    }
  }

  const notes = result.loadTest?.notes ?? [];
  if (notes.length) {
    heading('NOTES');
    for (const note of notes) out.push(wrap(note, width, '  • ', '    '));
  }
  return `${out.join('\n')}\n`;
}

/**
 * Wraps text after a label and paints the label afterwards, so colour escapes never move the line
 * breaks: the coloured report is the plain one plus escapes.
 */
function labelled(
  text: string,
  width: number,
  indent: string,
  label: string,
  paint: (text: string) => string,
  restIndent?: string,
): string {
  const prefix = `${indent}${label} `;
  const wrapped = wrap(text, width, prefix, restIndent ?? ' '.repeat(prefix.length));
  return `${indent}${paint(label)} ${wrapped.slice(prefix.length)}`;
}

function rankColumnWidth(findings: readonly Finding[]): number {
  return Math.max(...findings.map((f) => `#${f.rank}`.length));
}

function loadTestLines(summary: LoadTestSummary, style: Style, width: number): string[] {
  const out: string[] = [];
  const facts = [summary.formats.join(', ') || 'unknown format'];
  if (summary.durationSeconds !== null) facts.push(formatDuration(summary.durationSeconds));
  if (summary.start && summary.end) facts.push(formatRange(summary.start, summary.end));
  if (!summary.summaryOnly)
    facts.push(`${summary.series.t.length} buckets of ${formatDuration(summary.bucketSeconds)}`);
  else facts.push('totals only');
  facts.push(`Apdex T ${formatMs(summary.apdexThresholdMs)}`);
  out.push(wrap(facts.join(' · '), width, ''));
  if (summary.phases.length) {
    const phases = summary.phases.map((p) => `${p.name} ${formatClockRange(p.start, p.end)}`);
    out.push(labelled(phases.join(' · '), width, '', 'phases', style.dim));
  }
  out.push('');
  out.push(
    ...textTable<KpiRow>(
      kpiRows(summary),
      [
        { header: 'ENDPOINT', value: (r) => r.name, flexible: true },
        { header: 'REQUESTS', value: (r) => formatCount(r.kpis.requests), align: 'right' },
        {
          header: 'ERR%',
          value: (r) => formatPercent(r.kpis.errorRate),
          align: 'right',
          color: (r, t) => (r.kpis.errorRate > 0 ? style.red(t) : t),
        },
        { header: 'REQ/S', value: (r) => formatRate(r.kpis.throughput), align: 'right', dropRank: 3 },
        { header: 'P50', value: (r) => formatMs(r.kpis.p50), align: 'right', dropRank: 2 },
        { header: 'P95', value: (r) => formatMs(r.kpis.p95), align: 'right' },
        { header: 'P99', value: (r) => formatMs(r.kpis.p99), align: 'right' },
        { header: 'MAX', value: (r) => formatMs(r.kpis.max), align: 'right', dropRank: 1 },
        { header: 'APDEX', value: (r) => formatApdex(r.kpis.apdex), align: 'right' },
      ],
      {
        style,
        width,
        rowStyle: (r, line) => (r.overall ? style.bold(line) : line),
        // Enough for a method and a short path; below that, MAX, P50 and REQ/S give way first.
        minFlexible: 24,
      },
    ),
  );
  const overall = summary.overall;
  const extra: string[] = [];
  const failures = describeCounts(overall.failureKinds);
  if (failures) extra.push(labelled(failures, width, '', 'failures', style.dim));
  const statuses = describeCounts(overall.statuses);
  if (statuses) extra.push(labelled(statuses, width, '', 'statuses', style.dim));
  const volume = [`received ${formatBytes(overall.receivedBytes)}`, `sent ${formatBytes(overall.sentBytes)}`];
  if (overall.maxConcurrency !== null) volume.unshift(`peak ${formatCount(overall.maxConcurrency)} users`);
  extra.push(`${style.dim('volume')}   ${volume.join(' · ')}`);
  if (extra.length) out.push('', ...extra);
  if (summary.failures.length) {
    out.push('', style.bold('TOP FAILURES'));
    for (const f of summary.failures) {
      const what = [f.status, f.message].filter(Boolean).join(' ');
      out.push(wrap(`${formatCount(f.count)}× ${f.endpoint} (${f.kind}) ${what}`, width, '  ', '    '));
      out.push(`    ${style.dim(`first at ${describeSource(f.source)}`)}`);
    }
  }
  return out;
}

function matchedLines(f: Finding, testStart: string | undefined, style: Style, width: number): string[] {
  const out: string[] = [];
  const left = `#${f.rank} ${f.title}`;
  const right = `${f.severity} · ${formatConfidence(f.confidence)} confidence`;
  const paint = severityColor(style, f.severity);
  const gap = width - left.length - right.length;
  const rightPainted = `${paint(f.severity)} · ${formatConfidence(f.confidence)} confidence`;
  if (gap >= 2) out.push(`${style.bold(left)}${' '.repeat(gap)}${rightPainted}`);
  else out.push(style.bold(left), `   ${rightPainted}`);

  const facts = [f.scenarioId, f.category];
  if (f.onset) facts.push(`onset ${formatOnset(f.onset, testStart)}`);
  if (f.end) facts.push(`until ${formatInstant(f.end)}`);
  out.push(style.dim(wrap(facts.join(' · '), width, '   ')));
  if (f.subjects.length) out.push(labelled(f.subjects.join(', '), width, '   ', 'affects', style.dim));

  const sub = (title: string) => out.push(`   ${style.bold(title)}`);
  if (f.evidence.length) {
    sub('Evidence');
    for (const item of f.evidence) {
      out.push(wrap(item.message, width, '     • ', '       '));
      if (item.expected !== undefined)
        out.push(labelled(item.expected, width, '       ', 'expected', style.dim));
      if (item.observed !== undefined)
        out.push(labelled(item.observed, width, '       ', 'observed', style.dim));
      out.push(style.dim(wrap(describeSource(item.source), width, '       source   ', '                ')));
    }
  }
  const contributions = (title: string, list: Finding['raisedBy']) => {
    if (!list.length) return;
    sub(title);
    for (const c of list) {
      const paint = c.weight >= 0 ? style.red : style.green;
      out.push(labelled(`${describeSignal(c)} — ${c.reason}`, width, '     ', formatWeight(c.weight), paint));
    }
  };
  contributions('Raised by', f.raisedBy);
  contributions('Lowered by', f.loweredBy);
  for (const help of wouldHelp(f)) out.push(labelled(help, width, '   ', 'would help', style.dim));
  if (f.checks.length) {
    sub('Check');
    f.checks.slice(0, TOP_CHECKS).forEach((check, i) => {
      out.push(wrap(check.description, width, `     ${i + 1}. `, '        '));
      // Commands stay on one line so they can be copied as they are.
      if (check.command) out.push(`        ${style.green('$')} ${check.command}`);
    });
  }
  if (f.remediation.length) {
    sub('Do');
    f.remediation.slice(0, TOP_REMEDIATION).forEach((step, i) => {
      out.push(wrap(step, width, `     ${i + 1}. `, '        '));
    });
  }
  const hidden =
    Math.max(0, f.checks.length - TOP_CHECKS) + Math.max(0, f.remediation.length - TOP_REMEDIATION);
  if (hidden) out.push(style.dim(`   ${hidden} more: faultline catalog show ${f.scenarioId}`));
  return out;
}
