import { describe, expect, it } from 'vitest';
import { endpointName, endpointPath } from '../../../src/gather/load-test/endpoint-name.js';

describe('endpointName', () => {
  it('strips scheme, host, query and fragment', () => {
    expect(endpointName('get', 'https://api.example.test:8443/users?page=2#top')).toBe('GET /users');
    expect(endpointName('POST', '//cdn.example.test/assets')).toBe('POST /assets');
    expect(endpointName('GET', 'http://example.test')).toBe('GET /');
    expect(endpointName('GET', 'http://example.test?x=1')).toBe('GET /');
  });

  it('replaces numeric, UUID, long hex and opaque token segments with {id}', () => {
    expect(endpointName('GET', 'http://h/users/42/orders/7')).toBe('GET /users/{id}/orders/{id}');
    expect(endpointName('GET', '/items/3f2504e0-4f89-11d3-9a0c-0305e82c3301')).toBe('GET /items/{id}');
    expect(endpointName('GET', '/objects/507f1f77bcf86cd799439011')).toBe('GET /objects/{id}');
    expect(endpointName('GET', '/blobs/da39a3ee5e6b4b0d3255bfef95601890afd80709')).toBe('GET /blobs/{id}');
    expect(endpointName('GET', '/s/aGVsbG8gd29ybGQ9MTIz')).toBe('GET /s/{id}');
    expect(endpointName('GET', '/t/Xk3_9fQ-Lm2Zp8Rt')).toBe('GET /t/{id}');
  });

  it('keeps words, versions and hyphenated slugs', () => {
    expect(endpointName('GET', '/api/v2/facade/release-notes-2024')).toBe(
      'GET /api/v2/facade/release-notes-2024',
    );
    expect(endpointName('GET', '/getting-started-with-kubernetes')).toBe(
      'GET /getting-started-with-kubernetes',
    );
    expect(endpointName('GET', '/cafe')).toBe('GET /cafe');
  });

  it('keeps the extension of an id and drops its matrix parameters', () => {
    expect(endpointName('GET', '/reports/1234.json')).toBe('GET /reports/{id}.json');
    expect(endpointName('GET', '/reports/1234;v=2')).toBe('GET /reports/{id}');
  });

  it('names URLs without a path by their scheme', () => {
    expect(endpointName('GET', 'data:image/png;base64,iVBORw0KGgo=')).toBe('GET data:');
    expect(endpointName('GET', 'about:blank')).toBe('GET about:');
  });

  it('defaults an empty method to GET and upper-cases it', () => {
    expect(endpointName('', '/x')).toBe('GET /x');
    expect(endpointName(' patch ', '/x')).toBe('PATCH /x');
  });

  it('is bounded in depth and length', () => {
    const deep = `/${Array.from({ length: 40 }, (_, i) => `seg${String.fromCharCode(97 + (i % 26))}`).join('/')}`;
    const name = endpointPath(deep);
    expect(name.endsWith('/…')).toBe(true);
    expect(name.split('/').length).toBeLessThanOrEqual(14);
    const long = endpointName('GET', `/${'a'.repeat(500)}`);
    expect(long.length).toBeLessThanOrEqual(160);
  });

  it('is deterministic: the same route with different ids gives one name', () => {
    const names = new Set(
      Array.from({ length: 50 }, (_, i) => endpointName('GET', `http://h/users/${i * 7919}/cart?ts=${i}`)),
    );
    expect([...names]).toEqual(['GET /users/{id}/cart']);
  });
});
