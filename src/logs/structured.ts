import { type LineMessage, normalizeLevel } from './line-prefix.js';

// Messages of structured log lines: JSON objects (one per line, as Go's slog/zap/zerolog,
// logrus's JSON formatter, pino, Bunyan, ECS, CloudWatch and Docker's json-file driver write them)
// and logfmt (`time=... level=info msg="..."`, as logrus's text formatter and Go kit write it).

/** Field names that hold the message, in order of preference. */
export const MESSAGE_FIELDS = ['msg', 'message', 'log', '@message', 'MESSAGE'] as const;
/** Field names that hold the level; pino and Bunyan write a number there. */
export const LEVEL_FIELDS = [
  'level',
  'severity',
  'lvl',
  'levelname',
  'log.level',
  '@level',
  'PRIORITY',
] as const;

/**
 * Field names that hold the record's time, in order of preference: slog, zap, zerolog, logrus,
 * pino and Bunyan (`time`, `ts`), ECS and Logstash (`@timestamp`), log4j2's JSON layout
 * (`timeMillis`), MongoDB (`t`), journald (`__REALTIME_TIMESTAMP`, microseconds).
 */
export const TIME_FIELDS = [
  'time',
  'timestamp',
  '@timestamp',
  'ts',
  'timeMillis',
  't',
  'date',
  'datetime',
  'asctime',
  'time_local',
  '__REALTIME_TIMESTAMP',
] as const;

/**
 * Field names that hold the error a structured record reports, apart from its message: Go's slog
 * and zap (`error`, `err`), pino and Bunyan (`err`, an object with `message` and `stack`), ECS
 * (`error.message`), Python's JSON formatters (`exc_info`), logstash-logback (`stack_trace`).
 */
export const ERROR_FIELDS = [
  'error',
  'err',
  'error.message',
  'exception',
  'exc_info',
  'stack_trace',
] as const;

/** pino / Bunyan numeric levels. */
const NUMERIC_LEVELS: ReadonlyArray<[number, string]> = [
  [60, 'fatal'],
  [50, 'error'],
  [40, 'warn'],
  [30, 'info'],
  [20, 'debug'],
  [10, 'trace'],
];

export type StructuredResult =
  | { kind: 'message'; value: LineMessage }
  /** A JSON object without any message field; `fields` names what it had. */
  | { kind: 'no-message'; fields: string[] }
  | { kind: 'not-structured' };

const NOT_STRUCTURED: StructuredResult = { kind: 'not-structured' };

/** A structured line with the raw value of its time field, when it has one. */
export interface StructuredRecord {
  result: StructuredResult;
  /** The time field's value as written: text, a number, or MongoDB's `{ "$date": ... }`. */
  time?: string | number;
  /** The first line of the error the record reports in a field of its own. */
  error?: string;
}

/** A JSON line: an object whose first non-blank character is `{`. */
export function jsonLineMessage(line: string): StructuredResult {
  return jsonLineRecord(line).result;
}

/** As jsonLineMessage, with the time field. */
export function jsonLineRecord(line: string): StructuredRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { result: NOT_STRUCTURED };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { result: NOT_STRUCTURED };
  const record = value as Record<string, unknown>;
  const time = timeValue(firstField(record, TIME_FIELDS));
  const error = errorText(firstField(record, ERROR_FIELDS));
  const withTime = (result: StructuredResult): StructuredRecord => ({
    result,
    ...(time === undefined ? {} : { time }),
    ...(error === undefined ? {} : { error }),
  });
  const message = firstField(record, MESSAGE_FIELDS);
  if (message === undefined) return withTime({ kind: 'no-message', fields: Object.keys(record).slice(0, 8) });
  // Docker's json-file driver keeps the newline the program wrote at the end of `log`.
  const text = (typeof message === 'string' ? message : JSON.stringify(message)).replace(/\r?\n$/, '');
  const level = levelName(firstField(record, LEVEL_FIELDS));
  return withTime({
    kind: 'message',
    value: level === undefined ? { message: text } : { message: text, level },
  });
}

function errorText(value: unknown): string | undefined {
  let text: unknown = value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const { message, stack, type } = value as Record<string, unknown>;
    text =
      typeof message === 'string' && message !== ''
        ? typeof type === 'string'
          ? `${type}: ${message}`
          : message
        : stack;
  }
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  const nl = text.indexOf('\n');
  return (nl === -1 ? text : text.slice(0, nl)).trim();
}

