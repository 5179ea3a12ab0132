import { type ScoredSeries, type SeriesPoint, scoreSeries } from '../src/anomaly/score-series.js';
import { FLAG_SCORE } from '../src/anomaly/scorer.js';
import {
  DAY,
  dailyCycle,
  gaussian,
  MINUTE,
  prng,
  START,
  series,
  studentT,
} from '../test/anomaly/synthetic.js';

// How the online anomaly scorer behaves on the shapes real metrics have: plain and heavy-tailed
// noise, daily cycles, steady trends, gaps, and injected spikes, level shifts, slope changes and
// off-hour values. Each case runs over many seeds; the table gives the share of normal points
// flagged (false alarms), the share of injected anomalies found, and how many samples it took.
//
//   npm run eval:anomalies            20 seeds per case
//   npm run eval:anomalies -- 50      another number of seeds
//   npm run eval:anomalies -- 20 shift   only the cases whose name contains "shift"

const seeds = Number(process.argv[2] ?? 20);
const only = process.argv[3]?.toLowerCase();
/** Points before this are warm-up: the scorer has no baseline yet and scores nothing high by design. */
const WARMUP = 100;
/**
 * A sustained change is dated by an estimate of where it began (the CUSUM's last zero crossing),
 * which can fall a few samples early: a window opening up to 10 samples before the injected change
 * is that change's window, not a false one. The table reports how far off the estimate is.
 */
const EARLY_START = 10;
/** Samples after an injected anomaly that count as part of it (its detection delay, re-anchoring). */
const SETTLE = 15;

interface Case {
  name: string;
  /** The series and, for injected anomalies, the index of the first anomalous sample. */
  make(seed: number): {
    points: SeriesPoint[];
    at?: number;
    length?: number;
    warmup?: number;
    /** Samples after the anomaly that still belong to it (not counted as false flags); 15 by default. */
    settle?: number;
  };
  /** The window kind a correct detection reports. */
  kind?: string;
}

const cases: Case[] = [
  { name: 'Gaussian noise', make: (s) => ({ points: noise(s, 2000, (n) => 100 + 5 * n) }) },
  {
    name: 'Student-t(3) noise (heavy tails)',
    make: (s) => {
      const t = studentT(prng(s), 3);
      return { points: series(2000, MINUTE, () => 100 + 5 * t()) };
    },
  },
  {
    name: 'steady linear trend',
    make: (s) => ({ points: noise(s, 3000, (n, i) => 100 + 0.2 * i + 5 * n) }),
  },
  {
    name: 'daily cycle (20× noise), 5 days',
    make: (s) => ({
      points: noise(s, 5 * 1440, (n, _i, t) => dailyCycle(t, 500, 200) + 10 * n),
      warmup: 2 * 1440,
    }),
  },
  {
    name: '10% of samples missing',
    make: (s) => {
      const gaps = prng(s + 1000);
      return { points: noise(s, 2000, (n) => (gaps() < 0.1 ? null : 100 + 5 * n)) };
    },
  },
  {
    name: 'spike 8σ, one sample',
    kind: 'spike',
    make: (s) => ({
      points: noise(s, 1000, (n, i) => 100 + 5 * n + (i === 700 ? 40 : 0)),
      at: 700,
      length: 1,
    }),
  },
  {
    name: 'level shift 6σ',
    kind: 'level-shift',
    make: (s) => ({
      points: noise(s, 1200, (n, i) => 100 + 5 * n + (i >= 600 ? 30 : 0)),
      at: 600,
      length: 15,
    }),
  },
  {
    name: 'level shift 3σ',
    kind: 'level-shift',
    make: (s) => ({
      points: noise(s, 1200, (n, i) => 100 + 5 * n + (i >= 600 ? 15 : 0)),
      at: 600,
      length: 15,
    }),
  },
  {
    name: 'level shift 2σ',
    kind: 'level-shift',
    make: (s) => ({
      points: noise(s, 1200, (n, i) => 100 + 5 * n + (i >= 600 ? 10 : 0)),
      at: 600,
      length: 15,
    }),
  },
  {
    name: 'level shift 3σ, Student-t(3) noise',
    kind: 'level-shift',
    make: (s) => {
      const t = studentT(prng(s), 3);
      // 5·t(3) has a robust σ (1.4826 × MAD) of 5.7: the shift is 3 of those.
      return {
        points: series(1200, MINUTE, (i) => 100 + 5 * t() + (i >= 600 ? 17 : 0)),
        at: 600,
        length: 15,
      };
    },
  },
  {
    // The level climbs 6σ in 60 samples (0.1σ a sample), then stays: slow enough that no sample is
    // out of line with its neighbours, only the accumulated drift shows.
    name: 'gradual ramp (6σ over 60 samples)',
    kind: 'level-shift',
    make: (s) => ({
      points: noise(s, 1200, (n, i) => 100 + 5 * n + 0.5 * Math.min(60, Math.max(0, i - 600))),
      at: 600,
      length: 60,
      // Where the ramp stops the learned slope stops too: a change the scorer rightly reports.
      settle: 60,
    }),
  },
  {
    name: 'slope change (0 → 3/sample)',
    kind: 'trend',
    make: (s) => ({
      points: noise(s, 2000, (n, i) => 100 + 5 * n + (i >= 1000 ? 3 * (i - 1000) : 0)),
      at: 1000,
      length: 30,
    }),
  },
  {
    name: 'evening at afternoon level (seasonal)',
    kind: 'seasonal',
    make: (s) => {
      const from = 4 * 1440 + 20 * 60;
      const afternoon = dailyCycle(START + 15 * 60 * MINUTE, 500, 200);
      return {
        points: noise(
          s,
          5 * 1440,
          (n, i, t) => (i >= from && i < from + 180 ? afternoon : dailyCycle(t, 500, 200)) + 10 * n,
        ),
        at: from,
        length: 180,
        warmup: 2 * 1440,
      };
    },
  },
];

