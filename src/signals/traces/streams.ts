import { median } from '../../anomaly/order-statistics.js';
import type { Span } from '../../gather/traces/data.js';
import { type Add, baselineEnd, excessShare, firstCluster, iso, ms, percent } from './emit.js';
import { operationOf, type TraceView, traceSource } from './model.js';

// Stream stalls: streaming calls (spans with message events, as gRPC instrumentations record them)
// that fall silent while they stay open, until a deadline or an idle timeout ends them.

/** Messages a call needs before it has a rhythm to break. */
const MIN_MESSAGES = 3;
/** Streaming calls of an operation needed before a share of them means anything. */
const MIN_STREAMS = 10;
/** Baseline streams needed to know how often this operation's streams pause anyway. */
const MIN_BASELINE_STREAMS = 5;
/**
 * A silence 20× the stream's own median gap between messages is a stall: with messages arriving
 * at random (exponential gaps), the longest of 100 gaps is about 7× the median, so 20× does not
 * happen by chance; a stream that stopped until a 30 s deadline at 1 message a second is 30×.
 */
const STALL_FACTOR = 20;
/** Silences shorter than a second are not noticed by anyone, nor cut by any idle timeout. */
const MIN_STALL_MS = 1000;

type Stream = { trace: TraceView; span: Span; messages: NonNullable<Span['messages']> };

export function streamSignals(traces: readonly TraceView[], add: Add): void {
  const cut = baselineEnd(traces);
  const window = (traces[traces.length - 1] as TraceView).start - (traces[0] as TraceView).start;
  const byOperation = new Map<string, Stream[]>();
  for (const trace of traces) {
    for (const span of trace.spans) {
      if (!span.messages || span.messages.count < MIN_MESSAGES) continue;
      const op = operationOf(span);
      const list = byOperation.get(op) ?? [];
      list.push({ trace, span, messages: span.messages });
      byOperation.set(op, list);
    }
  }
  for (const [op, streams] of [...byOperation].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (streams.length < MIN_STREAMS) continue;
    const before = streams.filter((s) => s.span.start < cut);
    const after = streams.filter((s) => s.span.start >= cut);
    if (after.length === 0) continue;
    const stalledBefore = before.filter(stalled);
    const stalledAfter = after.filter(stalled);
    const known = before.length >= MIN_BASELINE_STREAMS;
    const shareBefore = known ? stalledBefore.length / before.length : 0;
    // Without a baseline, stalls are taken as new: a healthy stream does not fall silent while open.
    const excess = known
      ? excessShare(stalledBefore.length, before.length, stalledAfter.length, after.length)
      : stalledAfter.length / after.length;
    const onset =
      excess > 0
        ? firstCluster(
            stalledAfter.map((s) => s.messages.longestGapStart),
            window / 10,
          )
        : undefined;
    const longest = stalledAfter.reduce<Stream | undefined>(
      (a, b) => (!a || b.messages.longestGap > a.messages.longestGap ? b : a),
      undefined,
    );
    const example = longest ?? (after[0] as Stream);
    add({
      name: 'traces.stream.stall-share',
      subject: op,
      value: excess,
      unit: 'ratio',
      ...(onset !== undefined ? { onset: iso(onset) } : {}),
      explanation: `${stalledAfter.length} of ${after.length} streams of ${op} after the first quarter of the window fell silent for ${STALL_FACTOR}× their usual gap between messages (and at least ${ms(MIN_STALL_MS)}) while open, against ${known ? percent(shareBefore) : 'too few streams to tell'} in it`,
      sources: [traceSource(example.trace, example.span)],
    });
    if (stalledAfter.length === 0) continue;
    const silence = median(stalledAfter.map((s) => s.messages.longestGap));
    add({
      name: 'traces.stream.stall-gap',
      subject: op,
      value: silence,
      unit: 'ms',
      explanation: `stalled streams of ${op} stayed silent for a median of ${ms(silence)} (their usual gap: ${ms(median(stalledAfter.map((s) => s.messages.medianGap)))})`,
      sources: [traceSource(example.trace, example.span)],
    });
  }
}

function stalled(stream: Stream): boolean {
  const { medianGap, longestGap } = stream.messages;
  return longestGap >= MIN_STALL_MS && longestGap >= STALL_FACTOR * medianGap;
}
