import { normalizeLevel } from '../../logs/line-prefix.js';
import { RecordSplitter } from '../../logs/records.js';
import type { LogRecordInput } from './accumulate.js';
import { logLevel } from './levels.js';
import { fieldTime, lineTime, type TimeContext, type TimeFlags } from './timestamp.js';

// Physical lines to log records: the splitter decides where a record starts (stack traces and
// wrapped lines stay with it), the record's time comes from its structured time field or its text
// prefix, and the last exception line of its stack trace is kept as its root cause. A record is
// handed on when the next one starts, because its cause comes after its first line.

/** Exception lines in a trace: Java (`Caused by: a.b.FooException: ...`), Python (`OSError: ...`). */
const CAUSE =
  /^(?:Caused by: |Suppressed: )?(?:[A-Za-z_$][\w$]*\.)*[A-Z][\w$]*(?:Error|Exception|Throwable|Failure|Timeout)(?::\s.*)?$/;
/** Cause lines are mined; past this length the rest is data, not words of the message. */
const MAX_CAUSE_CHARS = 2000;
/**
 * A container runtime's log line as the kubelet stores it (CRI): `<RFC 3339 time> stdout F <line>`.
 * The prefix is the runtime's; the application's own line follows.
 */
const CRI_PREFIX =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})) (?:stdout|stderr) [FP] /;

export interface SyntaxCounts {
  json: number;
  logfmt: number;
  text: number;
}

export interface AssemblyProblems {
  /** Lines that start with `{` but are not a JSON object, in a log of JSON lines. */
  badJson: number[];
  badJsonCount: number;
  /** Other problems, with their line: JSON objects without a message field, cut lines. */
  other: Array<{ line: number; message: string }>;
  otherCount: number;
}

const MAX_PROBLEM_LINES = 10;

export class RecordAssembler {
  readonly #splitter = new RecordSplitter();
  readonly syntax: SyntaxCounts = { json: 0, logfmt: 0, text: 0 };
  readonly problems: AssemblyProblems = { badJson: [], badJsonCount: 0, other: [], otherCount: 0 };
  readonly flags: TimeFlags = {};
  #pending: LogRecordInput | undefined;

  constructor(
    private readonly context: TimeContext,
    private readonly emit: (record: LogRecordInput) => void,
  ) {}

  line(raw: string, lineNumber: number): void {
    let text = raw;
    let criTime: number | undefined;
    const cri = CRI_PREFIX.exec(raw);
    if (cri) {
      text = raw.slice(cri[0].length);
      criTime = fieldTime(cri[1] as string, this.context, this.flags);
    }
    const kind = this.#splitter.next(text);
    if (kind.kind === 'continuation') {
      if (this.#pending && CAUSE.test(text)) {
        const cause = text.replace(/^(?:Caused by|Suppressed): /, '');
        this.#pending.cause = clip(cause);
      }
      return;
    }
    this.flush();
    this.syntax[kind.syntax]++;
    if (kind.syntax === 'text' && text.charCodeAt(0) === 123 /* { */) {
      this.problems.badJsonCount++;
      if (this.problems.badJson.length < MAX_PROBLEM_LINES) this.problems.badJson.push(lineNumber);
    }
    if ('problem' in kind) this.problem(lineNumber, kind.problem);
    const time =
      kind.time !== undefined
        ? fieldTime(kind.time, this.context, this.flags)
        : kind.syntax === 'text'
          ? lineTime(text, this.context, this.flags)
          : undefined;
    const record: LogRecordInput = {
      line: lineNumber,
      message: kind.record.message,
      level: logLevel(kind.record.level),
    };
    const at = time ?? criTime;
    if (at !== undefined) record.time = at;
    if (kind.error !== undefined) record.cause = clip(kind.error);
    this.#pending = record;
  }

  problem(line: number, message: string): void {
    this.problems.otherCount++;
    if (this.problems.other.length < MAX_PROBLEM_LINES) this.problems.other.push({ line, message });
  }

  /** Hands on the record being assembled; call once more at the end of the input. */
  flush(): void {
    if (this.#pending) this.emit(this.#pending);
    this.#pending = undefined;
  }
}

/**
 * The record of one Loki entry: its first line is the statement, the rest its stack trace. Its
 * level is the line's own, else the stream's level label.
 */
export function entryRecord(
  text: string,
  position: number,
  timeMs: number,
  labelLevel: string | undefined,
): LogRecordInput {
  const lines = text.split('\n');
  const splitter = new RecordSplitter();
  const first = splitter.next((lines[0] ?? '').replace(/\r$/, ''));
  const start = first.kind === 'start' ? first : undefined;
  // The line's own level is the statement's; a stream label may be a static default of the agent.
  const own = start?.record.level;
  const level = logLevel(own ?? (labelLevel !== undefined ? normalizeLevel(labelLevel) : undefined));
  const record: LogRecordInput = {
    line: position,
    message: start?.record.message ?? text,
    level,
    time: timeMs,
  };
  if (start?.error !== undefined) record.cause = clip(start.error);
  for (const line of lines.slice(1)) {
    const trimmed = line.replace(/\r$/, '');
    if (CAUSE.test(trimmed)) record.cause = clip(trimmed.replace(/^(?:Caused by|Suppressed): /, ''));
  }
  return record;
}

function clip(text: string): string {
  return text.length > MAX_CAUSE_CHARS ? text.slice(0, MAX_CAUSE_CHARS) : text;
}
