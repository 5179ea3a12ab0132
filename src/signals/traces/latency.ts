import { median, quantile, robustSigma } from '../../anomaly/order-statistics.js';
import type { Span } from '../../gather/traces/data.js';
import {
  type Add,
  baselineEnd,
  excessShare,
  firstCluster,
  iso,
  MIN_TRACES,
  ms,
  percent,
  sustainedLevel,
  type Timed,
} from './emit.js';
import { downstreamOf, isDbCall, operationOf, type TraceView, traceSource } from './model.js';

// Latency from the spans: per operation (a service's server or consumer spans) and per downstream
// (the client calls to it), the median and p99 and how they moved from the window's first quarter;
// root operations and database calls on their own; and slow spans, far beyond an operation's own
// healthy distribution.

type Call = Timed<{ trace: TraceView; span: Span }>;

interface Group {
  kind: 'root' | 'db' | 'operation' | 'downstream';
  before: number[];
  after: Call[];
  /** Successful calls only: slowness, not failures at a timeout. */
  okBefore: number[];
  okAfter: Call[];
}

/** Calls before and after the baseline needed for a median shift (each side). */
const MIN_SIDE = MIN_TRACES / 2;
/** A p99 needs more: with fewer calls it is one or two extreme calls, not a percentile. */
const MIN_P99_BEFORE = 50;
const MIN_P99_AFTER = 100;
/** Baseline calls needed to learn an operation's own spread for slow-span detection. */
const MIN_SPREAD_SAMPLE = 30;
/**
 * A successful call is a slow outlier beyond 4 robust standard deviations of its operation's
 * log-durations in the baseline: latency is roughly log-normal, and 4σ happens once in 30,000 calls
 * of healthy behaviour, while at a typical σ of 0.3–0.5 it still flags calls 3–7× the median.
 */
const SLOW_SIGMAS = 4;
/**
 * A median shift counts only when it also adds this much time: calls of a millisecond double from
 * scheduling and GC jitter on a busy host, which no user or objective notices, while the failures
 * behind a shift (a missing index, lock waits, a saturated pool) add tens of milliseconds or more.
 */
const MIN_SHIFT_MS = 5;

export function latencySignals(traces: readonly TraceView[], add: Add): void {
  const cut = baselineEnd(traces);
  const groups = new Map<string, Group>();
  const put = (key: string, kind: Group['kind'], trace: TraceView, span: Span) => {
    const g = groups.get(`${kind}\u0000${key}`) ?? { kind, before: [], after: [], okBefore: [], okAfter: [] };
    const call = { t: span.start, v: span.duration, item: { trace, span } };
    if (span.start < cut) {
      g.before.push(span.duration);
      if (!span.error) g.okBefore.push(span.duration);
    } else {
      g.after.push(call);
      if (!span.error) g.okAfter.push(call);
    }
    groups.set(`${kind}\u0000${key}`, g);
  };
  for (const trace of traces) {
    for (const root of trace.roots) if (root.kind === 'server') put(operationOf(root), 'root', trace, root);
    for (const s of trace.spans) {
      if (isDbCall(s)) put(downstreamOf(s), 'db', trace, s);
      if (s.kind === 'server' || s.kind === 'consumer') put(operationOf(s), 'operation', trace, s);
      else if (s.kind === 'client') put(downstreamOf(s), 'downstream', trace, s);
    }
  }
  const links: Link[] = [];
  for (const [key, g] of [...groups].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const subject = key.slice(key.indexOf('\u0000') + 1);
    g.after.sort((a, b) => a.t - b.t);
    g.okAfter.sort((a, b) => a.t - b.t);
    if (g.kind === 'root' || g.kind === 'db') medianShift(subject, g, add);
    else {
      const shift = percentiles(subject, g, add);
      slowSpans(subject, g, traces, add);
      if (shift && g.kind === 'downstream' && !subject.endsWith(POOL_LINK))
        links.push(linkOf(subject, shift, groups.has(`db\u0000${subject}`)));
    }
  }
  beyondPeers(links, add);
}

