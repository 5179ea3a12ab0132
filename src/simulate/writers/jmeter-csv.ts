import type { SimulatedRequest } from '../engine.js';
import type { NetworkFailureKind } from '../model.js';
import { REASON_PHRASES } from '../service.js';
import type { ResultWriter } from './writer.js';

// JMeter's CSV result file (JTL) as JMeter 5.x writes it with its default saveservice settings:
// a header line, then one row per sample in the order samples finish. timeStamp is the sample
// start (sampleresult.timestamp.start=true in the shipped jmeter.properties), so timestamps are
// slightly out of order, as in real files.

export const JMETER_CSV_HEADER =
  'timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect';

/** Thread group name in threadName ("Shop users 1-7": group 1, thread 7). */
const THREAD_GROUP = 'Shop users';
const HOST = 'shop.example.test:443 [shop.example.test/10.20.0.15]';

/** The exception class and message JMeter's HTTPClient4 sampler records for each failure without a response. */
const EXCEPTIONS: Record<NetworkFailureKind, { code: string; message: string }> = {
  'connect-timeout': {
    code: 'org.apache.http.conn.ConnectTimeoutException',
    message: `Connect to ${HOST} failed: connect timed out`,
  },
  'read-timeout': { code: 'java.net.SocketTimeoutException', message: 'Read timed out' },
  'connection-refused': {
    code: 'org.apache.http.conn.HttpHostConnectException',
    message: `Connect to ${HOST} failed: Connection refused`,
  },
  'connection-reset': { code: 'java.net.SocketException', message: 'Connection reset' },
};

export function jmeterCsvWriter(): ResultWriter {
  return {
    header: () => `${JMETER_CSV_HEADER}\n`,
    users: () => '',
    request: (r) => `${jmeterRow(r)}\n`,
  };
}

export function jmeterRow(r: SimulatedRequest): string {
  let code: string;
  let message: string;
  let bytes = r.receivedBytes;
  if (r.network) {
    const exception = EXCEPTIONS[r.network];
    code = `Non HTTP response code: ${exception.code}`;
    message = `Non HTTP response message: ${exception.message}`;
    // Without a response JMeter stores the stack trace as the response body; bytes is its length.
    bytes = 2400 + exception.code.length * 31 + (r.start % 97);
  } else {
    code = String(r.status);
    message = REASON_PHRASES[r.status] ?? '';
  }
  const fields = [
    String(r.start),
    String(r.elapsed),
    r.endpoint.label,
    code,
    message,
    `${THREAD_GROUP} 1-${r.user + 1}`,
    'text',
    r.success ? 'true' : 'false',
    r.failureMessage ?? '',
    String(bytes),
    String(r.sentBytes),
    String(r.activeUsers),
    String(r.activeUsers),
    r.url,
    String(r.ttfb),
    '0',
    String(r.connect),
  ];
  return fields.map(csvField).join(',');
}

/** JMeter quotes a field only when it holds the delimiter, a quote or a line break. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
