import type { Span } from '../../gather/traces/data.js';
import { type Add, baselineEnd, excessShare, iso, ms, percent } from './emit.js';
import { downstreamOf, type TraceView, traceSource } from './model.js';

// Reads from a storage tier that moved away: reads of objects that a lifecycle rule moved to an
// archive storage class fail until the object is restored (S3 answers 403 InvalidObjectState to
// GetObject on Glacier objects, Azure Blob Storage BlobArchived), and searches of indices that an
// ILM policy moved to a cold or frozen tier take seconds. Object keys and index names dated by day
// (the usual layout of invoices, reports, logs) tell how old the data was that failed or was slow.

/** Object reads as the AWS SDK instrumentations record them (rpc.* attributes, or the span name). */
const READ_METHODS = new Set(['GetObject', 'HeadObject', 'SelectObjectContent', 'GetObjectAttributes']);
const READ_NAME = /^s3\.(?:getobject|headobject|selectobjectcontent)$/i;

export function isObjectRead(span: Span): boolean {
  if (span.kind !== 'client') return false;
  const a = span.attributes;
  if (a['rpc.service'] === 'S3' && READ_METHODS.has(String(a['rpc.method']))) return true;
  return READ_NAME.test(span.name);
}

/** What S3 and Azure answer for an object in an archive tier that was not restored. */
const ARCHIVED = /InvalidObjectState|BlobArchived|not valid for the object's storage class|archived blob/i;

function archivedFailure(span: Span): boolean {
  if (!span.error) return false;
  const texts = [span.statusMessage, String(span.attributes['error.type'] ?? ''), ...(span.exceptions ?? [])];
  return texts.some((t) => t !== undefined && ARCHIVED.test(t));
}

/** A day in an object key or index name: 2026/08/12, 2026-08-12, 2026.08.12, 20260812 or year=2026/month=08/day=12. */
const KEY_DAY = /(?:^|[^0-9])(20\d\d)[-/_.]?(0[1-9]|1[0-2])[-/_.]?(0[1-9]|[12]\d|3[01])(?:[^0-9]|$)/;
const KEY_DAY_PARTS = /year=(20\d\d)\/month=(\d\d?)\/day=(\d\d?)/;

/** Search engines whose indices are commonly split by day and tiered by age (ILM, ISM). */
const SEARCH_SYSTEMS = new Set(['elasticsearch', 'opensearch']);

/**
 * The age in days, at the read, of the data a read names by day: an object key, or the index in the
 * path of a search request.
 */
export function objectAgeDays(span: Span): number | undefined {
  const a = span.attributes;
  const system = a['db.system'] ?? a['db.system.name'];
  const key =
    a['aws.s3.key'] ??
    (typeof system === 'string' && SEARCH_SYSTEMS.has(system)
      ? (a['url.full'] ?? a['url.path'] ?? a['http.url'] ?? a['http.target'])
      : undefined);
  if (typeof key !== 'string') return undefined;
  const match = KEY_DAY.exec(key) ?? KEY_DAY_PARTS.exec(key);
  if (!match) return undefined;
  const day = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (!Number.isFinite(day) || day > span.start) return undefined;
  return Math.floor((span.start - day) / 86_400_000);
}

/** Reads of a storage downstream needed before a share of them says anything. */
const MIN_READS = 20;
/** Successful dated reads needed on each side of an age split, so the level on either side means something. */
const MIN_SIDE = 10;
/** Ages tried as the split: twentieths of the reads, fine enough to find a transition age. */
const AGE_SPLITS = 20;

export function storageSignals(traces: readonly TraceView[], add: Add): void {
  archivedSignals(traces, add);
  ageSignals(traces, add);
}

/**
 * Latency by the age of the data read: successful reads of one downstream split at the age that
 * best separates slow from fast, the typical time of the older side against the younger. Data
 * tiered by age reads slowly past the transition age and quickly before it; a store that is slow
 * for everyone (or for some reads whatever their age) is as slow on both sides.
 */
