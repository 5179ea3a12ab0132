import { describe, expect, it } from 'vitest';
import { maskVariables } from '../../src/logs/mask.js';

const masked = (message: string) => maskVariables(message).text;

describe('maskVariables', () => {
  it.each([
    [
      'numbers',
      'retry 3 of 10 after -1.5 (build 2.14.1)',
      'retry <*> of <*> after <*> (build <*>)',
      ['3', '10', '-1.5', '2.14.1'],
    ],
    [
      'ids',
      'job req-7f3a9b for user_12345 on pod web-5d8f9c7b6-x2k4p',
      'job <*> for <*> on pod <*>',
      ['req-7f3a9b', 'user_12345', 'web-5d8f9c7b6-x2k4p'],
    ],
    [
      'IPv4 with port',
      'connect to 10.0.7.3:6379 from 192.168.1.20 failed',
      'connect to <*> from <*> failed',
      ['10.0.7.3:6379', '192.168.1.20'],
    ],
    [
      'IPv6',
      'peer 2001:db8::8a2e:370:7334 and fe80::1 and ::1 left',
      'peer <*> and <*> and <*> left',
      ['2001:db8::8a2e:370:7334', 'fe80::1', '::1'],
    ],
    [
      'full IPv6',
      'from 2001:0db8:85a3:0000:0000:8a2e:0370:7334 ok',
      'from <*> ok',
      ['2001:0db8:85a3:0000:0000:8a2e:0370:7334'],
    ],
    [
      'UUIDs',
      'order 6f1c2a9e-41d4-4b6e-9c43-2f7d9a1b0e55 paid',
      'order <*> paid',
      ['6f1c2a9e-41d4-4b6e-9c43-2f7d9a1b0e55'],
    ],
    [
      'hex',
      'trace 4bf92f3577b34da6a3ce929d0e0e4736 at 0x7ffd5e8c pc=0x4a5f2d',
      'trace <*> at <*> pc=<*>',
      ['4bf92f3577b34da6a3ce929d0e0e4736', '0x7ffd5e8c', '0x4a5f2d'],
    ],
    [
      'paths',
      'cannot open /var/log/app/server.log or ./conf/app.yaml or C:\\Temp\\x.txt',
      'cannot open <*> or <*> or <*>',
      ['/var/log/app/server.log', './conf/app.yaml', 'C:\\Temp\\x.txt'],
    ],
    [
      'durations and sizes',
      'timed out after 30000ms. took 1.5s, 250µs, 1h2m3.5s for 512KB',
      'timed out after <*>. took <*>, <*>, <*> for <*>',
      ['30000ms', '1.5s', '250µs', '1h2m3.5s', '512KB'],
    ],
    [
      'emails',
      'mail to jane.doe+ops@example.co.uk bounced',
      'mail to <*> bounced',
      ['jane.doe+ops@example.co.uk'],
    ],
    [
      'URLs',
      'GET https://api.example.com/v1/items?id=7&x=y, retrying',
      'GET <*>, retrying',
      ['https://api.example.com/v1/items?id=7&x=y'],
    ],
    [
      'quoted strings',
      `unknown column 'user id' in "field list" for don't`,
      "unknown column <*> in <*> for don't",
      ["'user id'", '"field list"'],
    ],
    [
      'date-times',
      'token expired at 2024-03-12T09:22:15.530Z (now 09:23:00)',
      'token expired at <*> (now <*>)',
      ['2024-03-12T09:22:15.530Z', '09:23:00'],
    ],
    ['literal wildcards', 'template <*> seen', 'template <*> seen', ['<*>']],
  ])('masks %s', (_kind, message, text, values) => {
    expect(maskVariables(message)).toEqual({ text, values });
  });

  it('keeps constant words, including those with digits inside', () => {
    for (const message of [
      'Connection is not available',
      'log4j configured with sha256 and HTTP over and/or',
      'java.lang.String::valueOf failed',
      'connect: connection refused',
    ]) {
      expect(masked(message)).toBe(message);
    }
  });

  it('does not cut a specific value into general pieces', () => {
    // Order matters: the number rule alone would turn these into several wildcards.
    expect(masked('10.1.2.3')).toBe('<*>');
    expect(masked('6f1c2a9e-41d4-4b6e-9c43-2f7d9a1b0e55')).toBe('<*>');
    expect(masked('https://x.example/a/1')).toBe('<*>');
    expect(masked('key=value "a b c" 42')).toBe('key=value <*> <*>');
  });

  it('masks a token long enough to be data, not a word', () => {
    const blob = 'A'.repeat(250);
    expect(maskVariables(`payload ${blob} end`)).toEqual({ text: 'payload <*> end', values: [blob] });
  });
});
