// biome-ignore-all lint/suspicious/noTemplateCurlyInString: configuration files write credentials as ${VAR}
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/problem.js';
import { parseDuration, parseInstant, readRunConfig, resolveWindow } from '../../src/pipeline/config.js';
import { evidenceKindOfName, inputsOfPath } from '../../src/pipeline/evidence.js';

const NOW = Date.parse('2026-11-22T15:00:00Z');

function configFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-config-'));
  const path = join(dir, 'faultline.yaml');
  writeFileSync(path, text);
  return path;
}

function thrown(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('durations and instants', () => {
  it('reads the units people write', () => {
    expect([
      parseDuration('500ms'),
      parseDuration('30s'),
      parseDuration('1.5h'),
      parseDuration('2d'),
    ]).toEqual([500, 30_000, 5_400_000, 172_800_000]);
    expect(parseDuration('30')).toBeUndefined();
    expect(parseDuration('5 minutes')).toBeUndefined();
  });

  it('accepts ISO 8601 with a zone, epoch seconds and times relative to now, and refuses zone-less times', () => {
    expect(parseInstant('2026-11-22T14:02:00Z', NOW)).toBe(Date.parse('2026-11-22T14:02:00Z'));
    expect(parseInstant('2026-11-22T16:02:00+02:00', NOW)).toBe(Date.parse('2026-11-22T14:02:00Z'));
    expect(parseInstant('1763820120', NOW)).toBe(1_763_820_120_000);
    expect(parseInstant('now-30m', NOW)).toBe(NOW - 1_800_000);
    expect(parseInstant('-2h', NOW)).toBe(NOW - 7_200_000);
    expect(parseInstant('now', NOW)).toBe(NOW);
    // Without a zone the window would depend on the machine's time zone.
    expect(parseInstant('2026-11-22T14:02:00', NOW)).toBeUndefined();
  });

  it('makes a window from --from/--to/--since and says what is wrong', () => {
    expect(resolveWindow({}, NOW)).toBeUndefined();
    expect(resolveWindow({ since: '30m' }, NOW)).toEqual({ start: NOW - 1_800_000, end: NOW });
    expect(resolveWindow({ from: '2026-11-22T14:02:00Z', to: '2026-11-22T14:20:00Z' }, NOW)).toEqual({
      start: Date.parse('2026-11-22T14:02:00Z'),
      end: Date.parse('2026-11-22T14:20:00Z'),
    });
    expect(thrown(() => resolveWindow({ from: 'yesterday' }, NOW)).message).toMatch(
      /--from yesterday: expected an ISO 8601/,
    );
    expect(thrown(() => resolveWindow({ from: 'now-1h', since: '1h' }, NOW)).message).toMatch(
      /either --since or --from/,
    );
    expect(thrown(() => resolveWindow({ from: 'now', to: 'now-1h' }, NOW)).message).toMatch(
      /start before it ends/,
    );
  });
});

describe('the run configuration file', () => {
  it('expands credentials from the environment and resolves paths against the file', () => {
    const path = configFile(
      [
        'logs: [app.log]',
        'kubernetes: [dumps/shop.k8s.json]',
        'prometheus:',
        '  url: https://prom.example:9090',
        '  bearerToken: ${PROM_TOKEN}',
        '  headers: { X-Scope-OrgID: shop }',
        '  timeout: 10s',
        '  step: 30s',
        '  queries:',
        '    - { id: checkout.heap, role: memory.heap-used, promql: "sum by (pod) (jvm_memory_used_bytes{area=\\"heap\\"})", subjectLabels: [pod] }',
        'loki: { url: http://loki:3100, username: shop, password: "${LOKI_PASSWORD}", query: "{namespace=\\"shop\\"}" }',
        'window: { since: 45m }',
      ].join('\n'),
    );
    const config = readRunConfig(path, { PROM_TOKEN: 'tok-123', LOKI_PASSWORD: 'pw' });
    expect(config.window).toEqual({ since: '45m' });
    expect(config.inputs.logs?.[0]).toBe(join(path, '..', 'app.log'));
    expect(config.inputs.kubernetes).toEqual([join(path, '..', 'dumps', 'shop.k8s.json')]);
    expect(config.inputs.metrics?.[0]).toMatchObject({
      prometheus: {
        url: 'https://prom.example:9090',
        bearerToken: 'tok-123',
        headers: { 'X-Scope-OrgID': 'shop' },
        timeoutMs: 10_000,
      },
      stepMs: 30_000,
      queries: [{ id: 'checkout.heap', role: 'memory.heap-used', subjectLabels: ['pod'] }],
    });
    expect(config.inputs.logs?.[1]).toMatchObject({
      loki: { url: 'http://loki:3100', basicAuth: { username: 'shop', password: 'pw' } },
      query: '{namespace="shop"}',
    });
  });

  it('takes every field of a custom query, and names a wrong one', () => {
    const query = (fields: string) =>
      configFile(
        [
          'prometheus:',
          '  url: http://prom:9090',
          '  queries:',
          `    - { id: orders.free-disk, role: disk.free, promql: "min by (instance) (node_filesystem_avail_bytes)", ${fields} }`,
          '',
        ].join('\n'),
      );
    const config = readRunConfig(query('exporter: node, worst: low, subjectLabels: [instance]'), {});
    expect(config.inputs.metrics?.[0]).toMatchObject({
      queries: [{ id: 'orders.free-disk', exporter: 'node', worst: 'low', subjectLabels: ['instance'] }],
    });
    const bad = thrown(() => readRunConfig(query('exporter: nodes, worst: lowest'), {}));
    expect(bad.problems.map((p) => p.field).sort()).toEqual([
      'prometheus.0.queries.0.exporter',
      'prometheus.0.queries.0.worst',
    ]);
  });

  it('names the key that is wrong, and the unset variable without any secret', () => {
    const bad = thrown(() =>
      readRunConfig(configFile('prometheus: { url: prom:9090, timeout: soon }\n'), {}),
    );
    expect(bad.problems.map((p) => p.field).sort()).toEqual(['prometheus.0.timeout', 'prometheus.0.url']);
    const unset = thrown(() =>
      readRunConfig(configFile('tempo: { url: "http://tempo:3200", bearerToken: "${TEMPO_TOKEN}" }\n'), {}),
    );
    expect(unset.message).toMatch(
      /tempo\[0\]\.bearerToken refers to the environment variable TEMPO_TOKEN, which is not set/,
    );
    expect(thrown(() => readRunConfig(configFile('logs: [a.log\n'), {})).message).toMatch(
      /:\d+: not valid YAML/,
    );
    expect(thrown(() => readRunConfig(configFile('lgos: [a.log]\n'), {})).problems[0]?.message).toMatch(
      /lgos/,
    );
  });
});

describe('evidence kinds of fixture and folder files', () => {
  it('reads the kind from the name and treats anything else as a load-test result', () => {
    expect(
      [
        'metrics.json',
        'positive-leak.metrics.prom',
        'app.log',
        'app.log.gz',
        'positive-x.logs.jsonl',
        'traces.otlp.json',
        'run.jtl',
        'k6.json',
        'prod.k8s.json.gz',
        'events.kubernetes.json',
        'positive-lock.output.txt',
        'negative-x.tool.log',
      ].map(evidenceKindOfName),
    ).toEqual([
      'metrics',
      'metrics',
      'logs',
      'logs',
      'logs',
      'traces',
      'load-test',
      'load-test',
      'kubernetes',
      'kubernetes',
      'tool-output',
      'tool-output',
    ]);
  });

  it('sorts the files of a folder into their kinds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-evidence-'));
    for (const name of [
      'metrics.prom',
      'app.log',
      'traces.json',
      'run.jtl',
      'shop.k8s.json',
      'job.output.txt',
      'README.md',
    ])
      writeFileSync(join(dir, name), '');
    expect(inputsOfPath(dir)).toEqual({
      loadTests: [join(dir, 'run.jtl')],
      metrics: [join(dir, 'metrics.prom')],
      logs: [join(dir, 'app.log')],
      traces: [join(dir, 'traces.json')],
      kubernetes: [join(dir, 'shop.k8s.json')],
      toolOutput: [join(dir, 'job.output.txt')],
    });
  });
});
