import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiagnosisResult } from '../../src/diagnosis/result.js';
import { runCli } from '../support/cli.js';
import { prometheusMissing, type Running, startBackfilledPrometheus } from '../support/prometheus.js';

// "What broke between 14:00 and 14:20?" end to end: a real Prometheus holding the incident's
// metrics, the application's log and the traces of the same window, diagnosed from the command
// line, saved as a bundle and diagnosed again offline.

const missing = prometheusMissing();
const T0 = Date.UTC(2026, 10, 22, 14) / 1000;
const dir = mkdtempSync(join(tmpdir(), 'faultline-incident-'));

/** The orders service's pool: 10 connections, all busy from 14:12 as slow queries held them, waiters from 14:12:30. */
function metrics(): string {
  const lines: string[] = [];
  const family = (name: string, type: string, value: (i: number) => number) => {
    lines.push(`# TYPE ${name} ${type}`);
    for (let i = 0; i < 80; i++)
      lines.push(
        `${name}{instance="orders-1:8080",job="orders",pool="HikariPool-1"} ${value(i)} ${T0 + i * 15}`,
      );
  };
  family('hikaricp_connections_max', 'gauge', () => 10);
  family('hikaricp_connections_active', 'gauge', (i) => (i >= 48 ? 10 : 2 + (i % 3)));
  family('hikaricp_connections_idle', 'gauge', (i) => (i >= 48 ? 0 : 8 - (i % 3)));
  family('hikaricp_connections_pending', 'gauge', (i) => (i >= 50 ? 8 + (i % 5) : 0));
  lines.push('# EOF', '');
  return lines.join('\n');
}

/** A Spring Boot log: ordinary requests, then HikariCP timeouts from 14:12. */
function log(): string {
  const lines: string[] = [];
  for (let s = 0; s < 1200; s += 4) {
    const at = new Date((T0 + s) * 1000).toISOString().replace('T', ' ').replace('Z', '');
    lines.push(
      `${at}  INFO 1 --- [nio-8080-exec-${(s % 9) + 1}] o.s.web.servlet.DispatcherServlet : Completed 201 CREATED in ${12 + (s % 7)} ms`,
    );
    if (s >= 720 && s % 8 === 0) {
      lines.push(
        `${at} ERROR 1 --- [nio-8080-exec-${(s % 9) + 1}] o.h.engine.jdbc.spi.SqlExceptionHelper : HikariPool-1 - Connection is not available, request timed out after 30000ms.`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

describe.skipIf(missing)(
  `an incident window from Prometheus, logs and traces${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let prometheus: Running;
    beforeAll(async () => {
      prometheus = await startBackfilledPrometheus(metrics());
      writeFileSync(join(dir, 'orders.log'), log());
      // The same shop's traces: item queries 8× slower from 14:10.
      copyFileSync(
        join('catalog', 'scenarios', 'slow-query', 'fixtures', 'positive-item-query-slow.traces.json.gz'),
        join(dir, 'orders.traces.json.gz'),
      );
    }, 60_000);
    afterAll(async () => {
      await prometheus?.stop();
    });

    it('joins the three kinds of evidence and orders what started first', async () => {
      const bundle = join(dir, 'incident.bundle.json');
      const run = await runCli(
        [
          'analyze',
          '--prometheus',
          prometheus.url,
          '--logs',
          join(dir, 'orders.log'),
          '--traces',
          join(dir, 'orders.traces.json.gz'),
          '--from',
          '2026-11-22T14:00:00Z',
          '--to',
          '2026-11-22T14:20:00Z',
          '--format',
          'json',
          '--save-bundle',
          bundle,
        ],
        { env: { FAULTLINE_PROMETHEUS_TOKEN: 'not-shown-anywhere' } },
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).not.toContain('not-shown-anywhere');
      const result = JSON.parse(run.stdout) as DiagnosisResult;
      expect(result.inputs.map((i) => [i.kind, i.status])).toEqual([
        ['metrics', 'loaded'],
        ['logs', 'loaded'],
        ['traces', 'loaded'],
      ]);
      expect(result.window).toEqual({ start: '2026-11-22T14:00:00.000Z', end: '2026-11-22T14:20:00.000Z' });
      const matched = result.findings.filter((f) => f.status === 'matched').map((f) => f.scenarioId);
      expect(matched).toContain('connection-pool-exhaustion');
      expect(matched).toContain('slow-query');
      // The slow queries (traces, 14:10) come before the pool timeouts (logs, 14:12) in the timeline.
      const timeline = result.timeline ?? [];
      const slow = timeline.find((e) => e.scenarioId === 'slow-query');
      const pool = timeline.find(
        (e) => e.scenarioId === 'connection-pool-exhaustion' && e.evidence === 'logs',
      );
      expect(slow?.evidence).toBe('traces');
      expect(Date.parse(slow?.at ?? '')).toBeLessThan(Date.parse(pool?.at ?? ''));
      expect(
        result.findings.find((f) => f.scenarioId === 'slow-query')?.raisedBy.map((r) => r.signal),
      ).toContain('onset-order');

      const saved = readFileSync(bundle, 'utf8');
      expect(saved).not.toContain('not-shown-anywhere');
      const again = await runCli(['diagnose', bundle, '--format', 'json']);
      const offline = JSON.parse(again.stdout) as DiagnosisResult;
      expect(offline.findings.map((f) => [f.scenarioId, f.status, f.confidence])).toEqual(
        result.findings.map((f) => [f.scenarioId, f.status, f.confidence]),
      );
    });

    it('keeps what a server answered when one query failed, and marks the input partial', async () => {
      const config = join(dir, 'partial.yaml');
      writeFileSync(
        config,
        [
          'window: { from: "2026-11-22T14:00:00Z", to: "2026-11-22T14:20:00Z" }',
          'prometheus:',
          `  url: ${prometheus.url}`,
          '  queries:',
          '    - { id: orders.broken, role: pool.active, promql: "sum(rate(hikaricp_connections_active[" }',
          'logs: [orders.log]',
          '',
        ].join('\n'),
      );
      const run = await runCli(['analyze', '--config', config, '--format', 'json']);
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(
        /was read only in part: 1 of \d+ queries failed \(first: orders\.broken: http-error: .*\[partial\]/,
      );
      const result = JSON.parse(run.stdout) as DiagnosisResult;
      expect(result.inputs.map((i) => [i.kind, i.status, i.error?.code])).toEqual([
        ['metrics', 'partial', 'partial'],
        ['logs', 'loaded', undefined],
      ]);
      // The queries that did answer still carry the pool's exhaustion.
      expect(result.findings.find((f) => f.scenarioId === 'connection-pool-exhaustion')?.status).toBe(
        'matched',
      );
    });

    it('reports a server that cannot be reached and analyzes the rest', async () => {
      const run = await runCli([
        'analyze',
        '--prometheus',
        'http://127.0.0.1:9/',
        '--logs',
        join(dir, 'orders.log'),
        '--from',
        '2026-11-22T14:00:00Z',
        '--to',
        '2026-11-22T14:20:00Z',
      ]);
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/connection refused \[connection-failed\]/);
      expect(run.stdout).toMatch(/connection-pool-exhaustion/);
    });
  },
);
