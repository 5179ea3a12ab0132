import type { EvidenceBundle } from '../bundle/bundle.js';
import type { LogsData } from '../gather/logs/data.js';
import type { MetricsData } from '../gather/metrics/data.js';
import type { TracesData } from '../gather/traces/data.js';

// "What broke between 14:02 and 14:20?": when the user names a window, evidence read from files
// is cut to it, so that signals judge the incident and not the days around it. Servers are asked
// about the window already. Load-test results are not cut: a run is judged as a whole. Nor are
// Kubernetes dumps: they are a snapshot of state, and their events explain that state.

export function clipToWindow(bundle: EvidenceBundle, window: { start: number; end: number }): void {
  for (const source of bundle.evidence.metrics ?? []) {
    if (source.status === 'loaded' && source.source.type === 'file')
      source.data = clipMetrics(source.data, window);
  }
  for (const source of bundle.evidence.logs ?? []) {
    if (source.status === 'loaded' && source.source.type === 'file')
      source.data = clipLogs(source.data, window);
  }
  for (const source of bundle.evidence.traces ?? []) {
    if (source.status === 'loaded' && source.source.type === 'file')
      source.data = clipTraces(source.data, window);
  }
}

const note = (window: { start: number; end: number }) =>
  `cut to the window ${new Date(window.start).toISOString()} – ${new Date(window.end).toISOString()}`;

export function clipMetrics(data: MetricsData, window: { start: number; end: number }): MetricsData {
  const series = data.series.flatMap((s) => {
    const keep = s.timestamps.flatMap((t, i) => (t >= window.start && t <= window.end ? [i] : []));
    if (keep.length === 0) return [];
    return [
      {
        ...s,
        timestamps: keep.map((i) => s.timestamps[i] as number),
        values: keep.map((i) => s.values[i] ?? null),
      },
    ];
  });
  return { ...data, series, start: window.start, end: window.end, notes: [...data.notes, note(window)] };
}

export function clipTraces(data: TracesData, window: { start: number; end: number }): TracesData {
  // Whole traces are kept or dropped by their root's start, so no trace loses its parents.
  const starts = new Map<string, number>();
  for (const span of data.spans) {
    const known = starts.get(span.traceId);
    if (known === undefined || span.start < known) starts.set(span.traceId, span.start);
  }
  const kept = new Set([...starts].filter(([, t]) => t >= window.start && t <= window.end).map(([id]) => id));
  return {
    ...data,
    traces: kept.size,
    spans: data.spans.filter((s) => kept.has(s.traceId)),
    notes: [...data.notes, note(window)],
  };
}

export function clipLogs(data: LogsData, window: { start: number; end: number }): LogsData {
  if (!data.timed || data.start === undefined) return data;
  const origin = data.start;
  const inside = ([index]: [number, number]) => {
    const t = origin + index * data.bucketMs;
    return t + data.bucketMs > window.start && t <= window.end;
  };
  const clip = (list: LogsData['templates']) =>
    list.flatMap((t) => {
      const buckets = t.buckets.filter(inside);
      const count = buckets.reduce((sum, [, n]) => sum + n, 0);
      if (count === 0) return [];
      // First and last seen move to the first and last bucket kept; the sample stays the first record's.
      const first = origin + (buckets[0] as [number, number])[0] * data.bucketMs;
      const last = origin + ((buckets[buckets.length - 1] as [number, number])[0] + 1) * data.bucketMs;
      return [
        {
          ...t,
          buckets,
          count,
          ...(t.firstSeen !== undefined ? { firstSeen: Math.max(t.firstSeen, first, window.start) } : {}),
          ...(t.lastSeen !== undefined ? { lastSeen: Math.min(t.lastSeen, last, window.end) } : {}),
        },
      ];
    });
  const templates = clip(data.templates);
  const levels = Object.fromEntries(
    Object.entries(data.levels).map(([level, buckets]) => [level, (buckets ?? []).filter(inside)]),
  ) as LogsData['levels'];
  const records = templates.reduce((sum, t) => sum + t.count, 0);
  return {
    ...data,
    templates,
    ...(data.causes ? { causes: clip(data.causes) } : {}),
    levels,
    records,
    notes: [...data.notes, note(window)],
  };
}
