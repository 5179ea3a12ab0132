import { parseTimestamp } from '../../anomaly/timestamp.js';

// The time of a log record: from the time field of a structured line (epoch seconds, milliseconds,
// microseconds or nanoseconds, or text), or from the timestamp a logging library writes at the
// start of a text line. Each text shape is anchored at the start of the line (the access log's
// after its three leading fields) and has no nested quantifiers, so a line costs a few regular
// expression attempts chosen by its first character.

export interface TimeContext {
  /**
   * The year of the log's last records, for formats without a year (BSD syslog, klog): a record
   * whose month is after this reference month is from the year before.
   */
  referenceYear: number;
  /** 0-based month of the reference time. */
  referenceMonth: number;
}

/** What a reader tells its notes about times it had to interpret. */
export interface TimeFlags {
  /** A time without a zone was read as UTC. */
  noZone?: boolean;
  /** The year was inferred (syslog, klog). */
  inferredYear?: boolean;
}

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

/** ISO 8601 / RFC 3339, also log4j, logback, Python (`,123`) and PostgreSQL (` UTC`). */
const ISO =
  /^\[?(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:(Z|z|[+-]\d{2}(?::?\d{2})?)|\s([+-]\d{4})(?=\])|\s?(UTC|GMT))?(?=[\]\s|,:;-]|$)/;
/** RFC 5424 syslog header: `<34>1 2024-03-12T09:22:15.003Z host ...`. */
const SYSLOG_5424 = /^<\d{1,3}>1 (\S+) /;
/** Go's log package and nginx's error log: `2024/03/12 09:22:15(.123456)`. */
const SLASH = /^\[?(\d{4})\/(\d{2})\/(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(?=[\]\s]|$)/;
/** Tomcat and java.util.logging: `12-Mar-2024 09:22:15.530`. */
const DAY_MONTH_YEAR = /^(\d{2})-([A-Z][a-z]{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(?=\s|$)/;
/** BSD syslog without a year: `<34>Mar 12 09:22:15` or `Mar  2 09:22:15`. */
const SYSLOG_3164 = /^(?:<\d{1,3}>)?([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?= )/;
/** klog / glog without a year: `E0312 09:22:15.530123`. */
const KLOG = /^[IWEF](\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{1,9})(?= )/;
/** Apache error log: `[Tue Mar 12 09:22:20.114224 2024]`. */
const APACHE_ERROR =
  /^\[[A-Z][a-z]{2} ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? (\d{4})\]/;
/** NCSA common/combined access log time after `client ident user `: `[10/Oct/2000:13:55:36 -0700]`. */
const ACCESS_LOG = /^\S+ \S+ \S+ \[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})\]/;
/** The same time on its own, as nginx's `$time_local` writes it into a JSON field. */
const TIME_LOCAL = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})$/;
/** Epoch seconds or milliseconds at the start of a line, as some agents write. */
const EPOCH_PREFIX = /^\[?(1\d{9}(?:\d{3})?(?:\.\d{1,9})?)(?=[\]\s])/;

/** Epoch ms of a text line's leading timestamp, or undefined when it has none this reader knows. */
export function lineTime(line: string, context: TimeContext, flags: TimeFlags): number | undefined {
  const first = line.charCodeAt(0);
  const bracket = first === 91; /* [ */
  const digit = first >= 48 && first <= 57;
  if (digit || bracket) {
    const iso = ISO.exec(line);
    if (iso) return isoTime(iso, flags);
    const slash = SLASH.exec(line);
    if (slash) return fromParts(slash, 1, 2, 3, 4, 7, flags);
  }
  if (digit) {
    const dmy = DAY_MONTH_YEAR.exec(line);
    if (dmy) return calendar(dmy[3], MONTHS[dmy[2] as string], dmy[1], dmy.slice(4, 8), flags);
    const epoch = EPOCH_PREFIX.exec(line);
    if (epoch) return epochTime(Number(epoch[1]));
    const access = ACCESS_LOG.exec(line);
    if (access) return withOffset(access, access[7] as string);
  }
  if (bracket) {
    const apache = APACHE_ERROR.exec(line);
    if (apache) {
      return calendar(apache[7], MONTHS[apache[1] as string], apache[2], apache.slice(3, 7), flags);
    }
    const epoch = EPOCH_PREFIX.exec(line);
    if (epoch) return epochTime(Number(epoch[1]));
  }
  if (first === 60 /* < */) {
    const ietf = SYSLOG_5424.exec(line);
    if (ietf) return textTime(ietf[1] as string, context, flags);
  }
  if (first === 60 || (first >= 65 && first <= 90)) {
    const bsd = SYSLOG_3164.exec(line);
    if (bsd) {
      const month = MONTHS[bsd[1] as string];
      if (month !== undefined) return yearless(month, bsd[2] as string, bsd.slice(3, 7), context, flags);
    }
    const klog = KLOG.exec(line);
    if (klog) return yearless(Number(klog[1]) - 1, klog[2] as string, klog.slice(3, 7), context, flags);
  }
  // Access logs may start with a host name rather than an address.
  if (!digit && !bracket) {
    const access = ACCESS_LOG.exec(line);
    if (access) return withOffset(access, access[7] as string);
  }
  return undefined;
}

