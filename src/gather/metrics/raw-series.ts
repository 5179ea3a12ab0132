import { GatherError } from '../gatherer.js';

// Raw series as read from a file, before roles: a metric name, its labels and its samples. The
// readers of each format fill a RawSeriesSet; capping happens here so every reader is bounded.

export interface RawSeries {
  metric: string;
  labels: Record<string, string>;
  timestamps: number[];
  values: Array<number | null>;
}

/**
 * Raw series kept per file. A real incident export has tens to a few thousand series; beyond this
 * the file is a full TSDB dump that should be queried with PromQL instead, so the rest is counted.
 */
export const MAX_RAW_SERIES = 20_000;
/** Samples per series: 4 days at 30 s. Older samples are kept, later ones counted and noted. */
export const MAX_POINTS = 11_520;

export class RawSeriesSet {
  readonly #series = new Map<string, RawSeries>();
  droppedSeries = 0;
  droppedPoints = 0;

  add(metric: string, labels: Record<string, string>, timestamp: number, value: number | null): void {
    const key = seriesKey(metric, labels);
    let series = this.#series.get(key);
    if (!series) {
      if (this.#series.size >= MAX_RAW_SERIES) {
        this.droppedSeries++;
        return;
      }
      series = { metric, labels, timestamps: [], values: [] };
      this.#series.set(key, series);
    }
    if (series.timestamps.length >= MAX_POINTS) {
      this.droppedPoints++;
      return;
    }
    series.timestamps.push(timestamp);
    series.values.push(value);
  }

  /** Rewrites every timestamp in place (a reader that learns the unit of its timestamps at the end). */
  mapTimestamps(convert: (t: number) => number): void {
    for (const series of this.#series.values()) {
      for (let i = 0; i < series.timestamps.length; i++)
        series.timestamps[i] = convert(series.timestamps[i] as number);
    }
  }

  get size(): number {
    return this.#series.size;
  }

  /** Every series with its samples in time order (files may list them in any order) and duplicates merged. */
  list(): RawSeries[] {
    return [...this.#series.values()].map(sortByTime);
  }

  notes(file: string): string[] {
    const notes: string[] = [];
    if (this.droppedSeries > 0)
      notes.push(`${file}: ${this.droppedSeries} series beyond the first ${MAX_RAW_SERIES} were not read`);
    if (this.droppedPoints > 0)
      notes.push(`${file}: ${this.droppedPoints} samples beyond ${MAX_POINTS} per series were not read`);
    return notes;
  }
}

export function seriesKey(metric: string, labels: Record<string, string>): string {
  return `${metric}{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',')}}`;
}

function sortByTime(series: RawSeries): RawSeries {
  let sorted = true;
  for (let i = 1; i < series.timestamps.length; i++) {
    if ((series.timestamps[i] as number) <= (series.timestamps[i - 1] as number)) {
      sorted = false;
      break;
    }
  }
  if (sorted) return series;
  const order = series.timestamps.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const timestamps: number[] = [];
  const values: Array<number | null> = [];
  for (const [t, i] of order) {
    // The same timestamp twice: the later line wins, as a re-scrape would.
    if (timestamps.length > 0 && timestamps[timestamps.length - 1] === t)
      values[values.length - 1] = series.values[i] ?? null;
    else {
      timestamps.push(t);
      values.push(series.values[i] ?? null);
    }
  }
  return { ...series, timestamps, values };
}

/** A sample value as Prometheus writes it: NaN and infinities are missing samples, not numbers. */
export function sampleValue(text: string): number | null | undefined {
  if (/^[+-]?inf$/i.test(text.trim())) return null;
  const value = Number(text);
  if (Number.isNaN(value)) return /^[+-]?nan$/i.test(text.trim()) ? null : undefined;
  if (!Number.isFinite(value)) return null;
  return value;
}

export function parseFailure(file: string, line: number | undefined, message: string): GatherError {
  return new GatherError('parse-error', `${file}${line !== undefined ? `:${line}` : ''}: ${message}`);
}
