import { z } from 'zod';
import { EVIDENCE_KIND_NAMES } from '../core/vocabulary.js';

// The declarative signature of a scenario, written in its scenario.yaml: which signals, in which
// combination, make the scenario likely, which raise confidence and which rule it out. Users add
// recognizable scenarios with this block alone, without writing code.

const text = z.string().trim().min(1, 'expected a non-empty string');

export const ConditionSchema = z
  .strictObject({
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
    weight: z.number().min(0).max(1).optional().describe('How much the condition moves confidence'),
    reason: text.describe('Why this signal matters for the scenario, shown with the finding'),
  })
  .superRefine((condition, ctx) => {
    const bounds = [condition.above, condition.below].filter((v) => v !== undefined).length;
    if (condition.equals !== undefined && bounds > 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'use either equals or above/below, not both',
        path: ['equals'],
      });
    }
    if (condition.equals === undefined && bounds === 0) {
      ctx.addIssue({ code: 'custom', message: 'expected one of above, below or equals', path: ['signal'] });
    }
    if (
      condition.above !== undefined &&
      condition.below !== undefined &&
      condition.above >= condition.below
    ) {
      ctx.addIssue({ code: 'custom', message: 'above must be less than below for a range', path: ['below'] });
    }
  });
export type Condition = z.infer<typeof ConditionSchema>;

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
      .min(1, 'expected at least one condition')
      .describe('All must hold for a match'),
    support: z.array(ConditionSchema).default([]).describe('Each that holds raises confidence'),
    against: z
      .array(ConditionSchema)
      .default([])
      .describe('Each that holds lowers confidence: it points elsewhere'),
    confirmWith: z
      .array(z.strictObject({ evidence: z.enum(EVIDENCE_KIND_NAMES), what: text }))
      .default([])
      .describe('Evidence that would confirm or rule out a match the signals cannot decide alone'),
    minConfidence: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('A match whose confidence, after against conditions, stays below this is not reported'),
  })
  .describe('How the scenario is recognized from signals');
export type SignatureSpec = z.infer<typeof SignatureSpecSchema>;
