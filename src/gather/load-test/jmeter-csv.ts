import { GatherError } from '../gatherer.js';
import type { InputFile } from './input.js';
import { type JtlColumn, type JtlHeader, looksLikeHeaderlessRow, readHeader } from './jmeter-csv-header.js';
import { DelimitedScanner, type RowConsumer, type RowFields } from './jmeter-csv-scanner.js';
import { ByteStringCache } from './jmeter-string-cache.js';
import { parseFormattedTimestamp } from './jmeter-timestamp.js';
import type { LoadTestParser } from './parser.js';
import type { LoadSample, SampleSink } from './sample.js';

// JMeter JTL in CSV. The header row names the columns (see jmeter-csv-header.ts); each data row is
// one sample. Rows are split by a byte scanner and only the columns Faultline uses are decoded.
//
// Sub-results: JMeter 5 and later also write each sample's sub-results (redirects, embedded
// resources) as rows of their own right after the parent, labelled "<parent>-<n>". The parent
// already stands for the request as the user sees it, so such rows are recognized (the label of the
// row just before plus "-<n>", inside its time span) and not counted again; a note says how many.

const LF = '\n';

export const jmeterCsvParser: LoadTestParser = {
  format: 'jmeter-csv',
  expects:
    'a JMeter CSV JTL with a header row naming at least timeStamp, elapsed and label (delimiter , ; tab or |); ' +
    'a JTL without a header row needs jmeter.save.saveservice.print_field_names=true',
  detect(head: string, path: string): boolean {
    const firstLine = firstLineOf(head);
    if (readHeader(firstLine)) return true;
    if (looksLikeHeaderlessRow(firstLine)) {
      throw new GatherError(
        'unsupported-format',
        `${path}: JTL CSV without a header row; enable jmeter.save.saveservice.print_field_names=true ` +
          '(in user.properties or with -J on the jmeter command line) and run the test again, ' +
          'or add the header row matching your saveservice settings as the first line of a copy of the file',
      );
    }
    return false;
  },
  async parse(input: InputFile, sink: SampleSink): Promise<void> {
    const header = readHeader(firstLineOf(input.head.toString('utf8')));
    if (!header) {
      throw new GatherError(
        'parse-error',
        `${input.path}: line 1: expected a JTL header row with timeStamp, elapsed and label`,
      );
    }
    const reader = new JtlRowReader(header, sink);
    const scanner = new DelimitedScanner(header.delimiter, header.names.length, reader);
    for await (const chunk of input.chunks()) scanner.push(chunk);
    scanner.end();
    reader.finish();
  },
};

