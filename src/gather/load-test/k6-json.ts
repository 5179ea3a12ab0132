import { GatherError } from '../gatherer.js';
import { endpointName } from './endpoint-name.js';
import { forEachLine, type InputFile, tooLongLine } from './input.js';
import { k6ErrorMessage } from './k6-error-codes.js';
import type { LoadTestParser } from './parser.js';
import type { LoadSample, SampleSink } from './sample.js';

// k6 `--out json` (format of k6 v0.31 to v1.x, output/json in k6; older releases lack the
// http_req_failed metric and the expected_response tag, both handled below). One JSON object a
// line: {"type":"Metric","data":{...},"metric":NAME} declares a metric, {"type":"Point","data":
// {"time","value","tags"},"metric":NAME} is one sample. Releases that marshal with easyjson put
// "metric" first; older ones put it last — both orders are read.
//
// One request is one http_req_duration point. k6 stamps every sample of a request with the
// request's END time, so the start is time - duration. Whether it failed comes from the
// expected_response tag on the same point (k6 >= 0.31, default system tag); without that tag it
// comes from the http_req_failed point k6 writes for the same request with the same time and
// tags, paired here in bounded memory; without either, from the status (k6's default expected
// statuses are 200-399).

/** Unpaired durations kept while waiting for their http_req_failed point. k6 writes both from one
 * sample container, a handful of lines apart; 256 covers many VUs flushing interleaved. */
const MAX_PENDING = 256;
const MAX_CHECK_NAMES = 50;

const READ_METRICS = new Set(['http_req_duration', 'http_req_failed', 'vus', 'checks']);

interface K6Point {
  time: string;
  value: number;
  tags: Record<string, string>;
}

