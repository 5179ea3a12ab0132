import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { availableKinds, emptyBundle } from '../src/bundle/bundle.js';
import { GatherError, type Gatherer, gatherInto } from '../src/gather/gatherer.js';

const lines: Gatherer<'infrastructure-code'> = {
  kind: 'infrastructure-code',
  name: 'plain-lines',
  async gather(source) {
    if (source.type !== 'file') throw new GatherError('unsupported-format', 'expected a file');
    const text = await readFile(source.path, 'utf8');
    if (text.includes('\0')) throw new GatherError('unsupported-format', `${source.path}: binary content`);
    return text.split('\n');
  },
};

describe('gatherInto', () => {
  it('stores loaded data and coded errors side by side, and goes on after a failure', async () => {
    const bundle = await gatherInto(emptyBundle('2026-11-22T00:00:00Z'), [
      { gatherer: lines, source: { type: 'file', path: 'does/not/exist.log' } },
      { gatherer: lines, source: { type: 'query', language: 'logql', query: '{app="x"}' } },
      { gatherer: lines, source: { type: 'file', path: 'package.json' } },
    ]);
    const slot = bundle.evidence['infrastructure-code'] ?? [];
    expect(slot.map((s) => s.status)).toEqual(['failed', 'failed', 'loaded']);
    expect(slot[0]).toMatchObject({
      status: 'failed',
      error: { code: 'not-found', message: 'does/not/exist.log: no such file' },
    });
    expect(slot[1]).toMatchObject({
      status: 'failed',
      error: { code: 'unsupported-format', message: 'expected a file' },
    });
    expect(availableKinds(bundle)).toEqual(new Set(['infrastructure-code']));
  });

  it('counts a kind as available only when a source of it loaded', async () => {
    const bundle = await gatherInto(emptyBundle('2026-11-22T00:00:00Z'), [
      { gatherer: lines, source: { type: 'file', path: 'missing.log' } },
    ]);
    expect(availableKinds(bundle).size).toBe(0);
  });
});
