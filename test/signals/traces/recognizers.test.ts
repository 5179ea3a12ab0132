import { describe, expect, it } from 'vitest';
import type { Span } from '../../../src/gather/traces/data.js';
import type { Signal } from '../../../src/signals/signal.js';
import { isDnsLookup } from '../../../src/signals/traces/dns.js';
import { isLockWait } from '../../../src/signals/traces/locks.js';
import { messageKey } from '../../../src/signals/traces/messages.js';
import { traceSignals } from '../../../src/signals/traces/signals.js';
import { isObjectRead, objectAgeDays } from '../../../src/signals/traces/storage.js';

// The trace signals behind bimodal latency, slow DNS, call cycles, lock waits, archived objects,
// duplicate messages and cold starts, on requests built span by span: each test has the behaviour
// and its nearest look-alike, which must not raise the signal.

const T0 = Date.UTC(2026, 10, 22, 14);
const N = 200;
let counter = 0;
const id = () => (++counter).toString(16).padStart(16, '0');

/** Deterministic noise in [0, 1) per request and salt. */
const jitter = (i: number, salt: number) => {
  const x = Math.sin(i * 12.9898 + salt * 78.233) * 43758.5453;
  return x - Math.floor(x);
};

type Part = Omit<Span, 'traceId' | 'spanId' | 'attributes' | 'error'> & Partial<Span>;

/** One trace per request: `build` adds spans under a root server span of `api`. */
function run(build: (i: number, add: (part: Part) => Span, root: Span) => void): Signal[] {
  const spans: Span[] = [];
  for (let i = 0; i < N; i++) {
    const traceId = id() + id();
    const add = (part: Part): Span => {
      const full: Span = { traceId, spanId: id(), attributes: {}, error: false, ...part };
      spans.push(full);
      return full;
    };
    const root = add({
      service: 'api',
      name: 'GET /items',
      kind: 'server',
      start: T0 + i * 3000,
      duration: 5,
    });
    build(i, add, root);
  }
  return traceSignals([
    {
      source: { type: 'file', path: 'shop.traces.json' },
      data: { format: 'otlp-json', traces: N, spans, droppedSpans: 0, notes: [] },
    },
  ]);
}
const value = (signals: Signal[], name: string, subject?: string) =>
  signals.find((s) => s.name === name && s.subject === subject)?.value as number | undefined;
const explanation = (signals: Signal[], name: string, subject: string) =>
  signals.find((s) => s.name === name && s.subject === subject)?.explanation;
const late = (i: number) => i >= N / 2;

describe('two latency modes', () => {
  const shop = (slowShare: (i: number) => number) =>
    run((i, add, root) => {
      const miss = jitter(i, 1) < slowShare(i);
      root.duration = 4 * (1 + 0.3 * jitter(i, 2)) + (miss ? 120 * (1 + 0.3 * jitter(i, 3)) : 0);
      if (miss)
        add({
          parentSpanId: root.spanId,
          service: 'api',
          name: 'SELECT',
          kind: 'client',
          start: root.start + 1,
          duration: root.duration - 3,
          attributes: { 'db.system': 'postgresql' },
        });
    });

  it('finds a steady slow path and the span its calls have', () => {
    const signals = shop(() => 0.3);
    expect(value(signals, 'traces.latency.bimodal', 'api GET /items')).toBeGreaterThan(10);
    expect(value(signals, 'traces.latency.slow-mode.growth', 'api GET /items')).toBe(0);
    expect(value(signals, 'traces.latency.slow-mode.marker', 'api GET /items')).toBeGreaterThan(0.9);
  });

  it('sees a slow path that appeared part-way as growth, and one broad mode as none', () => {
    expect(
      value(
        shop((i) => (late(i) ? 0.4 : 0)),
        'traces.latency.slow-mode.growth',
        'api GET /items',
      ),
    ).toBeGreaterThan(0.1);
    const broad = run((i, _add, root) => {
      root.duration = 20 * Math.exp(2 * (jitter(i, 4) + jitter(i, 5) + jitter(i, 6) - 1.5));
    });
    expect(value(broad, 'traces.latency.bimodal', 'api GET /items')).toBe(0);
  });

  it('does not count requests turned away with a 4xx as a fast path', () => {
    // A rate limit answers 40% of the requests with 429 at once; the others take the one real path.
    const limited = run((i, _add, root) => {
      const rejected = jitter(i, 7) < 0.4;
      root.duration = rejected ? 0.05 : 4 * (1 + 0.3 * jitter(i, 2));
      root.attributes = { 'http.response.status_code': rejected ? 429 : 200 };
    });
    expect(value(limited, 'traces.latency.bimodal', 'api GET /items')).toBe(0);
  });
});