function firstLineOf(text: string): string {
  const nl = text.indexOf(LF);
  const line = nl < 0 ? text : text.slice(0, nl);
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

const NUMBER_COLUMNS: readonly JtlColumn[] = [
  'bytes',
  'sentBytes',
  'allThreads',
  'Latency',
  'Connect',
  'SampleCount',
  'ErrorCount',
];
/** A numeric column that is missing or empty; JMeter never writes negative counts or times. */
const ABSENT = -1;
/** Marks a numeric field that is present but not a number. */
const INVALID = Number.NaN;

/** Turns split rows into samples. The first row is the header and is skipped. */
class JtlRowReader implements RowConsumer {
  readonly #sink: SampleSink;
  readonly #header: JtlHeader;
  readonly #col: Record<JtlColumn, number>;
  readonly #labels = new ByteStringCache();
  readonly #statuses = new ByteStringCache();
  /** Index of each NUMBER_COLUMNS column, and the values of the current row (reused: no allocation per row). */
  readonly #numberAt: number[];
  // A plain array of small integers stays in V8's unboxed small-integer form, so copying the values
  // into each sample allocates nothing (a Float64Array would box every read).
  readonly #values: number[] = NUMBER_COLUMNS.map(() => ABSENT);
  #seenHeader = false;
  #zoneless = false;
  #aggregated = 0;
  #subResults = 0;
  // The last top-level row, to recognize the sub-result rows JMeter writes after it.
  #parentLabel = '';
  #parentStart = 0;
  #parentEnd = -1;

  constructor(header: JtlHeader, sink: SampleSink) {
    this.#header = header;
    this.#col = header.index;
    this.#numberAt = NUMBER_COLUMNS.map((c) => header.index[c]);
    this.#sink = sink;
  }

  bad(line: number, message: string): void {
    this.#sink.problem(line, message);
  }

  row(f: RowFields, line: number): void {
    if (!this.#seenHeader) {
      this.#seenHeader = true;
      return;
    }
    const { src, starts, ends, count } = f;
    if (count !== this.#header.names.length) {
      if (count === 1 && ends[0] === starts[0]) return; // a blank line carries nothing
      this.#sink.problem(
        line,
        `expected ${this.#header.names.length} fields separated by ${delimiterName(this.#header.delimiter)} as in the header, found ${count}`,
      );
      return;
    }
    const col = this.#col;

    const tsAt = col.timeStamp;
    let timestamp = readInt(src, starts[tsAt] as number, ends[tsAt] as number);
    if (Number.isNaN(timestamp)) {
      const parsed = parseFormattedTimestamp(text(src, starts, ends, tsAt));
      if (!parsed) {
        this.#sink.problem(
          line,
          `expected timeStamp as epoch milliseconds or a date like 2024/05/01 12:00:00.000, got '${clip(text(src, starts, ends, tsAt))}'`,
        );
        return;
      }
      timestamp = parsed.ms;
      if (parsed.zoneless) this.#zoneless = true;
    }
    const elapsed = readInt(src, starts[col.elapsed] as number, ends[col.elapsed] as number);
    if (!(elapsed >= 0)) {
      this.#sink.problem(
        line,
        `expected elapsed as a non-negative whole number of ms, got '${clip(text(src, starts, ends, col.elapsed))}'`,
      );
      return;
    }
    const labelEntry = this.#labels.get(src, starts[col.label] as number, ends[col.label] as number);
    const label = labelEntry.text;
    const status = col.responseCode >= 0 ? this.#field(this.#statuses, f, col.responseCode) : undefined;

    let success: boolean;
    if (col.success >= 0) {
      const s = starts[col.success] as number;
      const e = ends[col.success] as number;
      const flag = readBoolean(src, s, e);
      if (flag === undefined) {
        this.#sink.problem(
          line,
          `expected success as true or false, got '${clip(src.toString('utf8', s, e))}'`,
        );
        return;
      }
      success = flag;
    } else {
      // Without the success column the response code is all there is: 1xx-3xx count as success.
      const code = Number(status);
      success = code >= 100 && code < 400;
    }

    const numbers = this.#numbers(f, line);
    if (!numbers) return;
    // Indexed reads: destructuring a typed array would run an iterator on every row.
    const receivedBytes = numbers[0] as number;
    const sentBytes = numbers[1] as number;
    const concurrency = numbers[2] as number;
    const ttfb = numbers[3] as number;
    const connect = numbers[4] as number;
    const sampleCount = numbers[5] as number;
    const errorCount = numbers[6] as number;

    if (this.#isSubResult(labelEntry.parents, timestamp)) {
      this.#subResults++;
      return;
    }
    this.#parentLabel = label;
    this.#parentStart = timestamp;
    this.#parentEnd = timestamp + elapsed;

    let message: string | undefined;
    if (!success || (sampleCount > 1 && errorCount > 0)) {
      const failure = col.failureMessage >= 0 ? text(src, starts, ends, col.failureMessage) : '';
      message =
        failure || (col.responseMessage >= 0 ? text(src, starts, ends, col.responseMessage) : undefined);
    }

    if (sampleCount > 1) {
      this.#emitAggregate(line, timestamp, elapsed, label, status, message, numbers);
      return;
    }
    const sample: LoadSample = {
      timestamp,
      elapsed,
      label,
      success,
      status,
      message,
      receivedBytes: receivedBytes === ABSENT ? undefined : receivedBytes,
      sentBytes: sentBytes === ABSENT ? undefined : sentBytes,
      concurrency: concurrency === ABSENT ? undefined : concurrency,
      ttfb: ttfb === ABSENT ? undefined : ttfb,
      connect: connect === ABSENT ? undefined : connect,
      line,
    };
    this.#sink.sample(sample);
  }

  finish(): void {
    if (this.#zoneless) {
      this.#sink.note(
        'timeStamp values have no time zone (jmeter.save.saveservice.timestamp_format); they were read as UTC',
      );
    }
    if (this.#aggregated > 0) {
      this.#sink.note(
        `${this.#aggregated} rows stand for several requests each (SampleCount > 1, JMeter statistical mode); ` +
          'each was read as its requests with the mean response time of the row',
      );
    }
    if (this.#subResults > 0) {
      this.#sink.note(
        `${this.#subResults} sub-result rows (redirects or embedded resources written after their parent sample) ` +
          'were not counted as requests of their own',
      );
    }
  }

  /** bytes, sentBytes, allThreads, Latency, Connect, SampleCount, ErrorCount; ABSENT when the column is missing or empty. */
  #numbers(f: RowFields, line: number): number[] | undefined {
    const values = this.#values;
    for (let k = 0; k < NUMBER_COLUMNS.length; k++) {
      values[k] = ABSENT;
      const c = this.#numberAt[k] as number;
      if (c < 0) continue;
      const s = f.starts[c] as number;
      const e = f.ends[c] as number;
      if (s === e) continue;
      const value = readInt(f.src, s, e);
      if (Number.isNaN(value)) {
        this.#sink.problem(
          line,
          `expected a whole number in column ${NUMBER_COLUMNS[k]}, got '${clip(f.src.toString('utf8', s, e))}'`,
        );
        return undefined;
      }
      values[k] = value;
    }
    return values;
  }

  #field(cache: ByteStringCache, f: RowFields, c: number): string {
    return cache.get(f.src, f.starts[c] as number, f.ends[c] as number).text;
  }

  #isSubResult(parents: readonly string[], timestamp: number): boolean {
    if (parents.length === 0 || !parents.includes(this.#parentLabel)) return false;
    return timestamp >= this.#parentStart && timestamp <= this.#parentEnd;
  }

  /** A statistical-mode row: SampleCount requests, ErrorCount of them failed, elapsed and Latency summed. */
  #emitAggregate(
    line: number,
    timestamp: number,
    elapsed: number,
    label: string,
    status: string | undefined,
    message: string | undefined,
    numbers: number[],
  ): void {
    this.#aggregated++;
    const receivedBytes = numbers[0] as number;
    const sentBytes = numbers[1] as number;
    const concurrency = numbers[2] as number;
    const ttfb = numbers[3] as number;
    const connect = numbers[4] as number;
    const count = numbers[5] as number;
    const errors = Math.min(Math.max(numbers[6] as number, 0), count);
    const mean = (v: number): number | undefined => (v === ABSENT ? undefined : v / count);
    const base = {
      timestamp,
      elapsed: elapsed / count,
      label,
      receivedBytes: mean(receivedBytes),
      sentBytes: mean(sentBytes),
      concurrency: concurrency === ABSENT ? undefined : concurrency,
      ttfb: mean(ttfb),
      connect: mean(connect),
      line,
    };
    if (count - errors > 0) this.#sink.sample({ ...base, success: true, status, weight: count - errors });
    if (errors > 0) this.#sink.sample({ ...base, success: false, status, message, weight: errors });
  }
}

