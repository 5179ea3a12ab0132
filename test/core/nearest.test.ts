import { describe, expect, it } from 'vitest';
import { editDistance, nearest } from '../../src/core/nearest.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['hihg', 'high', 1],
    ['slow-query', 'slow-query', 0],
  ])('%s → %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe('nearest', () => {
  const ids = ['slow-query', 'cache-stampede', 'cache-penetration', 'retry-storm'];
  it('suggests close ids, best first', () => {
    expect(nearest('slow-qurey', ids)).toEqual(['slow-query']);
    expect(nearest('cache', ids)).toEqual(['cache-penetration', 'cache-stampede']);
  });
  it('suggests nothing for unrelated words', () => {
    expect(nearest('kubernetes', ids)).toEqual([]);
  });
});
