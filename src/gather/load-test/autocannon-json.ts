import { GatherError } from '../gatherer.js';
import { filledIn, recoverResponseTimes } from './autocannon-omission.js';
import { endpointName } from './endpoint-name.js';
import type { InputFile } from './input.js';
import { describeJson, isObject, type JsonObject, readJsonDocument, toNumber } from './json-input.js';
import type { LoadTestParser } from './parser.js';
import type { SampleSink } from './sample.js';

// autocannon --json (-j) writes one result object for the whole run: totals and HDR-histogram
// percentiles, with start and finish times but no time series. Faultline keeps it as one total
// over the run's window: time-based signals (trends, change points, bursts, onsets) cannot be
// computed from it, and the run is marked as totals only.
//
// How autocannon counts (lib/run.js): requests.total is the number of responses of any status;
// latency covers those responses (only 2xx ones with --excludeErrorStats); errors are connection
// errors plus timeouts, which got no response and are not in requests.total; timeouts are a subset
// of errors; mismatches are responses whose body failed --expectBody.

/** Real results are a few KB; anything past this is not an autocannon result. */
const MAX_BYTES = 16 * 1024 * 1024;
/** The record number given to every observation: the file holds a single JSON document. */
const RECORD = 1;

export const autocannonJsonParser: LoadTestParser = {
  format: 'autocannon-json',
  expects:
    'a JSON object with "latency", "requests" and "throughput" histograms plus "connections" (autocannon -j)',
  detect(head) {
    const start = head.replace(/^\uFEFF/, '').trimStart();
    // autocannon writes its run settings and counters before the histograms, so a truncated result
    // is still recognized (and then reported as truncated, not as an unknown format).
    return (
      start.startsWith('{') &&
      /"connections"\s*:/.test(head) &&
      /"(?:pipelining|sampleInt)"\s*:/.test(head) &&
      /"(?:latency|non2xx|2xx|statusCodeStats)"\s*:/.test(head)
    );
  },
  async parse(input: InputFile, sink: SampleSink): Promise<void> {
    const doc = await readJsonDocument(input, 'autocannon', MAX_BYTES);
    parseAutocannonResult(doc, input.path, sink);
  },
};

export function parseAutocannonResult(doc: unknown, path: string, sink: SampleSink): void {
  if (!isObject(doc)) throw shapeError(path, 'the top level', 'an object', doc);
  const latency = doc.latency;
  const requests = doc.requests;
  if (!isObject(latency)) throw shapeError(path, '"latency"', 'an object of percentiles', latency);
  if (!isObject(requests)) throw shapeError(path, '"requests"', 'an object with "total"', requests);
  const responses = toNumber(requests.total);
  if (responses === undefined) throw shapeError(path, '"requests.total"', 'a number', requests.total);

  let quantiles = percentiles(latency);
  const start = toTime(doc.start);
  const finish = toTime(doc.finish);
  const timed = start !== undefined && finish !== undefined && finish >= start;
  if (!timed) sink.note('the autocannon result has no valid start/finish times; totals only');
  sink.note(
    'autocannon -j gives whole-run totals only: no time series, so trends within the run are unknown',
  );

  const url = typeof doc.url === 'string' ? doc.url : '';
  const method = typeof doc.method === 'string' ? doc.method : 'GET';
  // autocannon benchmarks one URL (or a fixed request list); its URL is the endpoint.
  const label = url ? endpointName(method, url) : '(all requests)';
  const connections = toNumber(doc.connections);
  const concurrency = connections !== undefined ? connections * (toNumber(doc.pipelining) ?? 1) : undefined;
  const window = timed ? { start, durationMs: finish - start, wholeRun: true } : {};

  const { statuses, failedResponses } = statusCounts(doc);
  const mismatches = toNumber(doc.mismatches) ?? 0;
  if (mismatches > 0) sink.note(`${mismatches} responses did not match the expected body (--expectBody)`);
  if (quantiles.length === 0 && responses > 0) {
    throw shapeError(path, '"latency"', 'percentiles such as "p50" or "p99"', latency);
  }
  let min = toNumber(latency.min);
  const max = toNumber(latency.max);
  let mean = toNumber(latency.mean) ?? toNumber(latency.average);
  const values = toNumber(latency.totalCount);
  if (filledIn(values, responses) && max !== undefined) {
    const recovered = recoverResponseTimes(quantiles, max);
    sink.note(
      `autocannon filled its latency histogram in for coordinated omission (${values} values for ${responses} responses, as a fixed --overallRate or --connectionRate makes it do): ` +
        (recovered
          ? 'its percentiles are of the filled-in values, so the response-time percentiles were read back from their spacing'
          : 'too few distinct percentiles to read the response times back, so the filled-in ones are used and understate them'),
    );
    if (recovered) {
      quantiles = recovered.quantiles;
      mean = recovered.mean;
      // The smallest filled-in value is one interval, not a response.
      min = undefined;
    }
  }
  if (responses > 0) {
    sink.aggregate({
      label,
      ...window,
      count: responses,
      failures: Math.min(responses, failedResponses + mismatches),
      quantiles,
      ...(min !== undefined ? { min } : {}),
      ...(max !== undefined ? { max } : {}),
      ...(mean !== undefined ? { mean } : {}),
      statuses,
      ...receivedBytes(doc),
      ...(concurrency !== undefined ? { concurrency } : {}),
      line: RECORD,
    });
  }

  const errors = toNumber(doc.errors) ?? 0;
  const timeouts = Math.min(toNumber(doc.timeouts) ?? 0, errors);
  if (errors > 0) {
    // autocannon keeps no duration for requests that got no response. A timeout lasted at least as
    // long as the slowest response seen, so it is placed there; other connection errors are fast.
    const failureMessages: Record<string, number> = {};
    if (timeouts > 0) failureMessages['request timed out'] = timeouts;
    if (errors > timeouts) failureMessages['connection error (no response)'] = errors - timeouts;
    const slowest = max ?? quantiles[quantiles.length - 1]?.value ?? 0;
    const value = timeouts > 0 ? slowest : (min ?? 0);
    sink.aggregate({
      label,
      ...window,
      count: errors,
      failures: errors,
      quantiles: [{ q: 1, value }],
      min: value,
      max: value,
      failureMessages,
      ...(concurrency !== undefined ? { concurrency } : {}),
      line: RECORD,
    });
    sink.note(
      `autocannon reports ${errors} requests without a response (${timeouts} timeouts) but not their durations; they are counted at ${value} ms`,
    );
  }
  const sent = toNumber(requests.sent);
  const inFlight = concurrency ?? 0;
  if (sent !== undefined && sent - responses - errors > inFlight) {
    sink.note(
      `autocannon sent ${sent} requests but counted ${responses} responses and ${errors} errors: ${sent - responses - errors} got neither (connections closed without an answer are not counted by autocannon)`,
    );
  }
}

