import { describe, expect, it } from 'vitest';
import type { LogsData } from '../../src/gather/logs/data.js';
import type { MetricsData } from '../../src/gather/metrics/data.js';
import type { Span, TracesData } from '../../src/gather/traces/data.js';
import { clipLogs, clipMetrics, clipTraces } from '../../src/pipeline/clip.js';

const window = { start: 10_000, end: 20_000 };

describe('cutting file evidence to the window', () => {
  it('keeps the samples of metrics inside the window and drops series left empty', () => {
    const data: MetricsData = {
      format: 'openmetrics',
      series: [
        {
          role: 'memory.resident',
          metric: 'm',
          labels: {},
          subject: 'a',
          timestamps: [5_000, 10_000, 15_000, 25_000],
          values: [1, 2, null, 4],
        },
        { role: 'memory.resident', metric: 'm', labels: {}, subject: 'b', timestamps: [1_000], values: [1] },
      ],
      queries: [],
      notes: [],
    };
    const clipped = clipMetrics(data, window);
    expect(clipped.series).toEqual([{ ...data.series[0], timestamps: [10_000, 15_000], values: [2, null] }]);
    expect(clipped.notes[0]).toMatch(/cut to the window/);
  });

  it('keeps or drops whole traces by their first span', () => {
    const span = (traceId: string, start: number): Span => ({
      traceId,
      spanId: `${traceId}${start}`,
      service: 's',
      name: 'n',
      kind: 'server',
      start,
      duration: 1,
      error: false,
      attributes: {},
    });
    const data: TracesData = {
      format: 'otlp-json',
      traces: 2,
      spans: [span('a', 9_000), span('a', 12_000), span('b', 15_000), span('b', 21_000)],
      droppedSpans: 0,
      notes: [],
    };
    const clipped = clipTraces(data, window);
    expect(clipped.spans.map((s) => s.spanId)).toEqual(['b15000', 'b21000']);
    expect(clipped.traces).toBe(1);
  });

  it('recounts log templates, causes and levels from the buckets inside the window', () => {
    const template = (id: number, buckets: Array<[number, number]>) => ({
      id,
      template: `t${id}`,
      count: buckets.reduce((n, [, c]) => n + c, 0),
      level: 'error' as const,
      firstLine: 1,
      firstSeen: (buckets[0]?.[0] ?? 0) * 5_000,
      lastSeen: 30_000,
      sample: 's',
      buckets,
    });
    const data: LogsData = {
      format: 'text',
      lines: 10,
      records: 10,
      timed: true,
      start: 0,
      end: 30_000,
      bucketMs: 5_000,
      levels: {
        error: [
          [0, 3],
          [2, 4],
          [5, 3],
        ],
      },
      templates: [
        template(1, [
          [0, 3],
          [2, 4],
        ]),
        template(2, [[5, 3]]),
      ],
      causes: [template(3, [[3, 2]])],
      untemplated: 0,
      untimed: 0,
      notes: [],
    };
    const clipped = clipLogs(data, window);
    expect(clipped.templates.map((t) => [t.id, t.count, t.firstSeen, t.lastSeen])).toEqual([
      [1, 4, 10_000, 15_000],
    ]);
    expect(clipped.causes?.map((t) => [t.id, t.count])).toEqual([[3, 2]]);
    expect(clipped.levels.error).toEqual([[2, 4]]);
    expect(clipped.records).toBe(4);
  });
});