export const k6JsonParser: LoadTestParser = {
  format: 'k6-json',
  expects:
    'k6 --out json lines such as {"type":"Point","data":{"time":...,"value":...},"metric":"http_req_duration"}',
  detect(head: string): boolean {
    const first = head.slice(0, head.indexOf('\n') === -1 ? head.length : head.indexOf('\n')).trim();
    return (
      /^\{"(?:type|metric)":/.test(first) &&
      /"type":"(?:Metric|Point)"/.test(first) &&
      /"metric":"/.test(first)
    );
  },
  async parse(input: InputFile, sink: SampleSink): Promise<void> {
    const reader = new K6JsonReader(sink);
    await forEachLine(
      input.chunks(),
      (line, n) => reader.line(line, n),
      (n) => sink.problem(n, tooLongLine('one k6 JSON object a line')),
    );
    reader.finish();
    if (reader.lines === 0)
      throw new GatherError('parse-error', `${input.path}: the file has no k6 JSON lines`);
  },
};

class K6JsonReader {
  lines = 0;
  readonly #pending = new Map<string, LoadSample>();
  #judgedByStatus = 0;
  #checks = 0;
  #failedChecks = new Map<string, number>();
  #failedCheckTotal = 0;
  #payloadMetricsSeen = false;

  constructor(private readonly sink: SampleSink) {}

  line(line: string, n: number): void {
    if (line.trim().length === 0) return;
    this.lines++;
    const metric = metricName(line);
    if (metric === undefined || !line.trimEnd().endsWith('}')) {
      this.sink.problem(n, 'expected a k6 JSON object with "type" and "metric"');
      return;
    }
    // Fast path: most lines are timing metrics Faultline does not need; skip them unparsed.
    if (!READ_METRICS.has(metric)) {
      if (metric === 'data_received' || metric === 'data_sent') this.#payloadMetricsSeen = true;
      return;
    }
    if (metric === 'http_req_failed' && this.#pending.size === 0) return;
    let record: { type?: unknown; data?: unknown };
    try {
      record = JSON.parse(line) as typeof record;
    } catch (error) {
      this.sink.problem(n, `not valid JSON: ${(error as Error).message}`);
      return;
    }
    if (record.type === 'Metric') return;
    if (record.type !== 'Point') {
      this.sink.problem(n, `expected "type" Point or Metric, got ${JSON.stringify(record.type)}`);
      return;
    }
    const point = toPoint(record.data);
    if (!point) {
      this.sink.problem(n, 'expected "data" with "time", a numeric "value" and "tags"');
      return;
    }
    const time = Date.parse(point.time);
    if (!Number.isFinite(time)) {
      this.sink.problem(n, `expected an RFC 3339 "time", got ${JSON.stringify(point.time)}`);
      return;
    }
    switch (metric) {
      case 'http_req_duration':
        this.#request(point, time, n);
        break;
      case 'http_req_failed':
        this.#failed(point);
        break;
      case 'vus':
        this.sink.users(time, point.value, n);
        break;
      case 'checks':
        this.#check(point);
        break;
    }
  }

  finish(): void {
    for (const sample of this.#pending.values()) this.#emitJudgedByStatus(sample);
    this.#pending.clear();
    if (this.#judgedByStatus > 0) {
      this.sink.note(
        `k6: ${this.#judgedByStatus} requests had neither the expected_response tag nor an http_req_failed point; ` +
          'they were judged by status (200-399 = success, as k6 does by default)',
      );
    }
    if (this.#checks > 0) {
      const names = [...this.#failedChecks.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([name, count]) => `"${name}" ${count}×`)
        .join(', ');
      // Check points carry the check and group names but not the request they looked at, so they
      // cannot be pinned to an endpoint; they are reported, not counted as request failures.
      this.sink.note(
        `k6 checks: ${this.#failedCheckTotal} of ${this.#checks} failed${names ? ` (${names})` : ''}; checks are not tied to a request in the JSON output`,
      );
    }
    if (this.#payloadMetricsSeen) {
      this.sink.note(
        'k6 writes data_received/data_sent per iteration, not per request; response sizes per request are not available',
      );
    }
  }

  #request(point: K6Point, end: number, n: number): void {
    const tags = point.tags;
    const sample: LoadSample = {
      timestamp: end - point.value,
      elapsed: point.value,
      label: requestLabel(point.tags),
      success: true,
      line: n,
    };
    if (tags.status !== undefined) sample.status = tags.status;
    const message = k6ErrorMessage(tags.error, tags.error_code);
    if (message !== undefined) sample.message = message;
    if (tags.expected_response === 'true' || tags.expected_response === 'false') {
      sample.success = tags.expected_response === 'true';
      this.sink.sample(sample);
      return;
    }
    this.#pending.set(pairKey(point), sample);
    if (this.#pending.size > MAX_PENDING) {
      const [oldestKey, oldest] = this.#pending.entries().next().value as [string, LoadSample];
      this.#pending.delete(oldestKey);
      this.#emitJudgedByStatus(oldest);
    }
  }

  #failed(point: K6Point): void {
    const key = pairKey(point);
    const sample = this.#pending.get(key);
    if (!sample) return;
    this.#pending.delete(key);
    sample.success = point.value === 0;
    this.sink.sample(sample);
  }

  #emitJudgedByStatus(sample: LoadSample): void {
    const code = Number(sample.status);
    sample.success = code >= 200 && code < 400 && sample.message === undefined;
    this.#judgedByStatus++;
    this.sink.sample(sample);
  }

  #check(point: K6Point): void {
    this.#checks++;
    if (point.value !== 0) return;
    this.#failedCheckTotal++;
    const name = point.tags.check ?? '(unnamed check)';
    if (this.#failedChecks.has(name) || this.#failedChecks.size < MAX_CHECK_NAMES) {
      this.#failedChecks.set(name, (this.#failedChecks.get(name) ?? 0) + 1);
    }
  }
}

/**
 * k6 sets the name tag to the URL unless the script names the request (a name tag or the http.url
 * template); a URL is templated so that ids do not make one endpoint per request, a chosen name is kept.
 */
function requestLabel(tags: Record<string, string>): string {
  const method = tags.method ?? '';
  if (tags.url !== undefined && (tags.name === undefined || tags.name === tags.url)) {
    return endpointName(method, tags.url);
  }
  const name = tags.name ?? '(unnamed request)';
  return method ? `${method} ${name}` : name;
}

/** The metric name without parsing the line: "metric" is the first key (easyjson) or the last. */
function metricName(line: string): string | undefined {
  const marker = '"metric":"';
  const at = line.startsWith(`{${marker}`) ? 1 : line.lastIndexOf(marker);
  if (at === -1) return undefined;
  const from = at + marker.length;
  const end = line.indexOf('"', from);
  return end === -1 ? undefined : line.slice(from, end);
}

function toPoint(data: unknown): K6Point | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { time, value, tags } = data as { time?: unknown; value?: unknown; tags?: unknown };
  if (typeof time !== 'string' || typeof value !== 'number') return undefined;
  if (tags !== null && tags !== undefined && typeof tags !== 'object') return undefined;
  const strings: Record<string, string> = {};
  for (const [k, v] of Object.entries((tags ?? {}) as Record<string, unknown>)) {
    if (typeof v === 'string') strings[k] = v;
  }
  return { time, value, tags: strings };
}

/** k6 writes http_req_failed with the same time and tag set as http_req_duration of one request. */
function pairKey(point: K6Point): string {
  return `${point.time}\u0000${JSON.stringify(point.tags)}`;
}
