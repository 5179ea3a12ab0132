import { VERDICTS } from '../core/vocabulary.js';
import type { LoadTestSummary } from '../diagnosis/load-test-summary.js';
import type { DiagnosisResult, Finding } from '../diagnosis/result.js';
import { type ChartMarker, loadTestCharts, type RenderedChart } from './charts.js';
import { escapeHtml as h, mapStrings, stripControlChars } from './escape.js';
import {
  formatApdex,
  formatBytes,
  formatClock,
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
import { REPORT_CSS } from './html-style.js';
import {
  countsByName,
  describeSignal,
  describeSource,
  findingCounts,
  formatWeight,
  groupFindings,
  kpiRows,
  needsText,
  showsChain,
  timelineRows,
  whyNotMatched,
  wouldHelp,
} from './outline.js';

// The diagnosis as one self-contained HTML file: styles and SVG charts inline, no script, nothing
// fetched, so it opens offline, attaches to a ticket and prints. A content security policy that
// forbids scripts and external loads backs up the escaping of every text taken from the result.

const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

function onsetMarkers(findings: readonly Finding[]): ChartMarker[] {
  return findings
    .filter((f) => f.status === 'matched' && f.onset !== undefined)
    .map((f) => ({ label: `#${f.rank}`, at: Date.parse(f.onset ?? '') }))
    .filter((m) => Number.isFinite(m.at));
}

export function renderHtml(input: DiagnosisResult): string {
  // Control characters are not allowed in HTML text, and ECharts passes them into the SVG as they are.
  const result = mapStrings(input, stripControlChars);
  const groups = groupFindings(result.findings);
  const testStart = result.loadTest?.start;
  const sections: string[] = [];
  const nav: Array<[string, string]> = [];
  const section = (id: string, title: string, body: string) => {
    nav.push([id, title]);
    sections.push(`<section id="${id}">\n<h2>${h(title)}</h2>\n${body}\n</section>`);
  };

  if (result.loadTest) {
    section('load-test', 'Load test', loadTestBody(result.loadTest));
    const markers = onsetMarkers(groups.matched);
    const charts = loadTestCharts(result.loadTest, markers);
    if (charts.timeline.length || charts.histograms.length) {
      section('charts', 'Charts', chartsBody(charts.timeline, charts.histograms, groups.matched));
    }
  }
  if (showsChain(result)) {
    section(
      'timeline',
      'Timeline',
      `<p>The onsets behind the matched findings, earliest first: causes move before their symptoms.</p>\n${table(
        ['When', 'Evidence', 'Finding', 'Subject', 'What started'],
        timelineRows(result).map((row) => [
          h(row.at),
          h(row.evidence),
          `<code>${h(row.scenarioId)}</code>`,
          h(row.subject),
          h(row.message),
        ]),
        [],
      )}`,
    );
  }
  if (groups.matched.length) {
    section(
      'matched',
      `Matched (${groups.matched.length})`,
      groups.matched.map((f) => matchedArticle(f, testStart)).join('\n'),
    );
  }
  if (groups.notMatched.length) {
    section(
      'not-matched',
      `Not matched (${groups.notMatched.length})`,
      table(
        ['#', 'Scenario', 'Severity', 'Confidence', 'Why not'],
        groups.notMatched.map((f) => [
          String(f.rank),
          `${h(f.title)} <code>${h(f.scenarioId)}</code>`,
          severityChip(f.severity),
          formatConfidence(f.confidence),
          h(whyNotMatched(f)),
        ]),
        [0, 3],
      ),
    );
  }
  if (groups.insufficient.length) {
    section(
      'insufficient',
      `Not enough evidence (${groups.insufficient.length})`,
      table(
        ['#', 'Scenario', 'Severity', 'Status'],
        groups.insufficient.map((f) => [
          String(f.rank),
          `${h(f.title)} <code>${h(f.scenarioId)}</code>`,
          severityChip(f.severity),
          `<span class="needs">${h(needsText(f))}</span>`,
        ]),
        [0],
      ),
    );
  }
  if (result.inputs.length) {
    section(
      'inputs',
      'Inputs',
      table(
        ['Kind', 'Source', 'Status'],
        result.inputs.map((i) => [
          h(i.kind),
          `<code>${h(describeSource(i.source))}</code>`,
          i.status === 'loaded'
            ? '<span class="ok">loaded</span>'
            : `<span class="bad">${i.status}</span>${i.error ? ` <code>${h(i.error.code)}</code> ${h(i.error.message)}` : ''}`,
        ]),
      ),
    );
  }
  if (result.errors.length) {
    section(
      'run-errors',
      `Run errors (${result.errors.length})`,
      `<ul>\n${result.errors
        .map(
          (e) =>
            `<li><strong>${h(e.stage)}</strong>${e.scenarioId ? ` <code>${h(e.scenarioId)}</code>` : ''}: ${h(e.message)}</li>`,
        )
        .join('\n')}\n</ul>`,
    );
  }
  const notes = result.loadTest?.notes ?? [];
  if (notes.length)
    section('notes', 'Notes', `<ul>\n${notes.map((n) => `<li>${h(n)}</li>`).join('\n')}\n</ul>`);

  const title = `Faultline: ${result.verdict.toUpperCase()} — ${findingCounts(groups)}`;
  const meta = [
    `${result.tool.name} ${result.tool.version}`,
    `generated ${formatInstant(result.generatedAt)}`,
  ];
  if (result.window) meta.push(`window ${formatRange(result.window.start, result.window.end)}`);

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${h(CSP)}">
<meta name="generator" content="${h(`${result.tool.name} ${result.tool.version}`)}">
<title>${h(title)}</title>
<style>
${REPORT_CSS}
</style>
</head>
<body>
<header class="verdict verdict-${result.verdict}" id="verdict" data-verdict="${result.verdict}">
<p class="badge">${h(result.verdict.toUpperCase())}</p>
<div>
<h1>${h(VERDICTS[result.verdict])}</h1>
<p class="counts">${h(findingCounts(groups))}</p>
<p class="meta">${h(meta.join(' · '))}</p>
</div>
</header>
<nav aria-label="Sections">${nav.map(([id, t]) => `<a href="#${id}">${h(t)}</a>`).join(' ')}</nav>
<main>
${sections.join('\n')}
</main>
<footer>Faultline diagnosis result, schema ${h(result.schemaVersion)}. Times are UTC.</footer>
</body>
</html>
`;
}

function table(
  header: readonly string[],
  rows: readonly string[][],
  numeric: readonly number[] = [],
): string {
  const cls = (i: number) => (numeric.includes(i) ? ' class="num"' : '');
  return [
    '<div class="table-wrap"><table>',
    `<thead><tr>${header.map((c, i) => `<th${cls(i)}>${h(c)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${c}</td>`).join('')}</tr>`),
    '</tbody></table></div>',
  ].join('\n');
}

function severityChip(severity: Finding['severity']): string {
  return `<span class="sev sev-${severity}">${severity}</span>`;
}

function loadTestBody(summary: LoadTestSummary): string {
  const facts = [summary.formats.join(', ') || 'unknown format'];
  if (summary.durationSeconds !== null) facts.push(formatDuration(summary.durationSeconds));
  if (summary.start && summary.end) facts.push(formatRange(summary.start, summary.end));
  facts.push(
    summary.summaryOnly
      ? 'totals only'
      : `${summary.series.t.length} buckets of ${formatDuration(summary.bucketSeconds)}`,
  );
  facts.push(`Apdex T ${formatMs(summary.apdexThresholdMs)}`);
  const out = [`<p class="facts">${h(facts.join(' · '))}</p>`];
  if (summary.phases.length) {
    out.push(
      `<p class="facts">Phases: ${summary.phases.map((p) => `${h(p.name)} ${formatClockRange(p.start, p.end)}`).join(' · ')}</p>`,
    );
  }
  const overall = summary.overall;
  const tiles: Array<[string, string]> = [
    ['Requests', formatCount(overall.requests)],
    ['Errors', formatPercent(overall.errorRate)],
    ['Throughput', `${formatRate(overall.throughput)} req/s`],
    ['p95', formatMs(overall.p95)],
    ['p99', formatMs(overall.p99)],
    ['Apdex', formatApdex(overall.apdex)],
  ];
  if (overall.maxConcurrency !== null) tiles.push(['Peak users', formatCount(overall.maxConcurrency)]);
  out.push(
    `<div class="tiles">${tiles.map(([k, v]) => `<div class="tile"><span>${h(k)}</span><strong>${h(v)}</strong></div>`).join('')}</div>`,
  );
  out.push(
    table(
      ['Endpoint', 'Requests', 'Err %', 'Req/s', 'p50', 'p90', 'p95', 'p99', 'Max', 'Apdex'],
      kpiRows(summary).map((r) => [
        r.overall ? `<strong>${h(r.name)}</strong>` : `<code>${h(r.name)}</code>`,
        formatCount(r.kpis.requests),
        r.kpis.errorRate > 0
          ? `<span class="bad">${formatPercent(r.kpis.errorRate)}</span>`
          : formatPercent(0),
        formatRate(r.kpis.throughput),
        formatMs(r.kpis.p50),
        formatMs(r.kpis.p90),
        formatMs(r.kpis.p95),
        formatMs(r.kpis.p99),
        formatMs(r.kpis.max),
        formatApdex(r.kpis.apdex),
      ]),
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
    ),
  );
  const failures = countsByName(overall.failureKinds);
  const statuses = countsByName(overall.statuses);
  const pairs = (list: Array<[string, number]>) =>
    list.map(([k, n]) => `<span class="pair"><code>${h(k)}</code> ${formatCount(n)}</span>`).join(' ');
  const extra: string[] = [];
  if (failures.length) extra.push(`<dt>Failures</dt><dd>${pairs(failures)}</dd>`);
  if (statuses.length) extra.push(`<dt>Statuses</dt><dd>${pairs(statuses)}</dd>`);
  extra.push(
    `<dt>Volume</dt><dd>received ${formatBytes(overall.receivedBytes)} · sent ${formatBytes(overall.sentBytes)}</dd>`,
  );
  out.push(`<dl class="extra">${extra.join('')}</dl>`);
  if (summary.failures.length) {
    out.push('<h3>Top failures</h3>');
    out.push(
      table(
        ['Count', 'Endpoint', 'Kind', 'Status', 'Message', 'First at'],
        summary.failures.map((f) => [
          formatCount(f.count),
          `<code>${h(f.endpoint)}</code>`,
          h(f.kind),
          h(f.status),
          h(f.message),
          h(describeSource(f.source)),
        ]),
        [0],
      ),
    );
  }
  return out.join('\n');
}

function figure(chart: RenderedChart, className: string): string {
  return `<figure class="${className}" id="${chart.id}">
<figcaption>${h(chart.description)}</figcaption>
<div class="svg" role="img" aria-label="${h(`${chart.title}. ${chart.description}`)}">${chart.svg}</div>
</figure>`;
}

function chartsBody(
  timeline: RenderedChart[],
  histograms: RenderedChart[],
  matched: readonly Finding[],
): string {
  const out: string[] = [];
  const onsets = matched.filter((f) => f.onset);
  if (timeline.length) {
    const key = onsets.map(
      (f) =>
        `<li><span class="onset-key">#${f.rank}</span> ${h(f.title)} at ${formatClock(Date.parse(f.onset ?? ''))}</li>`,
    );
    out.push(
      `<p class="chart-key">Dashed red lines mark the onset of each matched finding; grey bands are the ramp-up and ramp-down phases.</p>${
        key.length ? `\n<ul class="onsets">${key.join('')}</ul>` : ''
      }`,
    );
    out.push(...timeline.map((c) => figure(c, 'chart wide')));
  }
  if (histograms.length) {
    out.push('<h3>Response-time distribution per endpoint</h3>');
    out.push(`<div class="grid">\n${histograms.map((c) => figure(c, 'chart small')).join('\n')}\n</div>`);
  }
  return out.join('\n');
}

