import { z } from 'zod';

// Where a piece of evidence came from, precise enough for a reader to go and look.

const isoTime = z.iso.datetime({ offset: true }).describe('ISO 8601 timestamp');

export const TimeRangeSchema = z
  .strictObject({ start: isoTime, end: isoTime })
  .describe('A closed time interval');
export type TimeRange = z.infer<typeof TimeRangeSchema>;

export const SourcePointerSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('file'),
      path: z.string().min(1).describe('Path as the user gave it, never made absolute'),
      line: z.int().positive().optional(),
      endLine: z.int().positive().optional(),
      column: z.int().positive().optional(),
    }),
    z.strictObject({
      type: z.literal('query'),
      language: z.enum(['promql', 'logql', 'traceql', 'elasticsearch', 'http']),
      query: z.string().min(1),
      server: z.string().optional().describe('Server URL without credentials'),
      range: TimeRangeSchema.optional(),
    }),
    z.strictObject({
      type: z.literal('trace'),
      traceId: z.string().min(1),
      spanId: z.string().optional(),
      path: z.string().optional(),
    }),
    z.strictObject({
      type: z.literal('object'),
      kind: z.string().min(1).describe('Kubernetes or cloud object kind'),
      namespace: z.string().optional(),
      name: z.string().min(1),
      path: z.string().optional(),
    }),
    z.strictObject({
      type: z.literal('time-range'),
      range: TimeRangeSchema,
      path: z.string().optional(),
    }),
  ])
  .describe('Where a piece of evidence was found');
export type SourcePointer = z.infer<typeof SourcePointerSchema>;
