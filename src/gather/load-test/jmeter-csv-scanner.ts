// Splits a byte stream of delimited text into rows of fields without decoding it to strings: the
// hot path of reading JTL files of gigabytes. A row is handed to the consumer as field boundaries
// in a byte buffer; the consumer decodes only the fields it needs.
//
// Rows without a double quote (nearly all of a JTL) are split in place. A row with a quote is
// unescaped per RFC 4180 (as JMeter's CSVSaveService writes it: a field holding the delimiter, a
// quote, CR or LF is quoted, inner quotes doubled) into a scratch buffer, so quoted fields may hold
// delimiters and newlines. A row cut by a chunk boundary is carried into the next chunk.

const LF = 10;
const CR = 13;
const QUOTE = 34;
/**
 * A quoted field open for this many bytes is taken as a stray quote rather than a real value: JMeter
 * messages are short, and without a bound one unbalanced quote would swallow the rest of the file.
 */
export const MAX_ROW_BYTES = 4 * 1024 * 1024;
/** A carried row longer than this is joined with the whole next chunk rather than line by line. */
const JOIN_WHOLE = 64 * 1024;

export interface RowFields {
  /** The bytes the boundaries point into (the chunk, or a scratch buffer for unescaped rows). */
  src: Buffer;
  starts: Int32Array;
  ends: Int32Array;
  /** Fields in the row; only the first `starts.length` boundaries are stored. */
  count: number;
}

export interface RowConsumer {
  /** A complete row that starts on 1-based physical line `line`. */
  row(fields: RowFields, line: number): void;
  /** A row that cannot be split; `message` says what was expected. */
  bad(line: number, message: string): void;
}

export class DelimitedScanner {
  readonly #delimiter: number;
  readonly #consumer: RowConsumer;
  readonly #fields: RowFields;
  #scratch = Buffer.alloc(64 * 1024);
  #carry: Buffer | undefined;
  /** Set after a runaway row with no newline in sight: input is skipped up to the next newline. */
  #skipping = false;
  /** Physical lines fully consumed so far. */
  #lines = 0;

