import { parseFailure, RawSeriesSet, sampleValue } from './raw-series.js';

// The OpenMetrics text format and the Prometheus text exposition format it grew from: `# TYPE`,
// `# HELP`, `# UNIT` lines, samples `name{label="value",...} value [timestamp]`, optional
// exemplars after ` # `, and `# EOF` at the end of OpenMetrics. The two differ in one thing that
// matters here: OpenMetrics timestamps are seconds (with fractions), Prometheus text timestamps
// are integer milliseconds. A file ending in `# EOF` is OpenMetrics; samples without a timestamp
// (a /metrics snapshot) get the time the file was read.

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
  readonly #pending: Array<{
    metric: string;
    labels: Record<string, string>;
    value: number | null;
    stamp?: string;
  }> = [];
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
    this.samples++;
    // The unit of timestamps is known only at the end (# EOF), so samples wait in a compact list.
    this.#pending.push(parsed);
  }

  /** Ends the file: converts timestamps now that the format is known. */
  finish(): void {
    const seconds = this.sawEof;
    for (const sample of this.#pending) {
      let timestamp = this.options.scrapedAt;
      if (sample.stamp !== undefined) {
        const number = Number(sample.stamp);
        timestamp = seconds ? Math.round(number * 1000) : Math.round(number);
      }
      this.series.add(sample.metric, sample.labels, timestamp, sample.value);
    }
    this.#pending.length = 0;
  }

  typeOf(metric: string): string | undefined {
    return this.#types.get(metric);
  }

  get format(): 'openmetrics' | 'prometheus-text' {
    return this.sawEof ? 'openmetrics' : 'prometheus-text';
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

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
