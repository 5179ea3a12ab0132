// The resolution of range queries. A window of a few hours should show changes lasting a few
// minutes; a week should still come back in one answer per query.

/**
 * Points per series the step aims at: one every ~20 s over six hours, one every ~10 minutes over
 * a week — enough to place an onset within a few percent of the window, and a tenth of the 11,000
 * points per series Prometheus allows.
 */
export const TARGET_POINTS = 1100;
/** Prometheus refuses a range query with more points per series than this. */
export const MAX_POINTS_PER_SERIES = 11_000;
/** Never finer than the most common scrape interval: finer steps only repeat samples. */
export const MIN_STEP_MS = 15_000;
/** Steps people read easily; the chosen step is the first one at least as large as needed. */
const NICE_STEPS_S = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 86400];
/** rate() needs two samples in its window; four steps (or scrapes) keep it from going blank on a missed scrape. */
const RATE_WINDOW_STEPS = 4;
/** The scrape interval assumed when the server does not say: the most common one. */
const USUAL_SCRAPE_INTERVAL_MS = 15_000;

/**
 * The step for a window: the window over TARGET_POINTS, at least MIN_STEP_MS and at least the
 * scrape interval when it is known (a finer step repeats the same sample), rounded up to a nice step.
 */
export function chooseStep(window: { start: number; end: number }, scrapeIntervalMs?: number): number {
  const needed = Math.max(MIN_STEP_MS, scrapeIntervalMs ?? 0, (window.end - window.start) / TARGET_POINTS);
  const nice = NICE_STEPS_S.find((s) => s * 1000 >= needed);
  return nice ? nice * 1000 : Math.ceil(needed / 86_400_000) * 86_400_000;
}

/** A step given by the user, raised if the server would refuse it for having too many points. */
export function allowedStep(window: { start: number; end: number }, stepMs: number): number {
  const smallest = Math.ceil((window.end - window.start) / MAX_POINTS_PER_SERIES / 1000) * 1000;
  return Math.max(stepMs, smallest, 1000);
}

/**
 * The range of rate(): four steps and four scrape intervals (a minute at the usual 15 s when the
 * interval is not known). A server that scrapes every second answers a 4-second rate as reliably
 * as one scraping every 15 s answers a 1-minute rate.
 */
export function rateWindowMs(stepMs: number, scrapeIntervalMs?: number): number {
  return Math.max(
    RATE_WINDOW_STEPS * stepMs,
    RATE_WINDOW_STEPS * (scrapeIntervalMs ?? USUAL_SCRAPE_INTERVAL_MS),
  );
}

/** A duration as PromQL writes it, in whole seconds. */
export function promDuration(ms: number): string {
  return `${Math.max(1, Math.round(ms / 1000))}s`;
}

/** A Prometheus duration such as 15s, 1m30s or 2h, in ms; undefined if it is not one. */
export function parsePromDuration(text: string): number | undefined {
  const units: Record<string, number> = {
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
    d: 86_400_000,
    w: 604_800_000,
    y: 31_536_000_000,
  };
  const parts = [...text.trim().matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text.trim()) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * (units[p[2] as string] as number), 0);
}