/** A client link of a service (its calls to one downstream) and how much its median rose. */
interface Link {
  service: string;
  subject: string;
  db: boolean;
  baseline: number;
  level: number;
  rise: number;
  example: Call;
}

const POOL_LINK = ' → connection pool';

function linkOf(subject: string, { baseline, level }: MedianShift, db: boolean): Link {
  return {
    service: subject.slice(0, subject.indexOf(' → ')),
    subject,
    db,
    baseline,
    level: level.level,
    rise: Math.max(0, level.level - baseline),
    example: level.example,
  };
}

/**
 * A database's calls against the same service's calls to its other downstreams. A caller that
 * cannot run (a blocked event loop, a starved CPU) delays the end of every span it records by the
 * same stall, so all its client calls rise by about the same milliseconds; a slow database makes
 * its own calls rise far more than the others. The ratio is the database's rise over the largest
 * rise of another link, each at least the jitter floor.
 */
function beyondPeers(links: readonly Link[], add: Add): void {
  for (const db of links) {
    if (!db.db || db.rise < MIN_SHIFT_MS) continue;
    const peers = links.filter((l) => l.service === db.service && l !== db);
    if (peers.length === 0) continue;
    const top = peers.reduce((a, b) => (b.rise > a.rise ? b : a));
    add({
      name: 'traces.db.latency.beyond-peers',
      subject: db.subject,
      value: db.rise / Math.max(MIN_SHIFT_MS, top.rise),
      unit: 'ratio',
      explanation: `the median call of ${db.subject} rose by ${ms(db.rise)} (${ms(db.baseline)} → ${ms(db.level)}), while the same service's calls to its other downstreams rose by at most ${ms(top.rise)} (${top.subject})`,
      sources: [traceSource(db.example.item.trace, db.example.item.span)],
    });
  }
}

/** The existing root and database shifts: the worst sustained median after the baseline against it. */
function medianShift(subject: string, g: Group, add: Add): void {
  if (g.before.length < MIN_SIDE || g.after.length < MIN_SIDE) return;
  const baseline = median(g.before);
  const level = baseline > 0 ? sustainedLevel(g.after, baseline) : undefined;
  if (!level) return;
  const small = level.level - baseline < MIN_SHIFT_MS;
  const p99 = quantile(
    g.after.map((x) => x.v),
    0.99,
  );
  const what = g.kind === 'db' ? 'query' : 'request';
  add({
    name: g.kind === 'db' ? 'traces.db.latency.shift' : 'traces.latency.shift',
    subject,
    value: small ? 1 : level.level / baseline,
    unit: 'ratio',
    ...(level.raisedAt !== undefined ? { onset: iso(level.raisedAt) } : {}),
    explanation: `median ${what} time of ${subject} reached ${ms(level.level)} against ${ms(baseline)} in the first quarter of the window (p99 after: ${ms(p99)})${small ? `; less than ${MIN_SHIFT_MS} ms more, within a busy host's jitter, so counted as no shift` : ''}`,
    sources: [traceSource(level.example.item.trace, level.example.item.span)],
  });
}

/** The median of a group's calls before the cut and its worst sustained level after. */
interface MedianShift {
  baseline: number;
  level: { level: number; example: Call };
}

