import { describe, expect, it } from 'vitest';
import type { Span } from '../../../src/gather/traces/data.js';
import type { Signal } from '../../../src/signals/signal.js';
import { traceSignals } from '../../../src/signals/traces/signals.js';

// Trace signals read from requests built span by span: a gateway calling orders, which queries its
// database (through a pool) and calls payments. Each test changes one behaviour from the middle of
// the window and checks the signal that should move, and a near miss that should not.

const T0 = Date.UTC(2026, 10, 22, 14);
const N = 200;
const HALF = N / 2;
let counter = 0;
const id = () => (++counter).toString(16).padStart(16, '0');

/** Deterministic noise in [0, 1) per request and salt, so durations vary without a random source. */
const jitter = (i: number, salt: number) => {
  const x = Math.sin(i * 12.9898 + salt * 78.233) * 43758.5453;
  return x - Math.floor(x);
};

interface Shape {
  /** Extra time in payments' own work for this request (a pause). */
  pauseMs?: number;
  /** Payment calls fail at a fixed timeout; the server answers (still working) or not (never connected). */
  /** payments is not traced: no server span under any call to it. */
  untracedCallee?: boolean;
  timeout?: { ms: number; answered: boolean };
  /** Wait for a pooled connection before each query. */
  poolWaitMs?: number;
  /** Reads (no payment call) that fail at orders itself. */
  readFails?: boolean;
  /** This request is a read: orders answers from its database, without calling payments. */
  read?: boolean;
  /** gateway retries orders and orders retries payments, both after failures. */
  nestedRetries?: number;
  /** A second root in the same trace (a span whose parent was never exported, without a parent id). */
  splitTrace?: boolean;
}

function request(i: number, shape: Shape): Span[] {
  const traceId = id() + id();
  const start = T0 + i * 3000;
  const spans: Span[] = [];
  const add = (span: Omit<Span, 'traceId' | 'spanId' | 'attributes' | 'error'> & Partial<Span>): Span => {
    const full: Span = { traceId, spanId: id(), attributes: {}, error: false, ...span };
    spans.push(full);
    return full;
  };
  const gateway = add({
    service: 'gateway',
    name: shape.read ? 'GET /api/orders/{id}' : 'POST /api/orders',
    kind: 'server',
    start,
    duration: 0,
  });
  const gatewayCalls = 1 + (shape.nestedRetries ?? 0);
  let clock = start + 0.5;
  let failed = false;
  for (let g = 0; g < gatewayCalls; g++) {
    const lastGatewayCall = g === gatewayCalls - 1;
    const client = add({
      parentSpanId: gateway.spanId,
      service: 'gateway',
      name: 'POST',
      kind: 'client',
      start: clock,
      duration: 0,
      attributes: { 'peer.service': 'orders' },
    });
    const server = add({
      parentSpanId: client.spanId,
      service: 'orders',
      name: shape.read ? 'GET /orders/{id}' : 'POST /orders',
      kind: 'server',
      start: clock + 0.3,
      duration: 0,
    });
    let t = server.start + 1 + jitter(i, 1);
    if (shape.poolWaitMs !== undefined) {
      const wait = shape.poolWaitMs * (0.8 + 0.4 * jitter(i, 2));
      add({
        parentSpanId: server.spanId,
        service: 'orders',
        name: 'pg-pool.connect',
        kind: 'client',
        start: t,
        duration: wait,
        attributes: { 'db.system': 'postgresql' },
      });
      t += wait;
    }
    const query = 2 * (0.8 + 0.4 * jitter(i, 3));
    add({
      parentSpanId: server.spanId,
      service: 'orders',
      name: 'pg.query:SELECT',
      kind: 'client',
      start: t,
      duration: query,
      attributes: { 'db.system': 'postgresql', 'db.statement': 'SELECT * FROM orders WHERE id = ?' },
    });
    t += query;
    let orderFailed = false;
    if (shape.read) {
      if (shape.readFails) orderFailed = true;
    } else {
      const attempts = 1 + (shape.nestedRetries ?? 0);
      for (let a = 0; a < attempts; a++) {
        const own = 20 * (0.8 + 0.4 * jitter(i + a, 4)) + (shape.pauseMs ?? 0);
        const timeout = shape.timeout;
        // Every payment call of a gateway attempt that will be retried fails; in the last one, all but the last.
        const retrying = shape.nestedRetries !== undefined && (!lastGatewayCall || a < attempts - 1);
        const duration = timeout ? timeout.ms * (1 + 0.001 * jitter(i, 5)) : own + 0.6;
        const error = Boolean(timeout) || retrying;
        const client = add({
          parentSpanId: server.spanId,
          service: 'orders',
          name: 'POST',
          kind: 'client',
          start: t,
          duration,
          error,
          attributes: { 'peer.service': 'payments' },
        });
        if ((!timeout || timeout.answered) && !shape.untracedCallee) {
          add({
            parentSpanId: client.spanId,
            service: 'payments',
            name: 'POST /charge',
            kind: 'server',
            start: t + 0.3,
            duration: timeout ? duration + 500 : own,
            error: retrying,
          });
        }
        t += duration + 0.2;
        orderFailed = error;
        if (!error) break;
      }
    }
    server.duration = t + 0.5 - server.start;
    server.error = orderFailed;
    client.duration = server.duration + 0.6;
    client.error = orderFailed;
    clock = client.start + client.duration + 0.2;
    failed = orderFailed;
    if (!orderFailed) break;
  }
  gateway.duration = clock + 0.5 - start;
  gateway.error = failed;
  if (shape.splitTrace)
    add({ service: 'audit', name: 'record', kind: 'internal', start: start + 1, duration: 1 });
  return spans;
}

