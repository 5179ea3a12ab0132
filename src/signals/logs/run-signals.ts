import { maskSecrets } from '../../core/mask.js';
import type { LogLevel } from '../../gather/logs/data.js';
import type { Signal } from '../signal.js';
import { riseOf } from './rise.js';
import {
  addInto,
  baselineOf,
  clock,
  commonGrid,
  dense,
  describeSource,
  gridOf,
  iso,
  type LogsSource,
  minutes,
  sourcePointer,
  type TimeGrid,
} from './series.js';
import { formatP, round } from './template-signals.js';

// Run-level signals of all logs sources together: how many errors and warnings per minute, whether
// their rate rose above the baseline and from when, the share of error records, and how many
// templates first appeared after the baseline.

/** Two run-level rise tests (errors, warnings) at this level each. */
const RUN_ALPHA = 0.001;

export function runSignals(sources: readonly LogsSource[]): Signal[] {
  const pointers = sources.map(sourcePointer);
  const names = sources.map(describeSource).join(', ');
  const signals: Signal[] = [shareSignal(sources, pointers, names)];
  const timed = sources.flatMap((source) => {
    const grid = gridOf(source.data);
    return grid ? [{ source, grid }] : [];
  });
  const grid = commonGrid(timed.map((t) => t.grid));
  if (!grid) return signals;
  const series = (levels: readonly LogLevel[]) => {
    const total = new Array<number>(grid.buckets).fill(0);
    for (const { source, grid: own } of timed) {
      for (const level of levels) addInto(total, dense(source.data.levels[level] ?? [], own, grid));
    }
    return total;
  };
  const errors = series(['error', 'fatal']);
  const warnings = series(['warn']);
  signals.push(
    perMinuteSignal('logs.errors.per-minute', 'error and fatal', errors, grid, pointers, names),
    perMinuteSignal('logs.warnings.per-minute', 'warning', warnings, grid, pointers, names),
  );
  const baseline = baselineOf(grid);
  if (!baseline) return signals;
  signals.push(
    riseSignal('logs.errors.rise', 'error and fatal', errors, grid, baseline.buckets, pointers),
    riseSignal('logs.warnings.rise', 'warning', warnings, grid, baseline.buckets, pointers),
    ...newTemplateSignals(timed, pointers),
  );
  return signals;
}

function shareSignal(sources: readonly LogsSource[], pointers: Signal['sources'], names: string): Signal {
  let errors = 0;
  let records = 0;
  for (const { data } of sources) {
    records += data.records;
    for (const level of ['error', 'fatal'] as const)
      for (const [, n] of data.levels[level] ?? []) errors += n;
  }
  const share = records > 0 ? errors / records : 0;
  return {
    name: 'logs.errors.share',
    value: round4(share),
    unit: 'ratio',
    explanation: `${errors} of ${records} records in ${names} are at error or fatal level (${round(share * 100)}%).`,
    sources: pointers,
  };
}

function perMinuteSignal(
  name: string,
  what: string,
  counts: readonly number[],
  grid: TimeGrid,
  pointers: Signal['sources'],
  names: string,
): Signal {
  const total = counts.reduce((sum, n) => sum + n, 0);
  const spanMs = grid.buckets * grid.width;
  const rate = total / (spanMs / 60_000);
  return {
    name,
    value: round(rate),
    unit: 'records/min',
    window: { start: iso(grid.origin), end: iso(grid.origin + spanMs) },
    explanation: `${total} ${what} records in ${minutes(spanMs)} of ${names}: ${round(rate)} per minute.`,
    sources: pointers,
  };
}

function riseSignal(
  name: string,
  what: string,
  counts: readonly number[],
  grid: TimeGrid,
  baselineBuckets: number,
  pointers: Signal['sources'],
): Signal {
  const rise = riseOf(counts, baselineBuckets, RUN_ALPHA);
  const baselineMs = baselineBuckets * grid.width;
  const basePerMinute = round((rise.baselineCount / baselineMs) * 60_000);
  if (!rise.significant || rise.onsetBucket === undefined || rise.endBucket === undefined) {
    return {
      name,
      value: 1,
      unit: 'ratio',
      explanation: `The rate of ${what} records did not rise significantly above the baseline (${basePerMinute}/min over the first ${minutes(baselineMs)}; after it, rate ratio ${round(rise.measuredRatio)}, p = ${formatP(rise.p)}).`,
      sources: pointers,
    };
  }
  const onset = grid.origin + rise.onsetBucket * grid.width;
  const end = grid.origin + rise.endBucket * grid.width;
  return {
    name,
    value: round(rise.ratio),
    unit: 'ratio',
    onset: iso(onset),
    window: { start: iso(onset), end: iso(end) },
    explanation: `The rate of ${what} records rose to ${round(rise.ratio)}× the baseline (${basePerMinute}/min over the first ${minutes(baselineMs)}) from ${clock(onset)} to ${clock(end)} UTC (p = ${formatP(rise.p)}).`,
    sources: pointers,
  };
}

function newTemplateSignals(
  timed: ReadonlyArray<{ source: LogsSource; grid: TimeGrid }>,
  pointers: Signal['sources'],
): Signal[] {
  let all = 0;
  let errors = 0;
  let firstError: number | undefined;
  let firstAny: number | undefined;
  const examples: string[] = [];
  for (const { source, grid } of timed) {
    const baseline = baselineOf(grid);
    if (!baseline) continue;
    for (const t of source.data.templates) {
      if (t.firstSeen === undefined || t.firstSeen < baseline.end) continue;
      all++;
      if (firstAny === undefined || t.firstSeen < firstAny) firstAny = t.firstSeen;
      if (t.level === 'error' || t.level === 'fatal') {
        errors++;
        if (firstError === undefined || t.firstSeen < firstError) firstError = t.firstSeen;
        if (examples.length < 3) examples.push(`#${t.id} "${maskSecrets(t.template)}"`);
      }
    }
  }
  const at = (first: number | undefined) => (first !== undefined ? { onset: iso(first) } : {});
  return [
    {
      name: 'logs.errors.new-templates',
      value: errors,
      unit: 'templates',
      ...at(firstError),
      explanation:
        errors > 0
          ? `${errors} error template(s) first appeared after the baseline, the first at ${clock(firstError as number)} UTC: ${examples.join(', ')}.`
          : 'No error template first appeared after the baseline.',
      sources: pointers,
    },
    {
      name: 'logs.templates.new',
      value: all,
      unit: 'templates',
      ...at(firstAny),
      explanation:
        all > 0
          ? `${all} template(s) of any level first appeared after the baseline, the first at ${clock(firstAny as number)} UTC.`
          : 'No template first appeared after the baseline.',
      sources: pointers,
    },
  ];
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
