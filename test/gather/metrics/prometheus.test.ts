import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyBundle } from '../../../src/bundle/bundle.js';
import { dataOf, GatherError, gatherInto, PartialData } from '../../../src/gather/gatherer.js';
import { describeServer } from '../../../src/gather/http/client.js';
import type { MetricSeries, MetricsData } from '../../../src/gather/metrics/data.js';
import { prometheusGatherer, readMetricsFile } from '../../../src/gather/metrics/gatherer.js';
import { MAX_SERIES_PER_QUERY } from '../../../src/gather/metrics/prometheus.js';
import {
  freePort,
  prometheusMissing,
  type Running,
  startAuthProxy,
  startBackfilledPrometheus,
  startNodeExporter,
  startScrapingPrometheus,
  until,
} from '../../support/prometheus.js';

// The Prometheus source against a real Prometheus: one scraping a real node exporter and itself
// (live), and one holding a past incident loaded with promtool (deterministic answers).

const missing = prometheusMissing();
const T0 = Date.UTC(2026, 10, 22, 14) / 1000;
const STEP = 15;
const SAMPLES = 240; // an hour
const WORKERS = MAX_SERIES_PER_QUERY + 20;
const WINDOW = { start: T0 * 1000, end: (T0 + (SAMPLES - 1) * STEP) * 1000 };
const SOURCE = { type: 'query', language: 'promql', query: 'default query set' } as const;

function family(lines: string[], name: string, type: string, samples: (i: number) => string[]): void {
  lines.push(`# HELP ${name} ${name}.`, `# TYPE ${name} ${type}`);
  for (let i = 0; i < SAMPLES; i++) for (const s of samples(i)) lines.push(`${s} ${T0 + i * STEP}`);
}

/**
 * An incident: app-1 leaks memory from minute 20, restarts at minute 30 (its CPU counter and start
 * time reset), its pool queues from minute 40; app-2 is fine. In Kubernetes, checkout-1 is
 * OOM-killed twice; a batch namespace has more pods than one query keeps.
 */
function incident(): string {
  const lines: string[] = [];
  const app = (n: number) => `instance="app-${n}:8080",job="shop"`;
  family(lines, 'process_resident_memory_bytes', 'gauge', (i) => [
    `process_resident_memory_bytes{${app(1)}} ${200e6 + (i >= 80 ? (i - 80) * 2e6 : 0)}`,
    `process_resident_memory_bytes{${app(2)}} ${200e6 + (i % 7) * 1e5}`,
  ]);
  family(lines, 'hikaricp_connections_pending', 'gauge', (i) => [
    `hikaricp_connections_pending{${app(1)},pool="HikariPool-1"} ${i >= 160 ? 12 : 0}`,
  ]);
  // Half a core; the process restarts at sample 120 and the counter starts again.
  family(lines, 'process_cpu_seconds', 'counter', (i) => [
    `process_cpu_seconds_total{${app(1)}} ${i < 120 ? 5000 + i * 7.5 : (i - 120) * 7.5}`,
  ]);
  family(lines, 'process_start_time_seconds', 'gauge', (i) => [
    `process_start_time_seconds{${app(1)}} ${i < 120 ? T0 - 3600 : T0 + 120 * STEP}`,
    `process_start_time_seconds{${app(2)}} ${T0 - 7200}`,
  ]);
  const pod = 'namespace="shop",pod="checkout-1",container="app"';
  family(lines, 'kube_pod_container_status_restarts', 'counter', (i) => [
    `kube_pod_container_status_restarts_total{${pod}} ${i < 100 ? 0 : i < 180 ? 1 : 2}`,
  ]);
  family(lines, 'kube_pod_container_status_last_terminated_reason', 'gauge', (i) =>
    i >= 100 ? [`kube_pod_container_status_last_terminated_reason{${pod},reason="OOMKilled"} 1`] : [],
  );
  family(lines, 'container_memory_working_set_bytes', 'gauge', (i) =>
    Array.from(
      { length: WORKERS },
      (_, w) =>
        `container_memory_working_set_bytes{namespace="batch",pod="worker-${String(w).padStart(3, '0')}",container="job"} ${(w + 1) * 1e6 + (i % 3)}`,
    ),
  );
  lines.push('# EOF', '');
  return lines.join('\n');
}

const total = (s: MetricSeries | undefined) =>
  (s?.values ?? []).reduce<number>((sum, v) => sum + (v ?? 0), 0);
const find = (data: MetricsData, role: string, subject: string) =>
  data.series.find((s) => s.role === role && s.subject === subject);

