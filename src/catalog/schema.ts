import { z } from 'zod';
import {
  CATEGORY_NAMES,
  EVIDENCE_KIND_NAMES,
  type EvidenceKind,
  RECOGNITION_KIND_NAMES,
  RECOGNITION_KINDS,
  type RecognitionKind,
  SEVERITY_NAMES,
} from '../core/vocabulary.js';
import { SignatureSchema } from '../signatures/schema.js';

// The schema of one scenario file (scenario.yaml). Built-in and user scenarios share it.

export const SCENARIO_FILE = 'scenario.yaml';
export const CATALOG_SCHEMA_ID = 'urn:faultline:schema:scenario:v1';

/** Kebab-case noun naming the failing state; equal to the scenario's folder name. */
export const SCENARIO_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const text = z.string().trim().min(1, 'expected a non-empty string');

function uniqueList<T extends z.ZodType<string>>(item: T) {
  return z.array(item).superRefine((values, ctx) => {
    const seen = new Set<string>();
    values.forEach((value, index) => {
      if (seen.has(value))
        ctx.addIssue({ code: 'custom', message: `duplicate entry "${value}"`, path: [index] });
      seen.add(value);
    });
  });
}

export const DiagnosticSchema = z.strictObject({
  description: text.describe('What the check tells you'),
  command: text.optional().describe('A real command to run'),
});

export const ReferenceSchema = z.strictObject({
  title: text,
  url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
});

export const SeedSourceSchema = z.strictObject({
  seed: text.describe('File name of the seed document'),
  item: text.describe('The item text exactly as in the seed document'),
  section: text
    .optional()
    .describe('Heading of the item, needed only where the item text repeats in its seed'),
});

/** The fields of a scenario; ScenarioSchema adds the checks that span fields. */
export const ScenarioShape = z.strictObject({
  id: z.string().regex(SCENARIO_ID_PATTERN, 'expected a kebab-case id such as "connection-pool-exhaustion"'),
  title: text,
  aliases: uniqueList(text).default([]),
  category: z.enum(CATEGORY_NAMES),
  severity: z.enum(SEVERITY_NAMES),
  summary: text,
  recognizedFrom: uniqueList(z.enum(RECOGNITION_KIND_NAMES)).min(
    1,
    'expected at least one way of recognition',
  ),
  evidence: uniqueList(z.enum(EVIDENCE_KIND_NAMES)).default([]),
  symptoms: z.array(text).min(1, 'expected at least one symptom'),
  rootCauses: z.array(text).min(1, 'expected at least one root cause'),
  diagnostics: z.array(DiagnosticSchema).min(1, 'expected at least one diagnostic'),
  remediation: z.array(text).min(1, 'expected at least one remediation step'),
  prevention: z.array(text).default([]),
  references: z.array(ReferenceSchema).default([]),
  related: uniqueList(z.string().regex(SCENARIO_ID_PATTERN, 'expected a scenario id')).default([]),
  sources: z.array(SeedSourceSchema).default([]),
  signature: SignatureSchema.optional(),
});

export const ScenarioSchema = ScenarioShape.superRefine((scenario, ctx) => {
  for (const problem of recognitionProblems(scenario.recognizedFrom, scenario.evidence)) {
    ctx.addIssue({ code: 'custom', message: problem.message, path: [problem.field] });
  }
}).meta({ title: 'Faultline scenario' });

export type Scenario = z.infer<typeof ScenarioSchema>;

/**
 * The ways of recognition and the evidence kinds must agree: each way (but review) needs one of
 * its evidence kinds, each evidence kind must serve a declared way, and a review-only scenario
 * needs no evidence at all.
 */
export function recognitionProblems(
  recognizedFrom: readonly RecognitionKind[],
  evidence: readonly EvidenceKind[],
): Array<{ field: 'recognizedFrom' | 'evidence'; message: string }> {
  const problems: Array<{ field: 'recognizedFrom' | 'evidence'; message: string }> = [];
  for (const way of recognizedFrom) {
    const carriers: readonly EvidenceKind[] = RECOGNITION_KINDS[way].evidence;
    if (carriers.length > 0 && !carriers.some((kind) => evidence.includes(kind))) {
      problems.push({
        field: 'evidence',
        message: `recognition from ${way} needs one of these evidence kinds: ${carriers.join(', ')}`,
      });
    }
  }
  for (const kind of evidence) {
    const served = recognizedFrom.some((way) =>
      (RECOGNITION_KINDS[way].evidence as readonly string[]).includes(kind),
    );
    if (!served) {
      problems.push({
        field: 'evidence',
        message: `evidence kind "${kind}" serves none of the declared ways of recognition (${recognizedFrom.join(', ')})`,
      });
    }
  }
  return problems;
}

/** True when the scenario can only be found by reviewing practices, not from any evidence. */
export function isReviewOnly(scenario: Pick<Scenario, 'recognizedFrom'>): boolean {
  return scenario.recognizedFrom.every((way) => way === 'review');
}
