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

/** A JSON line: an object whose first non-blank character is `{`. */
export function jsonLineMessage(line: string): StructuredResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return NOT_STRUCTURED;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return NOT_STRUCTURED;
  const record = value as Record<string, unknown>;
  const message = firstField(record, MESSAGE_FIELDS);
  if (message === undefined) return { kind: 'no-message', fields: Object.keys(record).slice(0, 8) };
  // Docker's json-file driver keeps the newline the program wrote at the end of `log`.
  const text = (typeof message === 'string' ? message : JSON.stringify(message)).replace(/\r?\n$/, '');
  const level = levelName(firstField(record, LEVEL_FIELDS));
  return { kind: 'message', value: level === undefined ? { message: text } : { message: text, level } };
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

/**
 * A logfmt line: starts with `key=` and has a `msg=` or `message=` pair. Values are bare up to the
 * next space or double-quoted with backslash escapes.
 */
export function logfmtMessage(line: string): StructuredResult {
  if (!LOGFMT_START.test(line) || (!line.includes('msg=') && !line.includes('message=')))
    return NOT_STRUCTURED;
  let message: string | undefined;
  let level: string | undefined;
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
      if (end === -1) return NOT_STRUCTURED;
      value = unescapeLogfmt(line.slice(eq + 2, end));
      i = end + 1;
    } else {
      const end = line.indexOf(' ', eq + 1);
      value = line.slice(eq + 1, end === -1 ? n : end);
      i = end === -1 ? n : end;
    }
    if (message === undefined && LOGFMT_MESSAGE_KEYS.has(key)) message = value;
    else if (level === undefined && LOGFMT_LEVEL_KEYS.has(key)) level = normalizeLevel(value);
  }
  if (message === undefined) return NOT_STRUCTURED;
  return { kind: 'message', value: level === undefined ? { message } : { message, level } };
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