describe('slow name resolution', () => {
  const shop = (lookupMs: number, serverMs: number) =>
    run((i, add, root) => {
      const lookup = late(i) ? lookupMs * (1 + jitter(i, 7)) : 0.4;
      const server = late(i) ? serverMs : 10;
      const call = add({
        parentSpanId: root.spanId,
        service: 'api',
        name: 'GET',
        kind: 'client',
        start: root.start + 1,
        duration: lookup + server + 1,
      });
      add({
        parentSpanId: call.spanId,
        service: 'api',
        name: 'dns.lookup',
        kind: 'client',
        start: call.start,
        duration: lookup,
      });
      root.duration = call.duration + 2;
    });

  it('measures lookups against the cached answers of the baseline and their share of request time', () => {
    const signals = shop(200, 10);
    expect(value(signals, 'traces.dns.latency.shift', 'api')).toBeGreaterThan(100);
    expect(value(signals, 'traces.dns.time-share', 'api')).toBeGreaterThan(0.8);
    expect(value(signals, 'traces.dns.timeout-share', 'api')).toBe(0);
  });

  it('does not blame DNS when the server got slow', () => {
    const signals = shop(0.4, 300);
    expect(value(signals, 'traces.dns.latency.shift', 'api')).toBeLessThan(1.5);
    expect(value(signals, 'traces.dns.time-share', 'api')).toBeLessThan(0.05);
  });

  it('knows the span names of the Node and Go instrumentations and APM agents', () => {
    const span = (name: string) => ({ name }) as Span;
    expect(['dns.lookup', 'http.dns', 'DNS Lookup', 'dns lookup'].every((n) => isDnsLookup(span(n)))).toBe(
      true,
    );
    expect(isDnsLookup(span('GET /dns.lookup'))).toBe(false);
  });
});

describe('call cycles', () => {
  const shop = (stuck: (i: number) => boolean) =>
    run((i, add, root) => {
      const call = add({
        parentSpanId: root.spanId,
        service: 'api',
        name: 'POST',
        kind: 'client',
        start: root.start + 1,
        duration: stuck(i) ? 2000 : 20,
        error: stuck(i),
        attributes: { 'peer.service': 'payments' },
      });
      const charge = add({
        parentSpanId: call.spanId,
        service: 'payments',
        name: 'POST /charge',
        kind: 'server',
        start: call.start + 0.5,
        duration: stuck(i) ? 3000 : 18,
      });
      const back = add({
        parentSpanId: charge.spanId,
        service: 'payments',
        name: 'GET',
        kind: 'client',
        start: charge.start + 1,
        duration: stuck(i) ? 3000 : 4,
        error: stuck(i),
        attributes: { 'peer.service': 'api' },
      });
      if (!stuck(i) || i % 2 === 0)
        add({
          parentSpanId: back.spanId,
          service: 'api',
          name: 'GET /status',
          kind: 'server',
          start: back.start + (stuck(i) ? 3100 : 0.3),
          duration: 2,
        });
      root.duration = call.duration + 2;
    });

  it('finds calls back into the caller that are no longer served, and the outer call failing too', () => {
    const signals = shop((i) => late(i) && i % 3 === 0);
    expect(value(signals, 'traces.cycle.stuck-share', 'payments → api')).toBeGreaterThan(0.1);
    expect(value(signals, 'traces.cycle.outer-failed-share', 'payments → api')).toBe(1);
  });

  it('leaves a cycle that keeps completing alone', () => {
    expect(
      value(
        shop(() => false),
        'traces.cycle.stuck-share',
        'payments → api',
      ),
    ).toBe(0);
  });
});

