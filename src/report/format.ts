// Number and time formatting shared by the report renderers. Locale-free on purpose: the same
// result must give the same bytes on every machine, whatever its language or time zone.

const DASH = '–';

/** 1234567 → "1,234,567"; fractions are rounded first. */
export function formatCount(value: number): string {
  const rounded = Math.round(value);
  const sign = rounded < 0 ? '-' : '';
  return sign + String(Math.abs(rounded)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Fixed significant digits without exponent notation: 0.123, 12.3, 123. */
function significant(value: number, digits = 3): string {
  if (value === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, digits - 1 - magnitude);
  return value.toFixed(Math.min(decimals, 6));
}

/** Milliseconds with a unit that keeps three significant digits: 0.42 ms, 87 ms, 1.24 s, 3m 05s. */
export function formatMs(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  if (value < 1) return `${significant(value, 2)} ms`;
  if (value < 1000) return `${Math.round(value)} ms`;
  if (value < 60_000) return `${significant(value / 1000)} s`;
  return formatDuration(value / 1000);
}

/** Seconds as a human duration: 45s, 6m 30s, 1h 02m. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return DASH;
  const whole = Math.round(Math.abs(seconds));
  const sign = seconds < 0 ? '-' : '';
  if (whole < 60) return `${sign}${whole}s`;
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  if (h === 0) return `${sign}${m}m ${String(s).padStart(2, '0')}s`;
  return `${sign}${h}h ${String(m).padStart(2, '0')}m`;
}

/** A ratio 0..1 as a percentage; small non-zero values keep two decimals so they do not read as 0. */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return DASH;
  const percent = ratio * 100;
  if (percent === 0) return '0%';
  if (Math.abs(percent) < 10) return `${percent.toFixed(2)}%`;
  return `${percent.toFixed(1)}%`;
}

/** Confidence 0..1 as a whole percentage. */
export function formatConfidence(confidence: number): string {
  return `${Math.round(confidence * 100)}%`;
}

/** Requests per second. */
export function formatRate(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  if (value >= 1000) return formatCount(value);
  return significant(value);
}

/** Apdex to two decimals, rounded down so that a score short of perfect never reads 1.00. */
export function formatApdex(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return (Math.floor(value * 100 + 1e-9) / 100).toFixed(2);
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  let scaled = value;
  let unit = 0;
  while (scaled >= 1024 && unit < BYTE_UNITS.length - 1) {
    scaled /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(scaled)} B` : `${significant(scaled)} ${BYTE_UNITS[unit]}`;
}

function parseTime(iso: string): Date | undefined {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** An ISO timestamp in UTC without milliseconds: 2026-11-22 14:06:30 UTC. */
export function formatInstant(iso: string): string {
  const date = parseTime(iso);
  if (!date) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Time of day in UTC for epoch milliseconds: 14:06:30. */
export function formatClock(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(11, 19);
}

/** Onset as clock time plus its offset from the start of the test when known: 14:06:30 UTC (+6m 30s). */
export function formatOnset(iso: string, testStart?: string): string {
  const date = parseTime(iso);
  if (!date) return iso;
  const start = testStart ? parseTime(testStart) : undefined;
  const clock = formatInstant(iso);
  if (!start) return clock;
  const offset = (date.getTime() - start.getTime()) / 1000;
  return `${clock} (${offset >= 0 ? '+' : ''}${formatDuration(offset)} into the test)`;
}

/** A time range, with the date written once when both ends fall on the same day. */
export function formatRange(startIso: string, endIso: string): string {
  const start = formatInstant(startIso);
  const end = formatInstant(endIso);
  if (start.slice(0, 10) === end.slice(0, 10) && start.endsWith(' UTC') && end.endsWith(' UTC')) {
    return `${start.slice(0, 19)}–${end.slice(11)}`;
  }
  return `${start} – ${end}`;
}

/** Two instants as clock times only, for ranges inside one test: 14:00:00–14:02:00. */
export function formatClockRange(startIso: string, endIso: string): string {
  const start = parseTime(startIso);
  const end = parseTime(endIso);
  if (!start || !end) return `${startIso}–${endIso}`;
  return `${formatClock(start.getTime())}–${formatClock(end.getTime())}`;
}