function run(after: (i: number) => Shape, before: (i: number) => Shape = () => ({})): Signal[] {
  const spans: Span[] = [];
  for (let i = 0; i < N; i++) spans.push(...request(i, i >= HALF ? after(i) : before(i)));
  return traceSignals([
    {
      source: { type: 'file', path: 'shop.traces.json' },
      data: { format: 'otlp-json', traces: N, spans, droppedSpans: 0, notes: [] },
    },
  ]);
}
const find = (signals: Signal[], name: string, subject?: string) =>
  signals.find((s) => s.name === name && (subject === undefined || s.subject === subject));
const value = (signals: Signal[], name: string, subject?: string) =>
  find(signals, name, subject)?.value as number;
const onsetMs = (signal: Signal | undefined) => Date.parse(signal?.onset ?? '');

describe('slow spans and the tail', () => {
  it('flags a new tail of paused calls while the median stays, with its onset after the change', () => {
    const signals = run((i) => (i % 5 === 0 ? { pauseMs: 600 } : {}));
    const slow = find(signals, 'traces.slow-spans.share', 'payments POST /charge');
    expect(slow?.value).toBeGreaterThan(0.03);
    expect(onsetMs(slow)).toBeGreaterThanOrEqual(T0 + HALF * 3000);
    expect(slow?.sources[0]).toMatchObject({ type: 'trace', path: 'shop.traces.json' });
    expect(value(signals, 'traces.operation.latency.p50.shift', 'payments POST /charge')).toBeLessThan(1.3);
    expect(value(signals, 'traces.operation.latency.p99.shift', 'payments POST /charge')).toBeGreaterThan(5);
  });

  it('does not flag a tail the operation had from the start', () => {
    const steady = (i: number) => (i % 5 === 0 ? { pauseMs: 600 } : {});
    expect(value(run(steady, steady), 'traces.slow-spans.share', 'payments POST /charge')).toBe(0);
  });
});

describe('where requests spend their time', () => {
  it('charges own time to the service whose work grew', () => {
    const signals = run(() => ({ pauseMs: 80 }));
    expect(value(signals, 'traces.service.self-time.shift', 'payments')).toBeGreaterThan(3);
    expect(value(signals, 'traces.service.self-time.shift', 'gateway')).toBeLessThan(1.3);
    expect(value(signals, 'traces.operation.critical-path.share', 'payments POST /charge')).toBeGreaterThan(
      0.5,
    );
    expect(value(signals, 'traces.operation.self-time', 'orders pg.query:SELECT')).toBeCloseTo(2, 0);
  });
});

describe('timeouts at a hop', () => {
  it('tells a timeout waiting for the connection (nothing answered) from one waiting for the answer', () => {
    const connect = run(() => ({ timeout: { ms: 2000, answered: false } }));
    expect(value(connect, 'traces.timeouts.fixed-share', 'orders → payments')).toBeCloseTo(0.5, 1);
    expect(value(connect, 'traces.timeouts.unanswered-share', 'orders → payments')).toBe(1);
    const read = run(() => ({ timeout: { ms: 2000, answered: true } }));
    expect(value(read, 'traces.timeouts.fixed-share', 'orders → payments')).toBeCloseTo(0.5, 1);
    expect(value(read, 'traces.timeouts.unanswered-share', 'orders → payments')).toBe(0);
    // An untraced callee leaves no server span under successful calls either: nothing to tell.
    const untraced = run(
      () => ({ timeout: { ms: 2000, answered: true }, untracedCallee: true }),
      () => ({ untracedCallee: true }),
    );
    expect(value(untraced, 'traces.timeouts.fixed-share', 'orders → payments')).toBeCloseTo(0.5, 1);
    expect(find(untraced, 'traces.timeouts.unanswered-share', 'orders → payments')).toBeUndefined();
    // The callers above see the same timeout through their own failed calls; it is not theirs.
    expect(find(read, 'traces.timeouts.fixed-share', 'gateway → orders')?.value ?? 0).toBe(0);
  });
});

