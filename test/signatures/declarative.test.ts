import { describe, expect, it } from 'vitest';
import { type Signal, SignalSet } from '../../src/signals/signal.js';
import { compileSignature, test as holds } from '../../src/signatures/declarative.js';
import { type SignatureSpec, SignatureSpecSchema } from '../../src/signatures/schema.js';

const RANGE = { start: '2026-11-22T14:00:00.000Z', end: '2026-11-22T14:10:00.000Z' };

function signal(name: string, subject: string, value: number, onset?: string): Signal {
  return {
    name,
    subject,
    value,
    explanation: `${name} of ${subject} is ${value}`,
    sources: [{ type: 'time-range', range: RANGE, path: 'run.jtl' }],
    ...(onset ? { onset } : {}),
  };
}

function spec(input: unknown): SignatureSpec {
  return SignatureSpecSchema.parse(input);
}

const tail = spec({
  scope: 'endpoint',
  when: [{ signal: 'latency.p99.shift', above: 2.5, reason: 'tail rose' }],
  support: [{ signal: 'latency.tail-ratio', above: 5, reason: 'heavy tail' }],
  against: [{ signal: 'latency.p50.shift', above: 1.5, weight: 0.35, reason: 'median moved' }],
  confirmWith: [{ evidence: 'metrics', what: 'GC pauses' }],
});

function evaluate(s: SignatureSpec, signals: Signal[]) {
  const signature = compileSignature({ id: 'tail-latency-spike', signature: [s] });
  if (!signature) throw new Error('no signature');
  return signature.evaluate({ scenario: {} as never, signals: new SignalSet(signals) });
}

