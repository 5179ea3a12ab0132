import { describe, expect, it } from 'vitest';
import type { SourcePointer } from '../../../src/core/source-pointer.js';
import { type LogRecordInput, LogsAccumulator } from '../../../src/gather/logs/accumulate.js';
import type { LogsData } from '../../../src/gather/logs/data.js';
import { LOGS_SIGNALS } from '../../../src/signals/logs/definitions.js';
import { type LogsSource, logSignals } from '../../../src/signals/logs/signals.js';
import { type Signal, SignalSchema } from '../../../src/signals/signal.js';
import { Rng } from '../../../src/simulate/random.js';

const T0 = Date.UTC(2024, 2, 12, 14, 0, 0);
const MINUTE = 60_000;

interface Stream {
  message: (rng: Rng) => string;
  level: LogRecordInput['level'];
  /** Records per minute at time t (ms from T0). */
  rate: (t: number) => number;
  cause?: string;
}

/** A 30-minute log of Poisson arrivals per stream, built through the gatherer's accumulator. */
function logData(seed: number, streams: Stream[], minutes = 30): LogsData {
  const rng = new Rng(seed);
  const records: Array<Omit<LogRecordInput, 'line'>> = [];
  for (const stream of streams) {
    for (let t = 0; t < minutes * MINUTE; t += 1000) {
      if (rng.chance(stream.rate(t) / 60)) {
        records.push({
          message: stream.message(rng),
          level: stream.level,
          time: T0 + t + rng.int(0, 999),
          ...(stream.cause ? { cause: stream.cause } : {}),
        });
      }
    }
  }
  records.sort((a, b) => (a.time as number) - (b.time as number));
  const accumulator = new LogsAccumulator();
  records.forEach((r, i) => {
    accumulator.add({ ...r, line: i + 1 });
  });
  return accumulator.finish('text', records.length);
}

const routine: Stream = {
  message: (rng) => `Order ${rng.int(1000, 9999)} created in ${rng.int(10, 90)}ms`,
  level: 'info',
  rate: () => 40,
};
const notFound: Stream = {
  message: (rng) => `Order ${rng.int(1000, 9999)} not found`,
  level: 'warn',
  rate: () => 2,
};
const ONSET = 18 * MINUTE;
const poolTimeouts: Stream = {
  message: () => 'HikariPool-1 - Connection is not available, request timed out after 30000ms.',
  level: 'error',
  rate: (t) => (t >= ONSET ? 15 : 0),
};
const slowQueries: Stream = {
  message: (rng) => `slow query took ${rng.int(1000, 3000)}ms`,
  level: 'warn',
  rate: (t) => (t >= ONSET ? 10 : 2),
};

const file = (path: string): SourcePointer => ({ type: 'file', path });
const one = (signals: Signal[], name: string, subject?: string) => {
  const found = signals.filter((s) => s.name === name && s.subject === subject);
  expect(found, `${name} ${subject ?? ''}`).toHaveLength(1);
  return found[0] as Signal;
};
const minuteOf = (iso: string | undefined) => (Date.parse(iso as string) - T0) / MINUTE;