  constructor(delimiter: string, maxFields: number, consumer: RowConsumer) {
    this.#delimiter = delimiter.charCodeAt(0);
    this.#consumer = consumer;
    this.#fields = {
      src: this.#scratch,
      starts: new Int32Array(maxFields + 1),
      ends: new Int32Array(maxFields + 1),
      count: 0,
    };
  }

  get lines(): number {
    return this.#lines;
  }

  push(chunk: Buffer): void {
    let start = 0;
    if (this.#skipping) {
      const nl = chunk.indexOf(LF);
      if (nl < 0) return;
      this.#skipping = false;
      this.#lines++;
      start = nl + 1;
    }
    // A row cut by the previous chunk is completed in a small joined buffer: joining whole chunks
    // would allocate and copy a megabyte per chunk, which costs more than the scan itself.
    while (this.#carry) {
      const carry = this.#carry;
      const nl = carry.length > JOIN_WHOLE ? chunk.length - 1 : chunk.indexOf(LF, start);
      if (nl < 0 || nl < start) {
        this.#keep(Buffer.concat([carry, chunk.subarray(start)]), 0);
        return;
      }
      const joined = Buffer.concat([carry, chunk.subarray(start, nl + 1)]);
      start = nl + 1;
      this.#carry = undefined;
      this.#keep(joined, this.#scan(joined, 0));
      if (this.#skipping) return;
    }
    this.#keep(chunk, this.#scan(chunk, start));
  }

  /** Splits the complete rows of buf from pos; returns where the first incomplete row starts. */
  #scan(buf: Buffer, from: number): number {
    const len = buf.length;
    let pos = from;
    let quoteAt = -1;
    while (pos < len) {
      const nl = buf.indexOf(LF, pos);
      if (nl < 0) break;
      if (quoteAt < pos) {
        quoteAt = buf.indexOf(QUOTE, pos);
        if (quoteAt < 0) quoteAt = len;
      }
      if (quoteAt > nl) {
        this.#lines++;
        this.#splitPlain(buf, pos, nl > pos && buf[nl - 1] === CR ? nl - 1 : nl);
        this.#consumer.row(this.#fields, this.#lines);
        pos = nl + 1;
      } else {
        const next = this.#splitQuoted(buf, pos, false);
        if (next < 0) break;
        pos = next;
      }
    }
    return pos;
  }

  /** Carries buf[pos..] (a partial row) into the next chunk. */
  #keep(buf: Buffer, pos: number): void {
    if (pos >= buf.length) return;
    // Copied so the carried tail does not keep the whole chunk alive.
    this.#carry = Buffer.from(buf.subarray(pos));
    if (this.#carry.length > MAX_ROW_BYTES) this.#dropRunawayRow();
  }

  /** Reads the last row when the input does not end with a newline. */
  end(): void {
    const rest = this.#carry;
    this.#carry = undefined;
    if (!rest || rest.length === 0) return;
    if (rest.indexOf(QUOTE) < 0) {
      this.#lines++;
      this.#splitPlain(rest, 0, rest[rest.length - 1] === CR ? rest.length - 1 : rest.length);
      this.#consumer.row(this.#fields, this.#lines);
      return;
    }
    this.#splitQuoted(rest, 0, true);
  }

  #splitPlain(buf: Buffer, start: number, end: number): void {
    const d = this.#delimiter;
    const { starts, ends } = this.#fields;
    const stored = starts.length - 1;
    let f = 0;
    starts[0] = start;
    for (let i = start; i < end; i++) {
      if (buf[i] === d) {
        if (f < stored) {
          ends[f] = i;
          starts[f + 1] = i + 1;
        }
        f++;
      }
    }
    if (f <= stored) ends[f] = end;
    this.#fields.src = buf;
    this.#fields.count = f + 1;
  }

  /**
   * Splits the row starting at `pos` into the scratch buffer, unescaping quoted fields. Returns the
   * position after the row, or -1 when the row is not complete in `buf` (more input may follow).
   */
  #splitQuoted(buf: Buffer, pos: number, atEnd: boolean): number {
    const d = this.#delimiter;
    const { starts, ends } = this.#fields;
    const stored = starts.length - 1;
    const len = buf.length;
    const line = this.#lines + 1;
    let newlines = 0;
    let w = 0;
    let f = 0;
    let i = pos;
    this.#ensureScratch(len - pos);
    const out = this.#scratch;
    starts[0] = 0;
    for (;;) {
      // At the start of a field.
      if (i < len && buf[i] === QUOTE) {
        i++;
        for (;;) {
          const q = buf.indexOf(QUOTE, i);
          if (q < 0) {
            if (!atEnd) return -1;
            this.#lines += newlines + countLines(buf, i, len);
            this.#consumer.bad(line, 'expected a closing quote before the end of the file (truncated file?)');
            return len;
          }
          newlines += countNewlines(buf, i, q);
          w = copyBytes(buf, i, q, out, w);
          if (q + 1 >= len && !atEnd) return -1;
          if (buf[q + 1] === QUOTE) {
            out[w++] = QUOTE;
            i = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        if (buf[i] === CR && i + 1 >= len && !atEnd) return -1;
        if (
          i < len &&
          buf[i] !== d &&
          buf[i] !== LF &&
          !(buf[i] === CR && (i + 1 >= len || buf[i + 1] === LF))
        ) {
          // Text after a closing quote: JMeter never writes this; skip to the end of this line.
          const nl = buf.indexOf(LF, i);
          if (nl < 0 && !atEnd) return -1;
          const stop = nl < 0 ? len : nl + 1;
          this.#lines += newlines + 1;
          this.#consumer.bad(line, 'expected a delimiter or the end of the line after a closing quote');
          return stop;
        }
      } else {
        // Unquoted: up to the next delimiter or newline. A stray quote inside is kept as text.
        let j = i;
        while (j < len && buf[j] !== d && buf[j] !== LF) j++;
        if (j >= len && !atEnd) return -1;
        let stop = j;
        if (stop > i && buf[stop - 1] === CR && (j >= len || buf[j] === LF)) stop--;
        w = copyBytes(buf, i, stop, out, w);
        i = j;
      }
      if (f < stored) ends[f] = w;
      if (i < len && buf[i] === d) {
        f++;
        if (f <= stored) starts[f] = w;
        i++;
        continue;
      }
      // End of row: LF, CRLF or end of input.
      if (i < len && buf[i] === CR) i++;
      if (i < len && buf[i] === LF) i++;
      break;
    }
    this.#lines += newlines + 1;
    this.#fields.src = out;
    this.#fields.count = f + 1;
    this.#consumer.row(this.#fields, line);
    return i;
  }

  #ensureScratch(size: number): void {
    if (this.#scratch.length < size) {
      this.#scratch = Buffer.alloc(Math.max(size, this.#scratch.length * 2));
      this.#fields.src = this.#scratch;
    }
  }

  /** An unbalanced quote: report it and go on from the next line, as if the quote were text. */
  #dropRunawayRow(): void {
    const carry = this.#carry;
    if (!carry) return;
    const nl = carry.indexOf(LF);
    const limit = `${MAX_ROW_BYTES / (1024 * 1024)} MB`;
    this.#consumer.bad(
      this.#lines + 1,
      carry.indexOf(QUOTE) < 0
        ? `expected a row of at most ${limit}; this line is longer and was skipped`
        : `expected a closing quote within ${limit}; the rest of this line was skipped`,
    );
    this.#carry = undefined;
    if (nl < 0) {
      this.#skipping = true;
      return;
    }
    this.#lines++;
    // The rest may hold complete rows (the stray quote swallowed them); scan them again.
    this.push(Buffer.from(carry.subarray(nl + 1)));
  }
}

/** Copies src[from, to) to out at w and returns the new w; a loop beats Buffer.copy's call cost on short fields. */
function copyBytes(src: Buffer, from: number, to: number, out: Buffer, w: number): number {
  let at = w;
  for (let i = from; i < to; i++) out[at++] = src[i] as number;
  return at;
}

function countNewlines(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let at = buf.indexOf(LF, from); at >= 0 && at < to; at = buf.indexOf(LF, at + 1)) n++;
  return n;
}

/** Physical lines in buf[from, to): newlines plus a last unterminated line. */
function countLines(buf: Buffer, from: number, to: number): number {
  return countNewlines(buf, from, to) + (to > from && buf[to - 1] !== LF ? 1 : 0);
}