describe('waiting for a lock', () => {
  const shop = (lockMs: number, otherFactor: number) =>
    run((i, add, root) => {
      const db = { 'db.system': 'postgresql' };
      const lock = late(i) ? lockMs * (1 + jitter(i, 8)) : 0.5;
      const other = (late(i) ? otherFactor : 1) * 3;
      add({
        parentSpanId: root.spanId,
        service: 'api',
        name: 'pg.query',
        kind: 'client',
        start: root.start + 1,
        duration: lock,
        attributes: { ...db, 'db.statement': 'SELECT qty FROM stock WHERE sku = ? FOR UPDATE' },
      });
      add({
        parentSpanId: root.spanId,
        service: 'api',
        name: 'pg.query',
        kind: 'client',
        start: root.start + 2 + lock,
        duration: other,
        attributes: { ...db, 'db.statement': 'UPDATE stock SET qty = qty - ? WHERE sku = ?' },
      });
      root.duration = lock + other + 4;
    });

  it('sees the time in lock-taking statements grow while the other queries stay short', () => {
    const signals = shop(150, 1);
    expect(value(signals, 'traces.lock.wait.shift', 'api')).toBeGreaterThan(50);
    expect(value(signals, 'traces.lock.wait.share', 'api')).toBeGreaterThan(0.9);
  });

  // A code path that began taking a lock after the baseline: no healthy wait of its own to compare.
  const newLock = (lockMs: number) =>
    run((i, add, root) => {
      const db = { 'db.system': 'postgresql' };
      const lock = lockMs * (1 + jitter(i, 8));
      if (late(i))
        add({
          parentSpanId: root.spanId,
          service: 'api',
          name: 'pg.query',
          kind: 'client',
          start: root.start + 1,
          duration: lock,
          attributes: { ...db, 'db.statement': 'SELECT n FROM counters WHERE id = ? FOR UPDATE' },
        });
      add({
        parentSpanId: root.spanId,
        service: 'api',
        name: 'pg.query',
        kind: 'client',
        start: root.start + 2 + (late(i) ? lock : 0),
        duration: 3,
        attributes: { ...db, 'db.statement': 'INSERT INTO orders (sku) VALUES (?)' },
      });
    });

  it('measures a lock first taken after the baseline against one granted at once', () => {
    const queued = newLock(200);
    expect(value(queued, 'traces.lock.wait.shift', 'api')).toBeGreaterThan(100);
    expect(value(queued, 'traces.lock.wait.share', 'api')).toBeGreaterThan(0.9);
    expect(explanation(queued, 'traces.lock.wait.shift', 'api')).toContain('took no such lock');
    const granted = newLock(0.3);
    expect(value(granted, 'traces.lock.wait.shift', 'api')).toBeLessThan(1);
    expect(value(granted, 'traces.lock.wait.share', 'api')).toBeLessThan(0.2);
  });

  it('keeps the lock share low when every query got slower alike', () => {
    const signals = run((i, add, root) => {
      const f = late(i) ? 6 : 1;
      const db = { 'db.system': 'postgresql' };
      add({
        parentSpanId: root.spanId,
        service: 'api',
        name: 'pg.query',
        kind: 'client',
        start: root.start + 1,
        duration: 1 * f,
        attributes: { ...db, 'db.statement': 'SELECT qty FROM stock WHERE sku = ? FOR UPDATE' },
      });
      add({
        parentSpanId: root.spanId,
        service: 'api',
        name: 'pg.query',
        kind: 'client',
        start: root.start + 2,
        duration: 3 * f,
        attributes: { ...db, 'db.statement': 'UPDATE stock SET qty = ? WHERE sku = ?' },
      });
    });
    expect(value(signals, 'traces.lock.wait.share', 'api')).toBeLessThan(0.3);
  });

  it('knows lock-taking statements and lock spans', () => {
    const db = (statement: string) =>
      ({
        kind: 'client',
        name: 'query',
        attributes: { 'db.system': 'postgresql', 'db.statement': statement },
      }) as unknown as Span;
    expect(isLockWait(db('SELECT * FROM t WHERE id = ? FOR NO KEY UPDATE'))).toBe(true);
    expect(isLockWait(db('LOCK TABLE ledger IN EXCLUSIVE MODE'))).toBe(true);
    expect(isLockWait(db('SELECT pg_advisory_xact_lock(?)'))).toBe(true);
    expect(isLockWait(db('SET lock:stock ? NX PX ?'))).toBe(true);
    expect(isLockWait(db('SELECT * FROM updates WHERE kind = ?'))).toBe(false);
    expect(isLockWait({ kind: 'internal', name: 'lock.acquire', attributes: {} } as unknown as Span)).toBe(
      true,
    );
  });
});