describe('logSignals on an incident log', () => {
  const data = logData(1, [routine, notFound, poolTimeouts, slowQueries]);
  const source: LogsSource = { source: file('app.log'), data };
  const signals = logSignals([source]);
  const hikari = data.templates.find((t) =>
    t.template.includes('Connection is not available'),
  ) as LogsData['templates'][number];
  const slow = data.templates.find((t) =>
    t.template.startsWith('slow query'),
  ) as LogsData['templates'][number];

  it('produces valid, registered signals with sources', () => {
    const registered = new Set(LOGS_SIGNALS.map((d) => d.name));
    for (const signal of signals) {
      expect(() => SignalSchema.parse(signal), signal.name).not.toThrow();
      expect(registered.has(signal.name), signal.name).toBe(true);
      expect(signal.sources.length, signal.name).toBeGreaterThan(0);
    }
  });

  it('counts the known failure with its onset and its first record as evidence', () => {
    const known = one(signals, 'logs.known.pool-exhausted');
    expect(known.value).toBe(hikari.count);
    expect(known.onset).toBe(new Date(hikari.firstSeen as number).toISOString());
    expect(minuteOf(known.onset)).toBeGreaterThanOrEqual(18);
    expect(minuteOf(known.onset)).toBeLessThan(18.5);
    expect(known.sources[0]).toEqual({ type: 'file', path: 'app.log', line: hikari.firstLine });
    expect(known.explanation).toContain(
      `${hikari.count} record(s) say the application waited in vain for a pooled connection`,
    );
    expect(known.explanation).toContain(
      '"HikariPool-1 - Connection is not available, request timed out after 30000ms."',
    );
    // Families that did not occur are present with 0: the evidence was there to look at.
    expect(one(signals, 'logs.known.deadlock').value).toBe(0);
  });

  it('finds the rise of errors and warnings, dated at the incident', () => {
    const errors = one(signals, 'logs.errors.rise');
    expect(errors.value).toBeGreaterThan(10);
    expect(minuteOf(errors.onset)).toBeGreaterThanOrEqual(17.5);
    expect(minuteOf(errors.onset)).toBeLessThan(18.5);
    const warnings = one(signals, 'logs.warnings.rise');
    expect(warnings.value).toBeGreaterThan(2);
    expect(minuteOf(warnings.onset)).toBeGreaterThanOrEqual(17);
    expect(minuteOf(warnings.onset)).toBeLessThan(19.5);
    const share = one(signals, 'logs.errors.share');
    expect(share.value).toBeCloseTo(hikari.count / data.records, 3);
    const perMinute = one(signals, 'logs.errors.per-minute').value as number;
    expect(perMinute).toBeGreaterThan(15 * (12 / 30) * 0.7);
    expect(perMinute).toBeLessThan(15 * (12 / 30) * 1.3);
    expect(one(signals, 'logs.errors.new-templates').value).toBe(1);
  });

  it('names the new template and the rising one as subjects, with their onsets', () => {
    const fresh = one(signals, 'logs.template.new', `template:${hikari.id}`);
    expect(fresh.value).toBe(hikari.count);
    expect(fresh.onset).toBe(new Date(hikari.firstSeen as number).toISOString());
    const rising = one(signals, 'logs.template.rate-rise', `template:${slow.id}`);
    expect(rising.value).toBeGreaterThan(2.5);
    expect(minuteOf(rising.onset)).toBeGreaterThanOrEqual(17);
    expect(minuteOf(rising.onset)).toBeLessThan(19.5);
    expect(one(signals, 'logs.template.new', `template:${slow.id}`).value).toBe(0);
    // Routine INFO traffic is not a subject.
    const order = data.templates.find((t) =>
      t.template.startsWith('Order <*> created'),
    ) as LogsData['templates'][number];
    expect(signals.some((s) => s.subject === `template:${order.id}`)).toBe(false);
  });
});

