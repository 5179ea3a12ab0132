import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../../src/gather/load-test/failure-kind.js';

describe('classifyFailure', () => {
  it.each([
    ['408', undefined, 'timeout'],
    ['429', 'Too Many Requests', 'rate-limited'],
    ['502', undefined, 'gateway'],
    ['503', 'Service Unavailable', 'gateway'],
    ['504', 'Gateway Timeout', 'gateway'],
    ['500', undefined, 'server'],
    ['404', undefined, 'client'],
    ['200', 'Test failed: text expected to contain /OK/', 'assertion'],
    ['Non HTTP response code: java.net.SocketTimeoutException', 'Read timed out', 'timeout'],
    [
      'Non HTTP response code: org.apache.http.conn.HttpHostConnectException',
      'Connection refused',
      'connection-refused',
    ],
    ['Non HTTP response code: java.net.SocketException', 'Connection reset', 'connection-reset'],
    ['0', 'request timeout', 'timeout'],
    ['0', 'dial tcp 127.0.0.1:8080: connect: connection refused', 'connection-refused'],
    [undefined, 'net::ERR_TIMED_OUT', 'timeout'],
    [undefined, 'ECONNRESET', 'connection-reset'],
    [undefined, 'socket hang up', 'connection-reset'],
    [undefined, 'something odd', 'other'],
  ])('status %s with %s is %s', (status, message, kind) => {
    expect(classifyFailure(status, message)).toBe(kind);
  });
});

describe('credentials in load-test evidence', () => {
  it('never keeps a secret from a label or a failure message', async () => {
    const { LoadTestAccumulator } = await import('../../../src/gather/load-test/accumulate.js');
    const sink = new LoadTestAccumulator('jmeter-csv');
    sink.sample({
      timestamp: 1_741_685_400_000,
      elapsed: 120,
      label: 'GET /api/orders?access_token=abc123def456',
      success: false,
      status: '401',
      message: 'rejected Authorization: Bearer abcdefghijklmnopqrstuvwxyz',
      line: 2,
    });
    const text = JSON.stringify(sink.finish());
    expect(text).not.toMatch(/abc123def456|abcdefghijklmnopqrstuvwxyz/);
    expect(text).toContain('GET /api/orders?access_token=***');
  });
});