function matchedArticle(f: Finding, testStart: string | undefined): string {
  const out: string[] = [];
  out.push(`<article class="finding sev-border-${f.severity}" id="finding-${f.rank}">`);
  out.push(
    `<h3><span class="rank">#${f.rank}</span> ${h(f.title)} ${severityChip(f.severity)} <span class="confidence" title="confidence"><span class="bar"><span style="width:${Math.round(f.confidence * 100)}%"></span></span>${formatConfidence(f.confidence)} confidence</span></h3>`,
  );
  const facts: string[] = [`<dt>Scenario</dt><dd><code>${h(f.scenarioId)}</code> · ${h(f.category)}</dd>`];
  if (f.onset) facts.push(`<dt>Onset</dt><dd class="onset">${h(formatOnset(f.onset, testStart))}</dd>`);
  if (f.end) facts.push(`<dt>Until</dt><dd>${h(formatInstant(f.end))}</dd>`);
  if (f.subjects.length)
    facts.push(`<dt>Affects</dt><dd>${f.subjects.map((s) => `<code>${h(s)}</code>`).join(' ')}</dd>`);
  if (f.missingEvidence.length) facts.push(`<dt>Would help</dt><dd>${h(wouldHelp(f).join('; '))}</dd>`);
  out.push(`<dl class="facts-list">${facts.join('')}</dl>`);

  if (f.evidence.length) {
    out.push('<h4>Evidence</h4>');
    out.push(
      table(
        ['Evidence', 'Expected', 'Observed', 'Source'],
        f.evidence.map((e) => [
          h(e.message),
          e.expected === undefined ? '–' : `<span class="expected">${h(e.expected)}</span>`,
          e.observed === undefined ? '–' : `<span class="observed">${h(e.observed)}</span>`,
          `<code>${h(describeSource(e.source))}</code>`,
        ]),
      ),
    );
  }
  const contributions = (title: string, list: Finding['raisedBy'], cls: string) => {
    if (!list.length) return;
    out.push(`<h4>${title}</h4>`);
    out.push(
      `<ul class="signals">${list
        .map(
          (c) =>
            `<li><span class="weight ${cls}">${formatWeight(c.weight)}</span> <code>${h(describeSignal(c))}</code> — ${h(c.reason)}</li>`,
        )
        .join('')}</ul>`,
    );
  };
  contributions('Raised by', f.raisedBy, 'up');
  contributions('Lowered by', f.loweredBy, 'down');
  if (f.checks.length) {
    out.push('<h4>Check</h4>');
    out.push(
      `<ol class="checks">${f.checks
        .map(
          (c) => `<li>${h(c.description)}${c.command ? `<pre><code>${h(c.command)}</code></pre>` : ''}</li>`,
        )
        .join('')}</ol>`,
    );
  }
  if (f.remediation.length) {
    out.push('<h4>Do</h4>');
    out.push(`<ol class="remediation">${f.remediation.map((r) => `<li>${h(r)}</li>`).join('')}</ol>`);
  }
  out.push('</article>');
  return out.join('\n');
}
