import { maskSecrets } from '../../core/mask.js';
import type { SourcePointer } from '../../core/source-pointer.js';
import type { LogTemplate } from '../../gather/logs/data.js';
import { KNOWN_FAILURES, type KnownFailureFamily } from '../../logs/known-failures.js';
import type { Signal } from '../signal.js';
import { riseOf } from './rise.js';
import {
  addInto,
  baselineOf,
  clock,
  dense,
  describeSource,
  gridOf,
  iso,
  type LogsSource,
  sourcePointer,
  templatePointer,
} from './series.js';

// One signal per known failure family: how many records say it, from when, with the first such
// record as the evidence to read. A record can show a family in its message (the template) or
// only in its stack trace (the cause); both are counted per source, and the larger of the two is
// taken, because the same records usually show it in both places.

/** Significance of a family's rise used for its onset; families are few, so no further correction. */
const ONSET_ALPHA = 0.001;
const MAX_POINTERS = 3;

export interface FamilyMatch {
  source: LogsSource;
  template: LogTemplate;
  place: 'template' | 'cause';
}

/** The families each template and cause of a source matches, computed once per run. */
export class FamilyIndex {
  readonly #byTemplate = new Map<LogTemplate, KnownFailureFamily[]>();

  families(template: LogTemplate): KnownFailureFamily[] {
    let families = this.#byTemplate.get(template);
    if (!families) {
      families = KNOWN_FAILURES.filter(
        (family) => family.matches(template.sample) || family.matches(template.template),
      );
      this.#byTemplate.set(template, families);
    }
    return families;
  }
}

export function knownFailureSignals(sources: readonly LogsSource[], index: FamilyIndex): Signal[] {
  const records = sources.reduce((sum, s) => sum + s.data.records, 0);
  return KNOWN_FAILURES.map((family) => {
    const matches: FamilyMatch[] = [];
    for (const source of sources) {
      for (const template of source.data.templates)
        if (index.families(template).includes(family)) matches.push({ source, template, place: 'template' });
      for (const cause of source.data.causes ?? [])
        if (index.families(cause).includes(family)) matches.push({ source, template: cause, place: 'cause' });
    }
    return familySignal(family, sources, matches, records);
  });
}

function familySignal(
  family: KnownFailureFamily,
  sources: readonly LogsSource[],
  matches: readonly FamilyMatch[],
  records: number,
): Signal {
  const name = `logs.known.${family.id}`;
  if (matches.length === 0) {
    return {
      name,
      value: 0,
      unit: 'records',
      explanation: `No record of ${records} in ${sources.map(describeSource).join(', ')} says ${family.title}.`,
      sources: sources.map(sourcePointer),
    };
  }
  let count = 0;
  let onset: number | undefined;
  let last: number | undefined;
  for (const source of sources) {
    const own = matches.filter((m) => m.source === source);
    if (own.length === 0) continue;
    const byPlace = (place: FamilyMatch['place']) =>
      own.filter((m) => m.place === place).map((m) => m.template);
    const inTemplates = byPlace('template');
    const inCauses = byPlace('cause');
    count += Math.max(total(inTemplates), total(inCauses));
    const start = sourceOnset(source, inTemplates, inCauses);
    if (start !== undefined && (onset === undefined || start < onset)) onset = start;
    for (const t of own)
      if (t.template.lastSeen !== undefined && (last === undefined || t.template.lastSeen > last))
        last = t.template.lastSeen;
  }
  const ordered = [...matches].sort(
    (a, b) =>
      (a.template.firstSeen ?? 0) - (b.template.firstSeen ?? 0) ||
      a.template.firstLine - b.template.firstLine,
  );
  const first = ordered[0] as FamilyMatch;
  const pointers: SourcePointer[] = [];
  for (const match of ordered) {
    const pointer = templatePointer(match.source, match.template);
    if (!pointers.some((p) => JSON.stringify(p) === JSON.stringify(pointer))) pointers.push(pointer);
    if (pointers.length === MAX_POINTERS) break;
  }
  const where = describeSource(first.source);
  const when =
    onset !== undefined ? ` from ${clock(onset)}${last !== undefined ? ` to ${clock(last)}` : ''} UTC` : '';
  const at = first.source.data.format === 'loki' ? '' : ` at line ${first.template.firstLine}`;
  const explanation =
    `${count} record(s) say ${family.title}${when} in ${[...new Set(matches.map((m) => describeSource(m.source)))].join(', ')}; ` +
    `the first, in ${where}${at}: "${maskSecrets(first.template.sample)}".`;
  return {
    name,
    value: count,
    unit: 'records',
    ...(onset !== undefined ? { onset: iso(onset) } : {}),
    ...(onset !== undefined
      ? { window: { start: iso(onset), end: iso(Math.max(last ?? onset, onset)) } }
      : {}),
    explanation,
    sources: pointers,
  };
}

/**
 * When the family started in one source: where its rate first rose significantly above the
 * baseline (a message that was rare and became frequent), else its first record.
 */
function sourceOnset(
  source: LogsSource,
  inTemplates: readonly LogTemplate[],
  inCauses: readonly LogTemplate[],
): number | undefined {
  const firstSeen = [...inTemplates, ...inCauses]
    .map((t) => t.firstSeen)
    .filter((t): t is number => t !== undefined);
  const earliest = firstSeen.length > 0 ? Math.min(...firstSeen) : undefined;
  const grid = gridOf(source.data);
  const baseline = grid ? baselineOf(grid) : undefined;
  if (!grid || !baseline) return earliest;
  const series = (list: readonly LogTemplate[]) => {
    const counts = new Array<number>(grid.buckets).fill(0);
    for (const t of list) addInto(counts, dense(t.buckets, grid));
    return counts;
  };
  const a = series(inTemplates);
  const b = series(inCauses);
  const counts = a.map((n, i) => Math.max(n, b[i] as number));
  // Present in the baseline already: only a rise makes an onset; otherwise its first record does.
  if (counts.slice(0, baseline.buckets).every((n) => n === 0)) return earliest;
  const rise = riseOf(counts, baseline.buckets, ONSET_ALPHA);
  if (rise.significant && rise.onsetBucket !== undefined) return grid.origin + rise.onsetBucket * grid.width;
  return earliest;
}

function total(templates: readonly LogTemplate[]): number {
  return templates.reduce((sum, t) => sum + t.count, 0);
}
