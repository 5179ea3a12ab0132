import { median } from '../../stats/robust.js';

// Ramp-up, steady state and ramp-down of a run, computed once per run and shared by every signal.

export interface Phases {
  /** Bucket index where the steady state starts (inclusive) and ends (exclusive). */
  steadyStart: number;
  steadyEnd: number;
  /** How the boundaries were found. */
  basis: 'users' | 'throughput' | 'whole run';
}

/** Users within 5% of their maximum count as the plateau: injectors add users in steps, and a few drop out. */
const USERS_PLATEAU = 0.95;
/** Without users, throughput within 10% of its typical level counts as steady (request rates are noisier). */
const THROUGHPUT_PLATEAU = 0.9;
/** Without users, a ramp is only looked for in the first 30% and the last 20% of the run, so a mid-run collapse is not taken for a ramp-down. */
const RAMP_UP_ZONE = 0.3;
const RAMP_DOWN_ZONE = 0.2;

export function detectPhases(
  users: ReadonlyArray<number | undefined>,
  throughput: readonly number[],
): Phases {
  const n = throughput.length;
  const whole: Phases = { steadyStart: 0, steadyEnd: n, basis: 'whole run' };
  if (n < 3) return whole;
  const known = users.filter((u): u is number => u !== undefined);
  const maxUsers = known.length > 0 ? Math.max(...known) : 0;
  if (maxUsers > 0) {
    const high = (u: number | undefined) => u !== undefined && u >= USERS_PLATEAU * maxUsers;
    const first = users.findIndex(high);
    let last = n - 1;
    while (last > first && !high(users[last])) last--;
    return { steadyStart: first, steadyEnd: last + 1, basis: 'users' };
  }
  // Rolling median of 5 buckets, so a single slow second does not end the ramp early or late.
  const smooth = throughput.map((_, i) => median(throughput.slice(Math.max(0, i - 2), i + 3)));
  const level = median(smooth.slice(Math.floor(n / 4), Math.ceil((3 * n) / 4)));
  if (!(level > 0)) return whole;
  let start = 0;
  while (start < Math.floor(RAMP_UP_ZONE * n) && (smooth[start] as number) < THROUGHPUT_PLATEAU * level)
    start++;
  let end = n;
  while (
    end > Math.ceil((1 - RAMP_DOWN_ZONE) * n) &&
    (smooth[end - 1] as number) < THROUGHPUT_PLATEAU * level
  )
    end--;
  return { steadyStart: start, steadyEnd: end, basis: 'throughput' };
}
