import { describe, expect, it } from 'vitest';
import { jsonErrorOffset } from '../../../src/gather/kubernetes/json-position.js';

describe('the offset where JSON goes wrong', () => {
  it.each([
    ['{"a":1,}', 7],
    ['{"a" 1}', 5],
    ['[1 2]', 3],
    ['[,]', 1],
    ['{"a":[1,{"b":tru}]}', 13],
    ['{"a":"x\ny"}', 7],
    ['{}x', 2],
    ['{"items":[{"x":1},{"y":[1,2,3]}]} ,', 34],
    ['[1,2', 4],
  ])('%j fails at %i', (text, offset) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonErrorOffset(text)).toBe(offset);
  });

  it('walks deep nesting without recursion', () => {
    const deep = `${'['.repeat(100_000)}x`;
    expect(jsonErrorOffset(deep)).toBe(100_000);
  });
});
