import { describe, expect, it } from 'vitest';
import type { Span } from '../../../src/gather/traces/data.js';
import type { Signal } from '../../../src/signals/signal.js';
import { traceSignals } from '../../../src/signals/traces/signals.js';

// Trace signals on small shops built span by span: each test changes one behaviour from the
// middle of the window and checks the signal moves, with its subject, onset and example trace.

const T0 = Date.UTC(2026, 10, 22, 14);
let counter = 0;
const id = () => (++counter).toString(16).padStart(16, '0');

interface Shape {
  queries?: number;
  paymentFails?: boolean;
  retries?: number;
  timeoutMs?: number;
  refused?: boolean;
  lostContext?: boolean;
  slowDb?: number;
  /** Milliseconds a stalled caller adds to the end of every client span it records. */
  stall?: number;
}

function request(i: number, shape: Shape): Span[] {
  const traceId = id() + id();
  const start = T0 + i * 3000;
  const root: Span = {
    traceId,
    spanId: id(),
    service: 'api',
    name: 'GET /orders',
    kind: 'server',
    start,
    duration: 40,
    error: false,
    attributes: {},
  };
  const spans: Span[] = [root];
  let clock = start + 1;
  for (let q = 0; q < (shape.queries ?? 1); q++) {
    const duration =
      2 * (shape.slowDb ?? 1) * (1 + (q % 3) * 0.1) * (1 + (i % 5) * 0.05) + (shape.stall ?? 0);
    spans.push({
      traceId,
      spanId: id(),
      parentSpanId: root.spanId,
      service: 'api',
      name: 'SELECT',
      kind: 'client',
      start: clock,
      duration,
      error: false,
      attributes: { 'db.system': 'postgresql', 'db.statement': 'SELECT * FROM items WHERE id = ?' },
    });
    clock += duration;
  }
  const attempts = 1 + (shape.retries ?? 0);
  for (let a = 0; a < attempts; a++) {
    const fails =
      Boolean(shape.paymentFails || shape.timeoutMs || shape.refused) &&
      a < attempts - 1 + (shape.retries ? 0 : 1);
    const duration = shape.timeoutMs ?? (shape.refused ? 1 : 10 + (i % 7) + (shape.stall ?? 0));
    const client: Span = {
      traceId,
      spanId: id(),
      parentSpanId: root.spanId,
      service: 'api',
      name: 'POST',
      kind: 'client',
      start: clock,
      duration,
      error: fails,
      attributes: { 'peer.service': 'payments' },
    };
    spans.push(client);
    if (!shape.refused && !shape.timeoutMs) {
      spans.push({
        traceId: shape.lostContext ? id() + id() : traceId,
        spanId: id(),
        ...(shape.lostContext ? {} : { parentSpanId: client.spanId }),
        service: 'payments',
        name: 'POST /charge',
        kind: 'server',
        start: clock + 0.2,
        duration: duration - 0.4,
        error: fails,
        attributes: {},
      });
    }
    clock += duration;
  }
  root.error = spans.some((s) => s.error) && (shape.retries ?? 0) === 0;
  root.duration = clock - start + 1;
  return spans;
}

function run(after: Shape, before: Shape = {}): Signal[] {
  const spans: Span[] = [];
  for (let i = 0; i < 100; i++) spans.push(...request(i, i >= 50 ? after : before));
  return traceSignals([
    {
      source: { type: 'file', path: 'traces.json' },
      data: { format: 'otlp-json', traces: 100, spans, droppedSpans: 0, notes: [] },
    },
  ]);
}
const find = (signals: Signal[], name: string, subject?: string) =>
  signals.find((s) => s.name === name && (subject === undefined || s.subject === subject));

