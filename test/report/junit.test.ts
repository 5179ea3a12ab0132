import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../src/report/junit.js';
import { HOSTILE_TITLE, hostileFixture, loadFixture } from './support.js';
import { childrenNamed, parseXml } from './xml.js';

describe('renderJunit', () => {
  const result = loadFixture();
  const xml = renderJunit(result);
  const root = parseXml(xml);
  const [suite] = childrenNamed(root, 'testsuite');
  const cases = suite ? childrenNamed(suite, 'testcase') : [];
  const byScenario = (id: string) => cases.find((c) => c.attributes.name?.startsWith(`${id}:`));

  it('is one well-formed testsuite named faultline with consistent counts', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(root.name).toBe('testsuites');
    expect(childrenNamed(root, 'testsuite')).toHaveLength(1);
    expect(suite?.attributes).toMatchObject({
      name: 'faultline',
      tests: '11',
      failures: '3',
      skipped: '3',
      errors: '1',
      timestamp: '2026-11-22T14:31:07',
    });
    const count = (tag: string) => cases.filter((c) => childrenNamed(c, tag).length > 0).length;
    expect(cases).toHaveLength(Number(suite?.attributes.tests));
    expect(count('failure')).toBe(Number(suite?.attributes.failures));
    expect(count('skipped')).toBe(Number(suite?.attributes.skipped));
    expect(count('error')).toBe(Number(suite?.attributes.errors));
  });

  it('fails matched scenarios with the evidence, expected and observed', () => {
    const pool = byScenario('connection-pool-exhaustion');
    expect(pool?.attributes.classname).toBe('faultline.database');
    const [failure] = pool ? childrenNamed(pool, 'failure') : [];
    expect(failure?.attributes.type).toBe('high');
    expect(failure?.attributes.message).toBe(
      'Connection pool exhausted: p95 of POST /api/checkout rose from 295 ms to 8.3 s at 14:06:30 and stayed there',
    );
    expect(failure?.text).toContain('Onset: 2026-11-22 14:06:30 UTC (+6m 30s into the test)');
    expect(failure?.text).toContain('  expected: p95 within 1.5× of the 295 ms steady-state baseline');
    expect(failure?.text).toContain('  observed: p95 8.3 s (28× baseline) for 11m 30s');
    expect(failure?.text).toContain('- +0.42 latency.p95.change-point (POST /api/checkout) = 28.5');
    expect(failure?.text).toContain(
      '   $ psql -c "SELECT application_name, state, count(*) FROM pg_stat_activity GROUP BY 1, 2 ORDER BY 3 DESC;"',
    );
  });

  it('passes not-matched scenarios and skips those without the evidence they need', () => {
    const retry = byScenario('retry-storm');
    expect(retry?.children).toEqual([]);
    const deadlock = byScenario('database-deadlock');
    const [skipped] = deadlock ? childrenNamed(deadlock, 'skipped') : [];
    expect(skipped?.attributes.message).toBe('not enough evidence: needs metrics, logs');
    const crashed = cases.find((c) => c.attributes.name === 'thread-starvation');
    expect(crashed && childrenNamed(crashed, 'error')[0]?.attributes.message).toBe(
      'signal latency.queueing.ratio has no value for POST /api/cart',
    );
  });

  it('carries the verdict, the failed inputs and the notes', () => {
    const properties = suite ? childrenNamed(childrenNamed(suite, 'properties')[0] ?? suite, 'property') : [];
    expect(properties.find((p) => p.attributes.name === 'verdict')?.attributes.value).toBe('failure');
    expect(suite && childrenNamed(suite, 'system-err')[0]?.text).toContain(
      'input metrics promql up on http://127.0.0.1:9090 failed: connection-failed',
    );
    expect(suite && childrenNamed(suite, 'system-out')[0]?.text).toContain('3 lines could not be read');
  });

  it('is deterministic', () => {
    expect(renderJunit(structuredClone(result))).toBe(xml);
    expect(renderJunit({ ...result, findings: [...result.findings].reverse() })).toBe(xml);
  });

  it('checks well-formedness strictly, so a missed escape would fail these tests', () => {
    expect(() => parseXml('<a b="<"/>')).toThrow();
    expect(() => parseXml('<a>x & y</a>')).toThrow();
    expect(() => parseXml('<a>\u0007</a>')).toThrow();
  });

  it('stays well-formed with markup, quotes and control characters in the texts', () => {
    const hostile = hostileFixture();
    const hostileXml = renderJunit(hostile);
    const parsed = parseXml(hostileXml);
    const [hostileSuite] = childrenNamed(parsed, 'testsuite');
    const pool = hostileSuite && childrenNamed(hostileSuite, 'testcase')[0];
    // The parser gives back exactly the text that went in, bar the one character XML cannot hold.
    expect(pool?.attributes.name).toBe(`connection-pool-exhaustion: ${HOSTILE_TITLE}`);
    const [failure] = pool ? childrenNamed(pool, 'failure') : [];
    expect(failure?.text).toContain('POST /api/cart"><script>window.__pwned = 1</script>');
    expect(failure?.text).toContain('|*_[x](y)&amp;\uFFFD');
    expect(hostileXml).not.toContain('\u0007');
    expect(hostileXml).not.toContain('<script');
  });
});
