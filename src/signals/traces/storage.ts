import type { Span } from '../../gather/traces/data.js';
import { type Add, baselineEnd, excessShare, iso, percent } from './emit.js';
import { downstreamOf, type TraceView, traceSource } from './model.js';

// Object reads from a storage tier that moved away: reads of objects that a lifecycle rule moved
// to an archive storage class fail until the object is restored (S3 answers 403 InvalidObjectState
// to GetObject on Glacier objects, Azure Blob Storage BlobArchived). Keys dated by day (the usual
// layout of invoices, reports, logs) tell how old the objects were that failed.

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

/** A day in an object key: 2026/08/12, 2026-08-12, 20260812 or year=2026/month=08/day=12. */
const KEY_DAY = /(?:^|[^0-9])(20\d\d)[-/_]?(0[1-9]|1[0-2])[-/_]?(0[1-9]|[12]\d|3[01])(?:[^0-9]|$)/;
const KEY_DAY_PARTS = /year=(20\d\d)\/month=(\d\d?)\/day=(\d\d?)/;

/** The age in days, at the read, of an object whose key names the day it was written. */
export function objectAgeDays(span: Span): number | undefined {
  const key = span.attributes['aws.s3.key'];
  if (typeof key !== 'string') return undefined;
  const match = KEY_DAY.exec(key) ?? KEY_DAY_PARTS.exec(key);
  if (!match) return undefined;
  const day = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (!Number.isFinite(day) || day > span.start) return undefined;
  return Math.floor((span.start - day) / 86_400_000);
}

/** Reads of a storage downstream needed before a share of them says anything. */
const MIN_READS = 20;

export function storageSignals(traces: readonly TraceView[], add: Add): void {
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
