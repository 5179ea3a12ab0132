import type { LoadTestData, RequestStats } from '../gather/load-test/data.js';
import { DDSketch } from '../stats/ddsketch.js';

// One side of a comparison (baseline or current) may come from several files: injectors that ran
// in parallel, or runs repeated one after another. Endpoints match by name; their sketches and
// counts add exactly. Buckets are 2^k seconds wide and epoch-aligned, so buckets of files with
// different widths add exactly after coarsening to the widest.

export const OVERALL = '(all endpoints)';

export interface MergedStats {
  count: number;
  failures: number;
  latency: DDSketch;
}

export interface MergedEndpoint extends MergedStats {
  name: string;
  /** Per time bucket (start epoch ms → stats); empty for totals-only input. */
  buckets: Map<number, MergedStats>;
}

export interface MergedSide {
  files: number;
  endpoints: Map<string, MergedEndpoint>;
  /** All endpoints together. */
  overall: MergedEndpoint;
  /** Time covered by requests: the union of the files' [start, end] spans; null without times. */
  durationMs: number | null;
  start: number | null;
  end: number | null;
  bucketMs: number;
  summaryOnly: boolean;
}

export function mergeSide(files: readonly LoadTestData[]): MergedSide {
  const bucketMs = Math.max(1000, ...files.map((f) => f.bucketMs));
  const endpoints = new Map<string, MergedEndpoint>();
  const alpha = commonAlpha(files);
  const overall = emptyEndpoint(OVERALL, alpha);
  for (const file of files) {
    for (const data of file.endpoints) {
      let endpoint = endpoints.get(data.name);
      if (!endpoint) {
        endpoint = emptyEndpoint(data.name, alpha);
        endpoints.set(data.name, endpoint);
      }
      for (const target of [endpoint, overall]) {
        addStats(target, data.total, alpha);
        for (const bucket of data.buckets) {
          const t = Math.floor(bucket.t / bucketMs) * bucketMs;
          let slot = target.buckets.get(t);
          if (!slot) {
            slot = { count: 0, failures: 0, latency: new DDSketch(alpha) };
            target.buckets.set(t, slot);
          }
          addStats(slot, bucket, alpha);
        }
      }
    }
  }
  const spans = files
    .filter((f) => !f.summaryOnly && f.end > f.start)
    .map((f) => [f.start, f.end] as const)
    .sort((a, b) => a[0] - b[0]);
  return {
    files: files.length,
    endpoints: new Map([...endpoints.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    overall,
    durationMs: spans.length > 0 ? unionLength(spans) : null,
    start: spans.length > 0 ? Math.min(...spans.map((s) => s[0])) : null,
    end: spans.length > 0 ? Math.max(...spans.map((s) => s[1])) : null,
    bucketMs,
    summaryOnly: files.length === 0 || files.every((f) => f.summaryOnly),
  };
}

function emptyEndpoint(name: string, alpha?: number): MergedEndpoint {
  return { name, count: 0, failures: 0, latency: new DDSketch(alpha), buckets: new Map() };
}

/**
 * The sketch accuracy both sides are brought to. Faultline writes every sketch at the same
 * accuracy; should files differ, the coarsest wins so that bins line up across both sides.
 */
function commonAlpha(files: readonly LoadTestData[]): number {
  let alpha = 0;
  for (const file of files) {
    for (const endpoint of file.endpoints) alpha = Math.max(alpha, endpoint.total.latency.alpha);
  }
  return alpha > 0 ? alpha : new DDSketch().alpha;
}

function addStats(target: MergedStats, stats: RequestStats, alpha: number): void {
  target.count += stats.count;
  target.failures += stats.failures;
  target.latency.merge(atAccuracy(DDSketch.fromJSON(stats.latency), alpha));
}

/** The same sketch at another accuracy, each bin re-added at its representative value. */
export function atAccuracy(sketch: DDSketch, alpha: number): DDSketch {
  if (sketch.alpha === alpha) return sketch;
  const converted = new DDSketch(alpha);
  sketch.forEachBin((value, weight) => converted.add(value, weight));
  return converted;
}

function unionLength(sorted: ReadonlyArray<readonly [number, number]>): number {
  let total = 0;
  let currentStart = Number.NEGATIVE_INFINITY;
  let currentEnd = Number.NEGATIVE_INFINITY;
  for (const [start, end] of sorted) {
    if (start > currentEnd) {
      if (currentEnd > currentStart) total += currentEnd - currentStart;
      currentStart = start;
      currentEnd = end;
    } else if (end > currentEnd) {
      currentEnd = end;
    }
  }
  if (currentEnd > currentStart) total += currentEnd - currentStart;
  return total;
}
