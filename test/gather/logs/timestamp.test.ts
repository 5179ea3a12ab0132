import { describe, expect, it } from 'vitest';
import { epochTime, fieldTime, lineTime, type TimeFlags } from '../../../src/gather/logs/timestamp.js';

const context = { referenceYear: 2024, referenceMonth: 5 };
// Date.UTC drops fractions of a millisecond, which the readers keep.
const at = (y: number, mo: number, d: number, h: number, mi: number, s: number, ms = 0) =>
  Date.UTC(y, mo - 1, d, h, mi, s) + ms;

describe('lineTime', () => {
  it.each([
    [
      'ISO 8601 with an offset',
      '2024-03-12T09:22:15.530+01:00 ERROR connection lost',
      at(2024, 3, 12, 8, 22, 15, 530),
    ],
    [
      'RFC 3339 with nanoseconds',
      '2024-03-12T09:22:15.530123456Z stdout F hello',
      at(2024, 3, 12, 9, 22, 15, 530.123456),
    ],
    [
      'log4j / Python comma millis',
      '2024-03-12 09:22:15,530 ERROR [main] c.e.Foo - x',
      at(2024, 3, 12, 9, 22, 15, 530),
    ],
    [
      'PostgreSQL with UTC',
      '2024-03-12 09:22:15.530 UTC [4412] ERROR:  deadlock detected',
      at(2024, 3, 12, 9, 22, 15, 530),
    ],
    ['bracketed ISO', '[2024-03-12 09:22:15] [WARN] disk almost full', at(2024, 3, 12, 9, 22, 15)],
    [
      'gunicorn with a spaced offset',
      '[2024-03-12 10:22:15 +0100] [47] [CRITICAL] WORKER TIMEOUT (pid:47)',
      at(2024, 3, 12, 9, 22, 15),
    ],
    ['Go log package', '2024/03/12 09:22:15.123456 worker 3 started', at(2024, 3, 12, 9, 22, 15, 123.456)],
    [
      'nginx error log',
      '2024/03/12 09:22:46 [error] 32#32: *8859 upstream timed out',
      at(2024, 3, 12, 9, 22, 46),
    ],
    ['Tomcat', '12-Mar-2024 09:22:15.530 SEVERE [main] o.a.c.Foo Failed', at(2024, 3, 12, 9, 22, 15, 530)],
    [
      'Apache error log',
      '[Tue Mar 12 09:22:15.114224 2024] [proxy:error] [pid 2211] AH00898: x',
      at(2024, 3, 12, 9, 22, 15, 114.224),
    ],
    [
      'NCSA access log with offset',
      '192.168.10.21 - - [12/Mar/2024:10:22:15 +0100] "GET / HTTP/1.1" 200 1',
      at(2024, 3, 12, 9, 22, 15),
    ],
    [
      'access log with a host name',
      'proxy.internal - alice [12/Mar/2024:09:22:15 +0000] "GET / HTTP/1.1" 200 1',
      at(2024, 3, 12, 9, 22, 15),
    ],
    [
      'RFC 5424 syslog',
      '<165>1 2024-03-12T09:22:15.003Z web-1 orders 4412 ID47 - queue full',
      at(2024, 3, 12, 9, 22, 15, 3),
    ],
    ['epoch seconds prefix', '1710235335.530 job finished', at(2024, 3, 12, 9, 22, 15, 530)],
  ])('reads %s', (_name, line, expected) => {
    expect(lineTime(line, context, {})).toBeCloseTo(expected, 3);
  });

  it('places BSD syslog and klog times in the reference year and says it inferred the year', () => {
    const flags: TimeFlags = {};
    expect(lineTime('<34>Mar 12 09:22:15 web-1 sshd[8812]: Failed password', context, flags)).toBe(
      at(2024, 3, 12, 9, 22, 15),
    );
    expect(lineTime('Mar  2 09:22:15 web-1 kernel: x', context, flags)).toBe(at(2024, 3, 2, 9, 22, 15));
    expect(lineTime('E0312 09:22:15.530123    4412 controller.go:114] failed', context, flags)).toBeCloseTo(
      at(2024, 3, 12, 9, 22, 15, 530.123),
      3,
    );
    expect(flags.inferredYear).toBe(true);
  });

  it('puts a month after the reference month in the year before (a log read after New Year)', () => {
    const january = { referenceYear: 2025, referenceMonth: 0 };
    expect(lineTime('Dec 31 23:59:58 web-1 cron[1]: backup', january, {})).toBe(at(2024, 12, 31, 23, 59, 58));
    expect(lineTime('Jan  1 00:00:03 web-1 cron[1]: backup', january, {})).toBe(at(2025, 1, 1, 0, 0, 3));
  });

  it('flags times without a zone, and not those with one', () => {
    const zoned: TimeFlags = {};
    lineTime('2024-03-12T09:22:15Z x', context, zoned);
    expect(zoned.noZone).toBeUndefined();
    const local: TimeFlags = {};
    lineTime('2024-03-12 09:22:15,530 INFO x', context, local);
    expect(local.noZone).toBe(true);
  });

  it('has no time for lines without a known timestamp, or with an impossible date', () => {
    for (const line of [
      'worker 3 started',
      'ERROR: out of memory',
      '09:22:15.530 [main] INFO c.e.Foo - time of day only',
      '2024-02-30 10:00:00 INFO not a date',
      '2024-03-12 25:00:00 INFO not a time',
      '12345 items processed',
    ]) {
      expect(lineTime(line, context, {}), line).toBeUndefined();
    }
  });
});

describe('fieldTime and epochTime', () => {
  it('tells epoch seconds, milliseconds, microseconds and nanoseconds apart by size', () => {
    const ms = at(2024, 3, 12, 9, 22, 15, 530);
    expect(epochTime(ms / 1000)).toBeCloseTo(ms, 3);
    expect(epochTime(ms)).toBe(ms);
    expect(epochTime(ms * 1000)).toBe(ms);
    expect(epochTime(ms * 1e6)).toBeCloseTo(ms, 3);
    expect(epochTime(42)).toBeUndefined();
  });

  it('reads numbers, digit strings, ISO text, nginx $time_local and journald microseconds', () => {
    const ms = at(2024, 3, 12, 9, 22, 15, 530);
    expect(fieldTime(1710235335.53, context, {})).toBeCloseTo(ms, 1);
    expect(fieldTime('1710235335530', context, {})).toBe(ms);
    expect(fieldTime('1710235335530000', context, {})).toBe(ms);
    expect(fieldTime('2024-03-12T09:22:15.530Z', context, {})).toBe(ms);
    expect(fieldTime('12/Mar/2024:10:22:15 +0100', context, {})).toBe(at(2024, 3, 12, 9, 22, 15));
    expect(fieldTime('yesterday', context, {})).toBeUndefined();
  });
});
