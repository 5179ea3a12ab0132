import type { Span } from '../../gather/traces/data.js';
import { callKey, downstreamOf, isPoolWait, type TraceView } from './model.js';

// What one trace shows: repeated identical calls, retries, where its errors began, failed calls,
// the services that started a trace although they are normally called by others, and its shape.

/**
 * Identical calls under one parent from this many on are N+1: an ORM loading rows one by one
 * makes tens or hundreds, while batching, pagination and a retry repeat a call two to five times.
 */
export const REPEAT_MIN = 10;

export interface RepeatedCalls {
  parent: Span;
  key: string;
  count: number;
}

/** The largest group of identical successful child calls of each parent that has children. */
export function repeatedCalls(trace: TraceView): RepeatedCalls[] {
  const found: RepeatedCalls[] = [];
  for (const parent of trace.spans) {
    const children = trace.children.get(parent.spanId);
    if (!children || children.length < 2) continue;
    const groups = new Map<string, number>();
    for (const child of children) {
      // A pool handing out a connection repeats with every query; the query is the call that repeats.
      if (child.error || child.kind === 'internal' || isPoolWait(child)) continue;
      const key = callKey(child);
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
    let best: RepeatedCalls | undefined;
    for (const [key, count] of groups) if (!best || count > best.count) best = { parent, key, count };
    if (best) found.push(best);
  }
  return found;
}

export interface Retry {
  downstream: string;
  /** Calls after the first to the same operation under one parent, following a failure. */
  retries: number;
  span: Span;
}

/** Identical client calls under one parent where an earlier one failed: the later ones are retries. */
export function retries(trace: TraceView): Retry[] {
  const found: Retry[] = [];
  for (const [, children] of trace.children) {
    const groups = new Map<string, Span[]>();
    for (const child of children) {
      if (child.kind !== 'client' || isPoolWait(child)) continue;
      const key = callKey(child);
      const list = groups.get(key) ?? [];
      list.push(child);
      groups.set(key, list);
    }
    for (const calls of groups.values()) {
      if (calls.length < 2) continue;
      const firstFailure = calls.findIndex((c) => c.error);
      if (firstFailure < 0 || firstFailure === calls.length - 1) continue;
      found.push({
        downstream: downstreamOf(calls[0] as Span),
        retries: calls.length - 1 - firstFailure,
        span: calls[firstFailure + 1] as Span,
      });
    }
  }
  return found;
}

/**
 * The spans where the trace's errors began: failed spans none of whose children failed. A failed
 * client call is named by what it called, so an outage shows as its downstream, not its caller.
 */
export function errorOrigins(trace: TraceView): Array<{ origin: string; span: Span }> {
  return trace.spans
    .filter((s) => s.error && !(trace.children.get(s.spanId) ?? []).some((c) => c.error))
    .map((s) => ({ origin: s.kind === 'client' ? downstreamOf(s) : s.service, span: s }));
}

export function failed(trace: TraceView): boolean {
  return trace.roots.some((r) => r.error);
}

/**
 * Failed client calls with whether a server answered them: a span below them (a server that was
 * reached), or an HTTP status the client received (a service without spans of its own, such as a
 * cloud API, that answered 403 or 503 was reached as well).
 */
export function failedCalls(trace: TraceView): Array<{ downstream: string; span: Span; answered: boolean }> {
  return (
    trace.spans
      // A pool that timed out handing out a connection is not a downstream that could not be reached.
      .filter((s) => s.kind === 'client' && s.error && !isPoolWait(s))
      .map((s) => ({
        downstream: downstreamOf(s),
        span: s,
        answered:
          (trace.children.get(s.spanId) ?? []).length > 0 ||
          s.attributes['http.response.status_code'] !== undefined ||
          s.attributes['http.status_code'] !== undefined,
      }))
  );
}

/** Services seen answering calls from other services (a server span under another service's client span). */
export function calledServices(traces: readonly TraceView[]): Set<string> {
  const called = new Set<string>();
  for (const trace of traces) {
    const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
    for (const s of trace.spans) {
      if (s.kind !== 'server' && s.kind !== 'consumer') continue;
      const parent = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
      if (parent && parent.service !== s.service) called.add(s.service);
    }
  }
  return called;
}

/** Children per span: the largest fan-out of the trace. */
export function fanOut(trace: TraceView): number {
  let most = 0;
  for (const list of trace.children.values()) most = Math.max(most, list.length);
  return most;
}

/**
 * Of the given downstreams (the ones a request retried), the one called deepest in the trace (most
 * client calls above it) and how many times the request called it: what retries at several layers
 * multiply.
 */
export function deepestCalls(
  trace: TraceView,
  among: ReadonlySet<string>,
): { downstream: string; calls: number } | undefined {
  const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
  let deepest: { downstream: string; depth: number } | undefined;
  let calls = 0;
  for (const span of trace.spans) {
    if (span.kind !== 'client' || !among.has(downstreamOf(span))) continue;
    let depth = 0;
    const seen = new Set<string>();
    for (let p = span.parentSpanId; p && !seen.has(p); p = byId.get(p)?.parentSpanId) {
      seen.add(p);
      if (byId.get(p)?.kind === 'client') depth++;
    }
    if (!deepest || depth > deepest.depth) deepest = { downstream: downstreamOf(span), depth };
  }
  if (!deepest) return undefined;
  for (const span of trace.spans)
    if (span.kind === 'client' && downstreamOf(span) === deepest.downstream) calls++;
  return { downstream: deepest.downstream, calls };
}

/** Client calls per downstream in one trace. */
export function callsPerDownstream(trace: TraceView): Map<string, number> {
  const counts = new Map<string, number>();
  for (const span of trace.spans) {
    if (span.kind !== 'client' || isPoolWait(span)) continue;
    const downstream = downstreamOf(span);
    counts.set(downstream, (counts.get(downstream) ?? 0) + 1);
  }
  return counts;
}
