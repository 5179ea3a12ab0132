import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { packageRoot } from '../core/package-root.js';
import { unsafePatternReason } from '../core/safe-pattern.js';

// Known failure messages, grouped in families, as catalog data (catalog/families/<id>.yaml): each
// family names the scenarios it points to, the messages real software writes for it (taken from
// the software's sources and documentation, each with a note of who writes it), and real examples
// that must match and near misses that must not (test/logs/known-failures.test.ts runs them all).
// Log analysis matches them against template samples, templates and stack-trace causes; a text
// way of a scenario may name a family instead of repeating its messages. Patterns are held to the
// same rule as every catalog pattern: linear-time matching (src/core/safe-pattern.ts).

const FAMILY_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const MessageSchema = z
  .strictObject({
    pattern: z.string().min(1),
    ignoreCase: z.boolean().default(false),
    /** A literal that, right after the match, makes it not count (a harmless case of the same message). */
    unlessFollowedBy: z.string().min(1).optional(),
    note: z.string().optional(),
  })
  .superRefine((value, ctx) => {
    const reason = unsafePatternReason(value.pattern);
    if (reason) ctx.addIssue({ code: 'custom', message: `unsafe pattern: ${reason}`, path: ['pattern'] });
  });

const FamilyFileSchema = z.strictObject({
  id: z.string().regex(FAMILY_ID, 'expected a kebab-case id'),
  title: z.string().min(1),
  note: z.string().optional(),
  scenarios: z.array(z.string().regex(FAMILY_ID, 'expected a scenario id')).default([]),
  messages: z.array(MessageSchema).min(1),
  examples: z.strictObject({ match: z.array(z.string()).min(1), miss: z.array(z.string()).default([]) }),
});
export type KnownFailureFamilyFile = z.infer<typeof FamilyFileSchema>;

export interface KnownFailureMessage {
  regex: RegExp;
  unlessFollowedBy?: string;
}

export interface KnownFailureFamily {
  /** Signal name suffix: logs.known.<id>. */
  id: string;
  title: string;
  /** Catalog scenarios this family is evidence for. */
  scenarios: readonly string[];
  messages: readonly KnownFailureMessage[];
  examples: { match: readonly string[]; miss: readonly string[] };
  /** Whether the text says one of the family's messages. */
  matches(text: string): boolean;
}

export const FAMILIES_DIR = join(packageRoot(), 'catalog', 'families');

function saysMessage(message: KnownFailureMessage, text: string): boolean {
  const except = message.unlessFollowedBy;
  if (except === undefined) return message.regex.test(text);
  // The message counts unless the excepted literal follows it; a later occurrence may still count.
  const all = new RegExp(message.regex.source, `${message.regex.flags}g`);
  for (let found = all.exec(text); found; found = all.exec(text)) {
    if (!text.startsWith(except, found.index + found[0].length)) return true;
    if (found[0].length === 0) all.lastIndex++;
  }
  return false;
}

export function loadFamilies(dir: string): KnownFailureFamily[] {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort();
  return files.map((name) => {
    const path = join(dir, name);
    let raw: unknown;
    try {
      raw = parse(readFileSync(path, 'utf8'));
    } catch (error) {
      const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
      throw new Error(
        `${path}${line ? `:${line}` : ''}: not valid YAML (${(error as Error).message.split('\n')[0]})`,
      );
    }
    const parsed = FamilyFileSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${path}: ${issue?.path.join('.') || '(file)'}: ${issue?.message ?? 'invalid'}`);
    }
    const file = parsed.data;
    if (`${file.id}.yaml` !== name) throw new Error(`${path}: id ${file.id} does not match the file name`);
    const messages = file.messages.map((m) => ({
      regex: new RegExp(m.pattern, m.ignoreCase ? 'i' : ''),
      ...(m.unlessFollowedBy !== undefined ? { unlessFollowedBy: m.unlessFollowedBy } : {}),
    }));
    return {
      id: file.id,
      title: file.title,
      scenarios: file.scenarios,
      messages,
      examples: file.examples,
      matches: (text: string) => messages.some((message) => saysMessage(message, text)),
    };
  });
}

export const KNOWN_FAILURES: readonly KnownFailureFamily[] = loadFamilies(FAMILIES_DIR);

/** The families whose messages a text says. */
export function familiesOf(text: string): KnownFailureFamily[] {
  return KNOWN_FAILURES.filter((family) => family.matches(text));
}

// Every family's messages as two expressions (the case-sensitive ones and the others), so that
// asking whether a line says any known failure is two passes over it, not one per message. The
// word boundary most messages start with is tested once for all of them, which halves the work.
// (The exceptions of a message are not applied here: this only decides where a failure chunk of
// triaged output starts, and a chunk too many costs nothing.)
const combined = (ignoreCase: boolean): RegExp | undefined => {
  const sources = KNOWN_FAILURES.flatMap((family) =>
    family.messages.filter((m) => m.regex.ignoreCase === ignoreCase).map((m) => m.regex.source),
  );
  if (sources.length === 0) return undefined;
  const atWord = sources.filter((s) => s.startsWith('\\b')).map((s) => `(?:${s.slice(2)})`);
  const others = sources.filter((s) => !s.startsWith('\\b')).map((s) => `(?:${s})`);
  const alternatives = [...(atWord.length > 0 ? [`\\b(?:${atWord.join('|')})`] : []), ...others];
  return new RegExp(alternatives.join('|'), ignoreCase ? 'i' : '');
};
const ANY_CASE_SENSITIVE = combined(false);
const ANY_IGNORING_CASE = combined(true);

/** Whether a text says a failure of any known family. */
export function saysKnownFailure(text: string): boolean {
  return (ANY_CASE_SENSITIVE?.test(text) ?? false) || (ANY_IGNORING_CASE?.test(text) ?? false);
}
