import { z } from 'zod';
import { TOOL_NAMES } from '../../core/vocabulary.js';

// Failure output of a deployment, build or CI tool, as the bundle keeps it: which tools wrote it,
// whether it ended in success or failure, and the chunks of lines that explain a failure (an
// error line with the lines around it), each line with its number in the file. The rest of the
// output is counted, not kept, so a bundle stays small whatever the size of the log.

export const OutputLineSchema = z.strictObject({
  line: z.int().positive().describe('Line number in the file (1-based)'),
  text: z.string().describe('The line without ANSI colours and CI timestamps, secrets masked'),
});
export type OutputLine = z.infer<typeof OutputLineSchema>;

export const FailureChunkSchema = z.strictObject({
  /** Line of the first error line of the chunk. */
  errorLine: z.int().positive(),
  tool: z.enum(TOOL_NAMES).optional().describe('The tool the error line is recognized as'),
  lines: z.array(OutputLineSchema).min(1),
  notice: z
    .literal(true)
    .optional()
    .describe(
      'The chunk holds a notice (Terraform\'s "Note: Objects have changed outside of Terraform"): a problem the tool reports in output that may end in success',
    ),
});
export type FailureChunk = z.infer<typeof FailureChunkSchema>;

export const OUTCOMES = ['failed', 'succeeded', 'unknown'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const ToolOutputDataSchema = z.strictObject({
  format: z
    .enum(['text', 'terraform-json', 'cloudformation-events'])
    .describe('How the file was read: plain text, or a structured form turned into lines'),
  tools: z.array(z.enum(TOOL_NAMES)).describe('Tools recognized in the output, most lines first'),
  outcome: z
    .enum(OUTCOMES)
    .describe(
      'failed: a failure marker ends the output; succeeded: a success marker comes after the last failure marker',
    ),
  outcomeLine: z.int().positive().optional().describe('The line that decided the outcome'),
  lines: z.int().nonnegative().describe('Lines read'),
  errorLines: z.int().nonnegative().describe('Lines recognized as error lines'),
  chunks: z.array(FailureChunkSchema).describe('Failure chunks, in file order'),
  droppedChunks: z
    .int()
    .nonnegative()
    .describe('Chunks between the first and the last ones that were not kept, to bound memory'),
  encoding: z
    .enum(['utf-8', 'utf-16le', 'utf-16be'])
    .optional()
    .describe(
      'The encoding the output was read in, when not UTF-8 (UTF-16 is recognized by its byte-order mark or zero bytes)',
    ),
  undecodableLines: z
    .int()
    .positive()
    .optional()
    .describe(
      'Lines with bytes that are not valid in the encoding; they are read with those bytes replaced by U+FFFD',
    ),
  firstUndecodableLine: z.int().positive().optional().describe('The first such line'),
});
export type ToolOutputData = z.infer<typeof ToolOutputDataSchema>;

declare module '../../bundle/bundle.js' {
  interface EvidenceDataByKind {
    'tool-output': ToolOutputData;
  }
}