describe.skipIf(missing)(`the Prometheus source${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let live: Running;
  let exporter: Running;
  let history: Running;
  let proxy: Running;
  let incidentData: MetricsData;

  beforeAll(async () => {
    exporter = await startNodeExporter();
    [live, history] = await Promise.all([
      startScrapingPrometheus([exporter.url]),
      startBackfilledPrometheus(incident()),
    ]);
    proxy = await startAuthProxy(history.url, 'the-right-token');
    incidentData = dataOf(await prometheusGatherer({ url: history.url }, { window: WINDOW }).gather(SOURCE));
  }, 60_000);
  afterAll(async () => {
    await Promise.all([live?.stop(), exporter?.stop(), history?.stop(), proxy?.stop()]);
  });

  it('returns the backfilled incident with roles, subjects, values and timestamps', () => {
    const data = incidentData;
    // An hour over 1,100 points is 3.3 s, below the 15 s floor and the server's 15 s scrape interval.
    expect(data.stepMs).toBe(15_000);
    const app1 = find(data, 'memory.resident', 'instance=app-1:8080');
    expect(app1?.metric).toBe('process.resident');
    expect(app1?.timestamps[0]).toBe(WINDOW.start);
    expect(app1?.timestamps.at(-1)).toBe(WINDOW.end);
    expect(app1?.values[0]).toBe(200e6);
    expect(app1?.values.at(-1)).toBe(200e6 + (SAMPLES - 1 - 80) * 2e6);
    expect(find(data, 'memory.resident', 'instance=app-2:8080')?.values.at(-1)).toBe(
      200e6 + ((SAMPLES - 1) % 7) * 1e5,
    );
    const pending = find(data, 'pool.pending', 'instance=app-1:8080');
    expect(pending?.values[159]).toBe(0);
    expect(pending?.values[160]).toBe(12);
    // rate() handles the restart: half a core throughout, apart from the points around the reset.
    const cpu = find(data, 'cpu.usage', 'instance=app-1:8080');
    const halfCore = (cpu?.values ?? []).filter((v) => v !== null && Math.abs(v - 0.5) < 0.02).length;
    expect(halfCore / (cpu?.values.length ?? 1)).toBeGreaterThan(0.9);
  });

  it('counts restarts and OOM kills once each, at the step they happened', () => {
    const data = incidentData;
    const restarted = find(data, 'process.restarts', 'instance=app-1:8080');
    expect(total(restarted)).toBe(1);
    const at = restarted?.values.indexOf(1) ?? -1;
    expect(restarted?.timestamps[at]).toBe((T0 + 120 * STEP) * 1000);
    expect(total(find(data, 'process.restarts', 'instance=app-2:8080'))).toBe(0);
    const pod = 'namespace=shop,pod=checkout-1';
    expect(total(find(data, 'process.restarts', pod))).toBe(2);
    const oom = find(data, 'process.oom-kills', pod);
    expect(oom?.metric).toBe('kube.oom-kills');
    expect(total(oom)).toBe(2);
    expect(oom?.timestamps[oom.values.indexOf(1)]).toBe((T0 + 100 * STEP) * 1000);
  });

  it('caps a high-cardinality query on the server, keeping the worst subjects, and says so', () => {
    const data = incidentData;
    const workers = data.series.filter((s) => s.metric === 'container.working-set');
    expect(workers).toHaveLength(MAX_SERIES_PER_QUERY);
    expect(workers.map((s) => s.labels.pod).sort()[0]).toBe(
      `worker-${String(WORKERS - MAX_SERIES_PER_QUERY).padStart(3, '0')}`,
    );
    const query = data.queries.find((q) => q.id === 'container.working-set');
    expect(query?.query).toMatch(
      /^topk\(100, sum by \(namespace, pod\) \(container_memory_working_set_bytes/,
    );
    expect(data.notes.join('\n')).toMatch(/container\.working-set: .*100 series, the cap/);
  });

  it('sends only the queries whose metrics exist and records each outcome', () => {
    const data = incidentData;
    const ids = data.queries.map((q) => q.id);
    expect(ids).toContain('process.resident');
    expect(ids).not.toContain('redis.hits');
    expect(ids).not.toContain('node.cpu-utilization');
    expect(data.queries.every((q) => q.status === 'ok')).toBe(true);
    expect(data.notes.join('\n')).toMatch(
      /metrics found on http:\/\/127\.0\.0\.1:\d+ in the window: cadvisor, jvm, kube-state-metrics, process/,
    );
  });

  it('runs a custom query set instead of the defaults; a broken query fails alone with its coded error', async () => {
    const gathered = await prometheusGatherer(
      { url: history.url },
      {
        window: WINDOW,
        replaceDefaults: true,
        querySet: [
          {
            id: 'custom.pending',
            role: 'pool.pending',
            promql: 'max by (instance) (hikaricp_connections_pending)',
            subjectLabels: ['instance'],
          },
          { id: 'custom.broken', role: 'pool.active', promql: 'sum(rate(hikaricp_connections_active[' },
        ],
      },
    ).gather(SOURCE);
    expect(gathered).toBeInstanceOf(PartialData);
    const data = dataOf(gathered);
    expect((gathered as PartialData<MetricsData>).error.message).toMatch(
      /^1 of 2 queries failed \(first: custom\.broken: http-error: /,
    );
    expect(data.queries.map((q) => [q.id, q.status])).toEqual([
      ['custom.pending', 'ok'],
      ['custom.broken', 'failed'],
    ]);
    expect(data.queries[1]?.error).toMatchObject({
      code: 'http-error',
      message: expect.stringMatching(/HTTP 400: ".*parse error/),
    });
    expect(data.series.map((s) => [s.role, s.subject, s.values.at(-1)])).toEqual([
      ['pool.pending', 'instance=app-1:8080', 12],
    ]);
  });

  it('finds the live node exporter and queries only what exists', async () => {
    // A one-second step over the last ten minutes: the server started moments ago, and rate() has
    // a value once two scrapes are in its window, so the gatherer is polled until it does.
    const data = await until(async () => {
      const end = Date.now();
      const answer = dataOf(
        await prometheusGatherer(
          { url: live.url },
          { window: { start: end - 10 * 60_000, end }, stepMs: 1000 },
        ).gather(SOURCE),
      );
      const cpu = answer.series.find((s) => s.role === 'cpu.utilization');
      return cpu?.values.some((v) => v !== null) ? answer : undefined;
    }, 'a CPU rate from the live node exporter');
    const ids = data.queries.map((q) => q.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'node.cpu-utilization',
        'node.filefd-open',
        'targets.up',
        'prometheus.head-series',
      ]),
    );
    expect(ids.some((id) => /^(postgres|redis|kafka|jvm|hikari)\./.test(id))).toBe(false);
    // The live server scrapes every second: rate() spans four scrapes at the one-second step.
    expect(data.queries.find((q) => q.id === 'node.cpu-utilization')?.query).toContain('[4s]');
    const node = `instance=${exporter.url.replace('http://', '')}`;
    const self = `instance=${live.url.replace('http://', '')}`;
    // The node's file table stands for the node exporter's host, not the exporter's own descriptors.
    expect(find(data, 'fd.open', node)?.metric).toBe('node.filefd-open');
    expect(find(data, 'fd.open', self)?.metric).toBe('process.open-fds');
    const busy = find(data, 'cpu.utilization', node)?.values.filter((v) => v !== null) ?? [];
    expect(busy.length).toBeGreaterThan(0);
    expect(busy.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(
      find(data, 'scrape.up', node)
        ?.values.filter((v) => v !== null)
        .at(-1),
    ).toBe(1);
    expect(find(data, 'memory.resident', self)?.values.some((v) => v !== null && v > 1e6)).toBe(true);
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
      expect(data.series.some((s) => s.role === 'fd.open')).toBe(true);
    }
  });

  it('codes a refused token as auth-failed without printing it; the right one gets the same data', async () => {
    const window = WINDOW;
    const bundle = await gatherInto(emptyBundle('2026-11-22T15:00:00Z'), [
      {
        gatherer: prometheusGatherer({ url: proxy.url, bearerToken: 'an-expired-token-0042' }, { window }),
        source: { ...SOURCE, server: describeServer({ url: proxy.url }) },
      },
      {
        gatherer: prometheusGatherer({ url: proxy.url, bearerToken: 'the-right-token' }, { window }),
        source: { ...SOURCE, server: describeServer({ url: proxy.url }) },
      },
    ]);
    const [refused, accepted] = bundle.evidence.metrics ?? [];
    expect(refused).toMatchObject({ status: 'failed', error: { code: 'auth-failed' } });
    expect(JSON.stringify(bundle)).not.toContain('an-expired-token-0042');
    expect(JSON.stringify(bundle)).not.toContain('the-right-token');
    expect(accepted?.status === 'loaded' && accepted.data.series.length).toBe(incidentData.series.length);
  });

  it('records an unreachable server as a coded error and goes on with the other sources', async () => {
    const closed = await freePort();
    const bundle = await gatherInto(emptyBundle('2026-11-22T15:00:00Z'), [
      {
        gatherer: prometheusGatherer(
          { url: `http://user:topsecret@127.0.0.1:${closed}`, retries: 0 },
          { window: WINDOW },
        ),
        source: SOURCE,
      },
      { gatherer: prometheusGatherer({ url: history.url }, { window: WINDOW }), source: SOURCE },
    ]);
    const [failed, loaded] = bundle.evidence.metrics ?? [];
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'connection-failed' } });
    expect(JSON.stringify(failed)).not.toContain('topsecret');
    expect(loaded?.status).toBe('loaded');
  });

  it('refuses an empty window before asking the server', async () => {
    const error = await prometheusGatherer(
      { url: history.url },
      { window: { start: WINDOW.end, end: WINDOW.start } },
    )
      .gather(SOURCE)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatherError);
    expect((error as GatherError).code).toBe('unsupported-format');
  });
});
