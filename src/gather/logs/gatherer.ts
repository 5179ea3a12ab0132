import { stat } from 'node:fs/promises';
import { InputError } from '../../core/problem.js';
import type { SourcePointer } from '../../core/source-pointer.js';
import type { SourceErrorCode } from '../../core/vocabulary.js';
import { readLogLines } from '../../logs/read-lines.js';
import { GatherError, type Gatherer } from '../gatherer.js';
import { type AccumulatorOptions, LogsAccumulator } from './accumulate.js';
import { type AssemblyProblems, RecordAssembler, type SyntaxCounts } from './assemble.js';
import type { LogsData, LogsFormat } from './data.js';
import { readHead, readWhole } from './file-input.js';
import { lokiEntriesToData } from './loki-data.js';
import { looksLikeLokiResponse, parseLokiResponse } from './loki-response.js';
import type { TimeContext, TimeFlags } from './timestamp.js';

// The logs file gatherer: recognizes the format from the content (JSON lines, logfmt, plain text
// with a timestamp prefix, or an exported Loki query_range response), streams the lines once and
// returns the templates with their counts per time bucket. Files are only read.

export interface LogsFileGatherOptions {
  /** Fail the source when a line could not be read as its format says, instead of counting it. */
  strict?: boolean;
  /** Bucket width in ms to start from; widened when the log is too long for it. */
  bucketMs?: number;
  /**
   * Year of the log's records for formats that write none (BSD syslog, klog). By default the
   * year of the file's modification time, which is when its last record was written.
   */
  year?: number;
  /**
   * For formats without a year: a time (ms) at or after the log's last records, such as the end of
   * the window being analyzed. Used when `year` is not set, instead of the file's modification
   * time, which a copied or extracted file no longer keeps.
   */
  lastRecordBefore?: number;
}

/** Exported Loki responses are parsed whole; larger ones are refused rather than exhausting memory. */
export const MAX_LOKI_FILE_BYTES = 256 * 1024 * 1024;

export function logsFileGatherer(options: LogsFileGatherOptions = {}): Gatherer<'logs'> {
  return {
    kind: 'logs',
    name: 'logs',
    async gather(source: SourcePointer): Promise<LogsData> {
      if (source.type !== 'file')
        throw new GatherError(
          'unsupported-format',
          'this gatherer reads log files; use the Loki gatherer for a server',
        );
      const path = source.path;
      try {
        const context = await timeContext(path, options);
        const head = await readHead(path, 64 * 1024);
        if (head.trim().length === 0) throw new GatherError('parse-error', `${path}: the file is empty`);
        const accumulatorOptions: AccumulatorOptions = options.bucketMs ? { bucketMs: options.bucketMs } : {};
        if (looksLikeLokiResponse(head)) {
          const text = await readWhole(path, MAX_LOKI_FILE_BYTES);
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch (error) {
            throw new GatherError(
              'parse-error',
              `${path}: looks like a Loki response but is not valid JSON (${(error as Error).message})`,
            );
          }
          const page = parseLokiResponse(body, path);
          const notes = page.warnings.map((w) => `Loki warning: ${w}`);
          return lokiEntriesToData(page.entries, accumulatorOptions, notes);
        }
        return await readTextLog(path, context, accumulatorOptions, options.strict === true);
      } catch (error) {
        if (error instanceof InputError) throw new GatherError(readErrorCode(error.message), error.message);
        throw error;
      }
    },
  };
}