function noise(
  seed: number,
  count: number,
  f: (n: number, i: number, t: number) => number | null,
): SeriesPoint[] {
  const n = gaussian(prng(seed));
  return series(count, MINUTE, (i, t) => f(n(), i, t));
}

interface Row {
  name: string;
  falseFlagged: number;
  falseWindowsPerDay: number;
  found?: number;
  delay?: number;
  startError?: number;
  kindRight?: number;
}

function measure(c: Case): Row {
  let normal = 0;
  let flaggedNormal = 0;
  let falseWindows = 0;
  let days = 0;
  let injected = 0;
  let found = 0;
  let kindRight = 0;
  const delays: number[] = [];
  const startErrors: number[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const { points, at, length = 0, warmup = WARMUP, settle = SETTLE } = c.make(seed);
    const result: ScoredSeries = scoreSeries(points);
    const inAnomaly = (i: number) => at !== undefined && i >= at && i < at + length + settle;
    result.points.forEach((p, i) => {
      if (i < warmup || p.score === null || inAnomaly(i)) return;
      normal++;
      if (p.score >= FLAG_SCORE) flaggedNormal++;
    });
    const first = points[warmup]?.timestamp ?? START;
    const last = points[points.length - 1]?.timestamp ?? START;
    days += (last - first) / DAY;
    const anomalyStart =
      at !== undefined ? (points[at]?.timestamp ?? 0) - EARLY_START * MINUTE : Number.POSITIVE_INFINITY;
    const anomalyEnd =
      at !== undefined ? (points[at + length + settle]?.timestamp ?? last) : Number.POSITIVE_INFINITY;
    for (const w of result.windows) {
      if (w.start < first) continue;
      if (w.start >= anomalyStart && w.start <= anomalyEnd) continue;
      falseWindows++;
    }
    if (at === undefined) continue;
    injected++;
    const hit = result.points.findIndex(
      (p, i) => i >= at && i < at + length + SETTLE && (p.score ?? 0) >= FLAG_SCORE,
    );
    if (hit >= 0) {
      found++;
      delays.push(hit - at);
    }
    const window = result.windows.find((w) => w.start >= anomalyStart && w.start <= anomalyEnd);
    if (window && window.kind === c.kind) kindRight++;
    if (window) startErrors.push((window.start - (points[at]?.timestamp ?? 0)) / MINUTE);
  }
  delays.sort((a, b) => a - b);
  startErrors.sort((a, b) => Math.abs(a) - Math.abs(b));
  return {
    name: c.name,
    falseFlagged: flaggedNormal / Math.max(1, normal),
    falseWindowsPerDay: falseWindows / Math.max(1e-9, days),
    ...(injected > 0
      ? {
          found: found / injected,
          kindRight: kindRight / injected,
          ...(delays.length ? { delay: delays[Math.floor(delays.length / 2)] as number } : {}),
          ...(startErrors.length
            ? { startError: startErrors[Math.floor(startErrors.length / 2)] as number }
            : {}),
        }
      : {}),
  };
}

const pct = (v: number | undefined) =>
  v === undefined ? '–' : `${(100 * v).toFixed(v < 0.01 && v > 0 ? 2 : 1)}%`;
const header = [
  'case',
  'normal points flagged',
  'false windows/day',
  'found',
  'median delay (samples)',
  'window start − change (median, samples)',
  'right kind',
];
const rows = cases
  .filter((c) => only === undefined || c.name.toLowerCase().includes(only))
  .map(measure)
  .map((r) => [
    r.name,
    pct(r.falseFlagged),
    r.falseWindowsPerDay.toFixed(2),
    pct(r.found),
    r.delay === undefined ? '–' : String(r.delay),
    r.startError === undefined ? '–' : String(r.startError),
    pct(r.kindRight),
  ]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
console.log(
  `Anomaly scorer on synthetic series, ${seeds} seeds per case, one sample a minute, flag score ${FLAG_SCORE}`,
);
console.log(line(header));
for (const r of rows) console.log(line(r));
