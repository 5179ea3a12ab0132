import { GatherError } from '../gatherer.js';
import { endpointPath } from './endpoint-name.js';
import { classifyFailure } from './failure-kind.js';
import type { InputFile } from './input.js';
import { describeJson, isObject, type JsonObject, readJsonDocument, toNumber } from './json-input.js';
import type { LoadTestParser } from './parser.js';
import type { AggregateObservation, SampleSink } from './sample.js';

// Artillery 2.x `run --output report.json`: { aggregate, intermediate[] }. Each intermediate entry
// is one reporting period (10 s by default) with counters (http.codes.200, errors.ETIMEDOUT,
// vusers.created …), summaries of histograms (http.response_time: min, max, count, mean, p50 …
// p999) and its time span (period, firstMetricAt, lastMetricAt). The metrics-by-endpoint plugin
// (on by default in 2.x) adds the same per URL: plugins.metrics-by-endpoint.<url>.codes.<code>,
// .<url>.errors.<code> and plugins.metrics-by-endpoint.response_time.<url>.
//
// Each period becomes one aggregate per endpoint; the record number given as "line" is the
// 1-based index of the period in intermediate[] (0 for the aggregate of a report without periods).

/** Reports with thousands of periods and hundreds of endpoints stay well below this. */
const MAX_BYTES = 256 * 1024 * 1024;
/** Artillery's default reporting period, used when a period has no first/last metric times. */
const DEFAULT_PERIOD_MS = 10_000;
const PLUGIN_PREFIX = 'plugins.metrics-by-endpoint.';
const ALL_REQUESTS = '(all requests)';
// Node and Artillery request-level errors (ETIMEDOUT, ECONNREFUSED, ERR_…): the request got no
// response. Other error names ("Failed capture or match") come after a response was counted.
const TRANSPORT_ERROR = /^(?:E[A-Z0-9_]+|ERR_[A-Z0-9_]+|[A-Za-z]*Timeout[A-Za-z]*)$/;

export const artilleryJsonParser: LoadTestParser = {
  format: 'artillery-json',
  expects:
    'a JSON object with "aggregate" and "intermediate" reports holding "counters" (artillery run --output)',
  detect(head) {
    const start = head.replace(/^\uFEFF/, '').trimStart();
    return (
      start.startsWith('{') &&
      /"(?:aggregate|intermediate)"\s*:/.test(head) &&
      /"(?:counters|scenariosCreated|firstMetricAt|latency)"\s*:/.test(head)
    );
  },
  async parse(input: InputFile, sink: SampleSink): Promise<void> {
    const doc = await readJsonDocument(input, 'Artillery', MAX_BYTES);
    parseArtilleryReport(doc, input.path, sink);
  },
};

interface Period {
  report: JsonObject;
  record: number;
}

export function parseArtilleryReport(doc: unknown, path: string, sink: SampleSink): void {
  if (!isObject(doc)) throw shapeError(path, 'the top level', 'an object', doc);
  const aggregate = doc.aggregate;
  if (isObject(aggregate) && ('scenariosCreated' in aggregate || 'latency' in aggregate)) {
    throw new GatherError(
      'unsupported-format',
      `${path}: an Artillery 1.x report (aggregate.latency, scenariosCreated); Faultline reads Artillery 2.x reports (counters and summaries)`,
    );
  }
  const periods: Period[] = [];
  if (doc.intermediate !== undefined && !Array.isArray(doc.intermediate)) {
    throw shapeError(path, '"intermediate"', 'an array of period reports', doc.intermediate);
  }
  const intermediate: unknown[] = Array.isArray(doc.intermediate) ? doc.intermediate : [];
  for (const [index, report] of intermediate.entries()) {
    if (!isObject(report) || !isObject(report.counters)) {
      sink.problem(
        index + 1,
        `intermediate[${index}]: expected a period report with "counters", got ${describeJson(report)}`,
      );
      continue;
    }
    periods.push({ report, record: index + 1 });
  }
  if (periods.length === 0) {
    if (!isObject(aggregate)) throw shapeError(path, '"aggregate"', 'an object with "counters"', aggregate);
    if (!isObject(aggregate.counters)) {
      throw shapeError(path, '"aggregate.counters"', 'an object of counters', aggregate.counters);
    }
    sink.note('the Artillery report has no intermediate periods; the aggregate is read as one interval');
    periods.push({ report: aggregate, record: 0 });
  }

  const byEndpoint = periods.some((p) => hasEndpointMetrics(p.report));
  if (byEndpoint) {
    sink.note(
      'Artillery per-endpoint response times (metrics-by-endpoint plugin) are times to first byte, not full response times',
    );
  }
  let activeUsers = 0;
  const afterResponse = new Map<string, number>();
  let unaccounted = 0;
  for (const { report, record } of periods) {
    const counters = report.counters as JsonObject;
    const summaries = summariesOf(report);
    const window = timeWindow(report);
    // Artillery has no gauge of active users: created minus finished, carried across periods.
    activeUsers += count(counters, 'vusers.created') - count(counters, 'vusers.completed');
    activeUsers -= count(counters, 'vusers.failed');
    activeUsers = Math.max(0, activeUsers);
    if (window.start !== undefined) sink.users(window.start + (window.durationMs ?? 0), activeUsers, record);
    const groups = byEndpoint ? endpointGroups(counters, summaries) : [globalGroup(counters, summaries)];
    let responses = 0;
    for (const group of groups) {
      responses += emitGroup(group, window, activeUsers, record, sink);
      for (const [name, n] of Object.entries(group.otherErrors)) {
        afterResponse.set(name, (afterResponse.get(name) ?? 0) + n);
      }
    }
    if (byEndpoint) unaccounted += Math.max(0, count(counters, 'http.responses') - responses);
  }
  if (afterResponse.size > 0) {
    const list = [...afterResponse].map(([name, n]) => `${name} (${n})`).join(', ');
    sink.note(
      `Artillery errors raised after a response, counted as failed virtual users, not requests: ${list}`,
    );
  }
  if (unaccounted > 0) {
    sink.note(
      `${unaccounted} responses are in http.responses but in no per-endpoint metric (ignoreUnnamedRequests?); they are not counted`,
    );
  }
}