describe('trace signals', () => {
  it('finds repeated identical queries (N+1) with their onset and an example trace', () => {
    const signals = run({ queries: 30 });
    const repeated = find(signals, 'traces.repeated-calls', 'api GET /orders');
    expect(repeated?.value).toBeGreaterThanOrEqual(15);
    expect(repeated?.onset).toBe(new Date(T0 + 50 * 3000).toISOString());
    expect(repeated?.sources[0]).toMatchObject({ type: 'trace', path: 'traces.json' });
    expect(find(signals, 'traces.repeated-calls.share')?.value).toBeCloseTo(0.5, 1);
    expect(find(run({ queries: 3 }), 'traces.repeated-calls.share')?.value).toBe(0);
  });

  it('counts retries after failures, not repeated successful calls', () => {
    expect(find(run({ paymentFails: true, retries: 3 }), 'traces.retries.per-request')?.value).toBeCloseTo(
      1.5,
      1,
    );
    expect(find(run({ queries: 30 }), 'traces.retries.per-request')?.value).toBe(0);
  });

  it('tells a refused downstream (no answer) from one that answered with an error', () => {
    const refused = run({ refused: true });
    expect(find(refused, 'traces.errors.origin-share', 'api → payments')?.value).toBe(1);
    expect(find(refused, 'traces.errors.unanswered-share', 'api → payments')?.value).toBe(1);
    expect(find(refused, 'traces.errors.rate')?.onset).toBe(new Date(T0 + 50 * 3000).toISOString());
    const answered = run({ paymentFails: true });
    expect(find(answered, 'traces.errors.origin-share', 'payments')?.value).toBe(1);
    expect(find(answered, 'traces.errors.unanswered-share', 'api → payments')?.value).toBe(0);
  });

  it('recognizes failures at one fixed duration as a timeout', () => {
    expect(
      find(run({ timeoutMs: 2000 }), 'traces.timeouts.fixed-share', 'api → payments')?.value,
    ).toBeCloseTo(0.5, 1);
    // Refused connections fail at a steady 1 ms too, but far faster than a successful call: not a timer.
    const refused = find(run({ refused: true }), 'traces.timeouts.fixed-share', 'api → payments');
    expect(refused?.value).toBe(0);
    expect(refused?.explanation).toMatch(/failing fast, not timing out/);
    expect(find(run({ timeoutMs: 2000 }), 'traces.timeouts.duration', 'api → payments')?.value).toBe(2000);
  });

  it('sees lost context as traces starting at a service others call', () => {
    const lost = find(run({ lostContext: true }), 'traces.broken-roots-share');
    expect(lost?.value).toBeCloseTo(50 / 150, 2);
    expect(find(run({}), 'traces.broken-roots-share')?.value).toBe(0);
  });

  it('measures a database slowdown against the first quarter of the window', () => {
    const signals = run({ slowDb: 6 });
    const shift = find(signals, 'traces.db.latency.shift', 'api → postgresql');
    expect(shift?.value).toBeGreaterThan(4);
    expect(Date.parse(shift?.onset ?? '')).toBeGreaterThanOrEqual(T0 + 50 * 3000);
    expect(find(run({}), 'traces.db.latency.shift')?.value).toBeLessThan(1.3);
  });

  it("tells a slow database from a stalled caller by the caller's other calls", () => {
    // The database alone: its calls rise by ~58 ms while the calls to payments keep their time.
    const slow = find(run({ slowDb: 30 }), 'traces.db.latency.beyond-peers', 'api → postgresql');
    expect(slow?.value).toBeGreaterThan(8);
    expect(slow?.explanation).toMatch(/api → payments/);
    // A caller stalled 40 ms delays both: the database rose no more than its peer.
    const stalled = find(run({ stall: 40 }), 'traces.db.latency.beyond-peers', 'api → postgresql');
    expect(stalled?.value).toBeGreaterThan(0.8);
    expect(stalled?.value).toBeLessThan(1.2);
    expect(find(run({ stall: 40 }), 'traces.db.latency.shift', 'api → postgresql')?.value).toBeGreaterThan(4);
    // No rise, no comparison.
    expect(find(run({}), 'traces.db.latency.beyond-peers')).toBeUndefined();
  });

  it('needs a sample before computing shares', () => {
    const spans = request(0, {});
    expect(
      traceSignals([
        {
          source: { type: 'file', path: 't' },
          data: { format: 'otlp-json', traces: 1, spans, droppedSpans: 0, notes: [] },
        },
      ]).map((s) => s.name),
    ).toEqual(['traces.requests']);
  });
});

describe('where requests spend their time', () => {
  it('charges the critical path to the service whose work the request waited on', () => {
    const signals = run({ slowDb: 6 });
    // The database calls are api's client spans, so api's share of the path grows as the queries
    // slow down, and the payments server's share falls.
    expect(find(signals, 'traces.critical-path.shift', 'api')?.value).toBeGreaterThan(0.2);
    const payments = find(signals, 'traces.critical-path.shift', 'payments');
    expect(payments?.value).toBeLessThan(0);
    const shares = signals
      .filter((s) => s.name === 'traces.critical-path.share')
      .map((s) => s.value as number);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('reports the widest fan-out', () => {
    expect(find(run({ queries: 30 }), 'traces.fanout.max')?.value).toBeGreaterThanOrEqual(31);
    expect(find(run({}), 'traces.fanout.max')?.value).toBe(2);
  });
});

describe('sampling gaps', () => {
  it('tells a downstream that records some calls from one that records none', () => {
    const gaps = run({ lostContext: true });
    // With lost context the payments spans leave the trace: from the caller's side they are missing.
    expect(find(gaps, 'traces.sampling-gap.share', 'api → payments')?.value).toBeCloseTo(0.5, 1);
    const refused = run({ refused: true });
    // Failed calls are not counted: only successful calls should have been answered.
    expect(find(refused, 'traces.sampling-gap.share', 'api → payments')?.value).toBe(0);
  });
});