/** autocannon names percentiles p0_001 … p99_999 (underscore = decimal point); releases before 7 wrote p999 for 99.9. */
function percentiles(latency: JsonObject): Array<{ q: number; value: number }> {
  const out: Array<{ q: number; value: number }> = [];
  for (const [key, raw] of Object.entries(latency)) {
    const match = /^p(\d+)(?:_(\d+))?$/.exec(key);
    const value = toNumber(raw);
    if (!match?.[1] || value === undefined) continue;
    const whole = match[1];
    const percent =
      match[2] !== undefined
        ? Number(`${whole}.${match[2]}`)
        : whole.length > 2
          ? Number(`${whole.slice(0, 2)}.${whole.slice(2)}`)
          : Number(whole);
    if (percent > 0 && percent <= 100) out.push({ q: percent / 100, value });
  }
  return out.sort((a, b) => a.q - b.q);
}

function statusCounts(doc: JsonObject): { statuses: Record<string, number>; failedResponses: number } {
  const statuses: Record<string, number> = {};
  let failedResponses = 0;
  if (isObject(doc.statusCodeStats)) {
    for (const [code, entry] of Object.entries(doc.statusCodeStats)) {
      const n = toNumber(isObject(entry) ? entry.count : entry) ?? 0;
      if (n <= 0) continue;
      statuses[code] = n;
      if (Number(code) >= 400) failedResponses += n;
    }
    return { statuses, failedResponses };
  }
  // Releases before 7.x only give counts per status class.
  for (const cls of ['1xx', '2xx', '3xx', '4xx', '5xx']) {
    const n = toNumber(doc[cls]) ?? 0;
    if (n <= 0) continue;
    statuses[cls] = n;
    if (cls === '4xx' || cls === '5xx') failedResponses += n;
  }
  return { statuses, failedResponses };
}

function receivedBytes(doc: JsonObject): { receivedBytes?: number } {
  const total = isObject(doc.throughput) ? toNumber(doc.throughput.total) : undefined;
  return total !== undefined ? { receivedBytes: total } : {};
}

function toTime(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string') return undefined;
  const t = Date.parse(value);
  return Number.isFinite(t) ? t : undefined;
}

function shapeError(path: string, field: string, expected: string, got: unknown): GatherError {
  return new GatherError(
    'parse-error',
    `${path}: not a complete autocannon result: expected ${field} to be ${expected}, got ${got === undefined ? 'nothing (missing)' : describeJson(got)}`,
  );
}
