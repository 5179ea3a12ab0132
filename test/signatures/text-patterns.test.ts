import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/loader.js';
import { unsafePatternReason } from '../../src/core/safe-pattern.js';
import { readToolOutput } from '../../src/gather/tool-output/gatherer.js';
import { cleanLine, MAX_KEPT_LINE_CHARS } from '../../src/gather/tool-output/lines.js';
import { TextPatternSchema } from '../../src/signatures/text-schema.js';

// Text patterns of scenario files must keep matching linear in the size of the output: the schema
// refuses the constructs that make a backtracking engine blow up, lines are cut to a bounded
// length, and every catalog pattern is run on adversarial input of two sizes, whose cost must
// grow with the size (a ratio, never a wall-clock budget).

describe('pattern safety check', () => {
  it.each([
    ['(a+)+$', /unbounded/],
    ['(?:a{1,5}){1,5}', /repeated group with repetition inside/],
    ['(?:a|aa){2,5}', /repeated group/],
    ['(?:ab){2}', /repeated group/],
    ['x.*y', /unbounded/],
    ['x\\s+y', /unbounded/],
    ['a{3,}', /unbounded/],
    ['a{1,5000}', /above 200/],
    ['(a)\\1', /backreference/],
    ['(?<w>a)\\k<w>', /backreference/],
    ['foo(?=bar)', /lookahead/],
    ['(?<!x)foo', /lookbehind/],
    ['(unclosed', /unclosed group/],
    ['[abc', /unclosed character class/],
  ])('refuses %s', (pattern, reason) => {
    expect(unsafePatternReason(pattern)).toMatch(reason);
    expect(TextPatternSchema.safeParse({ pattern, reason: 'r' }).success).toBe(false);
  });

  it.each([
    'Error acquiring the state lock',
    '^(?:│ )?\\s{0,4}Lock Info:',
    'npm (?:ERR!|error) code ERESOLVE',
    '\\b[A-Z][a-z]{1,40}Exception\\b',
    '[^\\s]{1,80}@\\d{1,4}',
    'a{2}b?c{0,3}?',
  ])('accepts %s', (pattern) => {
    expect(unsafePatternReason(pattern)).toBeUndefined();
  });
});

/** Adversarial text: long runs that patterns start to match and give up on. */
function adversarial(bytes: number, seed: string): string {
  const line = seed.repeat(Math.ceil(2000 / seed.length)).slice(0, 2000);
  const lines: string[] = [];
  for (let size = 0; size < bytes; size += line.length + 1) lines.push(line);
  return lines.join('\n');
}

function costOf(run: () => void): number {
  // The least of several runs: noise from other processes only ever adds time.
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    run();
    best = Math.min(best, Number(process.hrtime.bigint() - start));
  }
  return best;
}

const catalog = loadCatalog();
const patterns = catalog.scenarios.flatMap((s) =>
  (s.signature ?? []).flatMap((way) =>
    way.text
      ? // Known failure families are checked with their own patterns (known-failures.test.ts).
        [...way.text.match, ...way.text.support, ...way.text.against].flatMap((p) =>
          p.pattern === undefined
            ? []
            : [{ id: s.id, regex: new RegExp(p.pattern, p.ignoreCase ? 'i' : ''), source: p.pattern }],
        )
      : [],
  ),
);

describe('catalog text patterns', () => {
  it('are all safe (the schema checked them when the catalog loaded)', () => {
    expect(patterns.length).toBeGreaterThan(0);
    for (const p of patterns) expect(unsafePatternReason(p.source), `${p.id}: ${p.source}`).toBeUndefined();
  });

  it('cut lines to a bounded length before matching', () => {
    expect(cleanLine('a'.repeat(100_000)).length).toBe(MAX_KEPT_LINE_CHARS);
  });

  it('cost in proportion to the text on adversarial input (10× the text, far less than 100× the work)', () => {
    // Near misses: the literal start of each pattern repeated, spaces, letters and digits.
    const seeds = [
      'a',
      ' ',
      'aA1 ',
      '│ ',
      ...new Set(patterns.map((p) => p.source.replace(/[^A-Za-z ]/g, '').slice(0, 12) || 'x')),
    ];
    const linesOf = (bytes: number) =>
      seeds.flatMap((seed) => adversarial(bytes, seed).split('\n').map(cleanLine));
    const small = linesOf(10_000);
    const large = linesOf(100_000);
    const matchAll = (lines: readonly string[]) => () => {
      for (const p of patterns) for (const line of lines) p.regex.test(line);
    };
    matchAll(small)(); // warm-up: regular expressions are compiled after their first runs
    const ratio = costOf(matchAll(large)) / costOf(matchAll(small));
    // Linear work gives a ratio near 10; quadratic work would give 100. 40 leaves room for noise.
    expect(ratio).toBeLessThan(40);
  });

  it('read and chunk output in time proportional to its size', async () => {
    // Error lines of several tools and plain runs, interleaved: every line is tried by every rule.
    const seeds = ['Error: ', 'npm ERR! ', '##[error]', '{"@level":"error"', 'a', ' '];
    const text = (bytes: number) =>
      adversarial(bytes / seeds.length, 'x')
        .split('\n')
        .flatMap((_, i) =>
          seeds.map((seed) => `${seed.repeat(Math.ceil(2000 / seed.length)).slice(0, 2000)}${i}`),
        )
        .join('\n');
    const small = Buffer.from(text(1_000_000));
    const large = Buffer.from(text(4_000_000));
    const read = async (data: Buffer) => {
      const start = process.hrtime.bigint();
      await readToolOutput('adversarial', Readable.from([data]));
      return Number(process.hrtime.bigint() - start);
    };
    // Regular expressions are compiled to machine code after their first runs: warm up first.
    await read(small);
    let smallCost = Number.POSITIVE_INFINITY;
    let largeCost = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 3; i++) {
      smallCost = Math.min(smallCost, await read(small));
      largeCost = Math.min(largeCost, await read(large));
    }
    // 4× the text: linear work gives a ratio near 4, quadratic work 16.
    expect(largeCost / smallCost).toBeLessThan(10);
  });
});
