import { STATUS_CODES } from 'node:http';

// Stripping the header a logging library writes before the message (timestamp, level, process and
// thread, logger name), so that only the message is mined: a timestamp would otherwise make every
// line a template of its own. Each shape is anchored at the start of the line and tried by its
// first character, so a line pays for the few shapes it could be. What is not recognized is left
// as it is: masking still catches variables in an unknown header.

export interface LineMessage {
  message: string;
  /** Lower-case level name when the header carried one (info, warn, error, ...). */
  level?: string;
}

const LEVELS =
  'TRACE|DEBUG|INFO|NOTICE|WARNING|WARN|ERROR|ERR|CRITICAL|CRIT|FATAL|SEVERE|ALERT|EMERG|EMERGENCY|PANIC|DPANIC|FINEST|FINER|FINE|CONFIG';
/** After a timestamp a level is all capitals or all lower case; `Error while ...` is a message. */
const LEVEL = `(?:${LEVELS}|${LEVELS.toLowerCase()})`;

/** PostgreSQL's message severities, and the labels of the lines that follow a message. */
const POSTGRES_LEVEL =
  'DEBUG[1-5]|INFO|NOTICE|WARNING|ERROR|LOG|FATAL|PANIC|DETAIL|HINT|QUERY|CONTEXT|STATEMENT|LOCATION';

// Timestamps that start a line. Brackets around them are common (`[2024-01-15 10:00:00]`).
const ISO_DATE_TIME =
  '\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(?::\\d{2})?(?:[.,]\\d{1,9})?(?:Z|[+-]\\d{2}(?::?\\d{2})?|\\s?UTC|\\s[+-]\\d{4}(?=\\]))?';
/** Go's log package (2009/11/10 23:00:00.000000) and nginx's error log. */
const SLASH_DATE_TIME = '\\d{4}/\\d{2}/\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d+)?';
/** Tomcat and java.util.logging: 15-Jan-2024 10:00:00.123 */
const DAY_MONTH_YEAR = '\\d{2}-[A-Z][a-z]{2}-\\d{4} \\d{2}:\\d{2}:\\d{2}(?:[.,]\\d+)?';
/** Logback's default pattern starts with the time of day only. */
const TIME_OF_DAY = '\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?';
/** Unix epoch seconds or milliseconds, as some agents write. */
const EPOCH = '1\\d{9}(?:\\d{3})?(?:\\.\\d+)?';

const LEADING_TIMESTAMP = new RegExp(
  `^\\[?(?:${ISO_DATE_TIME}|${SLASH_DATE_TIME}|${DAY_MONTH_YEAR}|${TIME_OF_DAY}|${EPOCH})\\]?(?=[\\s|,:-]|$)`,
);

/**
 * What may follow the timestamp, tried in order; each consumes through the separator before the
 * message and captures the level.
 */
const AFTER_TIMESTAMP: readonly RegExp[] = [
  // Spring Boot: `  INFO 12345 --- [app] [    main] o.s.b.StartupInfoLogger   : message`
  new RegExp(`^\\s+(${LEVEL})\\s+\\d+\\s+---\\s+(?:\\[[^\\]]*\\]\\s*)*\\S+\\s+:\\s`),
  // PostgreSQL (log_line_prefix '%m [%p] ' and common variants with %l, %q%u@%d or user=...,db=...):
  // ` [4412] ERROR:  message`, ` [4412]: [3-1] user=app,db=orders ERROR:  message`
  new RegExp(
    `^\\s+(?:[A-Z]{3,5}\\s+)?\\[\\d+\\]:?(?:\\s+\\[\\d+-\\d+\\])?(?:\\s+\\S+)?\\s+(${POSTGRES_LEVEL}):\\s+`,
  ),
  // gunicorn: `[2024-03-12 14:10:03 +0000] [47] [CRITICAL] WORKER TIMEOUT (pid:47)`
  new RegExp(`^\\s+\\[\\d+\\]\\s+\\[(${LEVEL})\\]\\s+`),
  // nginx error log: ` [error] 1234#1234: *5678 message`
  new RegExp(`^\\s+\\[(${LEVEL})\\]\\s+\\d+#\\d+:\\s+(?:\\*\\d+\\s+)?`),
  // Python: ` - app.db - ERROR - message`
  new RegExp(`^\\s+-\\s+[\\w.]+\\s+-\\s+(${LEVEL})\\s+-\\s`),
  // Flask: `] ERROR in app: message` (the bracket after the timestamp is consumed already)
  new RegExp(`^\\s+(${LEVEL}) in [\\w.]+:\\s`),
  // log4j/logback: ` ERROR [main] com.example.Foo - message`, ` [main] ERROR com.example.Foo - message`
  new RegExp(`^\\s+(?:\\[[^\\]]*\\]\\s+)?\\[?(${LEVEL})\\]?\\s+(?:\\[[^\\]]*\\]\\s+)?[\\w$.]+\\s+-\\s`),
  // zap console: `\tERROR\tapp/handler.go:42\tmessage`
  new RegExp(`^\\t(${LEVEL})\\t(?:[\\w./-]+:\\d+\\t)?`),
  // Tomcat / java.util.logging: ` SEVERE [main] org.apache.catalina.Foo.bar message`
  new RegExp(`^\\s+(${LEVEL})\\s+\\[[^\\]]*\\]\\s+[\\w$.]+\\s`),
  // Any other level, bracketed or not, with an optional thread: ` [WARN] [worker-3] message`
  new RegExp(`^[\\s|,:-]*[[<]?(${LEVEL})[\\]>]?:?(?:\\s+\\[[^\\]]*\\])?(?:\\s*[|:-])?\\s+`),
];

