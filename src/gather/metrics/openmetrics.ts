import { parseFailure, RawSeriesSet, sampleValue } from './raw-series.js';

// The OpenMetrics text format and the Prometheus text exposition format it grew from: `# TYPE`,
// `# HELP`, `# UNIT` lines, samples `name{label="value",...} value [timestamp]`, optional
// exemplars after ` # `, and `# EOF` at the end of OpenMetrics. The two differ in one thing that
// matters here: OpenMetrics timestamps are seconds (with fractions), Prometheus text timestamps
// are integer milliseconds. A file ending in `# EOF` is OpenMetrics; samples without a timestamp
// (a /metrics snapshot) get the time the snapshot was taken. `_created` samples of counters,
// histograms and summaries are the time the series was created, not a measurement: they are skipped.

export interface ExpositionOptions {
  /** Time given to samples without a timestamp, epoch ms. */
  scrapedAt: number;
}

export class ExpositionReader {
  readonly series = new RawSeriesSet();
  /** Lines that are not samples, comments or blank; counted, first ones kept for the error. */
  skipped = 0;
  readonly firstSkipped: Array<{ line: number; reason: string }> = [];
  sawEof = false;
  samples = 0;
  /** `_created` samples skipped. */
  created = 0;
  /** Set by finish() when a text-format file's timestamps were taken as seconds. */
  secondsAssumed = false;
  #stamped = 0;
  #largestStamp = 0;
  #finished = false;
  readonly #types = new Map<string, string>();

  constructor(
    private readonly file: string,
    private readonly options: ExpositionOptions,
  ) {}

  line(text: string, lineNumber: number): void {
    const line = text.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      if (line === '# EOF') this.sawEof = true;
      const type = /^# TYPE (\S+) (\S+)/.exec(line);
      if (type) this.#types.set(type[1] as string, type[2] as string);
      return;
    }
    if (this.sawEof)
      throw parseFailure(this.file, lineNumber, 'a sample after "# EOF"; expected the end of the file');
    const parsed = parseSample(line);
    if (typeof parsed === 'string') {
      this.skipped++;
      if (this.firstSkipped.length < 5) this.firstSkipped.push({ line: lineNumber, reason: parsed });
      return;
    }
    if (this.#isCreated(parsed.metric)) {
      this.created++;
      return;
    }
    this.samples++;
    // The unit of timestamps is known only at the end (# EOF): samples are kept in the file's own
    // unit, NaN for none, and converted by finish().
    let stamp = Number.NaN;
    if (parsed.stamp !== undefined) {
      stamp = Number(parsed.stamp);
      this.#stamped++;
      this.#largestStamp = Math.max(this.#largestStamp, Math.abs(stamp));
    }
    this.series.add(parsed.metric, parsed.labels, stamp, parsed.value);
  }

  /**
   * Ends the file: converts timestamps to epoch ms now that the format is known. A text-format
   * file (no `# EOF`) whose timestamps would all fall before 1973 in milliseconds was written in
   * seconds, as people and scripts often do; it is read in seconds, and secondsAssumed says so.
   */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.secondsAssumed =
      !this.sawEof && this.#stamped > 0 && this.#largestStamp < SECONDS_LOOK_LIKE_MS_BEFORE;
    const factor = this.sawEof || this.secondsAssumed ? 1000 : 1;
    const scrapedAt = this.options.scrapedAt;
    this.series.mapTimestamps((t) => (Number.isNaN(t) ? scrapedAt : Math.round(t * factor)));
  }

  typeOf(metric: string): string | undefined {
    return this.#types.get(metric);
  }

  /** A `_created` sample of a counter, histogram or summary family, in either format's naming. */
  #isCreated(metric: string): boolean {
    if (!metric.endsWith('_created')) return false;
    const family = metric.slice(0, -'_created'.length);
    const type = this.#types.get(family) ?? this.#types.get(`${family}_total`);
    return type === 'counter' || type === 'histogram' || type === 'summary' || type === 'gaugehistogram';
  }

  get format(): 'openmetrics' | 'prometheus-text' {
    return this.sawEof ? 'openmetrics' : 'prometheus-text';
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
/** 1e11 ms is March 1973: no exported metric is that old, while 1e11 s is in the year 5138. */
const SECONDS_LOOK_LIKE_MS_BEFORE = 1e11;

/** One sample line, or why it is not one. */
export function parseSample(
  line: string,
): { metric: string; labels: Record<string, string>; value: number | null; stamp?: string } | string {
  const name = NAME.exec(line);
  if (!name) return 'expected a metric name at the start of the line';
  const metric = name[0];
  let at = metric.length;
  const labels: Record<string, string> = {};
  if (line[at] === '{') {
    at++;
    for (;;) {
      while (line[at] === ' ' || line[at] === ',') at++;
      if (line[at] === '}') {
        at++;
        break;
      }
      const label = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(at));
      if (!label) return `expected a label name or "}" at column ${at + 1}`;
      at += label[0].length;
      while (line[at] === ' ') at++;
      if (line[at] !== '=' || line[at + 1] !== '"') return `expected ="value" after label ${label[0]}`;
      at += 2;
      let value = '';
      for (;;) {
        const ch = line[at];
        if (ch === undefined) return `unterminated value of label ${label[0]}`;
        if (ch === '\\') {
          const next = line[at + 1];
          value += next === 'n' ? '\n' : (next ?? '');
          at += 2;
          continue;
        }
        if (ch === '"') {
          at++;
          break;
        }
        value += ch;
        at++;
      }
      labels[label[0]] = value;
    }
  }
  const rest = line.slice(at).trim();
  // An exemplar (` # {trace_id="..."} 1.0`) follows the sample; it is not part of it.
  const [valuePart = ''] = rest.split(' # ');
  const fields = valuePart.trim().split(/\s+/);
  if (fields.length < 1 || fields[0] === '') return `expected a value after ${metric}`;
  const value = sampleValue(fields[0] as string);
  if (value === undefined) return `"${fields[0]}" is not a number`;
  const stamp = fields[1];
  if (stamp !== undefined && !/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(stamp))
    return `"${stamp}" is not a timestamp`;
  return { metric, labels, value, ...(stamp !== undefined ? { stamp } : {}) };
}