function timeValue(value: unknown): string | number | undefined {
  if (typeof value === 'string' || typeof value === 'number') return value;
  // MongoDB's structured log writes { "$date": "2024-03-12T09:22:15.530+00:00" }.
  if (value !== null && typeof value === 'object' && '$date' in value) {
    const date = (value as { $date: unknown }).$date;
    if (typeof date === 'string' || typeof date === 'number') return date;
  }
  return undefined;
}

function firstField(record: Record<string, unknown>, names: readonly string[]): unknown {
  for (const name of names) {
    const value = record[name];
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

function levelName(value: unknown): string | undefined {
  // journald writes PRIORITY as a string of digits.
  if (typeof value === 'string' && /^\d+$/.test(value)) return levelName(Number(value));
  if (typeof value === 'string' && value !== '') return normalizeLevel(value);
  if (typeof value === 'number' && Number.isFinite(value)) {
    // journald's PRIORITY is a syslog severity (0..7); pino and Bunyan levels are 10..60.
    if (value >= 0 && value <= 7)
      return ['emerg', 'alert', 'crit', 'error', 'warn', 'notice', 'info', 'debug'][value];
    return NUMERIC_LEVELS.find(([threshold]) => value >= threshold)?.[1];
  }
  return undefined;
}

/** A logfmt key: letters, digits and `_ . - /`, as Go kit and logrus write them. */
const LOGFMT_START = /^[A-Za-z_][\w.\-/]*=/;
const LOGFMT_MESSAGE_KEYS = new Set(['msg', 'message']);
const LOGFMT_LEVEL_KEYS = new Set(['level', 'lvl', 'severity']);
const LOGFMT_TIME_KEYS = new Set(['time', 'ts', 't', 'timestamp', 'date']);
const LOGFMT_ERROR_KEYS = new Set(['err', 'error']);

/**
 * A logfmt line: starts with `key=` and has a `msg=` or `message=` pair. Values are bare up to the
 * next space or double-quoted with backslash escapes.
 */
export function logfmtMessage(line: string): StructuredResult {
  return logfmtRecord(line).result;
}

/** As logfmtMessage, with the time field. */
export function logfmtRecord(line: string): StructuredRecord {
  if (!LOGFMT_START.test(line) || (!line.includes('msg=') && !line.includes('message=')))
    return { result: NOT_STRUCTURED };
  let message: string | undefined;
  let level: string | undefined;
  let time: string | undefined;
  let error: string | undefined;
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && line.charCodeAt(i) === 32) i++;
    const eq = line.indexOf('=', i);
    const space = line.indexOf(' ', i);
    if (eq === -1 || (space !== -1 && space < eq)) {
      // A bare word without a value (logfmt allows it); skip it.
      i = space === -1 ? n : space + 1;
      continue;
    }
    const key = line.slice(i, eq);
    let value: string;
    if (line.charCodeAt(eq + 1) === 34 /* " */) {
      const end = closingQuote(line, eq + 2);
      if (end === -1) return { result: NOT_STRUCTURED };
      value = unescapeLogfmt(line.slice(eq + 2, end));
      i = end + 1;
    } else {
      const end = line.indexOf(' ', eq + 1);
      value = line.slice(eq + 1, end === -1 ? n : end);
      i = end === -1 ? n : end;
    }
    if (message === undefined && LOGFMT_MESSAGE_KEYS.has(key)) message = value;
    else if (level === undefined && LOGFMT_LEVEL_KEYS.has(key)) level = normalizeLevel(value);
    else if (time === undefined && LOGFMT_TIME_KEYS.has(key)) time = value;
    else if (error === undefined && LOGFMT_ERROR_KEYS.has(key) && value !== '' && value !== 'null')
      error = value;
  }
  if (message === undefined) return { result: NOT_STRUCTURED };
  const result: StructuredResult = {
    kind: 'message',
    value: level === undefined ? { message } : { message, level },
  };
  return { result, ...(time === undefined ? {} : { time }), ...(error === undefined ? {} : { error }) };
}

function closingQuote(line: string, from: number): number {
  for (let i = from; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 34) return i;
  }
  return -1;
}

function unescapeLogfmt(value: string): string {
  if (!value.includes('\\')) return value;
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}