describe('archived objects', () => {
  it('finds reads failing with InvalidObjectState and how old the objects were', () => {
    const signals = run((i, add, root) => {
      const age = (i * 37) % 365;
      const archived = late(i) && age > 90;
      const day = new Date(root.start - age * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '/');
      add({
        parentSpanId: root.spanId,
        service: 'api',
        name: 'S3.GetObject',
        kind: 'client',
        start: root.start + 1,
        duration: 20,
        error: archived,
        attributes: {
          'rpc.service': 'S3',
          'rpc.method': 'GetObject',
          'aws.s3.key': `invoices/${day}/inv.pdf`,
        },
        ...(archived
          ? { exceptions: ["InvalidObjectState: The operation is not valid for the object's storage class"] }
          : {}),
      });
    });
    expect(value(signals, 'traces.storage.archived-share', 'api → S3')).toBeGreaterThan(0.3);
    expect(value(signals, 'traces.storage.archived.min-age', 'api → S3')).toBeGreaterThan(90);
  });

  it('reads object reads and the day a key names', () => {
    const read = {
      kind: 'client',
      name: 'S3.GetObject',
      start: T0,
      attributes: { 'aws.s3.key': 'logs/year=2026/month=11/day=2/a.gz' },
    } as unknown as Span;
    expect(isObjectRead(read)).toBe(true);
    expect(objectAgeDays(read)).toBe(20);
    expect(objectAgeDays({ ...read, attributes: { 'aws.s3.key': 'reports/20261021-summary.pdf' } })).toBe(32);
    expect(
      objectAgeDays({ ...read, attributes: { 'aws.s3.key': 'users/12345/avatar.png' } }),
    ).toBeUndefined();
  });
});

describe('reads slow by the age of their data', () => {
  const shop = (slow: (age: number, i: number) => boolean) =>
    run((i, add, root) => {
      const age = (i * 37) % 365;
      const day = new Date(root.start - age * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '.');
      add({
        parentSpanId: root.spanId,
        service: 'api',
        name: 'search',
        kind: 'client',
        start: root.start + 1,
        duration: (slow(age, i) ? 2000 : 15) * (1 + 0.3 * jitter(i, 13)),
        attributes: { 'db.system': 'elasticsearch', 'url.full': `http://es:9200/history-${day}/_search` },
      });
    });

  it('finds searches of indices past an age many times slower than of younger ones', () => {
    expect(
      value(
        shop((age) => age > 30),
        'traces.storage.age-latency',
        'api → elasticsearch',
      ),
    ).toBeGreaterThan(50);
  });

  it('finds no age split when every search got slow at once', () => {
    expect(
      value(
        shop((_age, i) => late(i)),
        'traces.storage.age-latency',
        'api → elasticsearch',
      ),
    ).toBeLessThan(2);
  });
});

