import type { Span } from '../../gather/traces/data.js';
import { type Add, firstCluster, iso, percent } from './emit.js';
import { operationOf, type TraceView, traceSource } from './model.js';

// Messages processed more than once: consumer spans carry the id of the message they handle
// (messaging.message.id; for Kafka, the partition and offset), so the same message processed to
// completion twice shows as two successful consumer spans with one id, in one trace or in two.
// A redelivery after a failed attempt is the broker doing its job, not a duplicate.

/** Duplicates needed before a share means anything: one may be a client's deliberate replay. */
const MIN_DUPLICATES = 3;
/** Successful consumes of an operation needed before its share of duplicates is judged. */
const MIN_CONSUMES = 20;

const PROCESSING = new Set(['process', 'receive', 'deliver']);

function isConsume(span: Span): boolean {
  if (span.kind === 'consumer') return true;
  const operation = span.attributes['messaging.operation.type'] ?? span.attributes['messaging.operation'];
  return typeof operation === 'string' && PROCESSING.has(operation);
}

/** The identity of the message a span handles: its id, or its Kafka partition and offset. */
export function messageKey(span: Span): string | undefined {
  const a = span.attributes;
  const destination = String(a['messaging.destination.name'] ?? '');
  const id = a['messaging.message.id'];
  if (id !== undefined && String(id) !== '') return `${destination}\u0000${String(id)}`;
  const offset = a['messaging.kafka.offset'] ?? a['messaging.kafka.message.offset'];
  const partition =
    a['messaging.destination.partition.id'] ??
    a['messaging.kafka.destination.partition'] ??
    a['messaging.kafka.partition'];
  if (offset !== undefined && partition !== undefined)
    return `${destination}\u0000${String(partition)}@${String(offset)}`;
  return undefined;
}

export function messageSignals(traces: readonly TraceView[], add: Add): void {
  const byOperation = new Map<string, Array<{ trace: TraceView; span: Span; key: string }>>();
  for (const trace of traces) {
    for (const span of trace.spans) {
      if (!isConsume(span)) continue;
      const key = messageKey(span);
      if (key === undefined) continue;
      const op = operationOf(span);
      const list = byOperation.get(op) ?? [];
      list.push({ trace, span, key });
      byOperation.set(op, list);
    }
  }
  const window = (traces[traces.length - 1] as TraceView).start - (traces[0] as TraceView).start;
  for (const [op, consumes] of [...byOperation].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    consumes.sort((a, b) => a.span.start - b.span.start);
    const done = new Set<string>();
    const duplicates: typeof consumes = [];
    let completed = 0;
    let redeliveries = 0;
    const seen = new Set<string>();
    for (const consume of consumes) {
      if (seen.has(consume.key) && !done.has(consume.key)) redeliveries++;
      seen.add(consume.key);
      if (consume.span.error) continue;
      completed++;
      if (done.has(consume.key)) duplicates.push(consume);
      done.add(consume.key);
    }
    if (completed < MIN_CONSUMES) continue;
    const share = duplicates.length >= MIN_DUPLICATES ? duplicates.length / completed : 0;
    const onset =
      share > 0
        ? firstCluster(
            duplicates.map((d) => d.span.start),
            window / 10,
          )
        : undefined;
    const example = duplicates[0] ?? (consumes[consumes.length - 1] as (typeof consumes)[number]);
    add({
      name: 'traces.messages.duplicate-share',
      subject: op,
      value: share,
      unit: 'ratio',
      ...(onset !== undefined ? { onset: iso(onset) } : {}),
      explanation: `${duplicates.length} of ${completed} messages ${op} completed were ones it had already processed to completion (same message id), ${percent(duplicates.length / completed)}; ${redeliveries} more were redelivered after a failed attempt, which is not a duplicate`,
      sources: [traceSource(example.trace, example.span)],
    });
  }
}
