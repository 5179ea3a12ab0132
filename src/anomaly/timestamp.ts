// Timestamps of metric exports: epoch seconds (Prometheus, most CSV exports), epoch milliseconds
// (Grafana, JavaScript tools) or ISO 8601 text. Seconds and milliseconds are told apart by size:
// 1e11 seconds is the year 5138, 1e11 milliseconds is 1973, so no real metric is ambiguous.

const MS_THRESHOLD = 1e11;
/** Epoch microseconds and nanoseconds start around 1e14 and 1e17; they are refused, not guessed. */
const TOO_LARGE = 1e14;

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

export type ParsedTime = { ms: number } | { error: string };

/** Milliseconds since the epoch; ISO times without a zone are read as UTC so results never depend on the machine. */
export function parseTimestamp(text: string): ParsedTime {
  const trimmed = text.trim();
  if (NUMBER.test(trimmed)) {
    const n = Number(trimmed);
    if (Math.abs(n) >= TOO_LARGE) {
      return {
        error: `"${trimmed}" is too large for epoch seconds or milliseconds (micro- or nanoseconds?)`,
      };
    }
    return { ms: Math.abs(n) >= MS_THRESHOLD ? n : n * 1000 };
  }
  const match = ISO.exec(trimmed);
  if (!match)
    return { error: `expected epoch seconds, epoch milliseconds or an ISO 8601 time, found "${trimmed}"` };
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone = 'Z'] = match;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const calendar = new Date(Date.UTC(y, mo - 1, d));
  if (calendar.getUTCFullYear() !== y || calendar.getUTCMonth() !== mo - 1 || calendar.getUTCDate() !== d) {
    return { error: `"${trimmed}" is not a calendar date` };
  }
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 60) {
    return { error: `"${trimmed}" is not a valid time of day` };
  }
  const millis = Number(`0.${fraction || '0'}`) * 1000;
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes =
      (zone.startsWith('-') ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
  }
  const ms =
    Date.UTC(y, mo - 1, d, Number(hour), Number(minute), Number(second)) + millis - offsetMinutes * 60_000;
  return { ms };
}
