import { maskSecrets } from '../../core/mask.js';
import type { LogTemplate } from '../../gather/logs/data.js';
import type { Signal } from '../signal.js';
import type { FamilyIndex } from './known-signals.js';
import { type Rise, riseOf } from './rise.js';
import {
  type Baseline,
  baselineOf,
  clock,
  dense,
  gridOf,
  iso,
  type LogsSource,
  minutes,
  type TimeGrid,
  templatePointer,
} from './series.js';

// Per-template signals, for the templates worth a subject: those of a known failure family, at
// error or warning level, new after the baseline or rising above it. A log has hundreds of
// templates; signatures and readers need the few that changed.

/** Subjects kept per run: enough for every failing statement of an incident, few enough to read. */
export const MAX_TEMPLATE_SUBJECTS = 40;
/** A new template needs this many records to be a subject on its own: one odd line is not news. */
const MIN_NEW_RECORDS = 3;
/**
 * Significance of a template's rise. Every template of the log is tested, so the family-wise
 * error is kept near 5% by dividing it by their number (Bonferroni), and never looser than 0.001.
 */
const TEMPLATE_ALPHA = 0.05;
const MAX_TEMPLATE_ALPHA = 0.001;

export interface TemplateFinding {
  source: LogsSource;
  template: LogTemplate;
  grid: TimeGrid;
  baseline: Baseline;
  isNew: boolean;
  rise: Rise;
  /** Lower ranks first: known failure, error, warning, other. */
  rank: number;
}

/** Every template of the timed sources judged against its source's baseline. */
export function judgeTemplates(sources: readonly LogsSource[], families: FamilyIndex): TemplateFinding[] {
  const findings: TemplateFinding[] = [];
  for (const source of sources) {
    const grid = gridOf(source.data);
    const baseline = grid ? baselineOf(grid) : undefined;
    if (!grid || !baseline) continue;
    const alpha = Math.min(MAX_TEMPLATE_ALPHA, TEMPLATE_ALPHA / Math.max(1, source.data.templates.length));
    for (const template of source.data.templates) {
      const isNew = template.firstSeen !== undefined && template.firstSeen >= baseline.end;
      const rise = riseOf(dense(template.buckets, grid), baseline.buckets, alpha);
      const known = families.families(template).length > 0;
      const level = template.level;
      const rank = known ? 0 : level === 'fatal' || level === 'error' ? 1 : level === 'warn' ? 2 : 3;
      const interesting = rank < 3 || (isNew && template.count >= MIN_NEW_RECORDS) || rise.significant;
      if (interesting) findings.push({ source, template, grid, baseline, isNew, rise, rank });
    }
  }
  return findings;
}

export function templateSignals(findings: readonly TemplateFinding[], several: boolean): Signal[] {
  const chosen = [...findings]
    .sort(
      (a, b) =>
        Number(b.isNew || b.rise.significant) - Number(a.isNew || a.rise.significant) ||
        a.rank - b.rank ||
        b.template.count - a.template.count,
    )
    .slice(0, MAX_TEMPLATE_SUBJECTS);
  return chosen.flatMap((finding) => {
    const subject = subjectOf(finding, several);
    return [newSignal(finding, subject), riseSignal(finding, subject)];
  });
}

function subjectOf(finding: TemplateFinding, several: boolean): string {
  const id = `template:${finding.template.id}`;
  if (!several) return id;
  const p = finding.source.source;
  return `${id}@${p.type === 'file' ? p.path : p.type === 'query' ? p.query : p.type}`;
}

function newSignal(finding: TemplateFinding, subject: string): Signal {
  const { template, baseline, isNew } = finding;
  const quoted = `template #${template.id} "${maskSecrets(template.template)}"`;
  const firstSeen = template.firstSeen as number;
  const lastSeen = template.lastSeen ?? firstSeen;
  const base = {
    name: 'logs.template.new',
    subject,
    unit: 'records',
    sources: [templatePointer(finding.source, template)],
  };
  if (!isNew) {
    return {
      ...base,
      value: 0,
      explanation: `${capitalize(quoted)} was already logged in the baseline (the first ${minutes(baseline.ms)}), first at ${clock(firstSeen)} UTC.`,
    };
  }
  return {
    ...base,
    value: template.count,
    onset: iso(firstSeen),
    window: { start: iso(firstSeen), end: iso(lastSeen) },
    explanation: `${capitalize(quoted)} first appeared at ${clock(firstSeen)} UTC, after the baseline (the first ${minutes(baseline.ms)}), and was logged ${template.count} time(s) until ${clock(lastSeen)}.`,
  };
}

function riseSignal(finding: TemplateFinding, subject: string): Signal {
  const { template, rise, grid, baseline } = finding;
  const quoted = `template #${template.id} "${maskSecrets(template.template)}"`;
  const base = {
    name: 'logs.template.rate-rise',
    subject,
    unit: 'ratio',
    sources: [templatePointer(finding.source, template)],
  };
  const perMinute = (count: number, buckets: number) =>
    round((count / Math.max(buckets * grid.width, 1)) * 60_000);
  if (!rise.significant || rise.onsetBucket === undefined || rise.endBucket === undefined) {
    return {
      ...base,
      value: 1,
      explanation: `${capitalize(quoted)} kept its baseline rate: ${rise.afterCount} record(s) after the baseline against ${rise.baselineCount} in it (rate ratio ${round(rise.measuredRatio)}, p = ${formatP(rise.p)}, not a significant rise).`,
    };
  }
  const onset = grid.origin + rise.onsetBucket * grid.width;
  const end = grid.origin + rise.endBucket * grid.width;
  return {
    ...base,
    value: round(rise.ratio),
    onset: iso(onset),
    window: { start: iso(onset), end: iso(end) },
    explanation: `${capitalize(quoted)} rose to ${round(rise.ratio)}× its baseline rate from ${clock(onset)} UTC (baseline ${perMinute(rise.baselineCount, baseline.buckets)}/min over the first ${minutes(baseline.ms)}; p = ${formatP(rise.p)}).`,
  };
}

export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

export function formatP(p: number): string {
  return p < 0.0001 ? '< 0.0001' : String(Math.round(p * 10_000) / 10_000);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
