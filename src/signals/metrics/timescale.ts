import { MINUTE_MS } from './samples.js';

// The time scale metric signals judge levels and rates on. Incident windows of an hour or more
// are judged on 5-minute levels (the `for: 5m` of most alerting rules; 10–20 scrapes at 15–30 s,
// so one or two odd scrapes cannot set a level) and 5-minute rates (the `rate(x[5m])` of
// dashboards). A shorter window is a shorter incident, scraped more often: a two-minute rehearsal
// scraped every second holds a fault for a minute, which a 5-minute level would never see. So the
// levels and rates shrink with the window, to the share of it they take in a 40-minute one (an
// eighth), and never below 8 samples, the fewest whose median one odd scrape cannot move.

/** Windows from this long on are judged on the full 5-minute scale. */
const FULL_SCALE_WINDOW_MS = 40 * MINUTE_MS;
const FULL_LEVEL_MS = 5 * MINUTE_MS;
const MIN_SAMPLES = 8;

interface Timescale {
  /** How long a level must be held to count. */
  sustainMs: number;
  /** The span event rates are averaged over. */
  rateWindowMs: number;
}

const FULL: Timescale = { sustainMs: FULL_LEVEL_MS, rateWindowMs: FULL_LEVEL_MS };
let current: Timescale = FULL;

/** The time scale of a window whose samples come every `intervalMs`. */
export function timescaleOf(windowMs: number, intervalMs: number): Timescale {
  if (windowMs >= FULL_SCALE_WINDOW_MS) return FULL;
  const level = Math.min(
    FULL_LEVEL_MS,
    Math.max((FULL_LEVEL_MS * windowMs) / FULL_SCALE_WINDOW_MS, MIN_SAMPLES * intervalMs),
  );
  return { sustainMs: level, rateWindowMs: level };
}

/**
 * Runs `compute` with the time scale of its window. Signals are computed synchronously, one run at
 * a time, so the scale is set for the call and restored after it.
 */
export function withTimescale<T>(scale: Timescale, compute: () => T): T {
  const before = current;
  current = scale;
  try {
    return compute();
  } finally {
    current = before;
  }
}

/** How long a level must be held to count, at the current time scale. */
export function sustainMs(): number {
  return current.sustainMs;
}

/** The span event rates are averaged over, at the current time scale. */
export function rateWindowMs(): number {
  return current.rateWindowMs;
}

/** A span in words, as explanations name it: "5-minute", "15-second". */
export function spanWords(ms: number): string {
  const s = Math.round(ms / 1000);
  return s % 60 === 0 ? `${s / 60}-minute` : `${s}-second`;
}

/** The current level span in words. */
export function levelName(): string {
  return spanWords(current.sustainMs);
}
