import { type LineMessage, stripLinePrefix } from './line-prefix.js';
import { jsonLineRecord, logfmtRecord, MESSAGE_FIELDS } from './structured.js';

// Splitting physical lines into records. A record is a line that starts a log statement plus the
// lines that continue it: stack traces (Java, Python, Go), indented continuation text and blank
// lines. Only the first line of a record is mined; its continuation lines belong to its template.
// Decisions are made line by line with a little state (inside a Python traceback, inside a Go
// panic), so reading stays streaming.

/** How a record's first line was read; `time` is the raw value of a structured line's time field. */
export interface RecordStart {
  kind: 'start';
  record: LineMessage;
  syntax: 'json' | 'logfmt' | 'text';
  time?: string | number;
  /** The error a structured line reports in a field of its own (see ERROR_FIELDS). */
  error?: string;
}

export type LineKind =
  | RecordStart
  | { kind: 'continuation' }
  /** A start line with something worth telling the user (e.g. a JSON line without a message field). */
  | (RecordStart & { problem: string });

type StackState = 'none' | 'python' | 'go';

/** Lines that continue a record whatever the state. */
const CONTINUATION: readonly RegExp[] = [
  // Java: `Caused by: ...`, `Suppressed: ...`, `... 12 more`, `... 3 common frames omitted`
  /^(?:Caused by|Suppressed):\s/,
  /^\s*\.\.\. \d+ (?:more|common frames omitted)/,
  // Java: an exception class on its own line after the statement that logged it.
  /^(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable|Failure)(?::\s|$)/,
];
const PYTHON_TRACEBACK = /^Traceback \(most recent call last\):/;
const PYTHON_CHAINED = /^(?:During handling of the above exception|The above exception was the direct cause)/;
/** The last line of a traceback: `ValueError: message`, `requests.exceptions.Timeout: ...`, `KeyError`. */
const PYTHON_EXCEPTION_LINE = /^[A-Za-z_][\w.]*(?::\s.*|:?)$/;
const GO_GOROUTINE = /^goroutine \d+ \[[^\]]*\]:$/;
const GO_PANIC = /^(?:panic|fatal error): /;
/** Go stack lines: `main.handler(0xc000010000)`, `created by net/http.(*Server).Serve in goroutine 1`, `[signal ...`, `exit status 2`. */
const GO_FRAME = /^(?:[\w./*()-]+\(.*\)(?: in goroutine \d+)?|created by .+|\[signal .+\]|exit status \d+)$/;

export class RecordSplitter {
  private state: StackState = 'none';
  private started = false;

  /** Classifies one physical line (without its newline). */
  next(line: string): LineKind {
    if (this.started && this.continues(line)) return { kind: 'continuation' };
    this.started = true;
    this.state = GO_PANIC.test(line) ? 'go' : 'none';
    return startOf(line);
  }

  private continues(line: string): boolean {
    const first = line.charCodeAt(0);
    // Blank and indented lines: stack frames (`\tat ...`, `  File "..."`), wrapped text.
    if (Number.isNaN(first) || first === 32 || first === 9) return true;
    if (first === 123 /* { */) return false;
    if (PYTHON_TRACEBACK.test(line) || PYTHON_CHAINED.test(line)) {
      this.state = 'python';
      return true;
    }
    if (GO_GOROUTINE.test(line)) {
      this.state = 'go';
      return true;
    }
    if (this.state === 'python' && PYTHON_EXCEPTION_LINE.test(line)) {
      // The exception line ends the traceback; a chained one starts again with its own header.
      this.state = 'none';
      return true;
    }
    if (this.state === 'go' && GO_FRAME.test(line)) return true;
    for (const pattern of CONTINUATION) if (pattern.test(line)) return true;
    this.state = 'none';
    return false;
  }
}

function startOf(line: string): LineKind {
  const first = line.charCodeAt(0);
  if (first === 123 /* { */) {
    const { result: json, time, error } = jsonLineRecord(line);
    const timed = { ...(time === undefined ? {} : { time }), ...(error === undefined ? {} : { error }) };
    if (json.kind === 'message')
      return { kind: 'start', record: firstLine(json.value), syntax: 'json', ...timed };
    if (json.kind === 'no-message') {
      return {
        kind: 'start',
        record: { message: line },
        syntax: 'json',
        ...timed,
        problem: `JSON object without a message field (expected one of ${MESSAGE_FIELDS.join(', ')}; it has ${json.fields.join(', ')}); mined as text`,
      };
    }
  }
  const { result: logfmt, time, error } = logfmtRecord(line);
  if (logfmt.kind === 'message') {
    return {
      kind: 'start',
      record: firstLine(logfmt.value),
      syntax: 'logfmt',
      ...(time === undefined ? {} : { time }),
      ...(error === undefined ? {} : { error }),
    };
  }
  return { kind: 'start', record: stripLinePrefix(line), syntax: 'text' };
}

/** A structured message with a stack trace inside is mined by its first line, like a text record. */
function firstLine(record: LineMessage): LineMessage {
  const nl = record.message.indexOf('\n');
  if (nl === -1) return record;
  return { ...record, message: record.message.slice(0, nl).replace(/\r$/, '') };
}
