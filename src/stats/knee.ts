import { theilSen } from './trend.js';

// The knee of throughput against concurrency. In a closed load model Little's law ties the three
// series together: users N = throughput X × (response time R + think time Z). Below capacity, X
// grows in proportion to N and R stays flat; past the knee X stops growing, so every extra user
// only adds queueing and R grows in proportion to N. On log–log axes that is a line of slope ~1
// that bends to slope ~0, while log R bends from ~0 to ~1. The detector fits that hinge
// (continuous two-piece line in log N) and accepts it only when all three parts of the story hold.

export interface LoadPoint {
  users: number;
  /** Requests per second. */
  throughput: number;
  /** Typical response time, e.g. the bucket's median, ms. */
  latency: number;
}

export interface Knee {
  /** Users at the knee; 0 when throughput kept rising with users (no knee). */
  users: number;
  /** Index (in the input) of the first point past the knee; -1 when none. */
  index: number;
  /** Log–log slope of throughput against users below and above the hinge. */
  slopeBefore: number;
  slopeAfter: number;
  /** Log–log Theil–Sen slope of latency against users above the hinge. */
  latencySlope: number;
  /** Highest users seen divided by the hinge users. */
  usersGrowth: number;
  /** Throughput per second at the hinge (the fitted plateau level). */
  plateau: number;
}

/** Below the knee throughput must grow at least half as fast as users, or there is no rising part. */
const MIN_SLOPE_BEFORE = 0.5;
/** Above it, at most 30% of proportional growth: throughput has effectively stopped rising. */
const MAX_SLOPE_AFTER = 0.3;
/** Users must keep rising by at least 25% past the knee, or the flat part may be the end of the ramp. */
const MIN_USERS_GROWTH = 1.25;
/** Latency must grow at least half as fast as users past the knee (Little's law predicts ~1 minus think time). */
const MIN_LATENCY_SLOPE = 0.5;
/** Points needed on each side of the hinge for a slope. */
const MIN_SIDE = 3;

/** Undefined when users do not vary enough (less than ×1.25) to see a knee at all. */
export function throughputKnee(points: readonly LoadPoint[]): Knee | undefined {
  const valid = points
    .map((p, index) => ({ ...p, index }))
    .filter((p) => p.users > 0 && p.throughput > 0 && p.latency > 0);
  if (valid.length < 2 * MIN_SIDE) return undefined;
  const lu = valid.map((p) => Math.log(p.users));
  const lx = valid.map((p) => Math.log(p.throughput));
  const lr = valid.map((p) => Math.log(p.latency));
  const minU = Math.min(...lu);
  const maxU = Math.max(...lu);
  if (maxU - minU < Math.log(MIN_USERS_GROWTH)) return undefined;
  const levels = [...new Set(lu)].sort((a, b) => a - b);
  let best: { k: number; sse: number; b1: number; b2: number; c: number } | undefined;
  for (const k of levels) {
    const below = lu.filter((u) => u <= k).length;
    const above = lu.length - below;
    if (below < MIN_SIDE || above < MIN_SIDE) continue;
    const fit = hingeFit(lu, lx, k);
    if (fit && (!best || fit.sse < best.sse)) best = { k, ...fit };
  }
  const none = (b: typeof best): Knee => ({
    users: 0,
    index: -1,
    slopeBefore: b?.b1 ?? Number.NaN,
    slopeAfter: b?.b2 ?? Number.NaN,
    latencySlope: Number.NaN,
    usersGrowth: Math.exp(maxU - minU),
    plateau: Number.NaN,
  });
  if (!best) return none(best);
  const k = best.k;
  const afterU: number[] = [];
  const afterR: number[] = [];
  lu.forEach((u, i) => {
    if (u >= k) {
      afterU.push(u);
      afterR.push(lr[i] as number);
    }
  });
  const latencySlope = theilSen(afterU, afterR).slope;
  const usersGrowth = Math.exp(maxU - k);
  const isKnee =
    best.b1 >= MIN_SLOPE_BEFORE &&
    best.b2 <= MAX_SLOPE_AFTER &&
    usersGrowth >= MIN_USERS_GROWTH &&
    latencySlope >= MIN_LATENCY_SLOPE;
  if (!isKnee) return { ...none(best), latencySlope };
  const first = valid.filter((_, i) => (lu[i] as number) > k).sort((a, b) => a.index - b.index)[0];
  return {
    users: Math.exp(k),
    index: first?.index ?? -1,
    slopeBefore: best.b1,
    slopeAfter: best.b2,
    latencySlope,
    usersGrowth,
    plateau: Math.exp(best.c + best.b1 * k),
  };
}

/** Least squares of y = c + b1·min(x, k) + b2·max(x − k, 0). */
function hingeFit(
  x: readonly number[],
  y: readonly number[],
  k: number,
): { sse: number; b1: number; b2: number; c: number } | undefined {
  const rows = x.map((xi) => [1, Math.min(xi, k), Math.max(xi - k, 0)]);
  const ata = [0, 1, 2].map((i) =>
    [0, 1, 2].map((j) => rows.reduce((s, r) => s + (r[i] as number) * (r[j] as number), 0)),
  );
  const aty = [0, 1, 2].map((i) => rows.reduce((s, r, n) => s + (r[i] as number) * (y[n] as number), 0));
  const beta = solve3(ata, aty);
  if (!beta) return undefined;
  const [c, b1, b2] = beta as [number, number, number];
  let sse = 0;
  rows.forEach((r, n) => {
    const fit = c + b1 * (r[1] as number) + b2 * (r[2] as number);
    sse += ((y[n] as number) - fit) ** 2;
  });
  return { sse, b1, b2, c };
}

/** Gaussian elimination with partial pivoting; undefined for a singular system. */
function solve3(a: number[][], b: number[]): number[] | undefined {
  const m = a.map((row, i) => [...row, b[i] as number]);
  const size = m.length;
  for (let col = 0; col < size; col++) {
    let pivot = col;
    for (let r = col + 1; r < size; r++) {
      if (Math.abs(m[r]?.[col] as number) > Math.abs(m[pivot]?.[col] as number)) pivot = r;
    }
    const pivotRow = m[pivot] as number[];
    if (Math.abs(pivotRow[col] as number) < 1e-12) return undefined;
    m[pivot] = m[col] as number[];
    m[col] = pivotRow;
    for (let r = 0; r < size; r++) {
      if (r === col) continue;
      const row = m[r] as number[];
      const factor = (row[col] as number) / (pivotRow[col] as number);
      for (let c = col; c <= size; c++) row[c] = (row[c] as number) - factor * (pivotRow[c] as number);
    }
  }
  return m.map((row, i) => (row[size] as number) / (row[i] as number));
}
