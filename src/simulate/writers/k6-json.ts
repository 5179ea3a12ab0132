import type { NetworkFailureKind } from '../model.js';
import type { ResultWriter } from './writer.js';

// k6's `--out json` file: one JSON object per line. A "Metric" line declares a metric the first
// time it is used; "Point" lines carry one sample with its time (when the request ended, as k6
// records it), value and tags. `vus` is sampled once a second.

/** The error and error_code tags k6 sets for failures without a response (lib/netext/httpext error codes). */
const K6_ERRORS: Record<NetworkFailureKind, { error: string; code: string }> = {
  'connect-timeout': { error: 'dial: i/o timeout', code: '1211' },
  'read-timeout': { error: 'request timeout', code: '1050' },
  'connection-refused': { error: 'dial: connection refused', code: '1212' },
  'connection-reset': { error: 'read: connection reset by peer', code: '1220' },
};

const METRICS: Record<string, { type: string; contains: string }> = {
  vus: { type: 'gauge', contains: 'default' },
  http_reqs: { type: 'counter', contains: 'default' },
  http_req_duration: { type: 'trend', contains: 'time' },
  http_req_connecting: { type: 'trend', contains: 'time' },
  http_req_waiting: { type: 'trend', contains: 'time' },
  http_req_failed: { type: 'rate', contains: 'default' },
  data_received: { type: 'counter', contains: 'data' },
};

export function k6JsonWriter(): ResultWriter {
  const declared = new Set<string>();
  const point = (metric: string, time: string, value: number, tags: Record<string, string>): string => {
    let out = '';
    if (!declared.has(metric)) {
      declared.add(metric);
      const m = METRICS[metric] ?? { type: 'trend', contains: 'default' };
      out += `${JSON.stringify({ type: 'Metric', data: { name: metric, type: m.type, contains: m.contains, thresholds: [], submetrics: null }, metric })}\n`;
    }
    return `${out}${JSON.stringify({ metric, type: 'Point', data: { time, value, tags } })}\n`;
  };
  return {
    header: () => '',
    users: (time, active) => point('vus', k6Time(time, 0), active, {}),
    request: (r) => {
      const end = k6Time(r.start + r.elapsed, r.start);
      const tags: Record<string, string> = {
        expected_response: r.success ? 'true' : 'false',
        group: '',
        method: r.endpoint.method,
        // Unnamed requests: k6 tags them with their URL.
        name: r.url,
        proto: 'HTTP/1.1',
        scenario: 'default',
        status: String(r.status),
        tls_version: 'tls1.3',
        url: r.url,
      };
      if (r.network) {
        tags.error = K6_ERRORS[r.network].error;
        tags.error_code = K6_ERRORS[r.network].code;
      } else if (r.status >= 400) {
        // k6 gives HTTP error responses the code 1000 + status (e.g. 1503).
        tags.error_code = String(1000 + r.status);
      }
      const sortedTags = Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : 1)));
      // k6's http_req_duration is sending + waiting + receiving; connecting is reported apart.
      const duration = r.network ? r.elapsed : Math.max(0, r.elapsed - r.connect);
      return (
        point('http_reqs', end, 1, sortedTags) +
        point('http_req_duration', end, duration, sortedTags) +
        point('http_req_connecting', end, r.connect, sortedTags) +
        point('http_req_waiting', end, Math.max(0, r.ttfb - r.connect), sortedTags) +
        point('http_req_failed', end, r.success ? 0 : 1, sortedTags) +
        point('data_received', end, r.receivedBytes, { group: '', scenario: 'default' })
      );
    },
  };
}

/** RFC 3339 with sub-millisecond digits, as Go prints time.Time; the digits vary with the request so times look real. */
function k6Time(epochMs: number, salt: number): string {
  const iso = new Date(epochMs).toISOString(); // 2025-03-11T09:30:00.123Z
  const micros = String((((salt % 1000) * 7919 + (epochMs % 1000) * 104_729) % 1000) + 0).padStart(3, '0');
  return `${iso.slice(0, -1)}${micros}Z`;
}
