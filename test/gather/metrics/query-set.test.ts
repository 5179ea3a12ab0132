import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { GatherError } from '../../../src/gather/gatherer.js';
import { METRIC_ROLES } from '../../../src/gather/metrics/data.js';
import { completeQuerySet, DEFAULT_QUERY_SET, ROLE_RULES } from '../../../src/gather/metrics/query-set.js';
import { PROMTOOL, prometheusMissing } from '../../support/prometheus.js';

// The default query set and the file rules as data: consistent with each other and with the
// roles, and every expression accepted by Prometheus' own parser (promtool).

const run = promisify(execFile);

describe('the default query set', () => {
  it('has unique ids, known roles, and fallbacks that name earlier entries', () => {
    const ids = DEFAULT_QUERY_SET.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    DEFAULT_QUERY_SET.forEach((entry, i) => {
      expect(Object.keys(METRIC_ROLES)).toContain(entry.role);
      for (const id of entry.fallbackOf ?? []) {
        expect(ids.indexOf(id), `${entry.id} falls back on ${id}`).toBeGreaterThanOrEqual(0);
        expect(ids.indexOf(id), `${entry.id} falls back on ${id}`).toBeLessThan(i);
        expect(DEFAULT_QUERY_SET[ids.indexOf(id)]?.role).toBe(entry.role);
      }
    });
  });

  it('reads every metric it requires, and only through its subject labels', () => {
    for (const entry of DEFAULT_QUERY_SET) {
      expect(entry.requires.length, entry.id).toBeGreaterThan(0);
      for (const metric of entry.requires) expect(entry.promql, entry.id).toContain(metric);
      for (const label of entry.subjectLabels) expect(entry.promql, entry.id).toContain(label);
    }
  });

  it('covers the exporters the issue names, with the metric names those exporters publish', () => {
    const required = new Set(DEFAULT_QUERY_SET.flatMap((e) => e.requires));
    for (const metric of [
      'node_cpu_seconds_total',
      'node_netstat_TcpExt_ListenOverflows',
      'node_nf_conntrack_entries',
      'container_cpu_cfs_throttled_periods_total',
      'kube_pod_container_status_last_terminated_reason',
      'process_start_time_seconds',
      'nodejs_eventloop_lag_p99_seconds',
      'hikaricp_connections_pending',
      'executor_active_threads',
      'go_memstats_heap_inuse_bytes',
      'http_server_request_duration_seconds_bucket',
      'http_server_requests_seconds_count',
      'pg_database_wraparound_age_datfrozenxid_seconds',
      'redis_evicted_keys_total',
      'jetstream_consumer_num_pending',
      'kafka_consumergroup_lag',
      'prometheus_tsdb_head_series',
    ])
      expect(required, metric).toContain(metric);
  });

  it('maps file rules to known roles and gives each role a query or a rule', () => {
    const roles = new Set([...DEFAULT_QUERY_SET.map((e) => e.role), ...ROLE_RULES.map((r) => r.role)]);
    for (const role of Object.keys(METRIC_ROLES)) expect(roles, role).toContain(role);
  });

  it.skipIf(prometheusMissing())('is valid PromQL for Prometheus itself (promtool check rules)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-rules-'));
    const path = join(dir, 'rules.yml');
    const rules = DEFAULT_QUERY_SET.map((e, i) => {
      const expr = `topk(100, ${e.promql.replaceAll('$rate', '60s').replaceAll('$step', '15s')})`;
      return `      - record: faultline_${i}\n        expr: ${JSON.stringify(expr)}`;
    });
    writeFileSync(path, `groups:\n  - name: faultline\n    rules:\n${rules.join('\n')}\n`);
    const { stdout } = await run(PROMTOOL, ['check', 'rules', path]);
    expect(stdout).toContain(`SUCCESS: ${DEFAULT_QUERY_SET.length} rules found`);
  });
});

describe('custom query sets', () => {
  it('completes custom entries with defaults and refuses unknown roles, duplicate ids and dangling fallbacks', () => {
    const [entry] = completeQuerySet([], [{ id: 'my.pending', role: 'pool.pending', promql: 'sum(x)' }]);
    expect(entry).toEqual({
      id: 'my.pending',
      role: 'pool.pending',
      promql: 'sum(x)',
      exporter: 'prometheus',
      requires: [],
      subjectLabels: [],
    });
    const refused = (custom: Parameters<typeof completeQuerySet>[1]) => {
      try {
        completeQuerySet(DEFAULT_QUERY_SET, custom);
      } catch (error) {
        return error as GatherError;
      }
      throw new Error('expected a refusal');
    };
    // biome-ignore lint/suspicious/noExplicitAny: an entry as a configuration file could hold it
    const unknownRole = refused([{ id: 'x', role: 'memory.leak' as any, promql: 'up' }]);
    expect(unknownRole).toBeInstanceOf(GatherError);
    expect(unknownRole.message).toMatch(/query set entry 1 \(x\): role/);
    expect(refused([{ id: 'targets.up', role: 'scrape.up', promql: 'up' }]).message).toMatch(/used twice/);
    expect(refused([{ id: 'y', role: 'scrape.up', promql: 'up', fallbackOf: ['nothing'] }]).message).toMatch(
      /fallbackOf names nothing/,
    );
    expect(refused([{ id: 'z', role: 'scrape.up', promql: '  ' }]).message).toMatch(
      /expected a PromQL expression/,
    );
  });
});
