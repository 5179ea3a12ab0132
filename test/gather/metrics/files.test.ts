import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GatherError } from '../../../src/gather/gatherer.js';
import { MetricsDataSchema } from '../../../src/gather/metrics/data.js';
import { readMetricsFile } from '../../../src/gather/metrics/gatherer.js';
import { parseSample } from '../../../src/gather/metrics/openmetrics.js';

const dir = mkdtempSync(join(tmpdir(), 'faultline-metrics-'));
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
const read = (path: string) =>
  readMetricsFile({ type: 'file', path }, { now: () => Date.UTC(2026, 10, 22, 15) });
async function failure(path: string): Promise<GatherError> {
  try {
    await read(path);
  } catch (error) {
    if (error instanceof GatherError) return error;
    throw error;
  }
  throw new Error('expected a GatherError');
}

const T0 = Date.UTC(2026, 10, 22, 14) / 1000;

/** OpenMetrics with timestamps: two instances' memory, a counter that resets, node CPU by mode. */
function incident(): string {
  const lines = ['# TYPE process_resident_memory_bytes gauge', '# UNIT process_resident_memory_bytes bytes'];
  for (let i = 0; i < 20; i++) {
    lines.push(
      `process_resident_memory_bytes{instance="app-1:8080",job="shop"} ${100e6 + i * 5e6} ${T0 + i * 15}`,
    );
    lines.push(`process_resident_memory_bytes{instance="app-2:8080",job="shop"} ${100e6} ${T0 + i * 15}`);
  }
  lines.push('# TYPE process_cpu_seconds counter');
  for (let i = 0; i < 20; i++) {
    // 0.5 CPU seconds per second, and a restart (reset to 0) at the 10th sample.
    const value = i < 10 ? 1000 + i * 7.5 : (i - 10) * 7.5 + 3;
    lines.push(`process_cpu_seconds_total{instance="app-1:8080",job="shop"} ${value} ${T0 + i * 15}`);
  }
  lines.push('# TYPE node_cpu_seconds counter');
  for (let i = 0; i < 20; i++) {
    for (const cpu of ['0', '1']) {
      // Each CPU: 15 s per 15 s in total, of which 3 idle: 80% busy.
      lines.push(
        `node_cpu_seconds_total{cpu="${cpu}",instance="node-1",mode="idle"} ${i * 3} ${T0 + i * 15}`,
      );
      lines.push(
        `node_cpu_seconds_total{cpu="${cpu}",instance="node-1",mode="user"} ${i * 12} ${T0 + i * 15}`,
      );
    }
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

describe('metric files', () => {
  it('reads OpenMetrics with timestamps in seconds into role series, counters as rates with resets', async () => {
    const data = await read(file('incident.metrics.om', incident()));
    expect(MetricsDataSchema.parse(data)).toEqual(data);
    expect(data.format).toBe('openmetrics');
    const memory = data.series.filter((s) => s.role === 'memory.resident');
    expect(memory.map((s) => s.subject)).toEqual(['instance=app-1:8080', 'instance=app-2:8080']);
    expect(memory[0]?.timestamps[0]).toBe(T0 * 1000);
    expect(memory[0]?.values[19]).toBe(195e6);
    const cpu = data.series.find((s) => s.role === 'cpu.usage');
    // A rate between each pair of samples; the reset counts the new value as the increase.
    expect(cpu?.values.length).toBe(19);
    expect(cpu?.values.filter((v) => v !== null && Math.abs(v - 0.5) < 1e-9).length).toBe(18);
    expect(cpu?.values[9]).toBeCloseTo(3 / 15);
    const busy = data.series.find((s) => s.role === 'cpu.utilization');
    expect(busy?.subject).toBe('instance=node-1');
    expect(busy?.values.every((v) => v !== null && Math.abs(v - 0.8) < 1e-9)).toBe(true);
    expect(data.start).toBe(T0 * 1000);
    expect(data.stepMs).toBe(15_000);
  });

  it('reads the Prometheus text format (timestamps in ms), gzip, and a snapshot without timestamps', async () => {
    const text = `# HELP up Target up.\n# TYPE up gauge\nup{instance="a:9100",job="node"} 1 ${T0 * 1000}\nup{instance="a:9100",job="node"} 0 ${(T0 + 15) * 1000}\n`;
    const data = await read(file('up.metrics.prom.gz', gzipSync(text)));
    expect(data.series[0]).toMatchObject({
      role: 'scrape.up',
      subject: 'instance=a:9100',
      timestamps: [T0 * 1000, (T0 + 15) * 1000],
      values: [1, 0],
    });
    const snapshot = await read(file('snap.metrics.prom', 'process_open_fds 12\nprocess_max_fds 1024\n'));
    expect(snapshot.series.map((s) => [s.role, s.values[0], s.timestamps[0]])).toEqual([
      ['fd.open', 12, Date.UTC(2026, 10, 22, 15)],
      ['fd.max', 1024, Date.UTC(2026, 10, 22, 15)],
    ]);
    expect(snapshot.notes.join(' ')).toMatch(/snapshot without timestamps/);
  });

  it('reads saved query_range responses, several at once, with NaN as a missing sample', async () => {
    const response = (name: string, values: Array<[number, string]>) => ({
      status: 'success',
      data: { resultType: 'matrix', result: [{ metric: { __name__: name, instance: 'db-1:9187' }, values }] },
    });
    const path = file(
      'pg.metrics.json',
      JSON.stringify([
        response('pg_stat_activity_count', [
          [T0, '90'],
          [T0 + 30, 'NaN'],
          [T0 + 60, '99'],
        ]),
        response('pg_settings_max_connections', [
          [T0, '100'],
          [T0 + 60, '100'],
        ]),
      ]),
    );
    const data = await read(path);
    expect(data.format).toBe('prometheus-json');
    expect(data.series.find((s) => s.role === 'db.connections')).toMatchObject({
      values: [90, null, 99],
      subject: 'instance=db-1:9187',
    });
    expect(data.series.find((s) => s.role === 'db.connections.max')?.values).toEqual([100, 100]);
  });

  it('reads CSV columns named after metrics, with labels as Grafana writes them', async () => {
    const data = await read(
      file(
        'grafana.csv',
        'Time,"redis_evicted_keys_total{instance=""cache-1""}"\n2026-11-22T14:00:00Z,100\n2026-11-22T14:01:00Z,160\n',
      ),
    );
    expect(data.format).toBe('csv');
    expect(data.series[0]).toMatchObject({ role: 'cache.evictions', values: [1] });
  });

  it('names the file, the line and what was expected', async () => {
    expect(
      (await failure(file('bad.metrics.om', '# TYPE up gauge\nup 1 100\n# EOF\nup 2 200\n'))).message,
    ).toMatch(/bad\.metrics\.om:4: a sample after "# EOF"/);
    expect(
      (await failure(file('broken.json', '{"status":"success","data":{"resultType":"matrix",'))).message,
    ).toMatch(/broken\.json:1: not valid JSON/);
    expect(
      (await failure(file('error.json', '{"status":"error","errorType":"bad_data","error":"parse error"}')))
        .message,
    ).toMatch(/a saved Prometheus error response \(bad_data: parse error\)/);
    const other = await failure(file('other.json', '{"hello":"world"}'));
    expect(other).toMatchObject({ code: 'unsupported-format' });
    const prose = await failure(file('notes.txt', 'Dear team,\nthe cluster was slow.\n'));
    expect(prose.message).toMatch(
      /tried a Prometheus query response \(JSON\), the OpenMetrics\/Prometheus text format and CSV/,
    );
    expect((await failure(file('empty.prom', '# HELP up Target up.\n'))).message).toMatch(
      /empty\.prom: no samples/,
    );
  });

  it('skips unreadable lines with a note naming the first, unless strict', async () => {
    const path = file('mixed.prom', 'process_open_fds 3\nprocess_open_fds{oops 4\nprocess_max_fds 10\n');
    const data = await read(path);
    expect(data.notes[0]).toMatch(
      /1 of 3 lines were not samples .* line 2: expected ="value"|1 of 3 lines were not samples \(first at line 2/,
    );
    await expect(readMetricsFile({ type: 'file', path }, { strict: true })).rejects.toThrow(/mixed\.prom:2/);
  });

  it('parses label escapes and exemplars as the format defines them', () => {
    expect(
      parseSample('http_requests_total{path="/a\\"b",msg="x\\\\y\\nz"} 3 1700000000 # {trace_id="abc"} 1'),
    ).toEqual({
      metric: 'http_requests_total',
      labels: { path: '/a"b', msg: 'x\\y\nz' },
      value: 3,
      stamp: '1700000000',
    });
    expect(parseSample('x +Inf')).toEqual({ metric: 'x', labels: {}, value: null });
    expect(parseSample('x abc')).toBe('"abc" is not a number');
  });
});
