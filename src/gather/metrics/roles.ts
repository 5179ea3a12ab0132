import type { MetricRole, MetricSeries } from './data.js';
import type { RawSeries } from './raw-series.js';
import {
  MAX_ROLES,
  NON_ADDITIVE_ROLES,
  ROLE_EXTRA_SUBJECT_LABELS,
  ROLE_RULES,
  type RoleRule,
  type RuleKind,
} from './role-rules.js';

// Raw series → role series: the file-side twin of the PromQL in the query set. Counters become
// per-second rates (a drop is a counter reset: the new value is the increase), series of one
// subject are summed on a common time grid, ratio roles divide two sums, histogram buckets give
// a 99th percentile per interval.

/** Series without a role kept per file, for people reading the bundle; signals never read them. */
export const MAX_UNROLED = 100;
/**
 * Subjects kept per role. An incident export covers a service or a namespace: tens of pods or
 * hosts. Beyond this the file is a fleet-wide dump, and the rest of that role is noted, not kept.
 */
export const MAX_SUBJECTS_PER_ROLE = 200;

export function assignRoles(raw: readonly RawSeries[]): { series: MetricSeries[]; notes: string[] } {
  const byMetric = new Map<string, RawSeries[]>();
  for (const s of raw) {
    const list = byMetric.get(s.metric) ?? [];
    list.push(s);
    byMetric.set(s.metric, list);
  }
  const used = new Set<RawSeries>();
  const series: MetricSeries[] = [];
  const done = new Set<string>();
  const subjectsPerRole = new Map<MetricRole, number>();
  const capped = new Map<MetricRole, number>();
  for (const rule of ROLE_RULES) {
    const members = select(byMetric.get(rule.metric) ?? [], rule.labels);
    if (members.length === 0) continue;
    const denominators = rule.over
      ? group(select(byMetric.get(rule.over.metric) ?? [], rule.over.labels), rule.role)
      : undefined;
    for (const [subject, group_] of group(members, rule.role)) {
      // One source per role and subject: the first rule that has data wins (e.g. a process's own
      // resident memory before its container's working set for the same instance).
      const key = `${rule.role} ${subject}`;
      if (done.has(key)) continue;
      const points = roleSeriesOf(rule, group_, denominators?.get(subject));
      if (!points || points.timestamps.length === 0) continue;
      for (const m of group_) used.add(m);
      done.add(key);
      const count = subjectsPerRole.get(rule.role) ?? 0;
      if (count >= MAX_SUBJECTS_PER_ROLE) {
        capped.set(rule.role, (capped.get(rule.role) ?? 0) + 1);
        continue;
      }
      subjectsPerRole.set(rule.role, count + 1);
      series.push({
        role: rule.role,
        metric: rule.metric,
        labels: labelsOf(group_[0] as RawSeries, rule.role),
        subject,
        ...points,
      });
    }
  }
  const denominatorOnly = new Set(ROLE_RULES.flatMap((r) => (r.over ? [r.over.metric] : [])));
  const unroled = raw.filter((s) => !used.has(s) && !denominatorOnly.has(s.metric));
  for (const s of unroled.slice(0, MAX_UNROLED)) {
    series.push({
      metric: s.metric,
      labels: s.labels,
      subject: subjectOf(s.labels, undefined) || s.metric,
      timestamps: s.timestamps,
      values: s.values,
    });
  }
  const notes = [...capped].map(
    ([role, n]) => `${role}: ${n} subjects beyond the first ${MAX_SUBJECTS_PER_ROLE} were left out`,
  );
  if (unroled.length > MAX_UNROLED)
    notes.push(`${unroled.length - MAX_UNROLED} series that play no known role were left out of the bundle`);
  return { series, notes };
}

/** The role series of one subject under one rule, or undefined when its denominator is missing. */
function roleSeriesOf(
  rule: RoleRule,
  members: readonly RawSeries[],
  denominator: readonly RawSeries[] | undefined,
): Points | undefined {
  // A ratio's two sums share one grid: scrape jitter of a few ms must not keep them apart.
  const step = gridStep(members);
  let points =
    rule.kind === 'histogram-p99'
      ? quantileOfBuckets(members, 0.99, step)
      : combine(members, rule.kind, rule.role, step);
  if (rule.over) {
    if (!denominator) return undefined;
    points = ratio(points, combine(denominator, rule.over.kind, rule.role, step), rule.complement === true);
  }
  const scale = rule.scale;
  if (scale !== undefined)
    points = { ...points, values: points.values.map((v) => (v === null ? null : v * scale)) };
  return points;
}

