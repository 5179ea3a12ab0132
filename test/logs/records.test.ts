import { describe, expect, it } from 'vitest';
import { RecordSplitter } from '../../src/logs/records.js';
import { jsonLineMessage, logfmtMessage } from '../../src/logs/structured.js';

/** For each line: the message of the record it starts, or '…' when it continues the previous one. */
function split(lines: string[]): string[] {
  const splitter = new RecordSplitter();
  return lines.map((line) => {
    const kind = splitter.next(line);
    return kind.kind === 'start' ? kind.record.message : '…';
  });
}

describe('RecordSplitter', () => {
  it('keeps a Java stack trace with the statement that logged it', () => {
    expect(
      split([
        '2024-03-12 09:22:15,530 ERROR [main] c.e.OrderService - Failed to save order 7',
        'java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.',
        '\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)',
        '\tat com.example.OrderService.save(OrderService.java:58)',
        'Caused by: java.net.SocketTimeoutException: Read timed out',
        '\t... 48 common frames omitted',
        '2024-03-12 09:22:16,001 INFO [main] c.e.OrderService - Order 8 saved',
      ]),
    ).toEqual(['Failed to save order 7', '…', '…', '…', '…', '…', 'Order 8 saved']);
  });

  it('keeps a chained Python traceback, up to its exception line, with its record', () => {
    expect(
      split([
        'ERROR:billing:Failed to charge invoice 5533',
        'Traceback (most recent call last):',
        '  File "/srv/billing/worker.py", line 84, in charge',
        '    response = client.post(url, timeout=5)',
        'requests.exceptions.ReadTimeout: Read timed out. (read timeout=5)',
        '',
        'During handling of the above exception, another exception occurred:',
        '',
        'Traceback (most recent call last):',
        '  File "/srv/billing/worker.py", line 91, in charge',
        'billing.errors.ChargeError: 5533',
        'INFO:billing:Invoice 5534 issued',
      ]),
    ).toEqual(['Failed to charge invoice 5533', ...Array(10).fill('…'), 'Invoice 5534 issued']);
  });

  it('keeps a Go panic and its goroutine dump together', () => {
    expect(
      split([
        'panic: runtime error: invalid memory address or nil pointer dereference',
        '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a5f2d]',
        '',
        'goroutine 42 [running]:',
        'main.(*Handler).ServeHTTP(0x0, {0x7f1c, 0xc000132000}, 0xc000150100)',
        '\t/app/handler.go:57 +0x2d',
        'created by net/http.(*Server).Serve in goroutine 1',
        '\t/usr/local/go/src/net/http/server.go:3086 +0x5cb',
        'exit status 2',
        '2024/03/12 09:22:20 restarting',
      ]),
    ).toEqual([
      'panic: runtime error: invalid memory address or nil pointer dereference',
      ...Array(8).fill('…'),
      'restarting',
    ]);
  });

  it('starts a record on a line that only looks like a frame outside a stack', () => {
    expect(split(['worker started', 'main.run() returned early'])).toEqual([
      'worker started',
      'main.run() returned early',
    ]);
  });

  it('starts a record at the first line even when it is indented', () => {
    expect(split(['  indented first line', 'next statement'])).toEqual([
      '  indented first line',
      'next statement',
    ]);
  });

  it('never continues a JSON line', () => {
    expect(split(['{"msg":"a"}', '{"msg":"b"}'])).toEqual(['a', 'b']);
  });
});

describe('structured messages', () => {
  it.each([
    [
      'msg',
      '{"time":"2024-03-12T09:22:15Z","level":"INFO","msg":"request served","status":200}',
      'request served',
      'info',
    ],
    [
      'message',
      '{"@timestamp":"2024-03-12T09:22:15Z","severity":"ERROR","message":"db down"}',
      'db down',
      'error',
    ],
    [
      'log (Docker json-file)',
      '{"log":"listening on 8080\\n","stream":"stdout","time":"2024-03-12T09:22:15Z"}',
      'listening on 8080',
      undefined,
    ],
    ['@message', '{"@message":"cache miss","@level":"warn"}', 'cache miss', 'warn'],
    [
      'MESSAGE (journald)',
      '{"MESSAGE":"Started nginx.service","PRIORITY":"6"}',
      'Started nginx.service',
      'info',
    ],
    [
      'pino numeric level',
      '{"level":50,"time":1710235335000,"msg":"payment failed"}',
      'payment failed',
      'error',
    ],
    ['journald numeric priority', '{"MESSAGE":"disk full","PRIORITY":3}', 'disk full', 'error'],
  ])('takes the message from JSON field %s', (_field, line, message, level) => {
    expect(jsonLineMessage(line)).toEqual({
      kind: 'message',
      value: level === undefined ? { message } : { message, level },
    });
  });

  it('says which fields a JSON line without a message has, and rejects what is not an object', () => {
    expect(jsonLineMessage('{"time":"x","status":"draining"}')).toEqual({
      kind: 'no-message',
      fields: ['time', 'status'],
    });
    expect(jsonLineMessage('{not json')).toEqual({ kind: 'not-structured' });
    expect(jsonLineMessage('[1,2]')).toEqual({ kind: 'not-structured' });
  });

  it('reads logfmt: quoted and bare values, escapes, level', () => {
    expect(
      logfmtMessage(
        'time="2024-03-12T09:22:15Z" level=warning msg="cache \\"hot\\" miss ratio 0.41" shard=3',
      ),
    ).toEqual({
      kind: 'message',
      value: { message: 'cache "hot" miss ratio 0.41', level: 'warn' },
    });
    expect(
      logfmtMessage('ts=2024-03-12T09:22:15Z caller=main.go:42 lvl=error msg=shutdown err=null'),
    ).toEqual({
      kind: 'message',
      value: { message: 'shutdown', level: 'error' },
    });
    expect(logfmtMessage('level=info message="job done" took=12ms')).toEqual({
      kind: 'message',
      value: { message: 'job done', level: 'info' },
    });
  });

  it('does not take plain text with an equals sign for logfmt', () => {
    expect(logfmtMessage('Pool stats (total=10, active=10)')).toEqual({ kind: 'not-structured' });
    expect(logfmtMessage('retries=3 exhausted')).toEqual({ kind: 'not-structured' });
    expect(logfmtMessage('level=info msg="unterminated')).toEqual({ kind: 'not-structured' });
  });
});
