import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/loader.js';
import { unsafePatternReason } from '../../src/core/safe-pattern.js';
import { isErrorLine } from '../../src/gather/tool-output/lines.js';
import { familiesOf, KNOWN_FAILURES, loadFamilies, saysKnownFailure } from '../../src/logs/known-failures.js';
import { signalDefinition } from '../../src/signals/registry.js';

// Every family of catalog/families with its own real examples and near misses.

describe('known failure families', () => {
  it('have unique ids, registered signals and known scenarios', () => {
    const ids = KNOWN_FAILURES.map((f) => f.id);
    expect(ids.length).toBeGreaterThan(50);
    expect(new Set(ids).size).toBe(ids.length);
    const scenarios = new Set(loadCatalog().scenarios.map((s) => s.id));
    for (const family of KNOWN_FAILURES) {
      expect(signalDefinition(`logs.known.${family.id}`)?.from, family.id).toBe('logs');
      for (const id of family.scenarios) expect(scenarios.has(id), `${family.id} → ${id}`).toBe(true);
    }
  });

  for (const family of KNOWN_FAILURES) {
    it(`recognize ${family.id} in its real messages and not in its near misses`, () => {
      for (const text of family.examples.match)
        expect(
          familiesOf(text).map((f) => f.id),
          text,
        ).toContain(family.id);
      for (const text of family.examples.miss)
        expect(
          familiesOf(text).map((f) => f.id),
          text,
        ).not.toContain(family.id);
    });
  }

  it('say whether a line names any family as the families do one by one', () => {
    for (const family of KNOWN_FAILURES) {
      for (const text of family.examples.match)
        expect(saysKnownFailure(text), `${family.id}: ${text}`).toBe(true);
    }
  });

  it('start a failure chunk of triaged output at every real message (error word or not)', () => {
    for (const family of KNOWN_FAILURES)
      for (const text of family.examples.match) expect(isErrorLine(text), `${family.id}: ${text}`).toBe(true);
    expect(isErrorLine('[INFO] Compiling 214 source files to /builds/shop/target/classes')).toBe(false);
  });

  it('do not count a message followed by its excepted literal, but count a later one that is not', () => {
    const volume = KNOWN_FAILURES.find((f) => f.id === 'volume-mount-failed');
    expect(
      volume?.matches('MountVolume.SetUp failed for volume "kube-api-access-x7k2p" : not registered'),
    ).toBe(false);
    expect(
      volume?.matches(
        'MountVolume.SetUp failed for volume "kube-api-access-x7k2p" : x; MountVolume.SetUp failed for volume "config" : y',
      ),
    ).toBe(true);
  });

  it('refuse a family file with a pattern that could take more than linear time, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-families-'));
    writeFileSync(
      join(dir, 'bad.yaml'),
      'id: bad\ntitle: bad\nmessages:\n  - pattern: "(a+)+b"\nexamples:\n  match: [aab]\n',
    );
    expect(() => loadFamilies(dir)).toThrow(/bad\.yaml: messages\.0\.pattern: unsafe pattern/);
    for (const family of KNOWN_FAILURES)
      for (const message of family.messages)
        expect(unsafePatternReason(message.regex.source)).toBeUndefined();
  });
});