function select(series: readonly RawSeries[], labels: RoleRule['labels']): RawSeries[] {
  if (!labels) return [...series];
  const tests = Object.entries(labels).map(([k, pattern]) => [k, new RegExp(`^(?:${pattern})$`)] as const);
  return series.filter((s) => tests.every(([k, re]) => re.test(s.labels[k] ?? '')));
}

/** The labels that say what a series is about: pod (with namespace), else instance, else job. */
function subjectLabelsOf(labels: Record<string, string>, role: MetricRole | undefined): string[] {
  const base = labels.pod
    ? ['namespace', 'pod'].filter((k) => labels[k] !== undefined)
    : labels.instance
      ? ['instance']
      : labels.job
        ? ['job']
        : [];
  const extra = (role ? (ROLE_EXTRA_SUBJECT_LABELS[role] ?? []) : []).filter((k) => labels[k] !== undefined);
  return [...base, ...extra];
}

/** The subject of a series, the same from files and from servers: pod (with namespace), else instance, else job. */
export function subjectOf(labels: Record<string, string>, role: MetricRole | undefined): string {
  return subjectLabelsOf(labels, role)
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

function labelsOf(series: RawSeries, role: MetricRole): Record<string, string> {
  return Object.fromEntries(subjectLabelsOf(series.labels, role).map((k) => [k, series.labels[k] as string]));
}

function group(series: readonly RawSeries[], role: MetricRole): Map<string, RawSeries[]> {
  const groups = new Map<string, RawSeries[]>();
  for (const s of series) {
    const subject = subjectOf(s.labels, role) || 'all';
    const list = groups.get(subject) ?? [];
    list.push(s);
    groups.set(subject, list);
  }
  return groups;
}

interface Points {
  timestamps: number[];
  values: Array<number | null>;
}

/** Each member turned into values of its kind, then summed (or averaged) on a common grid. */
function combine(members: readonly RawSeries[], kind: RuleKind, role: MetricRole, step: number): Points {
  const grid = new Map<number, { sum: number; n: number; max: number }>();
  const missing = new Set<number>();
  for (const member of members) {
    const points = kind === 'gauge' ? member : delta(member, kind === 'histogram-p99' ? 'increase' : kind);
    points.timestamps.forEach((t, i) => {
      const at = Math.round(t / step) * step;
      const value = points.values[i];
      if (value === null || value === undefined) {
        missing.add(at);
        return;
      }
      const cell = grid.get(at) ?? { sum: 0, n: 0, max: Number.NEGATIVE_INFINITY };
      cell.sum += value;
      cell.n++;
      cell.max = Math.max(cell.max, value);
      grid.set(at, cell);
    });
  }
  const times = [...new Set([...grid.keys(), ...missing])].sort((a, b) => a - b);
  const additive = !NON_ADDITIVE_ROLES.has(role);
  return {
    timestamps: times,
    values: times.map((t) => {
      const cell = grid.get(t);
      if (!cell) return null;
      if (role === 'scrape.up') return Math.min(1, cell.sum / cell.n);
      if (additive) return cell.sum;
      // The busiest device and the oldest database are the risk; a mean would hide them.
      return MAX_ROLES.has(role) ? cell.max : cell.sum / cell.n;
    }),
  };
}

/** The median sampling interval of the members, at least 1 s: the grid their samples are aligned to. */
function gridStep(members: readonly RawSeries[]): number {
  const gaps: number[] = [];
  for (const m of members) {
    for (let i = 1; i < m.timestamps.length && gaps.length < 2000; i++) {
      gaps.push((m.timestamps[i] as number) - (m.timestamps[i - 1] as number));
    }
  }
  gaps.sort((a, b) => a - b);
  return Math.max(1000, gaps[Math.floor(gaps.length / 2)] ?? 1000);
}

/**
 * Per-second rate (counter), increase (increase) or count of changes (changes) between consecutive
 * samples. For counters a value below the previous one is a reset: the process restarted and
 * counted from zero, so the increase is the new value itself (as PromQL's rate() assumes).
 */
export function delta(series: RawSeries, kind: 'counter' | 'increase' | 'changes'): Points {
  const timestamps: number[] = [];
  const values: Array<number | null> = [];
  let previous: { t: number; v: number } | undefined;
  series.timestamps.forEach((t, i) => {
    const v = series.values[i];
    if (v === null || v === undefined) {
      timestamps.push(t);
      values.push(null);
      return;
    }
    if (previous) {
      const increase = v >= previous.v ? v - previous.v : v;
      const seconds = (t - previous.t) / 1000;
      timestamps.push(t);
      if (kind === 'changes') values.push(v === previous.v ? 0 : 1);
      else values.push(kind === 'increase' ? increase : seconds > 0 ? increase / seconds : null);
    }
    previous = { t, v };
  });
  return { timestamps, values };
}

/**
 * The q-quantile per interval of a cumulative histogram: each bucket's increase since the previous
 * sample, summed per upper bound over the members, then interpolated linearly inside the bucket
 * that holds the rank, as PromQL's histogram_quantile() does.
 */
function quantileOfBuckets(members: readonly RawSeries[], q: number, step: number): Points {
  const grid = new Map<number, Map<number, number>>();
  for (const member of members) {
    const le = upperBound(member.labels.le);
    if (le === undefined) continue;
    const increases = delta(member, 'increase');
    increases.timestamps.forEach((t, i) => {
      const value = increases.values[i];
      if (value === null || value === undefined) return;
      const at = Math.round(t / step) * step;
      const buckets = grid.get(at) ?? new Map<number, number>();
      buckets.set(le, (buckets.get(le) ?? 0) + value);
      grid.set(at, buckets);
    });
  }
  const timestamps = [...grid.keys()].sort((a, b) => a - b);
  return { timestamps, values: timestamps.map((t) => bucketQuantile(q, grid.get(t) as Map<number, number>)) };
}

function upperBound(le: string | undefined): number | undefined {
  if (le === undefined) return undefined;
  if (/^\+?inf$/i.test(le.trim())) return Number.POSITIVE_INFINITY;
  const value = Number(le);
  return Number.isFinite(value) ? value : undefined;
}

/** null when the interval had no observations or the histogram has no +Inf bucket. */
export function bucketQuantile(q: number, buckets: ReadonlyMap<number, number>): number | null {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  if (bounds.length < 2 || bounds[bounds.length - 1] !== Number.POSITIVE_INFINITY) return null;
  // Cumulative counts can dip when buckets were scraped a moment apart; the running maximum repairs it.
  let running = 0;
  const counts = bounds.map((b) => {
    running = Math.max(running, buckets.get(b) as number);
    return running;
  });
  const total = counts[counts.length - 1] as number;
  if (total <= 0) return null;
  const rank = q * total;
  const b = counts.findIndex((c) => c >= rank);
  if (b === bounds.length - 1) return bounds[bounds.length - 2] as number;
  const upper = bounds[b] as number;
  if (b === 0 && upper <= 0) return upper;
  const lower = b === 0 ? 0 : (bounds[b - 1] as number);
  const before = b === 0 ? 0 : (counts[b - 1] as number);
  const inBucket = (counts[b] as number) - before;
  return inBucket > 0 ? lower + (upper - lower) * ((rank - before) / inBucket) : upper;
}

function ratio(over: Points, under: Points, complement: boolean): Points {
  const below = new Map(under.timestamps.map((t, i) => [t, under.values[i] ?? null]));
  const timestamps: number[] = [];
  const values: Array<number | null> = [];
  over.timestamps.forEach((t, i) => {
    const a = over.values[i];
    const b = below.get(t);
    if (b === undefined) return;
    timestamps.push(t);
    if (a === null || a === undefined || b === null || b <= 0) values.push(null);
    else values.push(complement ? 1 - a / b : a / b);
  });
  return { timestamps, values };
}
