import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/loader.js';
import { CatalogSearch, tokenize } from '../../src/catalog/search.js';

const search = new CatalogSearch(loadCatalog().scenarios);
const top = (query: string, n = 1) => search.search(query, n).map((hit) => hit.id);

describe('catalog search', () => {
  it.each([
    ['pool exhausted', 'connection-pool-exhaustion'],
    ['ImagePullBackOff', 'image-pull-failure'],
    ['x509 expired', 'tls-certificate-expired'],
    ['OOMKilled', 'container-oom-killed'],
    ['Error acquiring the state lock', 'terraform-state-lock-held'],
    ['transaction ID wraparound', 'transaction-id-wraparound'],
    ['cache stampede', 'cache-stampede'],
    ['429 too many requests', 'rate-limiting-429'],
    ['CrashLoopBackOff liveness probe', 'liveness-probe-restart-loop'],
  ])('finds "%s" first as %s', (query, id) => {
    expect(top(query)).toEqual([id]);
  });

  it.each([
    ['conection pool exausted', 'connection-pool-exhaustion'],
    ['imagepullbakoff', 'image-pull-failure'],
    ['certficate expird', 'tls-certificate-expired'],
    ['retry strom', 'retry-storm'],
    // Both a full pool and a reconnection storm end in PostgreSQL refusing clients.
    ['too many clients already', 'connection-pool-exhaustion'],
    ['too many clients already', 'backend-connection-storm'],
  ])('finds "%s" (typos, shared messages) with %s in the top 3', (query, id) => {
    expect(top(query, 3)).toContain(id);
  });

  it('puts an exact id first', () => {
    expect(top('slow-query')).toEqual(['slow-query']);
  });

  it('returns nothing for an empty query or unrelated words', () => {
    expect(search.search('   ')).toEqual([]);
    expect(search.search('zzzqqq xyzzy')).toEqual([]);
  });

  it('ranks by score, best first', () => {
    const hits = search.search('disk full', 10);
    const scores = hits.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });
});

describe('tokenize', () => {
  it('splits punctuation and camelCase but keeps the whole word', () => {
    expect(tokenize('ImagePullBackOff: x509')).toEqual([
      'ImagePullBackOff',
      'Image',
      'Pull',
      'Back',
      'Off',
      'x509',
    ]);
  });
});
