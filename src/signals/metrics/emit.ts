import type { Signal } from '../signal.js';
import type { RoleSeries } from './series-index.js';

// Building metric signals: ISO times, windows, and numbers written the way a person checks them
// against a dashboard (3 significant digits, bytes in binary units, ratios as percentages).

export interface SignalInput {
  name: string;
  /** The series the signal is about; its subject and source go on the signal. Absent for run-level signals. */
  about?: RoleSeries;
  /** Where to look when the signal has no single series (run-level signals). */
  sources?: Signal['sources'];
  value: number;
  unit: string;
  /** The span the value describes, ms. */
  window: { start: number; end: number };
  /** When the change started, ms; only for signals that describe a change. */
  onset?: number | undefined;
  explanation: string;
}

export function metricSignal(input: SignalInput): Signal {
  const start = input.onset ?? input.window.start;
  const end = Math.max(start, input.window.end);
  return {
    name: input.name,
    ...(input.about ? { subject: input.about.subject } : {}),
    value: round(input.value),
    unit: input.unit,
    window: { start: iso(start), end: iso(end) },
    ...(input.onset !== undefined ? { onset: iso(input.onset) } : {}),
    explanation: input.explanation,
    sources: input.about ? [input.about.source] : (input.sources ?? []),
  };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Time of day as a reader finds it on a dashboard, e.g. 14:02:30Z. */
export function clock(ms: number): string {
  return `${iso(ms).slice(11, 19)}Z`;
}

/** Values keep 6 significant digits: enough for any threshold, without floating-point noise in the output. */
function round(value: number): number {
  if (!Number.isFinite(value) || value === 0) return Number.isFinite(value) ? value : 0;
  return Number(value.toPrecision(6));
}

/** A number with 3 significant digits and no exponent for everyday magnitudes. */
export function num(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${Number((value / 1e6).toPrecision(3))}M`;
  if (abs >= 1000) return String(Math.round(value));
  return String(Number(value.toPrecision(3)));
}

/** A p-value as a reader checks it: tiny ones as a bound rather than 0. */
export function pValue(p: number): string {
  return p < 1e-6 ? '< 0.000001' : `= ${num(p)}`;
}

export function pct(ratio: number): string {
  return `${num(ratio * 100)}%`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

export function bytes(value: number): string {
  let v = value;
  let unit = 0;
  while (Math.abs(v) >= 1024 && unit < BYTE_UNITS.length - 1) {
    v /= 1024;
    unit++;
  }
  return `${Number(v.toPrecision(3))} ${BYTE_UNITS[unit]}`;
}

export function seconds(value: number): string {
  if (value >= 1) return `${num(value)} s`;
  return `${num(value * 1000)} ms`;
}

export function hours(value: number): string {
  return value >= 48 ? `${num(value / 24)} days` : `${num(value)} h`;
}

export function minutes(ms: number): string {
  return `${num(ms / 60_000)} min`;
}
