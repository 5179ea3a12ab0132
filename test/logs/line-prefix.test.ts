import { describe, expect, it } from 'vitest';
import { stripLinePrefix } from '../../src/logs/line-prefix.js';

describe('stripLinePrefix', () => {
  it.each([
    [
      'ISO 8601 with a zone',
      '2024-03-12T09:22:15.530+01:00 ERROR connection lost',
      { message: 'connection lost', level: 'error' },
    ],
    [
      'ISO 8601 in brackets',
      '[2024-03-12 09:22:15] [WARN] disk almost full',
      { message: 'disk almost full', level: 'warn' },
    ],
    [
      'Spring Boot (logback)',
      '2024-03-12 09:22:15.530  WARN 48213 --- [nio-8080-exec-7] com.zaxxer.hikari.pool.HikariPool        : HikariPool-1 - Connection is not available, request timed out after 30000ms.',
      {
        message: 'HikariPool-1 - Connection is not available, request timed out after 30000ms.',
        level: 'warn',
      },
    ],
    [
      'Spring Boot 3.2 with the application name',
      '2024-03-12T09:22:15.530Z  INFO 1 --- [orders] [           main] o.s.b.w.embedded.tomcat.TomcatWebServer  : Tomcat started on port 8080',
      { message: 'Tomcat started on port 8080', level: 'info' },
    ],
    [
      'log4j',
      '2024-03-12 09:22:15,530 ERROR [main] com.example.orders.OrderService - Failed to save order 7',
      { message: 'Failed to save order 7', level: 'error' },
    ],
    [
      'logback default (time of day, thread first)',
      '09:22:15.530 [http-nio-8080-exec-1] INFO  c.e.orders.OrderController - Order 7 created',
      { message: 'Order 7 created', level: 'info' },
    ],
    [
      'Tomcat / java.util.logging',
      '12-Mar-2024 09:22:15.530 SEVERE [main] org.apache.catalina.core.StandardService.startInternal Failed to start',
      { message: 'Failed to start', level: 'severe' },
    ],
    ['Go log package', '2024/03/12 09:22:15 listening on :8080', { message: 'listening on :8080' }],
    [
      'Go log with microseconds',
      '2024/03/12 09:22:15.123456 worker 3 started',
      { message: 'worker 3 started' },
    ],
    [
      'zap console',
      '2024-03-12T09:22:15.530Z\tERROR\tapi/handler.go:42\trequest failed',
      { message: 'request failed', level: 'error' },
    ],
    [
      'klog',
      'E0312 09:22:15.530123    4412 controller.go:114] failed to sync pod',
      { message: 'failed to sync pod', level: 'error' },
    ],
    [
      'Python logging (asctime - name - level)',
      '2024-03-12 09:22:15,530 - billing.worker - ERROR - Failed to charge invoice 5533',
      { message: 'Failed to charge invoice 5533', level: 'error' },
    ],
    ['Python basicConfig', 'WARNING:billing.db:pool exhausted', { message: 'pool exhausted', level: 'warn' }],
    [
      'Flask',
      '[2024-03-12 09:22:15,530] ERROR in app: Exception on /charge [POST]',
      { message: 'Exception on /charge [POST]', level: 'error' },
    ],
    [
      'BSD syslog',
      '<34>Mar 12 09:22:15 web-1 sshd[8812]: Failed password for root',
      { message: 'sshd: Failed password for root', level: 'crit' },
    ],
    [
      'RFC 5424 syslog',
      '<165>1 2024-03-12T09:22:15.003Z web-1 orders 4412 ID47 [exampleSDID@32473 iut="3"] queue full',
      { message: 'orders: queue full', level: 'notice' },
    ],
    [
      'nginx error log',
      '2024/03/12 09:22:46 [error] 32#32: *8859 upstream timed out (110: Connection timed out)',
      { message: 'upstream timed out (110: Connection timed out)', level: 'error' },
    ],
    [
      'Apache error log',
      '[Tue Mar 12 09:22:20.114224 2024] [proxy:error] [pid 2211:tid 140155] [client 10.0.0.8:51234] AH00898: Error reading from remote server',
      { message: 'AH00898: Error reading from remote server', level: 'error' },
    ],
    [
      'nginx / Apache access log',
      '192.168.10.21 - - [12/Mar/2024:09:22:15 +0000] "POST /api/orders HTTP/1.1" 502 157 "-" "curl/8.5.0"',
      { message: 'POST /api/orders HTTP/1.1 502 Bad Gateway', level: 'error' },
    ],
    ['a bare level', '[ERROR] out of memory', { message: 'out of memory', level: 'error' }],
  ])('strips %s', (_style, line, expected) => {
    expect(stripLinePrefix(line)).toEqual(expected);
  });

  it('leaves a line without a known header alone', () => {
    for (const line of ['Error while reading config', 'connection refused', '42 is the answer']) {
      expect(stripLinePrefix(line)).toEqual({ message: line });
    }
  });

  it('does not take a capitalized first word after a timestamp for a level', () => {
    expect(stripLinePrefix('2024/03/12 09:22:15 Error reading body')).toEqual({
      message: 'Error reading body',
    });
  });
});
