import { z } from 'zod';
import { SourcePointerSchema, TimeRangeSchema } from '../core/source-pointer.js';
import {
  CATEGORY_NAMES,
  EVIDENCE_KIND_NAMES,
  FINDING_STATUS_NAMES,
  SEVERITY_NAMES,
  SOURCE_ERROR_CODE_NAMES,
  VERDICT_NAMES,
} from '../core/vocabulary.js';
import { SignalValueSchema } from '../signals/signal.js';
import { LoadTestSummarySchema } from './load-test-summary.js';

// The diagnosis result: the one serializable object every renderer reads. Its JSON form is the
// canonical output of Faultline; schemas/diagnosis-result.v1.schema.json is generated from here.

export const DIAGNOSIS_SCHEMA_VERSION = '1.0.0';
export const DIAGNOSIS_SCHEMA_ID = 'urn:faultline:schema:diagnosis-result:v1';

const isoTime = z.iso.datetime({ offset: true });

const DataValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const EvidenceItemSchema = z
  .strictObject({
    messageId: z
      .string()
      .regex(/^[a-z][a-zA-Z0-9]*(?:[.-][a-zA-Z0-9]+)*$/)
      .describe('Stable id of the message template, e.g. latency.p99.rose'),
    message: z.string().min(1).describe('The message with its placeholders filled from data'),
    data: z.record(z.string(), DataValueSchema).describe('The values the message was filled with'),
    expected: z.string().optional().describe('What healthy behaviour looks like, e.g. the baseline'),
    observed: z.string().optional().describe('What the evidence shows'),
    at: isoTime.optional().describe('When the behaviour this evidence shows started'),
    source: SourcePointerSchema,
  })
  .describe('One piece of evidence behind a finding');
export type EvidenceItem = z.infer<typeof EvidenceItemSchema>;

export const SignalContributionSchema = z
  .strictObject({
    signal: z.string().min(1),
    subject: z.string().optional(),
    value: SignalValueSchema,
    weight: z
      .number()
      .describe('How much this signal moved the confidence (positive raises, negative lowers)'),
    reason: z.string().min(1),
  })
  .describe('A signal that raised or lowered the confidence of a finding');
export type SignalContribution = z.infer<typeof SignalContributionSchema>;

export const CheckSchema = z.strictObject({
  description: z.string().min(1),
  command: z.string().optional(),
});

export const FindingSchema = z
  .strictObject({
    rank: z.int().positive(),
    scenarioId: z.string().min(1),
    title: z.string().min(1),
    category: z.enum(CATEGORY_NAMES),
    severity: z.enum(SEVERITY_NAMES),
    status: z.enum(FINDING_STATUS_NAMES),
    confidence: z.number().min(0).max(1),
    onset: isoTime.optional(),
    end: isoTime.optional(),
    subjects: z.array(z.string()).describe('Affected endpoints, services or objects'),
    evidence: z.array(EvidenceItemSchema),
    raisedBy: z.array(SignalContributionSchema),
    loweredBy: z.array(SignalContributionSchema),
    missingEvidence: z
      .array(z.enum(EVIDENCE_KIND_NAMES))
      .describe('Evidence kinds that would decide this finding'),
    confirmWith: z
      .array(z.strictObject({ evidence: z.enum(EVIDENCE_KIND_NAMES), what: z.string().min(1) }))
      .optional()
      .describe('What further evidence would confirm or rule out this finding'),
    insufficientReason: z
      .string()
      .optional()
      .describe('Why the finding could not be judged although its evidence kind was present'),
    checks: z.array(CheckSchema).describe('Diagnostics from the catalog'),
    remediation: z.array(z.string()),
  })
  .describe('One scenario as judged against the evidence');
export type Finding = z.infer<typeof FindingSchema>;

export const InputSchema = z.strictObject({
  kind: z.enum(EVIDENCE_KIND_NAMES),
  source: SourcePointerSchema,
  status: z
    .enum(['loaded', 'partial', 'failed'])
    .describe('partial: some data was read and used, the rest is missing for the reason in error'),
  error: z.strictObject({ code: z.enum(SOURCE_ERROR_CODE_NAMES), message: z.string() }).optional(),
});

export const RunErrorSchema = z
  .strictObject({
    scenarioId: z.string().optional(),
    stage: z.enum(['gather', 'signals', 'signatures', 'diagnosis']),
    message: z.string().min(1),
  })
  .describe('A unit that failed; the run went on without it');

export const TimelineEntrySchema = z
  .strictObject({
    at: isoTime,
    scenarioId: z.string().min(1).describe('The matched finding this evidence backs'),
    evidence: z.enum(EVIDENCE_KIND_NAMES).optional().describe('The kind of evidence that showed it'),
    messageId: z.string().min(1),
    subject: z.string().optional(),
    message: z.string().min(1),
  })
  .describe('One onset in the order things started going wrong');
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

export const DiagnosisResultSchema = z
  .strictObject({
    schemaVersion: z.literal(DIAGNOSIS_SCHEMA_VERSION),
    tool: z.strictObject({ name: z.literal('faultline'), version: z.string() }),
    generatedAt: isoTime,
    window: TimeRangeSchema.optional(),
    verdict: z.enum(VERDICT_NAMES),
    inputs: z.array(InputSchema),
    findings: z.array(FindingSchema).describe('Ranked: matched first by confidence, then the rest'),
    timeline: z
      .array(TimelineEntrySchema)
      .optional()
      .describe(
        'Onsets of the evidence behind matched findings, earliest first: the chain from cause to symptoms',
      ),
    errors: z.array(RunErrorSchema),
    loadTest: LoadTestSummarySchema.optional(),
  })
  .meta({ title: 'Faultline diagnosis result' });
export type DiagnosisResult = z.infer<typeof DiagnosisResultSchema>;