/** The operation's or downstream's percentiles and their shifts; returns its median shift, if measured. */
function percentiles(subject: string, g: Group, add: Add): MedianShift | undefined {
  const all = [...g.before, ...g.after.map((x) => x.v)];
  if (all.length < MIN_TRACES) return undefined;
  const slowest = g.after.reduce<Call | undefined>((a, b) => (!a || b.v > a.v ? b : a), undefined);
  const source = slowest ? [traceSource(slowest.item.trace, slowest.item.span)] : [];
  const p50 = median(all);
  const p99 = quantile(all, 0.99);
  add({
    name: 'traces.operation.latency.p50',
    subject,
    value: p50,
    unit: 'ms',
    explanation: `median duration of ${subject}: ${ms(p50)} over ${all.length} calls`,
    sources: source,
  });
  add({
    name: 'traces.operation.latency.p99',
    subject,
    value: p99,
    unit: 'ms',
    explanation: `p99 duration of ${subject}: ${ms(p99)} over ${all.length} calls`,
    sources: source,
  });
  if (g.before.length < MIN_SIDE || g.after.length < MIN_SIDE) return undefined;
  const baseline = median(g.before);
  const level = sustainedLevel(g.after, baseline);
  const shift = level ? { baseline, level } : undefined;
  if (level && baseline > 0) {
    add({
      name: 'traces.operation.latency.p50.shift',
      subject,
      value: level.level / baseline,
      unit: 'ratio',
      ...(level.raisedAt !== undefined ? { onset: iso(level.raisedAt) } : {}),
      explanation: `median duration of ${subject} reached ${ms(level.level)} against ${ms(baseline)} in the first quarter of the window`,
      sources: [traceSource(level.example.item.trace, level.example.item.span)],
    });
  }
  if (g.before.length < MIN_P99_BEFORE || g.after.length < MIN_P99_AFTER) return shift;
  const p99Before = quantile(g.before, 0.99);
  const p99After = quantile(
    g.after.map((x) => x.v),
    0.99,
  );
  if (!(p99Before > 0)) return shift;
  add({
    name: 'traces.operation.latency.p99.shift',
    subject,
    value: p99After / p99Before,
    unit: 'ratio',
    explanation: `p99 duration of ${subject} was ${ms(p99After)} after the first quarter of the window against ${ms(p99Before)} in it`,
    sources: source,
  });
  return shift;
}

/**
 * Slow spans: successful calls beyond the operation's own healthy spread. The signal is how much
 * the share of such calls grew after the baseline (at the low end of its confidence interval), so
 * a tail the operation always had (cache misses, a cold path) is not news, and a new one is.
 */
function slowSpans(subject: string, g: Group, traces: readonly TraceView[], add: Add): void {
  if (g.okBefore.length < MIN_SPREAD_SAMPLE || g.okAfter.length < MIN_SIDE) return;
  const logs = g.okBefore.filter((d) => d > 0).map(Math.log);
  if (logs.length < MIN_SPREAD_SAMPLE) return;
  const center = median(logs);
  const sigma = robustSigma(logs, center);
  if (!(sigma > 0)) return;
  const bound = Math.exp(center + SLOW_SIGMAS * sigma);
  const slowBefore = g.okBefore.filter((d) => d > bound).length;
  const shareBefore = slowBefore / g.okBefore.length;
  const slow = g.okAfter.filter((x) => x.v > bound);
  const shareAfter = slow.length / g.okAfter.length;
  const excess = excessShare(slowBefore, g.okBefore.length, slow.length, g.okAfter.length);
  const span = (traces[traces.length - 1] as TraceView).start - (traces[0] as TraceView).start;
  const onset =
    excess > 0
      ? firstCluster(
          slow.map((x) => x.t),
          span / 10,
        )
      : undefined;
  const slowest = slow.reduce<Call | undefined>((a, b) => (!a || b.v > a.v ? b : a), undefined);
  const example = slowest ?? g.okAfter[g.okAfter.length - 1];
  add({
    name: 'traces.slow-spans.share',
    subject,
    value: excess,
    unit: 'ratio',
    ...(onset !== undefined ? { onset: iso(onset) } : {}),
    explanation: `${percent(shareAfter)} of successful calls of ${subject} after the first quarter of the window took longer than ${ms(bound)} (its median ${ms(Math.exp(center))} plus ${SLOW_SIGMAS} robust standard deviations), against ${percent(shareBefore)} in it; ${percent(excess)} more at the least`,
    sources: example ? [traceSource(example.item.trace, example.item.span)] : [],
  });
}
