import type { FailureChunk, ToolOutputData } from '../../gather/tool-output/data.js';
import { KNOWN_FAILURES } from '../../logs/known-failures.js';
import type { TextPattern, TextSignature } from '../../signatures/text-schema.js';

// Matching a text signature against the failure chunks of one output. Each pattern is tried on
// each kept line once, and lines are bounded in length, so the work is linear in the output kept.

export interface CompiledPattern {
  spec: TextPattern;
  /** Whether one line (or two wrapped lines joined) hits the pattern. */
  test: (text: string) => boolean;
}

export interface CompiledTextSignature {
  scenarioId: string;
  /** Index of the way in the scenario's signature. */
  way: number;
  spec: TextSignature;
  match: CompiledPattern[];
  support: CompiledPattern[];
  against: CompiledPattern[];
  keywords: string[];
}

export function compileTextSignature(
  scenarioId: string,
  way: number,
  spec: TextSignature,
): CompiledTextSignature {
  const compile = (p: TextPattern): CompiledPattern => {
    if (p.family !== undefined) {
      const family = KNOWN_FAILURES.find((f) => f.id === p.family);
      if (!family) throw new Error(`unknown failure family ${p.family}`);
      return { spec: p, test: (text) => family.matches(text) };
    }
    const regex = new RegExp(p.pattern as string, p.ignoreCase ? 'i' : '');
    return { spec: p, test: (text) => regex.test(text) };
  };
  return {
    scenarioId,
    way,
    spec,
    match: spec.match.map(compile),
    support: spec.support.map(compile),
    against: spec.against.map(compile),
    keywords: spec.keywords.map((k) => k.toLowerCase()),
  };
}

export interface PatternHit {
  /** Index of the pattern in its list. */
  index: number;
  /** Line number of the first hit, and the text of that line. */
  line: number;
  text: string;
  hits: number;
}

export interface TextMatch {
  /** Chunks in which every match pattern and keyword hit. */
  chunks: number;
  /** The first such chunk: where each match pattern hit, and the lines cited around the first hit. */
  match: PatternHit[];
  cited: { from: number; to: number; lines: string[] };
  support: PatternHit[];
  against: PatternHit[];
}

/** Whether the signature can be judged on this output: it names none of the tools, or one that was recognized. */
export function appliesTo(signature: CompiledTextSignature, data: ToolOutputData): boolean {
  return signature.spec.tools.length === 0 || signature.spec.tools.some((tool) => data.tools.includes(tool));
}

/** The signature's match in one output, or undefined when no chunk has all its patterns. */
export function matchText(signature: CompiledTextSignature, data: ToolOutputData): TextMatch | undefined {
  let found: { chunk: FailureChunk; hits: PatternHit[] } | undefined;
  let chunks = 0;
  // Output that ended in success explains no failure; a notice way may still find its notice there.
  const onlyNotices = signature.spec.notice && data.outcome === 'succeeded';
  for (const chunk of data.chunks) {
    if (onlyNotices && !chunk.notice) continue;
    const hits = allHits(signature.match, chunk);
    if (!hits) continue;
    if (signature.keywords.length > 0) {
      const text = chunk.lines.map((l) => l.text.toLowerCase()).join('\n');
      if (!signature.keywords.every((k) => text.includes(k))) continue;
    }
    chunks++;
    found ??= { chunk, hits };
  }
  if (!found) return undefined;
  const firstHit = Math.min(...found.hits.map((h) => h.line));
  const at = found.chunk.lines.findIndex((l) => l.line === firstHit);
  const { before, after } = signature.spec.context;
  const cited = found.chunk.lines.slice(Math.max(0, at - before), at + after + 1);
  return {
    chunks,
    match: found.hits,
    cited: {
      from: cited[0]?.line ?? firstHit,
      to: cited[cited.length - 1]?.line ?? firstHit,
      lines: cited.map((l) => l.text),
    },
    support: anywhere(signature.support, data),
    against: anywhere(signature.against, data),
  };
}

/** Where every pattern hits in the chunk, or undefined when one does not. */
function allHits(patterns: readonly CompiledPattern[], chunk: FailureChunk): PatternHit[] | undefined {
  const hits: PatternHit[] = [];
  for (const [index, pattern] of patterns.entries()) {
    const hit = hitsIn(pattern, chunk.lines, index);
    if (!hit) return undefined;
    hits.push(hit);
  }
  return hits;
}

function hitsIn(
  pattern: CompiledPattern,
  lines: ReadonlyArray<{ line: number; text: string }>,
  index: number,
): PatternHit | undefined {
  let first: { line: number; text: string } | undefined;
  let hits = 0;
  for (const [i, line] of lines.entries()) {
    const next = lines[i + 1];
    const hit =
      pattern.test(line.text) ||
      (next !== undefined &&
        wrapped(line.text, next.text) &&
        pattern.test(joinWrapped(line.text, next.text)));
    if (!hit) continue;
    hits++;
    first ??= line;
  }
  return first ? { index, line: first.line, text: first.text, hits } : undefined;
}

/**
 * Terraform draws a box ("│ ") around a diagnostic and wraps its text at the terminal width, so a
 * message can be cut between two lines; two such lines are also matched as one. Each line is
 * tried at most twice, so matching stays linear.
 */
const BOX = '│';

function wrapped(line: string, next: string): boolean {
  return line.startsWith(BOX) && next.startsWith(BOX) && next.trim().length > 1;
}

function joinWrapped(line: string, next: string): string {
  return `${line.trimEnd()} ${next.slice(BOX.length).trim()}`;
}

function anywhere(patterns: readonly CompiledPattern[], data: ToolOutputData): PatternHit[] {
  const found: PatternHit[] = [];
  for (const [index, pattern] of patterns.entries()) {
    let total: PatternHit | undefined;
    for (const chunk of data.chunks) {
      const hit = hitsIn(pattern, chunk.lines, index);
      if (!hit) continue;
      if (total) total.hits += hit.hits;
      else total = hit;
    }
    if (total) found.push(total);
  }
  return found;
}