describe('errors that spread', () => {
  const mixed = (shape: Shape) => (i: number) =>
    i % 3 === 0 ? { read: true, ...(shape.readFails ? { readFails: true } : {}) } : shape;

  it('counts failed requests that never reached the failing dependency and failed at its callers', () => {
    const spread = run(mixed({ timeout: { ms: 1000, answered: true }, readFails: true }), mixed({}));
    const collateral = find(spread, 'traces.errors.collateral-share');
    expect(collateral?.value).toBeCloseTo(1 / 3, 1);
    expect(onsetMs(collateral)).toBeGreaterThanOrEqual(T0 + HALF * 3000);
    expect(collateral?.explanation).toMatch(/never reached orders → payments.*callers \(gateway, orders\)/);
    expect(value(spread, 'traces.errors.surface-share', 'orders')).toBe(1);
    expect(value(spread, 'traces.errors.surface-share', 'gateway')).toBe(1);
  });

  it('counts none when only the requests that call the dependency fail', () => {
    const contained = run(mixed({ timeout: { ms: 1000, answered: true } }), mixed({}));
    expect(value(contained, 'traces.errors.collateral-share')).toBe(0);
    expect(value(contained, 'traces.errors.origin-share', 'orders → payments')).toBe(1);
  });
});

describe('retries', () => {
  it('sees retries at two layers multiply the calls that reach the deepest service', () => {
    const signals = run(() => ({ nestedRetries: 2 }));
    // gateway tries orders 3 times; each orders attempt tries payments 3 times: 9 calls instead of 1.
    expect(value(signals, 'traces.retries.amplification')).toBe(9);
    expect(
      value(
        run(() => ({})),
        'traces.retries.amplification',
      ),
    ).toBe(1);
  });
});

describe('waiting for a pooled connection', () => {
  it('measures the share of database time spent waiting, against queries that got slow', () => {
    const exhausted = run(
      () => ({ poolWaitMs: 120 }),
      () => ({ poolWaitMs: 0.1 }),
    );
    expect(value(exhausted, 'traces.pool.wait.share', 'orders')).toBeGreaterThan(0.9);
    const shift = find(exhausted, 'traces.pool.wait.shift', 'orders');
    expect(shift?.value).toBeGreaterThan(50);
    expect(onsetMs(shift)).toBeGreaterThanOrEqual(T0 + HALF * 3000);
    // The pool's spans are waits, not queries: the database did not get slower.
    expect(value(exhausted, 'traces.db.latency.shift', 'orders → postgresql')).toBeLessThan(1.3);
    const free = run(
      () => ({ poolWaitMs: 0.1 }),
      () => ({ poolWaitMs: 0.1 }),
    );
    expect(value(free, 'traces.pool.wait.share', 'orders')).toBeLessThan(0.1);
    expect(
      find(
        run(() => ({})),
        'traces.pool.wait.share',
      ),
    ).toBeUndefined();
  });
});

describe('the shape of traces', () => {
  it('counts traces in several pieces and the fan-out', () => {
    const signals = run(() => ({ splitTrace: true }));
    expect(value(signals, 'traces.multi-root-share')).toBe(0.5);
    expect(value(signals, 'traces.fanout.p99')).toBe(2);
  });
});

describe('stream stalls', () => {
  /** A streaming call: messages every ~1 s for 30 s, or silent after 5 messages until a 60 s deadline. */
  const stream = (i: number, stalls: boolean): Span => {
    const start = T0 + i * 20_000;
    const gap = 1000 * (0.9 + 0.2 * jitter(i, 7));
    return {
      traceId: id() + id(),
      spanId: id(),
      service: 'quotes',
      name: 'quotes.PriceFeed/Subscribe',
      kind: 'server',
      start,
      duration: stalls ? 60_000 : 30_000,
      error: stalls,
      attributes: { 'rpc.system': 'grpc' },
      messages: stalls
        ? { count: 5, medianGap: gap, longestGap: 60_000 - 5 * gap, longestGapStart: start + 5 * gap }
        : { count: 30, medianGap: gap, longestGap: gap * 1.4, longestGapStart: start + 10 * gap },
    };
  };
  const signals = (stallsAfter: (i: number) => boolean) => {
    const spans = Array.from({ length: 60 }, (_, i) => stream(i, i >= 30 && stallsAfter(i)));
    return traceSignals([
      {
        source: { type: 'file', path: 'feed.traces.json' },
        data: { format: 'otlp-json', traces: 60, spans, droppedSpans: 0, notes: [] },
      },
    ]);
  };

  it('finds streams that fell silent while open, with when the first silences began', () => {
    const op = 'quotes quotes.PriceFeed/Subscribe';
    const all = signals(() => true);
    const stalled = find(all, 'traces.stream.stall-share', op);
    expect(stalled?.value).toBeGreaterThan(0.4);
    expect(onsetMs(stalled)).toBeGreaterThanOrEqual(T0 + 30 * 20_000);
    expect(value(all, 'traces.stream.stall-gap', op)).toBeGreaterThan(50_000);
    // Half as many stalls still show, with less certainty; none show nothing.
    const some = value(
      signals((i) => i % 2 === 0),
      'traces.stream.stall-share',
      op,
    );
    expect(some).toBeGreaterThan(0.1);
    expect(some).toBeLessThan(stalled?.value as number);
    expect(
      value(
        signals(() => false),
        'traces.stream.stall-share',
        op,
      ),
    ).toBe(0);
  });
});
