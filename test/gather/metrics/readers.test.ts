import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MetricsDataSchema } from '../../../src/gather/metrics/data.js';
import { readMetricsFile } from '../../../src/gather/metrics/gatherer.js';
import { bucketQuantile, MAX_SUBJECTS_PER_ROLE, MAX_UNROLED } from '../../../src/gather/metrics/roles.js';

// The file readers on real exporter output (trimmed /metrics of node exporter 1.5 and Prometheus
// 2.42, saved by test/gather/metrics/prometheus.test.ts's servers) and on the parts of the formats
// that change values: histograms, units, `_created`, timestamp units, encodings, caps.

const FIXTURES = join(import.meta.dirname, '../../fixtures/metrics');
const dir = mkdtempSync(join(tmpdir(), 'faultline-readers-'));
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
const read = (path: string) => readMetricsFile({ type: 'file', path });
const T0 = Date.UTC(2026, 10, 22, 14) / 1000;

describe('real /metrics snapshots', () => {
  it('reads a node exporter 1.5 snapshot: host file table, filesystems, memory of the exporter', async () => {
    const path = join(FIXTURES, 'node-exporter-1.5.prom');
    const saved = Date.UTC(2026, 11, 4, 20, 16, 49);
    const data = await readMetricsFile({ type: 'file', path }, { now: () => saved });
    expect(MetricsDataSchema.parse(data)).toEqual(data);
    expect(data.format).toBe('openmetrics');
    expect(data.notes.join(' ')).not.toMatch(/were not samples/);
    expect(data.notes.join(' ')).toMatch(/a snapshot without timestamps/);
    const role = (r: string) => data.series.filter((s) => s.role === r);
    // The host's file table wins over the exporter's own descriptors for the same subject.
    expect(role('fd.open')).toMatchObject([
      { metric: 'node_filefd_allocated', values: [983], timestamps: [saved] },
    ]);
    expect(role('fd.max')).toMatchObject([{ metric: 'node_filefd_maximum', values: [2466290] }]);
    expect(role('disk.free')).toMatchObject([{ subject: 'mountpoint=/', values: [83004661760] }]);
    expect(role('memory.resident')).toMatchObject([
      { metric: 'process_resident_memory_bytes', values: [15626240] },
    ]);
    expect(role('net.conntrack-used')).toMatchObject([{ values: [0] }]);
    // A counter needs two samples to become a rate: none from one snapshot.
    expect(role('cpu.utilization')).toEqual([]);
    // What plays no role is kept as read (the summary's quantiles among it).
    expect(data.series.filter((s) => s.metric === 'go_gc_duration_seconds')).toHaveLength(5);
  });

  it("reads a Prometheus 2.42 snapshot at the file's modification time", async () => {
    const path = join(dir, 'prometheus.prom');
    writeFileSync(
      path,
      await import('node:fs/promises').then((fs) => fs.readFile(join(FIXTURES, 'prometheus-2.42.prom'))),
    );
    const mtime = new Date(Date.UTC(2026, 11, 4, 20, 17));
    utimesSync(path, mtime, mtime);
    const data = await read(path);
    expect(data.series.find((s) => s.role === 'tsdb.series')).toMatchObject({
      values: [0],
      timestamps: [mtime.getTime()],
    });
    expect(data.series.find((s) => s.role === 'memory.heap-used')?.values).toEqual([10452992]);
    expect(data.notes.join(' ')).toMatch(/the file's modification time/);
  });
});

describe('histograms, units and timestamps', () => {
  /** An OpenTelemetry (old semantic conventions, milliseconds) histogram with a slow tail from minute 5. */
  function otelHistogram(): string {
    const bounds = [5, 10, 25, 50, 100, 250, 500, 1000];
    const lines = [
      '# TYPE http_server_duration_milliseconds histogram',
      '# UNIT http_server_duration_milliseconds milliseconds',
    ];
    const cumulative = new Map<string, number>();
    for (let i = 0; i <= 20; i++) {
      // Per 15 s: 100 requests, 88 within 100 ms, one slow (250–500 ms); after minute 1.5, ten slow.
      const slow = i > 5 ? 10 : 1;
      const within: Record<number, number> = { 5: 20, 10: 50, 25: 80, 50: 85, 100: 88, 250: 100 - slow };
      const perBound = (b: number) => within[b] ?? 100;
      for (const [le, n] of [
        ...bounds.map((b) => [String(b), perBound(b)] as const),
        ['+Inf', 100] as const,
      ]) {
        const key = le;
        cumulative.set(key, (cumulative.get(key) ?? 0) + (i === 0 ? 0 : n));
        lines.push(
          `http_server_duration_milliseconds_bucket{instance="api:9464",http_status_code="200",le="${le}"} ${cumulative.get(key)} ${T0 + i * 15}`,
        );
      }
      const count = cumulative.get('+Inf') as number;
      lines.push(
        `http_server_duration_milliseconds_count{instance="api:9464",http_status_code="200"} ${count} ${T0 + i * 15}`,
      );
      lines.push(
        `http_server_duration_milliseconds_sum{instance="api:9464",http_status_code="200"} ${count * 20} ${T0 + i * 15}`,
      );
      lines.push(
        `http_server_duration_milliseconds_created{instance="api:9464",http_status_code="200"} ${T0 - 60} ${T0 + i * 15}`,
      );
    }
    lines.push('# EOF', '');
    return lines.join('\n');
  }

  it('turns buckets into a p99 per interval, sums over counts into a mean, milliseconds into seconds', async () => {
    const data = await read(file('otel.metrics.om', otelHistogram()));
    const p99 = data.series.find((s) => s.role === 'http.latency-p99');
    expect(p99?.subject).toBe('instance=api:9464');
    // Before: 99 of 100 within 250 ms, so rank 99 is the top of the 100–250 ms bucket.
    expect(p99?.values[0]).toBeCloseTo(0.25, 6);
    // After: 90 within 250 ms, so rank 99 is 9/10 into the 250–500 ms bucket.
    expect(p99?.values.at(-1)).toBeCloseTo(0.475, 6);
    expect(data.series.find((s) => s.role === 'http.latency-mean')?.values.at(-1)).toBeCloseTo(0.02, 9);
    expect(data.series.find((s) => s.role === 'http.requests')?.values.at(-1)).toBeCloseTo(100 / 15, 9);
    // _created is when the series was created, not a measurement.
    expect(data.series.some((s) => s.metric.endsWith('_created'))).toBe(false);
  });

  it('interpolates a quantile as histogram_quantile() does', () => {
    const buckets = new Map([
      [0.1, 50],
      [0.5, 90],
      [1, 100],
      [Number.POSITIVE_INFINITY, 100],
    ]);
    expect(bucketQuantile(0.5, buckets)).toBeCloseTo(0.1, 9);
    expect(bucketQuantile(0.7, buckets)).toBeCloseTo(0.3, 9);
    expect(bucketQuantile(0.95, buckets)).toBeCloseTo(0.75, 9);
    // Rank in the +Inf bucket: the highest finite bound.
    expect(bucketQuantile(0.99, new Map([...buckets, [Number.POSITIVE_INFINITY, 200]]))).toBe(1);
    expect(
      bucketQuantile(
        0.99,
        new Map([
          [1, 0],
          [Number.POSITIVE_INFINITY, 0],
        ]),
      ),
    ).toBeNull();
    expect(bucketQuantile(0.99, new Map([[1, 5]]))).toBeNull();
  });

  it('counts a restart when a process start time changes', async () => {
    const lines = ['# TYPE process_start_time_seconds gauge'];
    for (let i = 0; i < 10; i++)
      lines.push(
        `process_start_time_seconds{instance="api:8080"} ${i < 6 ? T0 - 600 : T0 + 90} ${T0 + i * 15}`,
      );
    lines.push('# EOF');
    const data = await read(file('start.om', lines.join('\n')));
    expect(data.series.find((s) => s.role === 'process.restarts')?.values).toEqual([
      0, 0, 0, 0, 0, 1, 0, 0, 0,
    ]);
  });

  it('reads text-format timestamps in milliseconds, and seconds written by mistake with a note', async () => {
    const ms = await read(
      file('ms.prom', `up{instance="a:9100"} 1 ${T0 * 1000}\nup{instance="a:9100"} 0 ${(T0 + 15) * 1000}\n`),
    );
    expect(ms.series[0]?.timestamps).toEqual([T0 * 1000, (T0 + 15) * 1000]);
    expect(ms.notes.join(' ')).not.toMatch(/read as seconds/);
    const s = await read(
      file('s.prom', `up{instance="a:9100"} 1 ${T0}\nup{instance="a:9100"} 0 ${T0 + 15}\n`),
    );
    expect(s.series[0]?.timestamps).toEqual([T0 * 1000, (T0 + 15) * 1000]);
    expect(s.notes.join(' ')).toMatch(/would all fall before 1973; they were read as seconds/);
  });
});

describe('encodings and layouts', () => {
  const exposition = `# TYPE process_open_fds gauge\nprocess_open_fds{instance="a:1"} 7 ${T0}\n# EOF\n`;

  it('reads UTF-16 (PowerShell >) and a UTF-8 byte order mark, gzip or not', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(exposition, 'utf16le')]);
    for (const [name, content] of [
      ['utf16.prom', utf16],
      ['utf16.prom.gz', gzipSync(utf16)],
      ['bom.prom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(exposition)])],
    ] as const) {
      const data = await read(file(name, content));
      expect(data.series, name).toMatchObject([{ role: 'fd.open', values: [7], timestamps: [T0 * 1000] }]);
    }
  });

  it('reads CSV headers with several labels, as Grafana quotes them', async () => {
    const header =
      'Time,"redis_evicted_keys_total{instance=""cache-1:9121"",job=""redis""}","redis_connected_clients{instance=""cache-1:9121"",job=""redis""}"';
    const data = await read(
      file('grafana.csv', `${header}\n2026-11-22T14:00:00Z,100,20\n2026-11-22T14:01:00Z,160,25\n`),
    );
    expect(data.series.map((s) => [s.role, s.subject, s.values])).toEqual([
      ['cache.evictions', 'instance=cache-1:9121', [1]],
      ['cache.connections', 'instance=cache-1:9121', [20, 25]],
    ]);
  });

  it('caps subjects per role and series without a role, and says what was left out', async () => {
    const lines: string[] = [];
    for (let p = 0; p < MAX_SUBJECTS_PER_ROLE + 5; p++)
      lines.push(
        `container_memory_working_set_bytes{namespace="batch",pod="w-${p}",container="job"} ${p} ${T0 * 1000}`,
      );
    for (let m = 0; m < MAX_UNROLED + 3; m++) lines.push(`custom_metric_${m} 1 ${T0 * 1000}`);
    const data = await read(file('many.prom', `${lines.join('\n')}\n`));
    expect(data.series.filter((s) => s.role === 'memory.resident')).toHaveLength(MAX_SUBJECTS_PER_ROLE);
    expect(data.series.filter((s) => s.role === undefined)).toHaveLength(MAX_UNROLED);
    expect(data.notes).toEqual(
      expect.arrayContaining([
        `memory.resident: 5 subjects beyond the first ${MAX_SUBJECTS_PER_ROLE} were left out`,
        '3 series that play no known role were left out of the bundle',
      ]),
    );
  });

  it('refuses binary content and damaged gzip with the file named', async () => {
    await expect(read(file('blob.prom', Buffer.from([0x00, 0x01, 0x02, 0x03])))).rejects.toThrow(
      /blob\.prom: binary content/,
    );
    const damaged = gzipSync(Buffer.from(exposition.repeat(2000))).subarray(0, 200);
    await expect(read(file('damaged.prom.gz', damaged))).rejects.toMatchObject({ code: 'parse-error' });
  });
});
