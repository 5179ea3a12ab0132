import { describe, expect, it } from 'vitest';
import { requestsBefore, stepSchedule } from '../../src/lab/run.js';

describe('the stepped load schedule', () => {
  it('starts the first step with the warm-up and the others at their share of the measured time', () => {
    const schedule = stepSchedule(60, 3, 45, 120);
    expect(schedule).toEqual([
      { startS: 0, rate: 20 },
      { startS: 85, rate: 20 },
      { startS: 125, rate: 20 },
    ]);
  });

  it('counts the requests sent before a moment from the steps already running', () => {
    const schedule = stepSchedule(60, 3, 45, 120);
    // 20/s for the 45 s warm-up and 40 s measured, then 40/s for 10 s.
    expect(requestsBefore(schedule, 95)).toBe(20 * 95 + 20 * 10);
    // Past the last step the whole rate runs.
    expect(requestsBefore(schedule, 165) - requestsBefore(schedule, 164)).toBe(60);
  });

  it('is one step at the whole rate for a steady load', () => {
    const schedule = stepSchedule(40, 1, 45, 100);
    expect(schedule).toEqual([{ startS: 0, rate: 40 }]);
    expect(requestsBefore(schedule, 145)).toBe(40 * 145);
  });
});
