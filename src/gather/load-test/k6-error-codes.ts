// k6 error codes (the `error_code` tag on request metrics) as k6 v0.24 to v1.x define them
// (lib/netext/httpext/error_codes.go). The texts echo k6's own messages so that the failure-kind
// rules recognize timeouts, refused and reset connections from them.

const K6_ERROR_CODES: ReadonlyMap<number, string> = new Map([
  [1000, 'generic error'],
  [1010, 'non-TCP network error'],
  [1020, 'invalid URL'],
  [1050, 'request timeout'],
  [1100, 'DNS error'],
  [1101, 'lookup: no such host'],
  [1110, 'blacklisted IP'],
  [1111, 'hostname is blocked'],
  [1200, 'TCP error'],
  [1201, 'broken pipe'],
  [1202, 'unknown network errno'],
  [1210, 'dial error'],
  [1211, 'dial: i/o timeout'],
  [1212, 'dial: connection refused'],
  [1213, 'dial: unknown errno'],
  [1220, 'connection reset by peer'],
  [1300, 'TLS error'],
  [1310, 'x509: unknown authority'],
  [1311, "x509: certificate doesn't match hostname"],
  [1701, 'response decompression failed'],
]);

/** What a k6 error code means, by exact code or by k6's documented ranges. */
export function describeK6ErrorCode(code: number): string | undefined {
  const exact = K6_ERROR_CODES.get(code);
  if (exact) return exact;
  if (code >= 1400 && code < 1600) return `HTTP ${code - 1000} response`;
  if (code >= 1610 && code < 1630) return 'http2: received GoAway';
  if (code >= 1630 && code < 1650) return 'http2: stream error';
  if (code >= 1650 && code < 1670) return 'http2: connection error';
  if (code >= 1100 && code < 1200) return 'DNS error';
  if (code >= 1200 && code < 1300) return 'TCP error';
  if (code >= 1300 && code < 1400) return 'TLS error';
  return undefined;
}

/** The failure message of a k6 request from its `error` and `error_code` tags. */
export function k6ErrorMessage(error: string | undefined, errorCode: string | undefined): string | undefined {
  const code = errorCode === undefined || errorCode === '' ? Number.NaN : Number(errorCode);
  const meaning = Number.isInteger(code) ? describeK6ErrorCode(code) : undefined;
  const parts: string[] = [];
  if (error) parts.push(error);
  if (meaning && !error?.includes(meaning)) parts.push(meaning);
  if (Number.isInteger(code)) parts.push(`(k6 error_code ${code})`);
  return parts.length > 0 ? parts.join(' ') : undefined;
}