describe('duplicate messages', () => {
  const shop = (again: (i: number) => 'duplicate' | 'retry' | undefined) =>
    run((i, add, root) => {
      const attributes = { 'messaging.destination.name': 'order-events', 'messaging.message.id': `m-${i}` };
      const kind = again(i);
      add({
        parentSpanId: root.spanId,
        service: 'notifier',
        name: 'order-events process',
        kind: 'consumer',
        start: root.start + 10,
        duration: kind === 'retry' ? 3000 : 12,
        error: kind === 'retry',
        attributes,
      });
      if (kind)
        add({
          parentSpanId: root.spanId,
          service: 'notifier',
          name: 'order-events process',
          kind: 'consumer',
          start: root.start + 30_000,
          duration: 12,
          attributes,
        });
    });

  it('counts messages processed to completion twice', () => {
    const signals = shop((i) => (late(i) && i % 10 === 0 ? 'duplicate' : undefined));
    expect(value(signals, 'traces.messages.duplicate-share', 'notifier order-events process')).toBeCloseTo(
      10 / 210,
      3,
    );
  });

  it('does not count a redelivery after a failed attempt', () => {
    const signals = shop((i) => (late(i) && i % 10 === 0 ? 'retry' : undefined));
    expect(value(signals, 'traces.messages.duplicate-share', 'notifier order-events process')).toBe(0);
  });

  it('identifies Kafka records by partition and offset', () => {
    const record = {
      attributes: {
        'messaging.destination.name': 'orders',
        'messaging.destination.partition.id': '3',
        'messaging.kafka.offset': 1042,
      },
    } as unknown as Span;
    expect(messageKey(record)).toBe('orders\u00003@1042');
  });
});

describe('cold starts', () => {
  const shop = (coldShare: (i: number) => number, initMs: number) =>
    run((i, add, root) => {
      const cold = jitter(i, 9) < coldShare(i);
      const handler = 40 * (1 + 0.3 * jitter(i, 10));
      const init = cold ? initMs : 0;
      const call = add({
        parentSpanId: root.spanId,
        service: 'api',
        name: 'POST',
        kind: 'client',
        start: root.start + 1,
        duration: init + handler + 1,
      });
      add({
        parentSpanId: call.spanId,
        service: 'receipts',
        name: 'render',
        kind: 'server',
        start: call.start + 0.5 + init,
        duration: handler,
        attributes: { 'faas.coldstart': cold },
      });
    });

  it('measures what callers waited on cold invocations, and their burst after a deploy', () => {
    const signals = shop((i) => (i >= 100 && i < 130 ? 0.6 : 0.03), 1500);
    expect(value(signals, 'traces.coldstart.penalty', 'receipts render')).toBeGreaterThan(20);
    expect(value(signals, 'traces.coldstart.burst-share', 'receipts render')).toBeGreaterThan(0.4);
  });

  it('sees no penalty when starting an environment is quick', () => {
    expect(
      value(
        shop(() => 0.1, 5),
        'traces.coldstart.penalty',
        'receipts render',
      ),
    ).toBeLessThan(1.3);
  });
});

describe("a process's first calls", () => {
  const api = (duration: (i: number) => number) =>
    run((i, _add, root) => {
      root.duration = duration(i);
    });
  const steady = (i: number) => 5 * (1 + 0.3 * jitter(i, 11));

  it('finds first calls far beyond the steady ones, dated at the first', () => {
    const signals = api((i) => (i < 6 ? 150 + 100 * jitter(i, 12) : steady(i)));
    expect(value(signals, 'traces.coldstart.first-calls', 'api GET /items')).toBeGreaterThan(20);
    const signal = signals.find((s) => s.name === 'traces.coldstart.first-calls');
    expect(signal?.onset).toBe(new Date(T0).toISOString());
  });

  it('counts a window that begins in steady traffic, or first calls only a few ms slower, as none', () => {
    expect(value(api(steady), 'traces.coldstart.first-calls', 'api GET /items')).toBeLessThanOrEqual(1);
    // Four times slower but only 15 ms more: an ordinary warm-up of connections and code.
    const warm = api((i) => (i < 6 ? 20 : steady(i)));
    expect(value(warm, 'traces.coldstart.first-calls', 'api GET /items')).toBeLessThanOrEqual(1);
    // A steady slow path taken by 30% of the calls, two of the first five among them: their median is not beyond the p90.
    const twoPaths = api((i) => (jitter(i, 25) < 0.3 ? 120 : steady(i)));
    expect(value(twoPaths, 'traces.coldstart.first-calls', 'api GET /items')).toBeLessThanOrEqual(1);
  });
});

