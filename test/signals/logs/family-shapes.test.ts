import { describe, expect, it } from 'vitest';
import { LogsAccumulator } from '../../../src/gather/logs/accumulate.js';
import type { LogsData } from '../../../src/gather/logs/data.js';
import { type LogsSource, logSignals } from '../../../src/signals/logs/signals.js';
import type { Signal } from '../../../src/signals/signal.js';

// The time shape of known failure families: separate episodes (a session that drops again and
// again against one that drops once), and the share that falls in a log's first minute (a
// failure only at start-up against one that goes on).

const T0 = Date.UTC(2024, 2, 12, 14, 0, 0);
const SECOND = 1000;
const MINUTE = 60 * SECOND;

interface Line {
  t: number;
  message: string;
  level?: 'info' | 'warn' | 'error';
}

/** A log of routine records every 5 s for `minutes`, plus the given lines, through the gatherer's accumulator. */
function logOf(lines: Line[], minutes = 20): LogsSource {
  const all: Line[] = [...lines];
  for (let t = 0; t < minutes * MINUTE; t += 5 * SECOND)
    all.push({ t, message: `Order ${1000 + (t % 7919)} created in ${10 + (t % 80)}ms` });
  all.sort((a, b) => a.t - b.t);
  const accumulator = new LogsAccumulator();
  all.forEach((line, i) => {
    accumulator.add({ message: line.message, level: line.level ?? 'info', time: T0 + line.t, line: i + 1 });
  });
  const data: LogsData = accumulator.finish('text', all.length);
  return { source: { type: 'file', path: 'router.log' }, data };
}

const one = (signals: Signal[], name: string) => {
  const found = signals.filter((s) => s.name === name);
  expect(found, name).toHaveLength(1);
  return found[0] as Signal;
};

const down = (t: number, neighbor = '198.51.100.1'): Line => ({
  t,
  message: `%BGP-5-ADJCHANGE: neighbor ${neighbor} Down BGP Notification sent`,
  level: 'warn',
});

describe('episodes of a known failure family', () => {
  it('counts every separate drop of a flapping session', () => {
    const drops = [11, 13.5, 16, 18.5].map((m) => down(m * MINUTE));
    const episodes = one(logSignals([logOf(drops)]), 'logs.known.bgp-session-down.episodes');
    expect(episodes.value).toBe(4);
    expect(Date.parse(episodes.onset as string) - T0).toBeGreaterThanOrEqual(11 * MINUTE - SECOND);
    expect(episodes.explanation).toContain('4 separate episode(s)');
  });

  it('counts sessions that drop together, seconds apart, as one episode', () => {
    const reload = [down(11 * MINUTE), down(11 * MINUTE + 8 * SECOND, '198.51.100.5')];
    expect(one(logSignals([logOf(reload)]), 'logs.known.bgp-session-down.episodes').value).toBe(1);
  });

  it('is 0 when the family does not occur', () => {
    expect(one(logSignals([logOf([])]), 'logs.known.bgp-session-down.episodes').value).toBe(0);
  });
});

describe('start-up share of a known failure family', () => {
  const refused = (t: number): Line => ({
    t,
    message: 'dial tcp 10.0.4.7:5432: connect: connection refused',
    level: 'error',
  });

  it('is 1 when the failures all fall in the first minute of the log', () => {
    const early = [1, 3, 6, 12, 25].map((s) => refused(s * SECOND));
    expect(one(logSignals([logOf(early)]), 'logs.known.connection-refused.startup-share').value).toBe(1);
  });

  it('is small when the failures at start go on afterwards', () => {
    const lines: Line[] = [];
    for (let t = 2 * SECOND; t < 20 * MINUTE; t += 10 * SECOND) lines.push(refused(t));
    const share = one(logSignals([logOf(lines)]), 'logs.known.connection-refused.startup-share').value;
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThan(0.1);
  });

  it('is 0 for a log too short to show what came after its start', () => {
    const early = [1, 3, 6].map((s) => refused(s * SECOND));
    expect(one(logSignals([logOf(early, 3)]), 'logs.known.connection-refused.startup-share').value).toBe(0);
  });
});
