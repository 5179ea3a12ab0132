import { describe, expect, it } from 'vitest';
import { maskSecrets } from '../../src/core/mask.js';

describe('maskSecrets', () => {
  it.each([
    ['Authorization: Bearer abcdefghijklmnop', 'Authorization: Bearer ***'],
    ['authorization=Basic dXNlcjpwYXNzd29yZA==', 'authorization=Basic ***'],
    ['GET https://shop.test/api?api_key=s3cr3tvalue&page=2', 'GET https://shop.test/api?api_key=***&page=2'],
    ['{"password": "hunter2", "user": "bob"}', '{"password": "***", "user": "bob"}'],
    ['redis://admin:letmein@cache:6379 refused', 'redis://***@cache:6379 refused'],
    [
      'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'token ***',
    ],
    ['key AKIAIOSFODNN7EXAMPLE used', 'key *** used'],
    ['x-session-id: 8f3a9c; client_secret=abc', 'x-session-id: ***; client_secret=***'],
  ])('masks %s', (input, expected) => {
    expect(maskSecrets(input)).toBe(expected);
  });

  it('leaves ordinary messages alone', () => {
    for (const text of [
      'Non HTTP response code: java.net.SocketTimeoutException: Read timed out',
      'Test failed: text expected to contain /OK/',
      'GET /api/products/{id}',
      '503 Service Unavailable',
    ]) {
      expect(maskSecrets(text)).toBe(text);
    }
  });
});
