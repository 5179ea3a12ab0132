import type { FailureKind } from '../../core/vocabulary.js';

// One rule for every tool: what kind of failure a failed request was, from its response code and
// message. Network failures are recognized from the exception or error texts the tools write
// (Java exceptions in JMeter and Gatling, Go errors in k6, Node errors in autocannon and Artillery).

const TIMEOUT = /timed?[\s_-]?out|deadline exceeded|ETIMEDOUT|ESOCKETTIMEDOUT|request timeout/i;
const REFUSED =
  /refused|ECONNREFUSED|ConnectException|HttpHostConnectException|no route to host|EHOSTUNREACH/i;
const RESET =
  /reset|ECONNRESET|broken pipe|EPIPE|NoHttpResponseException|socket hang up|connection (?:was )?closed|premature|unexpected EOF|ECONNABORTED/i;

export function classifyFailure(status: string | undefined, message: string | undefined): FailureKind {
  const code = status === undefined ? Number.NaN : Number(status.trim());
  if (code >= 100 && code < 600) {
    if (code === 408) return 'timeout';
    if (code === 429) return 'rate-limited';
    if (code === 502 || code === 503 || code === 504) return 'gateway';
    if (code >= 500) return 'server';
    if (code >= 400) return 'client';
    return 'assertion';
  }
  // No HTTP response (k6 writes status 0, JMeter a "Non HTTP response code" text): the message says why.
  const text = `${status ?? ''} ${message ?? ''}`;
  if (TIMEOUT.test(text)) return 'timeout';
  if (REFUSED.test(text)) return 'connection-refused';
  if (RESET.test(text)) return 'connection-reset';
  return 'other';
}
