import { GatherError } from '../gatherer.js';
import type { Span, TracesData, TracesFormat } from './data.js';
import type { SpanSink } from './json.js';

// Collects the spans of one source up to a cap, and counts what it could not keep or read, so the
// bundle says what was left out and where.

/**
 * Spans kept per source by default: a few thousand traces of a busy service; enough for
 * per-operation statistics, and the bundle stays tens of MB. The rest is counted and noted.
 */
export const MAX_SPANS = 200_000;
/** Places of unreadable input named in the note; the count says how many there were in all. */
const NAMED_PROBLEMS = 3;

export class SpanCollector implements SpanSink {
  readonly spans: Span[] = [];
  dropped = 0;
  skipped = 0;
  readonly #problems: string[] = [];

  constructor(readonly maxSpans: number = MAX_SPANS) {}

  add = (span: Span): void => {
    if (this.spans.length >= this.maxSpans) this.dropped++;
    else this.spans.push(span);
  };

  skip = (where: string, expected: string): void => {
    this.skipped++;
    if (this.#problems.length < NAMED_PROBLEMS) this.#problems.push(`${where}: ${expected}`);
  };

  /** Nothing could be read although there was something to read: the source is broken, not empty. */
  failIfNothingRead(): void {
    if (this.spans.length === 0 && this.skipped > 0)
      throw new GatherError('parse-error', this.#problems[0] ?? 'no span could be read');
  }

  data(format: TracesFormat, notes: string[]): TracesData {
    const all = [...notes];
    if (this.skipped > 0)
      all.push(`${this.skipped} spans could not be read and were skipped (${this.#problems.join('; ')})`);
    if (this.dropped > 0)
      all.push(
        `${this.dropped} spans beyond the first ${this.maxSpans} were not kept; cut the input to the incident window`,
      );
    if (this.spans.length === 0 && this.skipped === 0) all.push('no spans in the source');
    return {
      format,
      traces: new Set(this.spans.map((s) => s.traceId)).size,
      spans: this.spans,
      droppedSpans: this.dropped,
      notes: all,
    };
  }
}
