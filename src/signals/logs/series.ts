import type { SourcePointer } from '../../core/source-pointer.js';
import { MAX_BUCKETS } from '../../gather/logs/accumulate.js';
import { nextTimeWidth } from '../../gather/logs/bucket-grid.js';
import type { LogsData, LogTemplate } from '../../gather/logs/data.js';

// Per-bucket count series of logs data on a time grid, the baseline window of a log, and where to
// point a reader for a template.

export interface TimeGrid {
  /** Start of bucket 0, epoch ms. */
  origin: number;
  width: number;
  buckets: number;
}

export interface LogsSource {
  source: SourcePointer;
  data: LogsData;
}

/** The grid of one timed source; undefined for a log without times. */
export function gridOf(data: LogsData): TimeGrid | undefined {
  if (!data.timed || data.start === undefined || data.end === undefined) return undefined;
  return {
    origin: data.start,
    width: data.bucketMs,
    buckets: Math.floor((data.end - data.start) / data.bucketMs) + 1,
  };
}

/**
 * One grid covering several sources: the widest bucket of them, from the earliest start, widened
 * further when the sources lie far apart, so the grid has no more buckets than one source may.
 */
export function commonGrid(grids: readonly TimeGrid[]): TimeGrid | undefined {
  if (grids.length === 0) return undefined;
  const origin = Math.min(...grids.map((g) => g.origin));
  const end = Math.max(...grids.map((g) => g.origin + g.buckets * g.width));
  let width = Math.max(...grids.map((g) => g.width));
  while ((end - origin) / width > MAX_BUCKETS) width = nextTimeWidth(width);
  return { origin, width, buckets: Math.max(1, Math.ceil((end - origin) / width)) };
}

/** Dense counts on `target` of [index, count] pairs on `own`; each bucket goes where it starts. */
export function dense(
  pairs: ReadonlyArray<[number, number]>,
  own: TimeGrid,
  target: TimeGrid = own,
): number[] {
  const counts = new Array<number>(target.buckets).fill(0);
  for (const [index, n] of pairs) {
    const at =
      own === target ? index : Math.floor((own.origin + index * own.width - target.origin) / target.width);
    if (at >= 0 && at < target.buckets) counts[at] = (counts[at] as number) + n;
  }
  return counts;
}

export function addInto(total: number[], more: readonly number[]): void {
  for (let i = 0; i < total.length; i++) total[i] = (total[i] as number) + (more[i] ?? 0);
}

/**
 * Maximum length of the baseline: the healthy part a log's later behaviour is compared with is
 * its first quarter, but at most 10 minutes. A quarter leaves most of the log to judge; 10 minutes
 * holds hundreds of routine records at the rates services log, and keeps a baseline short in a
 * long log so that an incident starting 15 minutes into a two-hour window is after it.
 */
export const MAX_BASELINE_MS = 10 * 60_000;
export const BASELINE_SHARE = 0.25;
/** A baseline shorter than this (or than 3 buckets) cannot tell a rate from noise. */
export const MIN_BASELINE_MS = 30_000;
export const MIN_BASELINE_BUCKETS = 3;

export interface Baseline {
  /** Buckets [0, buckets) of the grid. */
  buckets: number;
  /** Epoch ms where the baseline ends. */
  end: number;
  ms: number;
}

/** The baseline window of a grid, or undefined when the log is too short to have one. */
export function baselineOf(grid: TimeGrid): Baseline | undefined {
  const span = grid.buckets * grid.width;
  const ms = Math.min(BASELINE_SHARE * span, MAX_BASELINE_MS);
  const buckets = Math.round(ms / grid.width);
  if (ms < MIN_BASELINE_MS || buckets < MIN_BASELINE_BUCKETS) return undefined;
  return { buckets, end: grid.origin + buckets * grid.width, ms: buckets * grid.width };
}

export function iso(ms: number): string {
  return new Date(Math.round(ms)).toISOString();
}

/** Where a template (or cause) can be seen: its first line in the file, or the query that found it. */
export function templatePointer(source: LogsSource, template: LogTemplate): SourcePointer {
  const { source: pointer, data } = source;
  if (pointer.type === 'file' && data.format !== 'loki') return { ...pointer, line: template.firstLine };
  return pointer;
}

/** A pointer to the whole source (no line). */
export function sourcePointer(source: LogsSource): SourcePointer {
  const pointer = source.source;
  if (pointer.type === 'file') return { type: 'file', path: pointer.path };
  return pointer;
}

export function describeSource(source: LogsSource): string {
  const p = source.source;
  if (p.type === 'file') return p.path;
  if (p.type === 'query') return `${p.language} ${p.query}`;
  return p.type;
}

/** A short time of day for explanations, e.g. 14:05:12 (UTC). */
export function clock(ms: number): string {
  return `${new Date(Math.round(ms)).toISOString().slice(11, 19)}`;
}

export function minutes(ms: number): string {
  const m = ms / 60_000;
  return m >= 10 ? `${Math.round(m)} min` : `${Math.round(m * 10) / 10} min`;
}