describe('declarative signatures', () => {
  it('derives the evidence it needs and the signals it reads', () => {
    const signature = compileSignature({ id: 'x', signature: [tail] });
    expect(signature?.needsAnyOf).toEqual(['load-test']);
    expect(signature?.reads).toEqual(['latency.p50.shift', 'latency.p99.shift', 'latency.tail-ratio']);
    expect(compileSignature({ id: 'x' })).toBeUndefined();
  });

  it('matches the endpoints whose signals hold, with onset, evidence and the signals that raised it', () => {
    const outcome = evaluate(tail, [
      signal('latency.p99.shift', '*', 2.7, '2026-11-22T14:04:00.000Z'),
      signal('latency.p99.shift', 'GET /a', 6, '2026-11-22T14:03:00.000Z'),
      signal('latency.p99.shift', 'GET /b', 1.1),
      signal('latency.p50.shift', 'GET /a', 1.05),
      signal('latency.tail-ratio', 'GET /a', 9),
    ]);
    expect(outcome.matched).toBe(true);
    expect(outcome.subjects).toEqual(['GET /a']);
    expect(outcome.onset).toBe('2026-11-22T14:03:00.000Z');
    expect(outcome.raisedBy.map((r) => r.signal)).toEqual(['latency.p99.shift', 'latency.tail-ratio']);
    expect(outcome.evidence[0]).toMatchObject({
      messageId: 'signal.latency.p99.shift',
      observed: '6',
      expected: 'healthy: latency.p99.shift ≤ 2.5',
    });
    expect(outcome.confidence).toBeGreaterThan(0.8);
  });

  it('is ruled out by a signal that points elsewhere, and says which', () => {
    const outcome = evaluate(tail, [
      signal('latency.p99.shift', '*', 3),
      signal('latency.p50.shift', '*', 3),
    ]);
    expect(outcome.matched).toBe(false);
    expect(outcome.loweredBy).toEqual([
      expect.objectContaining({ signal: 'latency.p50.shift', weight: -0.35, reason: 'median moved' }),
    ]);
  });

  it('gives a stronger match a higher confidence', () => {
    const weak = evaluate(tail, [signal('latency.p99.shift', '*', 2.6)]);
    const strong = evaluate(tail, [signal('latency.p99.shift', '*', 5)]);
    expect(weak.matched && strong.matched).toBe(true);
    expect(strong.confidence).toBeGreaterThan(weak.confidence);
  });

  it('reports insufficient evidence when a required signal is absent, not a non-match', () => {
    const outcome = evaluate(tail, [signal('latency.tail-ratio', '*', 9)]);
    expect(outcome.insufficient).toMatch(/latency\.p99\.shift/);
  });

  it('reads run-level signals for every endpoint', () => {
    const knee = spec({
      scope: 'endpoint',
      when: [
        { signal: 'errors.timeout.rate', above: 0.01, reason: 'timeouts' },
        { signal: 'throughput.knee', above: 0, reason: 'knee' },
      ],
    });
    const outcome = evaluate(knee, [
      signal('errors.timeout.rate', 'GET /a', 0.2),
      signal('throughput.knee', '*', 120),
    ]);
    expect(outcome.matched).toBe(true);
    expect(outcome.subjects).toEqual(['GET /a']);
  });

  it('reads a support or against signal of another kind of evidence at its strongest subject', () => {
    // Spans name their subjects by call ("api → postgresql"), metrics by instance: no name is shared.
    const query = spec({
      scope: 'endpoint',
      when: [{ signal: 'traces.db.latency.shift', above: 2, reason: 'queries slowed' }],
      against: [{ signal: 'metrics.eventloop.lag', above: 0.1, weight: 0.4, reason: 'the loop lagged' }],
    });
    const spans = signal('traces.db.latency.shift', 'api → postgresql', 8);
    const lagging = evaluate(query, [spans, signal('metrics.eventloop.lag', 'instance=api:9464', 0.3)]);
    expect(lagging.loweredBy).toEqual([expect.objectContaining({ signal: 'metrics.eventloop.lag' })]);
    const calm = evaluate(query, [spans, signal('metrics.eventloop.lag', 'instance=api:9464', 0.01)]);
    expect(calm.loweredBy).toEqual([]);
    expect(calm.confidence).toBeGreaterThan(lagging.confidence);
    // Signals of the way's own kind stay per subject.
    const other = evaluate(tail, [
      signal('latency.p99.shift', 'GET /a', 6),
      signal('latency.p50.shift', 'GET /b', 3),
    ]);
    expect(other.loweredBy).toEqual([]);
  });

  it('tests thresholds, ranges and equality', () => {
    const c = { signal: 's', reason: 'r' };
    expect(holds({ ...c, above: 2 }, 3)).toEqual({ holds: true, strength: 0.5 });
    expect(holds({ ...c, above: 2 }, 2)).toEqual({ holds: false, strength: 0 });
    expect(holds({ ...c, below: 0.5 }, 0.1).holds).toBe(true);
    expect(holds({ ...c, above: 1, below: 3 }, 2).holds).toBe(true);
    expect(holds({ ...c, above: 1, below: 3 }, 4).holds).toBe(false);
    expect(holds({ ...c, equals: true }, true).holds).toBe(true);
    expect(holds({ ...c, above: 1 }, 'x').holds).toBe(false);
  });

  it('rejects conditions without a test and inverted ranges', () => {
    expect(SignatureSpecSchema.safeParse({ when: [{ signal: 's', reason: 'r' }] }).success).toBe(false);
    expect(
      SignatureSpecSchema.safeParse({ when: [{ signal: 's', above: 3, below: 1, reason: 'r' }] }).success,
    ).toBe(false);
    expect(SignatureSpecSchema.safeParse({ when: [] }).success).toBe(false);
  });

  it('accepts any of several alternatives, and the strongest one counts', () => {
    const ceiling = spec({
      when: [
        {
          anyOf: [
            { signal: 'throughput.knee', above: 0 },
            { signal: 'throughput.collapse', below: 0.7 },
          ],
          reason: 'throughput hit a ceiling',
        },
      ],
    });
    const collapse = evaluate(ceiling, [
      signal('throughput.knee', '*', 0),
      signal('throughput.collapse', '*', 0.3),
    ]);
    expect(collapse.matched).toBe(true);
    expect(collapse.raisedBy[0]).toMatchObject({ signal: 'throughput.collapse', value: 0.3 });
    const neither = evaluate(ceiling, [
      signal('throughput.knee', '*', 0),
      signal('throughput.collapse', '*', 1),
    ]);
    expect(neither.matched).toBe(false);
    expect(neither.loweredBy[0]?.reason).toMatch(/throughput\.knee > 0 or throughput\.collapse < 0\.7/);
    const absent = evaluate(ceiling, []);
    expect(absent.insufficient).toMatch(/throughput\.knee, throughput\.collapse/);
  });

  it('lets a way in another kind of evidence corroborate only when it started near the same time', () => {
    const leak = compileSignature({
      id: 'memory-leak',
      signature: [
        spec({ scope: 'run', when: [{ signal: 'latency.p99.shift', above: 2, reason: 'tail rose' }] }),
        spec({
          scope: 'run',
          when: [{ signal: 'metrics.memory.growth', above: 0.1, reason: 'memory grew' }],
        }),
      ],
    });
    if (!leak) throw new Error('no signature');
    const judge = (memoryOnset: string) =>
      leak.evaluate({
        scenario: {} as never,
        signals: new SignalSet([
          signal('latency.p99.shift', '*', 3, '2026-11-22T14:20:00.000Z'),
          signal('metrics.memory.growth', '*', 0.5, memoryOnset),
        ]),
      });
    const near = judge('2026-11-22T14:05:00.000Z');
    const apart = judge('2026-11-22T12:05:00.000Z');
    expect(near.raisedBy.filter((r) => r.signal === 'corroboration')).toHaveLength(1);
    expect(apart.raisedBy.filter((r) => r.signal === 'corroboration')).toHaveLength(0);
    expect(near.confidence).toBeGreaterThan(apart.confidence);
    // Both ways still matched: their evidence is listed either way.
    expect(apart.evidence.length).toBe(near.evidence.length);
  });
});
