import type { SourcePointer } from '../../core/source-pointer.js';
import type { Span } from '../../gather/traces/data.js';

// Spans grouped into traces with their tree: the shape every trace signal walks.

export interface TraceView {
  traceId: string;
  spans: Span[];
  /** Spans without a parent in the trace, earliest first; one for a whole trace. */
  roots: Span[];
  children: Map<string, Span[]>;
  /** Spans whose parent id names a span that is not in the trace. */
  orphans: number;
  start: number;
  /** The file or server the trace came from. */
  source: SourcePointer;
}

export function buildTraces(
  sources: ReadonlyArray<{ source: SourcePointer; data: { spans: Span[] } }>,
): TraceView[] {
  const byTrace = new Map<string, { spans: Span[]; source: SourcePointer }>();
  for (const { source, data } of sources) {
    for (const span of data.spans) {
      const entry = byTrace.get(span.traceId) ?? { spans: [], source };
      entry.spans.push(span);
      byTrace.set(span.traceId, entry);
    }
  }
  const traces: TraceView[] = [];
  for (const [traceId, { spans, source }] of byTrace) {
    const ids = new Set(spans.map((s) => s.spanId));
    const children = new Map<string, Span[]>();
    const roots: Span[] = [];
    let orphans = 0;
    for (const span of spans) {
      if (span.parentSpanId && ids.has(span.parentSpanId)) {
        const list = children.get(span.parentSpanId) ?? [];
        list.push(span);
        children.set(span.parentSpanId, list);
      } else {
        if (span.parentSpanId) orphans++;
        roots.push(span);
      }
    }
    for (const list of children.values()) list.sort((a, b) => a.start - b.start);
    roots.sort((a, b) => a.start - b.start);
    traces.push({
      traceId,
      spans,
      roots,
      children,
      orphans,
      start: spans.reduce((earliest, s) => Math.min(earliest, s.start), Number.POSITIVE_INFINITY),
      source,
    });
  }
  return traces.sort((a, b) => a.start - b.start || (a.traceId < b.traceId ? -1 : 1));
}

/** What a call is to: the service and operation, plus the normalized statement or route. */
export function callKey(span: Span): string {
  const a = span.attributes;
  const detail =
    a['db.statement'] ??
    a['db.query.text'] ??
    a['http.route'] ??
    a['url.path'] ??
    a['http.url'] ??
    a['url.full'] ??
    '';
  return `${span.service} ${span.name}${detail ? ` ${String(detail)}` : ''}`;
}

/** The operation a signal is about: "service operation". */
export function operationOf(span: Span): string {
  return `${span.service} ${span.name}`;
}

/**
 * Spans of a connection pool handing out a connection, as instrumentations name them (node-postgres'
 * pool, generic-pool, and names that say "acquire" or "checkout" of a connection from a pool). The
 * time in them is waiting for a connection, not talking to the database.
 */
const POOL_WAIT_NAMES = new Set(['pg-pool.connect', 'generic-pool.acquire', 'generic-pool.aquire']);
const POOL_WAIT_PATTERN =
  /pool.*\b(?:acquire|checkout|getconnection)\b|\b(?:acquire|checkout)\b.*connection/i;

export function isPoolWait(span: Span): boolean {
  return POOL_WAIT_NAMES.has(span.name) || POOL_WAIT_PATTERN.test(span.name);
}

/** A query to a database: a client span with a database system that is not a wait for a connection. */
export function isDbCall(span: Span): boolean {
  return (
    span.kind === 'client' &&
    (span.attributes['db.system'] !== undefined || span.attributes['db.system.name'] !== undefined) &&
    !isPoolWait(span)
  );
}

/** The downstream a client span calls: peer service, database system or server address. */
export function downstreamOf(span: Span): string {
  if (isPoolWait(span)) return `${span.service} → connection pool`;
  const a = span.attributes;
  const peer =
    a['peer.service'] ??
    a['db.system'] ??
    a['db.system.name'] ??
    a['server.address'] ??
    a['net.peer.name'] ??
    a['rpc.service'];
  return `${span.service} → ${peer !== undefined ? String(peer) : span.name}`;
}

export function traceSource(trace: TraceView, span?: Span): SourcePointer {
  const path = trace.source.type === 'file' ? trace.source.path : undefined;
  return {
    type: 'trace',
    traceId: trace.traceId,
    ...(span ? { spanId: span.spanId } : {}),
    ...(path ? { path } : {}),
  };
}

/** The HTTP status of a span (received by a client, answered by a server), or 0. */
export function statusOf(span: Span): number {
  const status = span.attributes['http.response.status_code'] ?? span.attributes['http.status_code'];
  return typeof status === 'number' ? status : Number(status ?? 0) || 0;
}