/** Epoch ms of a structured time field: a number or digits by magnitude, else a text time. */
export function fieldTime(
  value: string | number,
  context: TimeContext,
  flags: TimeFlags,
): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? epochTime(value) : undefined;
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return epochTime(Number(text));
  return textTime(text, context, flags);
}

function textTime(text: string, context: TimeContext, flags: TimeFlags): number | undefined {
  const parsed = parseTimestamp(text);
  if ('ms' in parsed) {
    if (!/(?:Z|z|[+-]\d{2}(?::?\d{2})?)$/.test(text)) flags.noZone = true;
    return parsed.ms;
  }
  const local = TIME_LOCAL.exec(text);
  if (local) return withOffset(local, local[7] as string);
  return lineTime(text, context, flags);
}

/**
 * Epoch seconds, milliseconds, microseconds or nanoseconds told apart by size: each unit's values
 * for the years 1973 to 5138 lie in their own decade ranges (1e8–1e11 s, 1e11–1e14 ms, ...).
 */
export function epochTime(n: number): number | undefined {
  const abs = Math.abs(n);
  if (abs < 1e8) return undefined;
  if (abs < 1e11) return n * 1000;
  if (abs < 1e14) return n;
  if (abs < 1e17) return n / 1000;
  if (abs < 1e20) return n / 1e6;
  return undefined;
}

function isoTime(match: RegExpExecArray, flags: TimeFlags): number | undefined {
  const [, year, month, day, hour, minute, second = '0', fraction = '', zone, spaced, named] = match;
  const offset = zone ?? spaced;
  const utc = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
  );
  if (!valid(utc, year, month, day, hour, minute, second)) return undefined;
  let offsetMinutes = 0;
  if (offset && offset !== 'Z' && offset !== 'z') {
    const digits = offset.slice(1).replace(':', '');
    offsetMinutes =
      (offset.startsWith('-') ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
  } else if (!offset && !named) flags.noZone = true;
  return utc + millis(fraction) - offsetMinutes * 60_000;
}

function fromParts(
  match: RegExpExecArray,
  yearAt: number,
  monthAt: number,
  dayAt: number,
  timeAt: number,
  fractionAt: number,
  flags: TimeFlags,
): number | undefined {
  const month = Number(match[monthAt]) - 1;
  return calendar(
    match[yearAt],
    month,
    match[dayAt],
    [...match.slice(timeAt, timeAt + 3), match[fractionAt] ?? ''],
    flags,
  );
}

/** A local time of day on a calendar date, read as UTC (the log does not say its zone). */
function calendar(
  year: string | undefined,
  month: number | undefined,
  day: string | undefined,
  time: ReadonlyArray<string | undefined>,
  flags: TimeFlags,
): number | undefined {
  if (month === undefined) return undefined;
  const [hour = '0', minute = '0', second = '0', fraction = ''] = time;
  const utc = Date.UTC(Number(year), month, Number(day), Number(hour), Number(minute), Number(second));
  if (!valid(utc, year, String(month + 1), day, hour, minute, second)) return undefined;
  flags.noZone = true;
  return utc + millis(fraction);
}

function yearless(
  month: number,
  day: string,
  time: ReadonlyArray<string | undefined>,
  context: TimeContext,
  flags: TimeFlags,
): number | undefined {
  // A month later in the year than the reference belongs to the year before (a log that crossed
  // New Year, read in January).
  const year = month > context.referenceMonth ? context.referenceYear - 1 : context.referenceYear;
  flags.inferredYear = true;
  return calendar(String(year), month, day.trim(), time, flags);
}

function withOffset(match: RegExpExecArray, offset: string): number | undefined {
  const month = MONTHS[match[2] as string];
  if (month === undefined) return undefined;
  const [, day, , year, hour, minute, second] = match;
  const utc = Date.UTC(Number(year), month, Number(day), Number(hour), Number(minute), Number(second));
  if (!valid(utc, year, String(month + 1), day, hour, minute, second)) return undefined;
  const sign = offset.startsWith('-') ? -1 : 1;
  const minutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(3, 5)));
  return utc - minutes * 60_000;
}

function millis(fraction: string): number {
  return fraction ? Number(`0.${fraction}`) * 1000 : 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Date.UTC rolls 31 February over into March; a real log never writes it, so it is not a time.
 * Checked by arithmetic: it runs for every line of a log.
 */
function valid(
  utc: number,
  year: string | undefined,
  month: string | undefined,
  day: string | undefined,
  hour: string | undefined,
  minute: string | undefined,
  second: string | undefined,
): boolean {
  if (!Number.isFinite(utc)) return false;
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  if (!(m >= 1 && m <= 12 && d >= 1)) return false;
  const leap = m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > (DAYS_IN_MONTH[m - 1] as number) + (leap ? 1 : 0)) return false;
  return Number(hour) < 24 && Number(minute) < 60 && Number(second) < 61;
}