/** A whole number from ASCII digits (optional leading minus); NaN for anything else, including empty. */
function readInt(src: Buffer, start: number, end: number): number {
  if (start >= end) return INVALID;
  let i = start;
  let sign = 1;
  if (src[i] === 45) {
    sign = -1;
    i++;
    if (i === end) return INVALID;
  }
  let value = 0;
  for (; i < end; i++) {
    const digit = (src[i] as number) - 48;
    if (digit < 0 || digit > 9) return INVALID;
    value = value * 10 + digit;
  }
  return sign * value;
}

/** JMeter writes Boolean.toString(): "true" or "false" (read case-insensitively, without making a string). */
function readBoolean(src: Buffer, start: number, end: number): boolean | undefined {
  const length = end - start;
  if (length === 4 && matchesLower(src, start, 'true')) return true;
  if (length === 5 && matchesLower(src, start, 'false')) return false;
  return undefined;
}

function matchesLower(src: Buffer, start: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    if (((src[start + i] as number) | 0x20) !== word.charCodeAt(i)) return false;
  }
  return true;
}

function text(src: Buffer, starts: Int32Array, ends: Int32Array, c: number): string {
  return src.toString('utf8', starts[c], ends[c]);
}

function clip(value: string): string {
  return value.length > 60 ? `${value.slice(0, 60)}…` : value;
}

function delimiterName(delimiter: string): string {
  return delimiter === '\t' ? 'tabs' : `'${delimiter}'`;
}
