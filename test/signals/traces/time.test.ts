import { describe, expect, it } from 'vitest';
import type { Span } from '../../../src/gather/traces/data.js';
import { buildTraces } from '../../../src/signals/traces/model.js';
import { criticalPath, selfTime } from '../../../src/signals/traces/time.js';

// Self time and the critical path of one hand-made trace, where the expected numbers can be worked
// out on paper.

const span = (spanId: string, start: number, duration: number, parentSpanId?: string): Span => ({
  traceId: 't',
  spanId,
  ...(parentSpanId ? { parentSpanId } : {}),
  service: spanId.startsWith('db') ? 'db' : 'api',
  name: spanId,
  kind: parentSpanId ? 'client' : 'server',
  start,
  duration,
  error: false,
  attributes: {},
});

describe('self time', () => {
  it('subtracts the merged intervals of the children, clipped to the span', () => {
    const parent = span('root', 0, 100);
    // [10, 40] and [30, 60] overlap into [10, 60]; [90, 130] counts up to the parent's end (100).
    const children = [span('a', 10, 30, 'root'), span('b', 30, 30, 'root'), span('c', 90, 40, 'root')];
    expect(selfTime(parent, children)).toBe(100 - 50 - 10);
    expect(selfTime(parent, [])).toBe(100);
  });
});

describe('the critical path', () => {
  it('follows the child that finished last, then the one that finished before it started', () => {
    // root [0, 100]: a [10, 50] runs alongside b [20, 40]; c [60, 90] after them. On the path: c,
    // then a (finished last before c started), not b; root keeps [0, 10], [50, 60], [90, 100].
    const spans = [
      span('root', 0, 100),
      span('a', 10, 40, 'root'),
      span('b', 20, 20, 'root'),
      span('c', 60, 30, 'root'),
      span('db1', 15, 10, 'a'),
    ];
    const [trace] = buildTraces([{ source: { type: 'file', path: 't' }, data: { spans } }]);
    const charged = criticalPath(trace as NonNullable<typeof trace>);
    const by = (id: string) => charged.get(spans.find((s) => s.spanId === id) as Span) ?? 0;
    expect([by('root'), by('a'), by('b'), by('c'), by('db1')]).toEqual([30, 30, 0, 30, 10]);
    expect([...charged.values()].reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('charges a child running past its parent only up to the parent end', () => {
    const spans = [span('root', 0, 50), span('late', 40, 100, 'root')];
    const [trace] = buildTraces([{ source: { type: 'file', path: 't' }, data: { spans } }]);
    const charged = criticalPath(trace as NonNullable<typeof trace>);
    expect(charged.get(spans[1] as Span)).toBe(10);
    expect(charged.get(spans[0] as Span)).toBe(40);
  });
});
