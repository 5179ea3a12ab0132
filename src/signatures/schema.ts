import { z } from 'zod';
import { EVIDENCE_KIND_NAMES } from '../core/vocabulary.js';
import { TextSignatureSchema } from './text-schema.js';

// The declarative signature of a scenario, written in its scenario.yaml: which signals, in which
// combination, make the scenario likely, which raise confidence and which rule it out. Users add
// recognizable scenarios with this block alone, without writing code.

const text = z.string().trim().min(1, 'expected a non-empty string');

const testShape = {
  signal: z.string().min(1).describe('A signal name from the signal registry, e.g. latency.p99.shift'),
  above: z.number().optional().describe('Holds when the value is greater than this'),
  below: z.number().optional().describe('Holds when the value is less than this'),
  equals: z
    .union([z.boolean(), z.number(), z.string()])
    .optional()
    .describe('Holds when the value equals this'),
  span: z
    .number()
    .positive()
    .optional()
    .describe('How far past the threshold counts as full strength; the threshold itself by default'),
};

type TestFields = { above?: number | undefined; below?: number | undefined; equals?: unknown };

function checkTest(condition: TestFields, ctx: z.RefinementCtx): void {
  const bounds = [condition.above, condition.below].filter((v) => v !== undefined).length;
  if (condition.equals !== undefined && bounds > 0) {
    ctx.addIssue({ code: 'custom', message: 'use either equals or above/below, not both', path: ['equals'] });
  }
  if (condition.equals === undefined && bounds === 0) {
    ctx.addIssue({ code: 'custom', message: 'expected one of above, below or equals', path: ['signal'] });
  }
  if (condition.above !== undefined && condition.below !== undefined && condition.above >= condition.below) {
    ctx.addIssue({ code: 'custom', message: 'above must be less than below for a range', path: ['below'] });
  }
}

/** One signal and its test, as an alternative inside anyOf. */
export const SignalTestSchema = z.strictObject(testShape).superRefine(checkTest);
export type SignalTest = z.infer<typeof SignalTestSchema>;

export const SimpleConditionSchema = z
  .strictObject({
    ...testShape,
    weight: z.number().min(0).max(1).optional().describe('How much the condition moves confidence'),
    reason: text.describe('Why this signal matters for the scenario, shown with the finding'),
  })
  .superRefine(checkTest);
export type SimpleCondition = z.infer<typeof SimpleConditionSchema>;

export const AnyOfConditionSchema = z
  .strictObject({
    anyOf: z
      .array(SignalTestSchema)
      .min(2, 'expected at least two alternatives')
      .describe('Holds when at least one of these holds; the strongest one counts'),
    weight: z.number().min(0).max(1).optional(),
    reason: text.describe('Why any of these signals matters for the scenario'),
  })
  .describe('Alternatives: different signals that show the same thing');

export const ConditionSchema = z.union([SimpleConditionSchema, AnyOfConditionSchema]);
export type Condition = z.infer<typeof ConditionSchema>;

/** The signal tests a condition consists of. */
export function leaves(condition: Condition): SignalTest[] {
  return 'anyOf' in condition ? condition.anyOf : [condition];
}

export const SignatureSpecSchema = z
  .strictObject({
    scope: z
      .enum(['run', 'endpoint'])
      .default('run')
      .describe(
        'run: judge the whole run; endpoint: judge each endpoint and the whole run, report the ones that match',
      ),
    when: z
      .array(ConditionSchema)
      .default([])
      .describe('All must hold for a match; a text way has `text` instead'),
    text: TextSignatureSchema.optional().describe(
      'A text way: recognizes the scenario from failure output (evidence kind tool-output) instead of signals',
    ),
    support: z.array(ConditionSchema).default([]).describe('Each that holds raises confidence'),
    against: z
      .array(ConditionSchema)
      .default([])
      .describe('Each that holds lowers confidence: it points elsewhere'),
    confirmWith: z
      .array(z.strictObject({ evidence: z.enum(EVIDENCE_KIND_NAMES), what: text }))
      .default([])
      .describe('Evidence that would confirm or rule out a match the signals cannot decide alone'),
    yieldsTo: z
      .array(z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'expected a scenario id'))
      .default([])
      .describe(
        'More specific scenarios that explain the same evidence better: when one of them matches, this one ranks below it',
      ),
    minConfidence: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('A match whose confidence, after against conditions, stays below this is not reported'),
  })
  .superRefine((spec, ctx) => {
    if (spec.text && (spec.when.length > 0 || spec.support.length > 0 || spec.against.length > 0)) {
      ctx.addIssue({
        code: 'custom',
        message:
          'a text way has its own match, support and against patterns; write signal conditions in another way',
        path: ['text'],
      });
    }
    if (!spec.text && spec.when.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected at least one condition (or a text way)',
        path: ['when'],
      });
    }
  })
  .describe('How the scenario is recognized from signals, or from failure text');
export type SignatureSpec = z.infer<typeof SignatureSpecSchema>;

/**
 * A scenario's signature: one or more ways to recognize it, typically one per evidence kind (a
 * memory leak from a load test's latency trend, or from the memory series themselves). The
 * scenario matches when any way matches; ways that match in different evidence kinds corroborate.
 * A single spec is accepted and read as a list of one.
 */
export const SignatureSchema = z.preprocess(
  (value) => (value !== null && typeof value === 'object' && !Array.isArray(value) ? [value] : value),
  z.array(SignatureSpecSchema).min(1, 'expected at least one way to recognize the scenario'),
);
export type SignatureWays = z.infer<typeof SignatureSchema>;

/** The test of a condition in words, e.g. "latency.p99.shift > 2.5" or "a > 1 or b < 0.5". */
export function formatTest(condition: Condition): string {
  return leaves(condition)
    .map((c) => {
      if (c.equals !== undefined) return `${c.signal} = ${c.equals}`;
      if (c.above !== undefined && c.below !== undefined)
        return `${c.signal} between ${c.above} and ${c.below}`;
      return c.above !== undefined ? `${c.signal} > ${c.above}` : `${c.signal} < ${c.below}`;
    })
    .join(' or ');
}
