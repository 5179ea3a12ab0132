import { z } from 'zod';

// The bundle data of one log source: never the raw lines, but the templates mined from them with
// counts per time bucket, counts by level per bucket, and one masked sample per template (with
// its line number) as evidence. Memory and bundle size depend on the number of templates (the
// miner is bounded) and buckets, not on the size of the log.

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'unknown'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOGS_FORMATS = {
  'json-lines': 'One JSON object per line (common time, level and message fields)',
  logfmt: 'key=value pairs per line',
  text: 'Plain text with a timestamp prefix in a common format (ISO 8601, syslog, Apache/nginx, log4j, Go, Python)',
  loki: 'Loki query_range result (LogQL), from a server or an exported JSON response',
} as const satisfies Record<string, string>;
export type LogsFormat = keyof typeof LOGS_FORMATS;
export const LOGS_FORMAT_NAMES = Object.keys(LOGS_FORMATS) as [LogsFormat, ...LogsFormat[]];

const bucketCounts = z
  .array(z.tuple([z.int().nonnegative(), z.number().nonnegative()]))
  .describe('[bucket index, count] pairs for non-empty buckets, ascending');

export const LogTemplateSchema = z.strictObject({
  id: z.int().positive(),
  template: z.string().describe('Message template, variables as <*>'),
  count: z.int().nonnegative(),
  level: z.enum(LOG_LEVELS).describe('Most severe level seen with this template'),
  firstLine: z.int().positive().describe('Line number of the first record with this template'),
  firstSeen: z.number().optional().describe('Time of the first record, epoch ms'),
  lastSeen: z.number().optional(),
  sample: z.string().describe("The first record's message, secrets masked, at most 500 characters"),
  buckets: bucketCounts,
});
export type LogTemplate = z.infer<typeof LogTemplateSchema>;

export const LogsDataSchema = z.strictObject({
  format: z.enum(LOGS_FORMAT_NAMES),
  lines: z.int().nonnegative(),
  records: z.int().nonnegative().describe('Log records (a stack trace belongs to the record that logged it)'),
  timed: z
    .boolean()
    .describe('True when records carry timestamps; otherwise buckets count records, not time'),
  start: z.number().optional().describe('First record time, epoch ms'),
  end: z.number().optional(),
  bucketMs: z.int().positive().describe('Bucket width; buckets start at `start`'),
  levels: z.partialRecord(z.enum(LOG_LEVELS), bucketCounts).describe('Records per level per bucket'),
  templates: z.array(LogTemplateSchema),
  causes: z
    .array(LogTemplateSchema)
    .optional()
    .describe(
      'Root causes of stack traces (the last exception or `Caused by:` line of each record that has one), mined like templates with their own ids; a failure is often named only there',
    ),
  /** Records whose template could not be kept (miner full); counted, never silently dropped. */
  untemplated: z.int().nonnegative(),
  /** Records without a readable timestamp in a timed log. */
  untimed: z.int().nonnegative(),
  notes: z.array(z.string()),
});
export type LogsData = z.infer<typeof LogsDataSchema>;

declare module '../../bundle/bundle.js' {
  interface EvidenceDataByKind {
    logs: LogsData;
  }
}