interface Group {
  label: string;
  statuses: Record<string, number>;
  errors: Record<string, number>;
  otherErrors: Record<string, number>;
  summary?: JsonObject;
}

function hasEndpointMetrics(report: JsonObject): boolean {
  const counters = isObject(report.counters) ? Object.keys(report.counters) : [];
  return (
    counters.some((k) => k.startsWith(PLUGIN_PREFIX)) ||
    Object.keys(summariesOf(report)).some((k) => k.startsWith(`${PLUGIN_PREFIX}response_time.`))
  );
}

function globalGroup(counters: JsonObject, summaries: JsonObject): Group {
  const group: Group = { label: ALL_REQUESTS, statuses: {}, errors: {}, otherErrors: {} };
  for (const [key, raw] of Object.entries(counters)) {
    const n = toNumber(raw) ?? 0;
    if (n <= 0) continue;
    const code = /^http\.codes\.(\d+)$/.exec(key)?.[1];
    if (code) group.statuses[code] = (group.statuses[code] ?? 0) + n;
    const error = /^errors\.(.+)$/.exec(key)?.[1];
    if (error) addError(group, error, n);
  }
  const summary = summaries['http.response_time'];
  if (isObject(summary)) group.summary = summary;
  return group;
}

function endpointGroups(counters: JsonObject, summaries: JsonObject): Group[] {
  const groups = new Map<string, Group>();
  const group = (name: string): Group => {
    const label = endpointLabel(name);
    let found = groups.get(label);
    if (!found) {
      found = { label, statuses: {}, errors: {}, otherErrors: {} };
      groups.set(label, found);
    }
    return found;
  };
  for (const [key, raw] of Object.entries(counters)) {
    if (!key.startsWith(PLUGIN_PREFIX)) continue;
    const n = toNumber(raw) ?? 0;
    if (n <= 0) continue;
    const rest = key.slice(PLUGIN_PREFIX.length);
    // The URL itself may contain dots, so the suffix is matched from the end.
    const codes = /^(.*)\.codes\.(\d{3})$/.exec(rest);
    if (codes?.[1] !== undefined && codes[2]) {
      const statuses = group(codes[1]).statuses;
      statuses[codes[2]] = (statuses[codes[2]] ?? 0) + n;
      continue;
    }
    const errors = /^(.*)\.errors\.([^.]+)$/.exec(rest);
    if (errors?.[1] !== undefined && errors[2]) addError(group(errors[1]), errors[2], n);
  }
  for (const [key, summary] of Object.entries(summaries)) {
    if (!key.startsWith(`${PLUGIN_PREFIX}response_time.`) || !isObject(summary)) continue;
    const target = group(key.slice(`${PLUGIN_PREFIX}response_time.`.length));
    // Several raw URLs can share one template; the busiest one's summary stands for the group.
    if (!target.summary || (toNumber(summary.count) ?? 0) > (toNumber(target.summary.count) ?? 0)) {
      target.summary = summary;
    }
  }
  return [...groups.values()];
}

/**
 * The plugin names an endpoint by its URL path (query included unless stripQueryString), with the
 * request name in parentheses when the request has one, or by the name alone (useOnlyRequestNames).
 */
function endpointLabel(name: string): string {
  const named = /^(.*) \((.*)\)$/.exec(name);
  const url = named ? (named[1] ?? '') : name;
  // Templates such as "/users/{{ id }}" are already one endpoint; keep them readable.
  const path = url.replace(/\{\{\s*[^}]*\}\}/g, '{id}');
  const templated = path.startsWith('/') || /^[\w.-]+(?::\d+)?\//.test(path) ? endpointPathOf(path) : path;
  return named ? `${templated} (${named[2]})` : templated;
}

