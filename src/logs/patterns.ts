import type { Problem } from '../core/problem.js';
import { readLogLines } from './read-lines.js';
import { RecordSplitter } from './records.js';
import { type MinedTemplate, type MinerOptions, TemplateMiner } from './template-miner.js';

// The templates of one log file: every physical line is read once, records are split off,
// the first line of each record is mined, and (when asked) each line's template id is kept.

export interface PatternOptions {
  /** Keep the template id of every line (JSON output); the only memory that grows with the file. */
  keepLines: boolean;
  miner?: MinerOptions;
}

export interface LogPatterns {
  file: string;
  lineCount: number;
  recordCount: number;
  templates: MinedTemplate[];
  /** Template id of line i + 1, when keepLines; 0 never occurs (every line has a template). */
  lineTemplateIds?: Int32Array;
  /** The first MAX_PROBLEMS problems; `problemCount` says how many there were. */
  problems: Problem[];
  problemCount: number;
}

const MAX_PROBLEMS = 20;

export async function minePatterns(file: string, options: PatternOptions): Promise<LogPatterns> {
  const miner = new TemplateMiner(options.miner);
  const splitter = new RecordSplitter();
  const ids = options.keepLines ? new GrowableIds() : undefined;
  const problems: Problem[] = [];
  let problemCount = 0;
  const problem = (line: number, message: string): void => {
    problemCount++;
    if (problems.length < MAX_PROBLEMS) problems.push({ file, line, message });
  };
  let recordCount = 0;
  let currentId = 0;
  const lineCount = await readLogLines(file, {
    line(text, lineNumber) {
      const kind = splitter.next(text);
      if (kind.kind === 'start') {
        recordCount++;
        currentId = miner.addForId(kind.record.message);
        if ('problem' in kind) problem(lineNumber, kind.problem);
      }
      ids?.push(currentId);
    },
    truncated(lineNumber) {
      problem(lineNumber, 'line longer than 64 K characters; only its start was mined');
    },
  });
  return {
    file,
    lineCount,
    recordCount,
    templates: miner.templates(),
    ...(ids ? { lineTemplateIds: ids.toArray() } : {}),
    problems,
    problemCount,
  };
}

/** An Int32Array that doubles when full: 4 bytes per line, no boxed numbers. */
class GrowableIds {
  private data = new Int32Array(1024);
  private length = 0;

  push(id: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = id;
  }

  toArray(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}
