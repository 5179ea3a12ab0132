import type { SourcePointer } from '../core/source-pointer.js';
import { SEVERITY_NAMES, VERDICTS, type Verdict } from '../core/vocabulary.js';
import type { Kpis, LoadTestSummary } from '../diagnosis/load-test-summary.js';
import type { DiagnosisResult, Finding, SignalContribution } from '../diagnosis/result.js';
import { formatCount, formatOnset, formatRange } from './format.js';

// What every human-readable report shows, decided once: which findings go in which section, in
// which order, and how sources and signals read as text. The renderers only lay it out.

export interface FindingGroups {
  matched: Finding[];
  notMatched: Finding[];
  insufficient: Finding[];
}

const byRank = (a: Finding, b: Finding) => a.rank - b.rank || a.scenarioId.localeCompare(b.scenarioId);

export function groupFindings(findings: readonly Finding[]): FindingGroups {
  const sorted = [...findings].sort(byRank);
  return {
    matched: sorted.filter((f) => f.status === 'matched'),
    notMatched: sorted.filter((f) => f.status === 'not-matched'),
    insufficient: sorted.filter((f) => f.status === 'insufficient-evidence'),
  };
}

export function verdictHeadline(verdict: Verdict): string {
  return `${verdict.toUpperCase()} — ${VERDICTS[verdict]}`;
}

/** "2 matched (1 critical, 1 high) · 3 not matched · 4 not enough evidence". */
export function findingCounts(groups: FindingGroups): string {
  const severities = SEVERITY_NAMES.map((severity) => {
    const n = groups.matched.filter((f) => f.severity === severity).length;
    return n ? `${n} ${severity}` : '';
  }).filter(Boolean);
  const matched = `${groups.matched.length} matched${severities.length ? ` (${severities.join(', ')})` : ''}`;
  return [
    matched,
    `${groups.notMatched.length} not matched`,
    `${groups.insufficient.length} not enough evidence`,
  ].join(' · ');
}

export function describeSource(source: SourcePointer): string {
  switch (source.type) {
    case 'file': {
      let where = source.path;
      if (source.line !== undefined) {
        where += `:${source.line}`;
        if (source.endLine !== undefined && source.endLine !== source.line) where += `-${source.endLine}`;
        else if (source.column !== undefined) where += `:${source.column}`;
      }
      return where;
    }
    case 'query':
      return `${source.language} ${source.query}${source.server ? ` on ${source.server}` : ''}${
        source.range ? ` over ${formatRange(source.range.start, source.range.end)}` : ''
      }`;
    case 'trace':
      return `trace ${source.traceId}${source.spanId ? ` span ${source.spanId}` : ''}${source.path ? ` in ${source.path}` : ''}`;
    case 'object':
      return `${source.kind} ${source.namespace ? `${source.namespace}/` : ''}${source.name}${source.path ? ` in ${source.path}` : ''}`;
    case 'time-range':
      return `${source.path ? `${source.path} ` : ''}${formatRange(source.range.start, source.range.end)}`;
  }
}

export function formatWeight(weight: number): string {
  return `${weight >= 0 ? '+' : '−'}${Math.abs(weight).toFixed(2)}`;
}

function formatSignalValue(value: SignalContribution['value']): string {
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  return String(value);
}

/** "latency.p99.ratio (GET /a) = 8.2". */
export function describeSignal(c: SignalContribution): string {
  return `${c.signal}${c.subject ? ` (${c.subject})` : ''} = ${formatSignalValue(c.value)}`;
}

/** One line on why a scenario did not match: its strongest counter-signal, else its first evidence. */
export function whyNotMatched(finding: Finding): string {
  const strongest = [...finding.loweredBy].sort((a, b) => a.weight - b.weight)[0];
  if (strongest) return strongest.reason;
  const first = finding.evidence[0];
  return first ? first.message : 'its signals stayed within the expected range';
}

/** "not enough evidence: needs metrics, logs", or why the present evidence could not decide. */
export function needsText(finding: Finding): string {
  if (finding.insufficientReason) return `not enough evidence: ${finding.insufficientReason}`;
  return finding.missingEvidence.length
    ? `not enough evidence: needs ${finding.missingEvidence.join(', ')}`
    : 'not enough evidence';
}

/** What further evidence would confirm a finding: the catalog's words where it has them, else the kinds. */
export function wouldHelp(finding: Finding): string[] {
  const missing = new Set(finding.missingEvidence);
  const specific = (finding.confirmWith ?? []).filter((c) => missing.has(c.evidence));
  const covered = new Set(specific.map((c) => c.evidence));
  return [
    ...specific.map((c) => `${c.evidence}: ${c.what}`),
    ...finding.missingEvidence.filter((kind) => !covered.has(kind)),
  ];
}

export interface KpiRow {
  name: string;
  kpis: Kpis;
  overall: boolean;
}

/** The overall row first, then endpoints by name. */
export function kpiRows(summary: LoadTestSummary): KpiRow[] {
  const endpoints = [...summary.endpoints]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((e) => ({ name: e.name, kpis: e, overall: false }));
  return [{ name: 'All endpoints', kpis: summary.overall, overall: true }, ...endpoints];
}

/** Non-zero counts, largest first, ties by name, e.g. failure kinds or status codes. */
export function countsByName(counts: Record<string, number | undefined>): Array<[string, number]> {
  return Object.entries(counts)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

export function describeCounts(counts: Record<string, number | undefined>): string {
  return countsByName(counts)
    .map(([name, n]) => `${name} ${formatCount(n)}`)
    .join(' · ');
}

/** Checks shown in the compact renderers; the rest stay one `faultline show` away. */
export const TOP_CHECKS = 3;
export const TOP_REMEDIATION = 3;

/** Inputs that failed, or were read only in part (their error's code is `partial`). */
export function inputErrors(result: DiagnosisResult): DiagnosisResult['inputs'] {
  return result.inputs.filter((i) => i.status !== 'loaded');
}

/** A timeline of one onset is no chain; it starts to explain from two onsets on. */
export function showsChain(result: DiagnosisResult): boolean {
  return (result.timeline?.length ?? 0) >= 2;
}

export interface TimelineRow {
  at: string;
  evidence: string;
  scenarioId: string;
  subject: string;
  message: string;
}

/** The timeline as rows: clock time (and offset into the test), evidence kind, finding, subject, what started. */
export function timelineRows(result: DiagnosisResult): TimelineRow[] {
  return (result.timeline ?? []).map((entry) => ({
    at: formatOnset(entry.at, result.loadTest?.start),
    evidence: entry.evidence ?? '',
    scenarioId: entry.scenarioId,
    subject: entry.subject ?? '',
    message: entry.message,
  }));
}
