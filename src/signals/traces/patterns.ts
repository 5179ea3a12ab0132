import type { Span } from '../../gather/traces/data.js';
import { callKey, downstreamOf, type TraceView } from './model.js';

// What one trace shows: repeated identical calls, retries, where its errors began, failed calls
// and the services that started a trace although they are normally called by others.

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
      if (child.error || child.kind === 'internal') continue;
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
      if (child.kind !== 'client') continue;
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

/** Failed client calls with whether any span answered below them (a server that was reached). */
export function failedCalls(trace: TraceView): Array<{ downstream: string; span: Span; answered: boolean }> {
  return trace.spans
    .filter((s) => s.kind === 'client' && s.error)
    .map((s) => ({
      downstream: downstreamOf(s),
      span: s,
      answered: (trace.children.get(s.spanId) ?? []).length > 0,
    }));
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

/**
 * The critical path of a trace: from the root, the child that finished last, then the child that
 * finished last before that one started, and so on down each chosen child. Each span on it is
 * charged the part of its time not covered by the chosen children: the time the request waited
 * on that span's own work.
 */
export function criticalPath(trace: TraceView): Map<string, number> {
  const charged = new Map<string, number>();
  const walk = (span: Span): void => {
    const children = [...(trace.children.get(span.spanId) ?? [])].sort(
      (a, b) => b.start + b.duration - (a.start + a.duration),
    );
    let cursor = span.start + span.duration;
    let own = 0;
    for (const child of children) {
      const end = Math.min(cursor, child.start + child.duration);
      if (end <= span.start || child.start >= cursor) continue;
      own += cursor - end;
      walk(child);
      cursor = Math.max(span.start, child.start);
    }
    own += Math.max(0, cursor - span.start);
    charged.set(span.service, (charged.get(span.service) ?? 0) + own);
  };
  const root = trace.roots[0];
  if (root) walk(root);
  return charged;
}

/** Children per span: the largest fan-out of the trace. */
export function fanOut(trace: TraceView): number {
  let most = 0;
  for (const list of trace.children.values()) most = Math.max(most, list.length);
  return most;
}