describe('logSignals on a healthy log', () => {
  const data = logData(2, [routine, notFound, { ...slowQueries, rate: () => 2 }]);
  const signals = logSignals([{ source: file('app.log'), data }]);

  it('sees no rise and no new error template, and says so', () => {
    const rise = one(signals, 'logs.errors.rise');
    expect(rise).toMatchObject({ value: 1 });
    expect(rise.onset).toBeUndefined();
    expect(one(signals, 'logs.warnings.rise').value).toBe(1);
    expect(one(signals, 'logs.errors.new-templates').value).toBe(0);
    for (const signal of signals.filter((s) => s.name === 'logs.template.rate-rise'))
      expect(signal.value).toBe(1);
    expect(signals.filter((s) => s.name.startsWith('logs.known.')).every((s) => s.value === 0)).toBe(true);
  });

  it('does not call 2 records after 1 in the baseline a rise', () => {
    // One record in the baseline, two after it.
    const accumulator = new LogsAccumulator();
    const times = [2, 20, 25].map((m) => T0 + m * MINUTE);
    let line = 0;
    for (let t = T0; t < T0 + 30 * MINUTE; t += 1500) {
      accumulator.add({ line: ++line, message: `Order ${line} created`, level: 'info', time: t });
      if (times.some((x) => x >= t && x < t + 1500))
        accumulator.add({ line: ++line, message: 'cache rebuild failed', level: 'error', time: t });
    }
    const data2 = accumulator.finish('text', line);
    const failed = data2.templates.find(
      (t) => t.template === 'cache rebuild failed',
    ) as LogsData['templates'][number];
    const result = logSignals([{ source: file('b.log'), data: data2 }]);
    expect(one(result, 'logs.template.rate-rise', `template:${failed.id}`).value).toBe(1);
    expect(one(result, 'logs.errors.rise').value).toBe(1);
  });
});

describe('logSignals on other sources', () => {
  it('gives a log without times only the signals that need no time', () => {
    const accumulator = new LogsAccumulator();
    ['worker 1 ready', 'job 71 failed: connection refused', 'worker 2 ready'].forEach((message, i) => {
      accumulator.add({ line: i + 1, message, level: i === 1 ? 'error' : 'unknown' });
    });
    const signals = logSignals([{ source: file('untimed.log'), data: accumulator.finish('text', 3) }]);
    expect(signals.map((s) => s.name).filter((n) => !n.startsWith('logs.known.'))).toEqual([
      'logs.errors.share',
    ]);
    const refused = one(signals, 'logs.known.connection-refused');
    expect(refused.value).toBe(1);
    expect(refused.onset).toBeUndefined();
  });

  it('joins several sources: run-level signals over all, subjects per source, counts summed', () => {
    const a = logData(4, [routine, poolTimeouts]);
    const b = logData(5, [routine, poolTimeouts]);
    const signals = logSignals([
      { source: file('a.log'), data: a },
      { source: file('b.log'), data: b },
    ]);
    const counts = [a, b].map(
      (d) => d.templates.find((t) => t.template.includes('not available'))?.count ?? 0,
    );
    expect(one(signals, 'logs.known.pool-exhausted').value).toBe(
      (counts[0] as number) + (counts[1] as number),
    );
    const subjects = signals
      .filter((s) => s.name === 'logs.template.new' && (s.value as number) > 0)
      .map((s) => s.subject);
    expect(subjects.sort()).toEqual([
      expect.stringMatching(/^template:\d+@a\.log$/),
      expect.stringMatching(/^template:\d+@b\.log$/),
    ]);
    expect(one(signals, 'logs.errors.rise').sources).toEqual([file('a.log'), file('b.log')]);
  });

  it('points at the query for Loki evidence and keeps secrets out of explanations', () => {
    const accumulator = new LogsAccumulator();
    for (let i = 0; i < 600; i++) {
      const t = T0 + i * 3000;
      accumulator.add({ line: i + 1, message: `login ok for user ${i}`, level: 'info', time: t });
      if (i > 300 && i % 3 === 0)
        accumulator.add({
          line: i + 1,
          message: `x509: certificate has expired (token=abc123secret)`,
          level: 'error',
          time: t,
        });
    }
    const query: SourcePointer = {
      type: 'query',
      language: 'logql',
      query: '{app="api"}',
      server: 'http://loki:3100',
    };
    const data = { ...accumulator.finish('loki', 800) };
    const signals = logSignals([{ source: query, data }]);
    const expired = one(signals, 'logs.known.certificate-expired');
    expect(expired.value).toBe(99);
    expect(expired.sources).toEqual([query]);
    expect(JSON.stringify(signals)).not.toContain('abc123secret');
  });
});
