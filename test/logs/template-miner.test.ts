import { describe, expect, it } from 'vitest';
import { TemplateMiner } from '../../src/logs/template-miner.js';

describe('TemplateMiner', () => {
  it('merges lines that differ only in variables, with ids in order of first appearance', () => {
    const miner = new TemplateMiner();
    const a = miner.add('HikariPool-1 - Connection is not available, request timed out after 30000ms.');
    const b = miner.add('Order 84121 created for customer 3391 in 42ms');
    const c = miner.add('HikariPool-2 - Connection is not available, request timed out after 30001ms.');
    const d = miner.add('Order 84122 created for customer 1207 in 38ms');
    expect([a.templateId, b.templateId, c.templateId, d.templateId]).toEqual([1, 2, 1, 2]);
    expect(miner.templates()).toEqual([
      { id: 1, template: '<*> - Connection is not available, request timed out after <*>.', count: 2 },
      { id: 2, template: 'Order <*> created for customer <*> in <*>', count: 2 },
    ]);
    expect(c.params).toEqual(['HikariPool-2', '30001ms']);
    expect(d.params).toEqual(['84122', '1207', '38ms']);
  });

  it('generalizes unmasked words that vary after the leading tokens and extracts them as parameters', () => {
    const miner = new TemplateMiner();
    miner.add('login accepted from the web console for user alice');
    const second = miner.add('login accepted from the web console for user bob');
    expect(miner.templates()).toEqual([
      { id: 1, template: 'login accepted from the web console for user <*>', count: 2 },
    ]);
    expect(second.params).toEqual(['bob']);
  });

  it('routes on the leading tokens, so a different word there is a different template', () => {
    // The Drain trade-off: the leading words of a statement are almost always constant.
    const miner = new TemplateMiner();
    expect(miner.add('user alice logged in').templateId).not.toBe(miner.add('user bob logged in').templateId);
  });

  it('keeps the key of key=value pairs whose values vary', () => {
    const miner = new TemplateMiner();
    miner.add('cache refresh done shard=eu region=west');
    const r = miner.add('cache refresh done shard=us region=west');
    expect(miner.templates()[0]?.template).toBe('cache refresh done shard=<*> region=west');
    expect(r.params).toEqual(['us']);
  });

  it('keeps apart lines that differ in constant words', () => {
    const miner = new TemplateMiner();
    const ids = [
      // Differences in the leading words.
      'Connection refused by upstream server',
      'Connection reset by upstream server',
      'Order 1 created for customer 2',
      'Refund 1 created for customer 2',
      // Same leading words, but less than half of the words in common.
      'payment failed: card declined by issuer bank today',
      'payment failed: gateway timeout from provider api now',
    ].map((m) => miner.add(m).templateId);
    expect(ids).toEqual([1, 2, 3, 4, 5, 6]);
    expect(miner.templates().every((t) => t.count === 1 && !t.template.includes('<*> <*> <*>'))).toBe(true);
  });

  it('separates messages of different token counts', () => {
    const miner = new TemplateMiner();
    expect(miner.add('worker stopped').templateId).not.toBe(
      miner.add('worker stopped unexpectedly').templateId,
    );
  });

  it('is deterministic: the same input gives the same templates and ids', () => {
    const messages = Array.from({ length: 2000 }, (_, i) =>
      i % 3 === 0
        ? `request ${i} served in ${i % 97}ms`
        : i % 3 === 1
          ? `user u${i % 13} ${['logged in', 'logged out'][i % 2]} from 10.0.${i % 255}.1`
          : `job ${i} failed: ${['timeout', 'oom', 'cancelled'][i % 3]}`,
    );
    const run = () => {
      const miner = new TemplateMiner();
      const ids = messages.map((m) => miner.add(m).templateId);
      return { ids, templates: miner.templates() };
    };
    expect(run()).toEqual(run());
  });

  it('stays within its caps under 100k unique random lines', () => {
    const maxTemplates = 500;
    const maxTemplatesPerLeaf = 8;
    const miner = new TemplateMiner({ maxTemplates, maxTemplatesPerLeaf, maxChildren: 20 });
    let seed = 7;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    const word = () => {
      let w = '';
      for (let n = 3 + (next() % 6); n > 0; n--) w += String.fromCharCode(97 + (next() % 26));
      return w;
    };
    const ids = new Set<number>();
    for (let i = 0; i < 100_000; i++) {
      const words = Array.from({ length: 2 + (next() % 10) }, word);
      const id = miner.add(words.join(' ')).templateId;
      expect(id).toBeGreaterThanOrEqual(1);
      ids.add(id);
    }
    const templates = miner.templates();
    // The cap plus at most the one overflow template.
    expect(templates.length).toBeLessThanOrEqual(maxTemplates + 1);
    expect(templates.length).toBeGreaterThan(maxTemplates / 2);
    expect(ids.size).toBe(templates.length);
    expect(templates.reduce((n, t) => n + t.count, 0)).toBe(100_000);
    expect(templates.map((t) => t.id)).toEqual(templates.map((_, i) => i + 1));
  });

  it('merges into the most similar template of a full leaf instead of growing it', () => {
    const miner = new TemplateMiner({ maxTemplatesPerLeaf: 2 });
    miner.add('disk check alpha beta gamma delta');
    miner.add('disk check one two three four');
    const third = miner.add('disk check alpha two three other');
    expect(miner.size).toBe(2);
    expect(third.templateId).toBeLessThanOrEqual(2);
  });

  it('sends messages without a leaf to one overflow template when the total cap is reached', () => {
    const miner = new TemplateMiner({ maxTemplates: 2 });
    miner.add('first kind of message');
    miner.add('second sort of event here');
    const overflow = miner.add('completely different words now arrive');
    expect(overflow).toEqual({ templateId: 3, params: ['completely different words now arrive'] });
    expect(miner.add('yet another new thing').templateId).toBe(3);
    expect(miner.templates()[2]).toEqual({ id: 3, template: '<*>', count: 2 });
  });

  it('rejects invalid options', () => {
    expect(() => new TemplateMiner({ similarity: 0 })).toThrow(/similarity/);
    expect(() => new TemplateMiner({ depth: 2 })).toThrow(/depth/);
    expect(() => new TemplateMiner({ maxTemplates: 0 })).toThrow(/maxTemplates/);
  });
});
