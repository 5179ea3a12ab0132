import type { Stage } from './model.js';

// How many virtual users are active when. Stages work like k6 ramping-vus (and a JMeter thread
// group with a ramp-up): the user count moves linearly to each stage's target. User i is active
// while the count is above i, so users start one after another during a ramp and the last ones
// started stop first during a ramp-down.

/** Ramp-up over the first sixth of the run, then steady; an optional ramp-down at the end. */
export function defaultStages(users: number, durationMs: number, rampDownMs = 0): Stage[] {
  const rampUp = Math.round(durationMs / 6);
  const stages: Stage[] = [
    { durationMs: rampUp, target: users },
    { durationMs: durationMs - rampUp - rampDownMs, target: users },
  ];
  if (rampDownMs > 0) stages.push({ durationMs: rampDownMs, target: 0 });
  return stages;
}

export function usersAt(stages: readonly Stage[], t: number, initial = 0): number {
  let from = initial;
  let start = 0;
  for (const stage of stages) {
    if (t < start + stage.durationMs) return from + ((stage.target - from) * (t - start)) / stage.durationMs;
    from = stage.target;
    start += stage.durationMs;
  }
  return from;
}

export function stagesDuration(stages: readonly Stage[]): number {
  return stages.reduce((sum, s) => sum + s.durationMs, 0);
}

/** Per user, the time intervals [start, end) in which it is active. */
export function userIntervals(stages: readonly Stage[], stepMs = 100): Array<Array<[number, number]>> {
  const total = stagesDuration(stages);
  const maxUsers = Math.ceil(Math.max(0, ...stages.map((s) => s.target)));
  const intervals: Array<Array<[number, number]>> = Array.from({ length: maxUsers }, () => []);
  const openSince: Array<number | undefined> = new Array(maxUsers).fill(undefined);
  for (let t = 0; t <= total; t += stepMs) {
    // A user starts when the count passes its index (user 0 starts as soon as the count exceeds 0).
    const active = t >= total ? 0 : Math.floor(usersAt(stages, t) + 1e-9);
    for (let i = 0; i < maxUsers; i++) {
      const open = openSince[i];
      if (i < active && open === undefined) openSince[i] = t;
      else if (i >= active && open !== undefined) {
        intervals[i]?.push([open, t]);
        openSince[i] = undefined;
      }
    }
  }
  return intervals;
}
