import { LOG_LEVELS, type LogLevel } from './data.js';

// The level names logging libraries write, reduced to the six levels of the bundle. Syslog's
// crit/alert/emerg and Go's panic levels mean the process or host is failing, so they count as
// fatal; java.util.logging's SEVERE is its error level; PostgreSQL's LOG is its routine level.

const BY_NAME: Record<string, LogLevel> = {
  fatal: 'fatal',
  panic: 'fatal',
  dpanic: 'fatal',
  emerg: 'fatal',
  alert: 'fatal',
  crit: 'fatal',
  error: 'error',
  severe: 'error',
  warn: 'warn',
  info: 'info',
  notice: 'info',
  log: 'info',
  debug: 'debug',
  trace: 'debug',
  fine: 'debug',
  finer: 'debug',
  finest: 'debug',
  config: 'debug',
  debug1: 'debug',
  debug2: 'debug',
  debug3: 'debug',
  debug4: 'debug',
  debug5: 'debug',
};

/** The bundle level of a normalized level name (see normalizeLevel); unknown when absent or unrecognized. */
export function logLevel(name: string | undefined): LogLevel {
  return (name !== undefined ? BY_NAME[name] : undefined) ?? 'unknown';
}

/** Severity rank: higher is more severe; unknown ranks lowest because it says nothing. */
export function severityRank(level: LogLevel): number {
  return level === 'unknown' ? -1 : LOG_LEVELS.length - LOG_LEVELS.indexOf(level);
}

export function isErrorLevel(level: LogLevel): boolean {
  return level === 'error' || level === 'fatal';
}