function endpointPathOf(path: string): string {
  if (path.startsWith('/')) return endpointPath(path);
  // Another host than the target: "host:port/path".
  const slash = path.indexOf('/');
  return `${path.slice(0, slash)}${endpointPath(path.slice(slash))}`;
}

function addError(group: Group, name: string, n: number): void {
  const bucket = TRANSPORT_ERROR.test(name) ? group.errors : group.otherErrors;
  bucket[name] = (bucket[name] ?? 0) + n;
}

/** Emits the group's responses and its errors; returns the number of responses. */
function emitGroup(
  group: Group,
  window: { start?: number; durationMs?: number },
  activeUsers: number,
  record: number,
  sink: SampleSink,
): number {
  const summary = group.summary;
  const quantiles = summary ? summaryQuantiles(summary) : [];
  const min = summary ? toNumber(summary.min) : undefined;
  const max = summary ? toNumber(summary.max) : undefined;
  const mean = summary ? toNumber(summary.mean) : undefined;
  const coded = Object.values(group.statuses).reduce((a, b) => a + b, 0);
  const responses = coded > 0 ? coded : ((summary ? toNumber(summary.count) : 0) ?? 0);
  const common = { label: group.label, ...window, concurrency: activeUsers, line: record };
  if (responses > 0) {
    if (quantiles.length === 0) {
      sink.problem(
        record,
        `period ${record}: ${responses} responses of ${group.label} without response times`,
      );
    } else {
      const failures = Object.entries(group.statuses)
        .filter(([code]) => Number(code) >= 400)
        .reduce((a, [, n]) => a + n, 0);
      const observation: AggregateObservation = {
        ...common,
        count: responses,
        failures,
        quantiles,
        statuses: group.statuses,
        ...(min !== undefined ? { min } : {}),
        ...(max !== undefined ? { max } : {}),
        ...(mean !== undefined ? { mean } : {}),
      };
      sink.aggregate(observation);
    }
  }
  const errorCount = Object.values(group.errors).reduce((a, b) => a + b, 0);
  if (errorCount > 0) {
    // Artillery keeps no duration for requests that failed without a response. A timeout lasted at
    // least as long as the slowest response of its period; refused or reset connections are fast.
    const timeouts = Object.keys(group.errors).some((e) => classifyFailure(undefined, e) === 'timeout');
    const value = timeouts ? (max ?? 0) : (min ?? 0);
    sink.aggregate({
      ...common,
      count: errorCount,
      failures: errorCount,
      quantiles: [{ q: 1, value }],
      min: value,
      max: value,
      failureMessages: group.errors,
    });
  }
  return responses;
}

/** Artillery summary keys: p50 … p99, p999 = 99.9th percentile; "median" duplicates p50. */
function summaryQuantiles(summary: JsonObject): Array<{ q: number; value: number }> {
  const out: Array<{ q: number; value: number }> = [];
  for (const [key, raw] of Object.entries(summary)) {
    const digits = /^p(\d+)$/.exec(key)?.[1];
    const value = toNumber(raw);
    if (!digits || value === undefined) continue;
    const percent = digits.length > 2 ? Number(`${digits.slice(0, 2)}.${digits.slice(2)}`) : Number(digits);
    if (percent > 0 && percent <= 100) out.push({ q: percent / 100, value });
  }
  if (out.length === 0) {
    const median = toNumber(summary.median);
    if (median !== undefined) out.push({ q: 0.5, value: median });
  }
  return out.sort((a, b) => a.q - b.q);
}

function summariesOf(report: JsonObject): JsonObject {
  if (isObject(report.summaries)) return report.summaries;
  // Early 2.0 releases wrote the summaries under "histograms" only.
  if (isObject(report.histograms)) return report.histograms;
  return {};
}

function timeWindow(report: JsonObject): { start?: number; durationMs?: number } {
  const first = toNumber(report.firstMetricAt);
  const last = toNumber(report.lastMetricAt);
  const period = toNumber(report.period);
  if (first !== undefined && last !== undefined && last >= first)
    return { start: first, durationMs: last - first };
  if (first !== undefined) return { start: first, durationMs: DEFAULT_PERIOD_MS };
  if (period !== undefined) return { start: period, durationMs: DEFAULT_PERIOD_MS };
  return {};
}

function count(counters: JsonObject, key: string): number {
  return toNumber(counters[key]) ?? 0;
}

function shapeError(path: string, field: string, expected: string, got: unknown): GatherError {
  return new GatherError(
    'parse-error',
    `${path}: not an Artillery report: expected ${field} to be ${expected}, got ${got === undefined ? 'nothing (missing)' : describeJson(got)}`,
  );
}
