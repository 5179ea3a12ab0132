import { maskSecrets } from '../../core/mask.js';
import type { Tool } from '../../core/vocabulary.js';
import { MAX_CONTEXT_AFTER, MAX_CONTEXT_BEFORE } from '../../signatures/text-schema.js';
import type { FailureChunk, Outcome, OutputLine, ToolOutputData } from './data.js';
import { isErrorLine, isFailureMarker, isNoticeLine, isSuccessMarker, toolsOfLine } from './lines.js';

// Folds the lines of one output into failure chunks, keeping memory bounded whatever the size of
// the output: a few lines before each error line, the lines after it, and at most a fixed number
// of chunks (the first ones and the last ones; a failure is explained at its start or its end).

/** Lines kept after the last error line of a chunk: what a text signature may cite after its hit. */
const CONTEXT_AFTER = MAX_CONTEXT_AFTER;
const CONTEXT_BEFORE = MAX_CONTEXT_BEFORE;
/**
 * Lines of one chunk. A Terraform diagnostic with its source excerpt, a BuildKit error with the
 * failing command's output, or a stack trace's head fits in 80 lines; past that a new error line
 * starts a new chunk.
 */
const MAX_CHUNK_LINES = 80;
/** Chunks kept from the start of the output: the first failure often causes the rest. */
const FIRST_CHUNKS = 20;
/** Chunks kept from the end: CI jobs end with the error that failed them. */
const LAST_CHUNKS = 60;

function masked(line: OutputLine): OutputLine {
  return { line: line.line, text: maskSecrets(line.text) };
}

export class ChunkCollector {
  readonly #before: OutputLine[] = [];
  #open: { chunk: FailureChunk; afterLeft: number } | undefined;
  readonly #first: FailureChunk[] = [];
  readonly #last: FailureChunk[] = [];
  #dropped = 0;
  readonly #toolLines = new Map<Tool, number>();
  #lines = 0;
  #errorLines = 0;
  #lastFailure: number | undefined;
  #lastSuccess: number | undefined;
  #decided: { outcome: Outcome; line: number } | undefined;

  /** One line of output (already cleaned); structured readers may give several texts one line number. */
  add(lineNumber: number, text: string, options: { error?: boolean; tool?: Tool } = {}): void {
    this.#lines = Math.max(this.#lines, lineNumber);
    if (text.trim() === '' && !this.#open) {
      this.#before.length = 0;
      return;
    }
    const tools = options.tool ? [options.tool] : toolsOfLine(text);
    for (const tool of tools) this.#toolLines.set(tool, (this.#toolLines.get(tool) ?? 0) + 1);
    if (isFailureMarker(text)) this.#lastFailure = lineNumber;
    else if (isSuccessMarker(text)) this.#lastSuccess = lineNumber;
    const error = options.error ?? isErrorLine(text);
    // A notice opens or extends a chunk as an error line does (it need not be counted as one).
    const notice = isNoticeLine(text);
    // Lines are masked when a chunk keeps them: most lines of a long output are never kept.
    const line: OutputLine = { line: lineNumber, text };
    if (error) this.#errorLines++;
    const open = this.#open;
    const opens = error || notice;
    if (open && (opens || open.afterLeft > 0) && open.chunk.lines.length < MAX_CHUNK_LINES) {
      open.chunk.lines.push(masked(line));
      if (notice) open.chunk.notice = true;
      open.afterLeft = opens ? CONTEXT_AFTER : open.afterLeft - 1;
      return;
    }
    if (open) this.#close();
    if (opens) {
      const tool = tools[0];
      this.#open = {
        chunk: {
          errorLine: lineNumber,
          ...(tool ? { tool } : {}),
          lines: [...this.#before, line].map(masked),
          ...(notice ? { notice: true as const } : {}),
        },
        afterLeft: CONTEXT_AFTER,
      };
      this.#before.length = 0;
      return;
    }
    this.#before.push(line);
    if (this.#before.length > CONTEXT_BEFORE) this.#before.shift();
  }

  /** Structured inputs know their outcome from their own fields (a stack's final status). */
  decide(outcome: Outcome, line: number): void {
    if (!this.#decided) this.#decided = { outcome, line };
  }

  #close(): void {
    const open = this.#open;
    if (!open) return;
    this.#open = undefined;
    // Trailing blank lines say nothing.
    while (open.chunk.lines.length > 1 && open.chunk.lines[open.chunk.lines.length - 1]?.text.trim() === '')
      open.chunk.lines.pop();
    if (this.#first.length < FIRST_CHUNKS) {
      this.#first.push(open.chunk);
      return;
    }
    this.#last.push(open.chunk);
    if (this.#last.length > LAST_CHUNKS) {
      this.#last.shift();
      this.#dropped++;
    }
  }

  finish(format: ToolOutputData['format']): ToolOutputData {
    this.#close();
    const tools = [...this.#toolLines.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([tool]) => tool);
    const { outcome, line } = this.#decided ?? this.#outcome();
    return {
      format,
      tools,
      outcome,
      ...(line !== undefined ? { outcomeLine: line } : {}),
      lines: this.#lines,
      errorLines: this.#errorLines,
      chunks: [...this.#first, ...this.#last],
      droppedChunks: this.#dropped,
    };
  }

  #outcome(): { outcome: Outcome; line?: number } {
    const failure = this.#lastFailure;
    const success = this.#lastSuccess;
    if (failure !== undefined && (success === undefined || failure > success))
      return { outcome: 'failed', line: failure };
    if (success !== undefined) return { outcome: 'succeeded', line: success };
    return { outcome: 'unknown' };
  }
}