function ageSignals(traces: readonly TraceView[], add: Add): void {
  const byDownstream = new Map<string, Array<{ trace: TraceView; span: Span; age: number }>>();
  for (const trace of traces) {
    for (const span of trace.spans) {
      if (span.kind !== 'client' || span.error) continue;
      const age = objectAgeDays(span);
      if (age === undefined) continue;
      const key = downstreamOf(span);
      const list = byDownstream.get(key) ?? [];
      list.push({ trace, span, age });
      byDownstream.set(key, list);
    }
  }
  for (const [subject, reads] of [...byDownstream].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (reads.length < 2 * MIN_SIDE) continue;
    reads.sort((a, b) => a.age - b.age || a.span.start - b.span.start);
    let best: { ratio: number; at: number; young: number; old: number } | undefined;
    // Candidate splits at every twentieth of the reads by age, moved to where the age changes:
    // reads of data of one age belong on one side.
    const splits = new Set<number>();
    for (let q = 1; q < AGE_SPLITS; q++) {
      let i = Math.round((q / AGE_SPLITS) * reads.length);
      while (
        i < reads.length &&
        (reads[i] as (typeof reads)[number]).age === (reads[i - 1] as (typeof reads)[number]).age
      )
        i++;
      if (i >= MIN_SIDE && i <= reads.length - MIN_SIDE) splits.add(i);
    }
    for (const i of splits) {
      const young = logLevel(reads.slice(0, i).map((r) => r.span.duration));
      const old = logLevel(reads.slice(i).map((r) => r.span.duration));
      if (!young || !old) continue;
      // The one-sided 95% lower bound of the difference: a few reads on the young side that happen
      // to be slow or fast do not make an age split, a clean one across many reads does.
      const lower =
        old.mean - young.mean - 1.645 * Math.sqrt(old.variance / old.n + young.variance / young.n);
      const ratio = Math.exp(lower);
      if (!best || ratio > best.ratio)
        best = {
          ratio,
          at: (reads[i] as (typeof reads)[number]).age,
          young: Math.exp(young.mean),
          old: Math.exp(old.mean),
        };
    }
    if (!best) continue;
    const boundary = best.at;
    const example = reads
      .filter((r) => r.age >= boundary)
      .reduce((a, b) => (b.span.duration > a.span.duration ? b : a));
    add({
      name: 'traces.storage.age-latency',
      subject,
      value: best.ratio,
      unit: 'ratio',
      explanation: `reads ${subject} of data ${boundary} days old or older typically took ${ms(best.old)} against ${ms(best.young)} for younger data (geometric means of the middle 80%); ${best.ratio.toFixed(1)}× slower at the least (the age named in the object key or index)`,
      sources: [traceSource(example.trace, example.span)],
    });
  }
}

/** Share of values cut from each end before averaging: a few stray reads do not move the level. */
const TRIM = 0.1;

/**
 * The level of a group of reads on the log scale: mean and variance of the middle 80% of their log
 * durations. Unlike a median, the mean does not jump from one mode to the other when slow and fast
 * reads are near half and half, and the variance says how far a small group can be trusted.
 */
function logLevel(durations: readonly number[]): { mean: number; variance: number; n: number } | undefined {
  const logs = durations
    .filter((d) => d > 0)
    .map(Math.log)
    .sort((a, b) => a - b);
  const cut = Math.floor(TRIM * logs.length);
  const kept = logs.slice(cut, logs.length - cut);
  if (kept.length < 2) return undefined;
  const mean = kept.reduce((sum, x) => sum + x, 0) / kept.length;
  const variance = kept.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (kept.length - 1);
  return { mean, variance, n: kept.length };
}

function archivedSignals(traces: readonly TraceView[], add: Add): void {
  const cut = baselineEnd(traces);
  const byDownstream = new Map<string, Array<{ trace: TraceView; span: Span; archived: boolean }>>();
  for (const trace of traces) {
    for (const span of trace.spans) {
      if (!isObjectRead(span)) continue;
      const key = downstreamOf(span);
      const list = byDownstream.get(key) ?? [];
      list.push({ trace, span, archived: archivedFailure(span) });
      byDownstream.set(key, list);
    }
  }
  for (const [subject, reads] of [...byDownstream].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (reads.length < MIN_READS) continue;
    reads.sort((a, b) => a.span.start - b.span.start);
    const before = reads.filter((r) => r.span.start < cut);
    const after = reads.filter((r) => r.span.start >= cut);
    const archivedBefore = before.filter((r) => r.archived).length;
    const archivedAfter = after.filter((r) => r.archived);
    // Without a baseline, archived objects are taken as new: a healthy application reads none.
    const excess =
      before.length > 0
        ? excessShare(archivedBefore, before.length, archivedAfter.length, after.length)
        : after.length > 0
          ? archivedAfter.length / after.length
          : 0;
    const first = archivedAfter[0];
    const example = first ?? (reads[reads.length - 1] as (typeof reads)[number]);
    add({
      name: 'traces.storage.archived-share',
      subject,
      value: excess,
      unit: 'ratio',
      ...(first && excess > 0 ? { onset: iso(first.span.start) } : {}),
      explanation: `${archivedAfter.length} of ${after.length} object reads ${subject} after the first quarter of the window failed because the object sits in an archive storage class (InvalidObjectState, BlobArchived), against ${archivedBefore} of ${before.length} in it; ${percent(excess)} more at the least`,
      sources: [traceSource(example.trace, example.span)],
    });
    // How old the archived objects were: a lifecycle rule moves objects at one age, so the failed
    // reads are all of objects older than some number of days, and the younger ones still read.
    const ages = archivedAfter.map((r) => objectAgeDays(r.span)).filter((a): a is number => a !== undefined);
    if (ages.length === 0 || !first) continue;
    const youngest = Math.min(...ages);
    const readable = after.filter((r) => !r.span.error).map((r) => objectAgeDays(r.span));
    const olderRead = readable.filter((a) => a !== undefined && a > youngest).length;
    add({
      name: 'traces.storage.archived.min-age',
      subject,
      value: youngest,
      unit: 'days',
      explanation: `the objects whose reads failed as archived were all at least ${youngest} days old (their keys name the day); ${olderRead} reads of older objects still succeeded`,
      sources: [traceSource(first.trace, first.span)],
    });
  }
}