/** Without a timestamp only an unmistakable level is stripped: capitals, bracketed or Python's form. */
const LEADING_LEVEL: readonly RegExp[] = [
  // Python logging.basicConfig: `ERROR:app.db:message`
  new RegExp(`^(${LEVELS}):[\\w.]*:`),
  new RegExp(`^\\[(${LEVEL})\\]:?\\s*`),
  new RegExp(`^(${LEVELS})(?::\\s*|\\s+)`),
];

/** klog / glog: `E0115 10:00:00.123456   12345 handler.go:42] message` */
const KLOG = /^([IWEF])\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+\s+[^\s\]]+\]\s?/;
const KLOG_LEVELS: Record<string, string> = { I: 'info', W: 'warn', E: 'error', F: 'fatal' };

/** BSD syslog: `<34>Jan 15 10:00:00 web-1 sshd[123]: message`; the program name is kept. */
const SYSLOG_3164 =
  /^(?:<(\d{1,3})>)?[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}(?:\.\d+)? (\S+) ([^\s[:]+)(?:\[\d+\])?: ?/;
/** RFC 5424 syslog: `<34>1 2024-01-15T10:00:00Z web-1 app 123 ID47 [sd] message`. */
const SYSLOG_5424 = /^<(\d{1,3})>1 \S+ \S+ (\S+) \S+ \S+ (?:-|(?:\[(?:[^\]\\]|\\.)*\])+) ?/;
const SYSLOG_SEVERITIES = ['emerg', 'alert', 'crit', 'error', 'warn', 'notice', 'info', 'debug'];

/** Apache error log: `[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416] [client 1.2.3.4:80] ` */
const APACHE_ERROR =
  /^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}(?:\.\d+)? \d{4}\] \[(?:[\w-]+:)?(\w+)\] (?:\[pid [^\]]*\] )?(?:\[client [^\]]*\] )?/;

/**
 * NCSA common and combined access logs (Apache, nginx): the message is the request and the status
 * with its reason phrase, so `GET <*> HTTP/<*> <*> Bad Gateway` and `... OK` are separate templates;
 * the client, time, size, referer and user agent are per-request values and are left out.
 */
const ACCESS_LOG = /^\S+ \S+ \S+ \[[^\]]+\] "((?:[^"\\]|\\.)*)" (\d{3}) (?:\d+|-)/;

export function stripLinePrefix(line: string): LineMessage {
  const first = line.charCodeAt(0);
  if (first >= 48 && first <= 57) {
    const access = ACCESS_LOG.exec(line);
    if (access) return accessLogMessage(access[1] as string, access[2] as string);
  }
  if (first === 91 /* [ */) {
    const apache = APACHE_ERROR.exec(line);
    if (apache) return withLevel(line.slice(apache[0].length), apache[1]);
  }
  if (first === 60 /* < */ || (first >= 65 && first <= 90)) {
    const syslog = stripSyslog(line);
    if (syslog) return syslog;
    const klog = KLOG.exec(line);
    if (klog) return { message: line.slice(klog[0].length), level: KLOG_LEVELS[klog[1] as string] as string };
  }
  const timestamp = LEADING_TIMESTAMP.exec(line);
  if (timestamp) {
    const rest = line.slice(timestamp[0].length);
    for (const shape of AFTER_TIMESTAMP) {
      const header = shape.exec(rest);
      if (header) return withLevel(rest.slice(header[0].length), header[1]);
    }
    return { message: rest.replace(/^[\s|,:-]+/, '') };
  }
  if (first === 91 || (first >= 65 && first <= 90)) {
    for (const shape of LEADING_LEVEL) {
      const header = shape.exec(line);
      if (header) return withLevel(line.slice(header[0].length), header[1]);
    }
  }
  return { message: line };
}

function stripSyslog(line: string): LineMessage | undefined {
  const bsd = SYSLOG_3164.exec(line);
  if (bsd) {
    const message = `${bsd[3]}: ${line.slice(bsd[0].length)}`;
    return bsd[1] !== undefined ? { message, level: syslogSeverity(bsd[1]) } : { message };
  }
  const ietf = SYSLOG_5424.exec(line);
  if (ietf) {
    const app = ietf[2] === '-' ? '' : `${ietf[2]}: `;
    return {
      message: app + line.slice(ietf[0].length).replace(/^\uFEFF/, ''),
      level: syslogSeverity(ietf[1] as string),
    };
  }
  return undefined;
}

function syslogSeverity(priority: string): string {
  return SYSLOG_SEVERITIES[Number(priority) % 8] as string;
}

function accessLogMessage(request: string, status: string): LineMessage {
  const code = Number(status);
  const reason = STATUS_CODES[code] ?? 'Unknown Status';
  const level = code >= 500 ? 'error' : code >= 400 ? 'warn' : 'info';
  return { message: `${request} ${status} ${reason}`, level };
}

export function normalizeLevel(level: string): string {
  const lower = level.toLowerCase();
  if (lower === 'warning') return 'warn';
  if (lower === 'err') return 'error';
  if (lower === 'critical') return 'crit';
  if (lower === 'emergency') return 'emerg';
  return lower;
}

function withLevel(message: string, level: string | undefined): LineMessage {
  return level === undefined ? { message } : { message, level: normalizeLevel(level) };
}