describe('a link that caps throughput', () => {
  /** Requests crowd toward mid-window (four times the rate of the edges); `slow` sets payments' time. */
  const shop = (slow: (busy: number, i: number) => number) => {
    const spans: Span[] = [];
    const total = 400;
    for (let i = 0; i < total; i++) {
      const traceId = id() + id();
      const u = i / total;
      // Inverse of a triangle-shaped arrival rate, peaking at the middle of a 20-minute window.
      const x = u < 0.5 ? Math.sqrt(u / 2) : 1 - Math.sqrt((1 - u) / 2);
      const busy = 1 - Math.abs(2 * x - 1);
      const start = T0 + x * 1_200_000;
      const root: Span = {
        traceId,
        spanId: id(),
        service: 'api',
        name: 'POST /orders',
        kind: 'server',
        start,
        duration: 0,
        error: false,
        attributes: {},
      };
      const pay = slow(busy, i) * (1 + 0.2 * jitter(i, 11));
      const db = 3 * (1 + 0.2 * jitter(i, 12));
      spans.push(
        root,
        {
          traceId,
          spanId: id(),
          parentSpanId: root.spanId,
          service: 'api',
          name: 'POST',
          kind: 'client',
          start: start + 1,
          duration: pay,
          error: false,
          attributes: { 'peer.service': 'payments' },
        },
        {
          traceId,
          spanId: id(),
          parentSpanId: root.spanId,
          service: 'api',
          name: 'SELECT',
          kind: 'client',
          start: start + 2 + pay,
          duration: db,
          error: false,
          attributes: { 'db.system': 'postgresql' },
        },
      );
      root.duration = pay + db + 4;
    }
    return traceSignals([
      {
        source: { type: 'file', path: 'shop.traces.json' },
        data: { format: 'otlp-json', traces: total, spans, droppedSpans: 0, notes: [] },
      },
    ]);
  };

  it('sees one downstream slow down with the request rate while the others keep their time', () => {
    const signals = shop((busy) => 20 / (1 - 0.9 * busy));
    expect(value(signals, 'traces.load.latency-coupling', 'api → payments')).toBeGreaterThan(0.8);
    expect(value(signals, 'traces.load.latency-growth', 'api → payments')).toBeGreaterThan(3);
    expect(value(signals, 'traces.load.others-growth', 'api → payments')).toBeLessThan(1.3);
  });

  it('does not tie a slowdown that began at the peak and stayed to the load', () => {
    const signals = shop((_busy, i) => (i >= 200 ? 200 : 20));
    expect(value(signals, 'traces.load.latency-coupling', 'api → payments')).toBeLessThan(0.5);
  });
});

describe('failures passed on from a dependency', () => {
  // Half the late requests fail at a call to an untraced payments service: answered 503, or refused.
  const failing = (answered: boolean) =>
    run((i, add, root) => {
      const fails = late(i) && i % 2 === 0;
      add({
        parentSpanId: root.spanId,
        service: 'api',
        name: 'POST',
        kind: 'client',
        start: root.start + 1,
        duration: 2,
        error: fails,
        attributes: {
          'peer.service': 'payments',
          ...(fails && !answered ? {} : { 'http.response.status_code': fails ? 503 : 200 }),
        },
      });
      root.error = fails;
    });

  it('counts failed requests whose errors began at a dependency answering 5xx', () => {
    expect(value(failing(true), 'traces.errors.relayed-share')).toBe(1);
  });

  it('does not count calls that no server answered (refused, unresolved)', () => {
    expect(value(failing(false), 'traces.errors.relayed-share')).toBe(0);
  });
});
