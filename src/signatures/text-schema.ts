import { z } from 'zod';
import { unsafePatternReason } from '../core/safe-pattern.js';
import { TOOL_NAMES } from '../core/vocabulary.js';
import { KNOWN_FAILURES } from '../logs/known-failures.js';

// The text way of a signature: how a scenario is recognized from failure output (evidence kind
// `tool-output`) by the lines that explain the failure. Patterns are data in scenario.yaml and
// are checked when the catalog loads, so that no pattern can make matching slower than linear in
// the text: repetition is bounded, groups are not repeated, and there are no backreferences or
// lookarounds (the constructs that make a backtracking engine explode).

/** Lines of context a signature may cite around its hit: what the failure chunks keep (see gather). */
export const MAX_CONTEXT_BEFORE = 3;
export const MAX_CONTEXT_AFTER = 20;

const text = z.string().trim().min(1, 'expected a non-empty string');

const FAMILY_IDS = KNOWN_FAILURES.map((family) => family.id) as [string, ...string[]];

export const TextPatternSchema = z
  .strictObject({
    pattern: z
      .string()
      .min(1)
      .optional()
      .describe(
        'A regular expression matched against each line of the failure output, with ANSI colours and CI timestamps removed; ^ and $ anchor at the line. Bounded repetition only ({1,80}, not + or *), no repeated groups, no backreferences or lookarounds',
      ),
    family: z
      .enum(FAMILY_IDS)
      .optional()
      .describe(
        'Instead of a pattern: a known failure family (the messages real software writes for it, shared with log analysis; `faultline catalog signals` lists them as logs.known.<family>); a line hits when any of its messages does',
      ),
    ignoreCase: z.boolean().default(false),
    weight: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe(
        'match: how specific the line is to this scenario (1 an exact error code, 0.3 a generic failure line; 0.6 by default); support/against: how much it moves confidence',
      ),
    reason: text.describe('What the line shows, shown with the finding'),
  })
  .superRefine((value, ctx) => {
    if ((value.pattern === undefined) === (value.family === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'expected either a pattern or a family, not both or neither' });
      return;
    }
    if (value.family !== undefined && value.ignoreCase)
      ctx.addIssue({
        code: 'custom',
        message: 'ignoreCase applies to a pattern, not to a family',
        path: ['ignoreCase'],
      });
    const reason = value.pattern === undefined ? undefined : unsafePatternReason(value.pattern);
    if (reason) ctx.addIssue({ code: 'custom', message: `unsafe pattern: ${reason}`, path: ['pattern'] });
  });
export type TextPattern = z.infer<typeof TextPatternSchema>;

/** How a pattern of a text way reads in the catalog's pages: its expression, or the family it names. */
export function describeTextPattern(pattern: TextPattern): string {
  return pattern.family !== undefined
    ? `known failure family ${pattern.family}`
    : (pattern.pattern as string);
}

export const TextSignatureSchema = z
  .strictObject({
    tools: z
      .array(z.enum(TOOL_NAMES))
      .default([])
      .describe('Judge only output in which one of these tools was recognized; any output when empty'),
    match: z
      .array(TextPatternSchema)
      .min(1, 'expected at least one pattern')
      .describe('All must hit lines of one failure chunk (the error line and the lines around it)'),
    keywords: z
      .array(text)
      .default([])
      .describe('Words that must all appear in that chunk (case-insensitive), e.g. a resource type'),
    support: z
      .array(TextPatternSchema)
      .default([])
      .describe('Lines anywhere in the failure chunks that raise confidence'),
    against: z
      .array(TextPatternSchema)
      .default([])
      .describe('Lines anywhere in the failure chunks that point elsewhere and lower confidence'),
    notice: z
      .boolean()
      .default(false)
      .describe(
        'The way recognizes a notice the tool prints in output that may end in success (Terraform\'s "Note: Objects have changed outside of Terraform"). In output that ended in success it is judged only on chunks that hold one of the notices the reader knows, and matches there; every other way never matches output that ended in success',
      ),
    context: z
      .strictObject({
        before: z.int().min(0).max(MAX_CONTEXT_BEFORE).default(0),
        after: z.int().min(0).max(MAX_CONTEXT_AFTER).default(2),
      })
      .default({ before: 0, after: 2 })
      .describe('Lines before and after the first hit that are cited as evidence'),
  })
  .describe('How the scenario is recognized from failure output: lines that explain the failure');
export type TextSignature = z.infer<typeof TextSignatureSchema>;
