import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyBundle } from '../../../src/bundle/bundle.js';
import { gatherInto } from '../../../src/gather/gatherer.js';
import { readMetricsFile } from '../../../src/gather/metrics/gatherer.js';
import { chooseStep, prometheusGatherer } from '../../../src/gather/metrics/prometheus.js';
import {
  freePort,
  prometheusMissing,
  type Running,
  startBackfilledPrometheus,
  startNodeExporter,
  startScrapingPrometheus,
} from '../../support/prometheus.js';

// The Prometheus source against a real Prometheus: one scraping a real node exporter (live), and
// one holding a past incident loaded with promtool (deterministic answers).

const missing = prometheusMissing();
const T0 = Date.UTC(2026, 10, 22, 14) / 1000;
const STEP = 15;
const SAMPLES = 240; // an hour

/** An incident: app-1 leaks memory from minute 20, its pool queues from minute 40; app-2 is fine. */
function incident(): string {
  const lines = [
    '# HELP process_resident_memory_bytes Resident memory size in bytes.',
    '# TYPE process_resident_memory_bytes gauge',
  ];
  for (let i = 0; i < SAMPLES; i++) {
    const t = T0 + i * STEP;
    const leak = i >= 80 ? (i - 80) * 2e6 : 0;
    lines.push(`process_resident_memory_bytes{instance="app-1:8080",job="shop"} ${200e6 + leak} ${t}`);
    lines.push(
      `process_resident_memory_bytes{instance="app-2:8080",job="shop"} ${200e6 + (i % 7) * 1e5} ${t}`,
    );
  }
  lines.push(
    '# HELP hikaricp_connections_pending Pending threads',
    '# TYPE hikaricp_connections_pending gauge',
  );
  for (let i = 0; i < SAMPLES; i++) {
    lines.push(
      `hikaricp_connections_pending{instance="app-1:8080",job="shop",pool="HikariPool-1"} ${i >= 160 ? 12 : 0} ${T0 + i * STEP}`,
    );
  }
  lines.push(
    '# HELP process_cpu_seconds Total user and system CPU time spent in seconds.',
    '# TYPE process_cpu_seconds counter',
  );
  for (let i = 0; i < SAMPLES; i++) {
    // Half a core; the process restarts at sample 120 and the counter starts again.
    const value = i < 120 ? 5000 + i * 7.5 : (i - 120) * 7.5;
    lines.push(`process_cpu_seconds_total{instance="app-1:8080",job="shop"} ${value} ${T0 + i * STEP}`);
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

describe.skipIf(missing)(`the Prometheus source${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let live: Running;
  let exporter: Running;
  let history: Running;

  beforeAll(async () => {
    exporter = await startNodeExporter();
    live = await startScrapingPrometheus([exporter.url]);
    history = await startBackfilledPrometheus(incident());
  }, 60_000);
  afterAll(async () => {
    await Promise.all([live?.stop(), exporter?.stop(), history?.stop()]);
  });

  it('returns the backfilled incident with roles, subjects and rates computed by PromQL', async () => {
    const window = { start: T0 * 1000, end: (T0 + (SAMPLES - 1) * STEP) * 1000 };
    const data = await prometheusGatherer({ url: history.url }, { window }).gather({
      type: 'query',
      language: 'promql',
      query: 'default query set',
    });
    expect(data.stepMs).toBe(chooseStep(window));
    const memory = data.series
      .filter((s) => s.role === 'memory.resident')
      .sort((a, b) => (a.subject < b.subject ? -1 : 1));
    expect(memory.map((s) => s.subject)).toEqual([
      'instance=app-1:8080',
      'instance=app-2:8080',
    ]);
    const app1 = memory[0];
    expect(app1?.timestamps[0]).toBe(window.start);
    expect(app1?.values[0]).toBe(200e6);
    expect(app1?.values.at(-1)).toBe(200e6 + (SAMPLES - 1 - 80) * 2e6);
    const pending = data.series.find((s) => s.role === 'pool.pending');
    expect(pending?.values.at(-1)).toBe(12);
    const cpu = data.series.find((s) => s.role === 'cpu.usage');
    // rate() handles the restart: half a core throughout, apart from the samples around the reset.
    const halfCore = (cpu?.values ?? []).filter((v) => v !== null && Math.abs(v - 0.5) < 0.02).length;
    expect(halfCore / (cpu?.values.length ?? 1)).toBeGreaterThan(0.9);
    // Queries for exporters that are not there were never sent.
    expect(data.queries.map((q) => q.id)).not.toContain('redis.hits');
    expect(data.queries.every((q) => q.status === 'ok')).toBe(true);
    expect(data.notes.join(' ')).toMatch(/default queries were not sent/);
  });

  it('finds the live node exporter and queries only what exists', async () => {
    const end = Date.now();
    const data = await prometheusGatherer(
      { url: live.url },
      { window: { start: end - 10 * 60_000, end } },
    ).gather({
      type: 'query',
      language: 'promql',
      query: 'default query set',
    });
    const roles = new Set(data.series.map((s) => s.role));
    for (const role of ['scrape.up', 'memory.resident', 'fd.open', 'disk.free'])
      expect(roles).toContain(role);
    expect(data.queries.some((q) => q.id.startsWith('postgres.'))).toBe(false);
    expect(
      data.series
        .find((s) => s.role === 'scrape.up')
        ?.values.filter((v) => v !== null)
        .at(-1),
    ).toBe(1);
  });

  it('parses what a real node exporter and Prometheus serve at /metrics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-scrape-'));
    for (const [name, url] of [
      ['node.prom', exporter.url],
      ['prometheus.prom', live.url],
    ] as const) {
      const path = join(dir, name);
      writeFileSync(path, await (await fetch(`${url}/metrics`)).text());
      const data = await readMetricsFile({ type: 'file', path });
      expect(data.notes.join(' ')).not.toMatch(/were not samples/);
      expect(data.series.some((s) => s.role === 'memory.resident')).toBe(true);
    }
  });

  it('records an unreachable server as a coded error and goes on with the other sources', async () => {
    const closed = await freePort();
    const window = { start: T0 * 1000, end: (T0 + 600) * 1000 };
    const bundle = await gatherInto(emptyBundle('2026-11-22T15:00:00Z'), [
      {
        gatherer: prometheusGatherer(
          { url: `http://user:topsecret@127.0.0.1:${closed}`, retries: 0 },
          { window },
        ),
        source: { type: 'query', language: 'promql', query: 'default query set' },
      },
      {
        gatherer: prometheusGatherer({ url: history.url }, { window }),
        source: { type: 'query', language: 'promql', query: 'default query set' },
      },
    ]);
    const [failed, loaded] = bundle.evidence.metrics ?? [];
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'connection-failed' } });
    expect(JSON.stringify(failed)).not.toContain('topsecret');
    expect(loaded?.status).toBe('loaded');
  });
});