async function readTextLog(
  path: string,
  context: NamedTimeContext,
  accumulatorOptions: AccumulatorOptions,
  strict: boolean,
): Promise<LogsData> {
  const accumulator = new LogsAccumulator(accumulatorOptions);
  const assembler = new RecordAssembler(context, (record) => accumulator.add(record));
  const lines = await readLogLines(path, {
    line: (text, lineNumber) => assembler.line(text, lineNumber),
    truncated: (lineNumber) =>
      assembler.problem(lineNumber, 'line longer than 64 K characters; only its start was read'),
  });
  assembler.flush();
  const problems = assembler.problems;
  if (strict && problems.badJsonCount + problems.otherCount > 0) {
    throw new GatherError('parse-error', `${path}: ${problemSummary(problems)} (--strict)`);
  }
  if (accumulator.records === 0)
    throw new GatherError('parse-error', `${path}: no log records (only blank lines)`);
  const format = formatOf(assembler.syntax);
  const notes = [...syntaxNotes(assembler.syntax, format), ...timeNotes(assembler.flags, context)];
  if (problems.badJsonCount + problems.otherCount > 0) notes.push(problemSummary(problems));
  return accumulator.finish(format, lines, notes);
}

function formatOf(syntax: SyntaxCounts): LogsFormat {
  if (syntax.json >= syntax.logfmt && syntax.json >= syntax.text) return 'json-lines';
  if (syntax.logfmt >= syntax.text) return 'logfmt';
  return 'text';
}

function syntaxNotes(syntax: SyntaxCounts, format: LogsFormat): string[] {
  const kinds = (['json', 'logfmt', 'text'] as const).filter((k) => syntax[k] > 0);
  if (kinds.length < 2) return [];
  const counts = kinds.map((k) => `${syntax[k]} ${k === 'json' ? 'JSON' : k}`).join(', ');
  return [
    `records in several formats (${counts}); each was read as its own format, the log is reported as ${format}`,
  ];
}

function timeNotes(flags: TimeFlags, context: NamedTimeContext): string[] {
  const notes: string[] = [];
  if (flags.inferredYear) {
    notes.push(
      `times without a year (syslog, klog) were placed in ${context.referenceYear}, the year of ${context.referenceName}, and months after its month in the year before`,
    );
  }
  if (flags.noZone) notes.push('times without a time zone were read as UTC');
  return notes;
}

function problemSummary(problems: AssemblyProblems): string {
  const parts: string[] = [];
  if (problems.badJsonCount > 0) {
    parts.push(
      `${problems.badJsonCount} line(s) start with "{" but are not a JSON object (line ${problems.badJson.join(', ')}${problems.badJsonCount > problems.badJson.length ? ', ...' : ''}); they were read as text`,
    );
  }
  if (problems.otherCount > 0) {
    const listed = problems.other.map((p) => `line ${p.line}: ${p.message}`).join('; ');
    parts.push(
      `${problems.otherCount} problem(s): ${listed}${problems.otherCount > problems.other.length ? '; ...' : ''}`,
    );
  }
  return parts.join('; ');
}

/** The reference time of year-less formats, and what it was taken from (for the note). */
type NamedTimeContext = TimeContext & { referenceName: string };

async function timeContext(
  path: string,
  { year, lastRecordBefore }: LogsFileGatherOptions,
): Promise<NamedTimeContext> {
  if (year !== undefined)
    return { referenceYear: year, referenceMonth: 11, referenceName: 'the option given' };
  if (lastRecordBefore !== undefined) {
    const end = new Date(lastRecordBefore);
    return {
      referenceYear: end.getUTCFullYear(),
      referenceMonth: end.getUTCMonth(),
      referenceName: 'the end of the analysis window',
    };
  }
  let modified: Date;
  try {
    modified = (await stat(path)).mtime;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new InputError(`cannot read ${path}: ${reason}`);
  }
  return {
    referenceYear: modified.getUTCFullYear(),
    referenceMonth: modified.getUTCMonth(),
    referenceName: "the file's last write",
  };
}

function readErrorCode(message: string): SourceErrorCode {
  if (/no such file/.test(message)) return 'not-found';
  if (/permission denied|is a folder|input\/output/.test(message)) return 'unreadable';
  if (/binary data/.test(message)) return 'unsupported-format';
  return 'parse-error';
}
