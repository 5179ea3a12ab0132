import { maskSecrets } from '../../core/mask.js';
import { TemplateMiner } from '../../logs/template-miner.js';
import { addCount, type BucketCounts, BucketGrid, nextCountWidth, nextTimeWidth } from './bucket-grid.js';
import type { LogLevel, LogsData, LogsFormat, LogTemplate } from './data.js';
import { severityRank } from './levels.js';

// Reduces a stream of log records to the bundle's LogsData while they are read: each record's
// first line is mined into a template, counted in its time bucket with its level, and the first
// record of each template is kept, masked, as its sample. The root cause of a record's stack trace
// (its last exception line) is mined the same way into `causes`, because the failure that matters
// (`Caused by: ...OutOfMemoryError`) is often only there. Memory depends on the number of
// templates and buckets, both capped, never on the number of records.

export interface LogRecordInput {
  /** Line number of the record's first line (for Loki, the entry's position in time order). */
  line: number;
  message: string;
  level: LogLevel;
  /** Epoch ms, when the record carries a readable time. */
  time?: number;
  /** The root-cause exception line of the record's stack trace, if it has one. */
  cause?: string;
}

export interface AccumulatorOptions {
  /** Initial bucket width in ms; widened like the default when the log is too long for it. */
  bucketMs?: number;
  maxTemplates?: number;
  maxCauses?: number;
}

/**
 * At most this many buckets: a 12-hour log gets 1-minute buckets and a 1-hour log 10-second ones,
 * fine enough to place an onset within a fraction of a percent of the span, while templates ×
 * buckets (the bundle's size) and the quadratic pair search of the change-point detector on
 * per-bucket series stay small.
 */
export const MAX_BUCKETS = 720;
/** Buckets are never narrower than a second: log times below that are often rounded or reordered. */
export const MIN_BUCKET_MS = 1000;
/**
 * Templates kept per log. Real services log a few hundred distinct statements; 2,000 leaves room
 * for verbose ones while bounding the miner and the bundle (each template carries its buckets).
 */
export const MAX_TEMPLATES = 2000;
/** Distinct root causes of stack traces kept; traces repeat a handful of exceptions. */
export const MAX_CAUSES = 500;
export const MAX_SAMPLE_CHARS = 500;
/**
 * A record whose time is further than this from the record before it is read as having no time:
 * consecutive records of one log are seconds or hours apart, not months.
 */
export const MAX_JUMP_MS = 31 * 24 * 3_600_000;

interface TemplateState {
  id: number;
  count: number;
  level: LogLevel;
  firstLine: number;
  firstSeen?: number;
  lastSeen?: number;
  sample: string;
  buckets: BucketCounts;
}

/** One mined kind of text (record first lines, or stack-trace causes) with its per-template state. */
class MinedCounts {
  readonly miner: TemplateMiner;
  readonly states = new Map<number, TemplateState>();
  /** Records whose text went to the miner's overflow template. */
  overflow = 0;

  constructor(readonly maxTemplates: number) {
    this.miner = new TemplateMiner({ maxTemplates });
  }

  add(text: string, record: LogRecordInput, grid: BucketGrid, index: number): void {
    const id = this.miner.addForId(text);
    // The miner's overflow template gets the id after the last regular one.
    if (id > this.maxTemplates) {
      this.overflow++;
      return;
    }
    let state = this.states.get(id);
    if (!state) {
      state = {
        id,
        count: 0,
        level: record.level,
        firstLine: record.line,
        sample: sampleOf(text),
        buckets: grid.series(),
      };
      this.states.set(id, state);
    }
    state.count++;
    if (severityRank(record.level) > severityRank(state.level)) state.level = record.level;
    if (record.time !== undefined) {
      if (state.firstSeen === undefined || record.time < state.firstSeen) state.firstSeen = record.time;
      if (state.lastSeen === undefined || record.time > state.lastSeen) state.lastSeen = record.time;
    }
    addCount(state.buckets, index);
  }

  /**
   * Moves every template's counts to a new grid: the records seen so far (before the log's first
   * time) all go to bucket `index`, the first time's.
   */
  rebase(grid: BucketGrid, index: number, time: number): void {
    for (const state of this.states.values()) {
      let early = 0;
      for (const n of state.buckets.values()) early += n;
      state.buckets = grid.series();
      if (early > 0) addCount(state.buckets, index, early);
      state.firstSeen ??= time;
      state.lastSeen ??= time;
    }
  }

  templates(grid: BucketGrid): LogTemplate[] {
    const texts = new Map(this.miner.templates().map((t) => [t.id, t.template]));
    return [...this.states.values()]
      .sort((a, b) => a.id - b.id)
      .map((s) => ({
        id: s.id,
        // A constant word of a message can be a credential (`password=hunter2` logged every time).
        template: maskSecrets(texts.get(s.id) ?? ''),
        count: s.count,
        level: s.level,
        firstLine: s.firstLine,
        ...(s.firstSeen !== undefined ? { firstSeen: s.firstSeen, lastSeen: s.lastSeen ?? s.firstSeen } : {}),
        sample: s.sample,
        buckets: grid.pairs(s.buckets),
      }));
  }
}

export class LogsAccumulator {
  readonly #records: MinedCounts;
  readonly #causes: MinedCounts;
  readonly #levels = new Map<LogLevel, BucketCounts>();
  readonly #options: AccumulatorOptions;
  /** Buckets by record number until the first time is seen; then by time. */
  #grid: BucketGrid;
  #timed = false;
  #recordCount = 0;
  #untimed = 0;
  #lastTime: number | undefined;
  #minTime = Number.POSITIVE_INFINITY;
  #maxTime = Number.NEGATIVE_INFINITY;
  #firstTimeLine: number | undefined;
  #jumps = 0;

  constructor(options: AccumulatorOptions = {}) {
    this.#options = options;
    this.#records = new MinedCounts(options.maxTemplates ?? MAX_TEMPLATES);
    this.#causes = new MinedCounts(options.maxCauses ?? MAX_CAUSES);
    this.#grid = new BucketGrid(1, 1, nextCountWidth, MAX_BUCKETS);
  }

  get records(): number {
    return this.#recordCount;
  }

  add(input: LogRecordInput): void {
    this.#recordCount++;
    let record = input;
    if (
      record.time !== undefined &&
      this.#lastTime !== undefined &&
      Math.abs(record.time - this.#lastTime) > MAX_JUMP_MS
    ) {
      // One misread number (an id taken for an epoch) would stretch the buckets over years.
      this.#jumps++;
      const { time: _dropped, ...rest } = record;
      record = rest;
    }
    if (record.time !== undefined && !this.#timed) this.#startTime(record.time, record.line);
    let index: number;
    let timed = record;
    if (this.#timed) {
      if (record.time === undefined) {
        // Bucketed with the previous record: a line without a time is most often written by the
        // same statement burst (a wrapped message, a tool's plain output between timed lines).
        this.#untimed++;
        timed = { ...record, time: this.#lastTime as number };
      } else {
        this.#lastTime = record.time;
        if (record.time < this.#minTime) this.#minTime = record.time;
        if (record.time > this.#maxTime) this.#maxTime = record.time;
      }
      index = this.#grid.index(timed.time as number);
    } else index = this.#grid.index(this.#recordCount);
    this.#records.add(record.message, timed, this.#grid, index);
    if (record.cause !== undefined) this.#causes.add(record.cause, timed, this.#grid, index);
    let levelCounts = this.#levels.get(record.level);
    if (!levelCounts) {
      levelCounts = this.#grid.series();
      this.#levels.set(record.level, levelCounts);
    }
    addCount(levelCounts, index);
  }

  /** The first time: switch from record-number buckets to time buckets anchored there. */
  #startTime(time: number, line: number): void {
    const requested = this.#options.bucketMs;
    const width = requested !== undefined ? Math.max(MIN_BUCKET_MS, Math.round(requested)) : MIN_BUCKET_MS;
    const grid = new BucketGrid(time, width, nextTimeWidth, MAX_BUCKETS);
    const index = grid.index(time);
    const early = this.#recordCount - 1;
    this.#untimed += early;
    const levelTotals = [...this.#levels].map(([level, counts]) => {
      let total = 0;
      for (const n of counts.values()) total += n;
      return [level, total] as const;
    });
    this.#levels.clear();
    for (const [level, total] of levelTotals) {
      const counts = grid.series();
      addCount(counts, index, total);
      this.#levels.set(level, counts);
    }
    // The early records were counted in the record-number grid; move their totals to the first time.
    for (const mined of [this.#records, this.#causes]) mined.rebase(grid, index, time);
    this.#grid = grid;
    this.#timed = true;
    this.#lastTime = time;
    this.#firstTimeLine = line;
  }

  finish(format: LogsFormat, lines: number, notes: readonly string[] = []): LogsData {
    const grid = this.#grid;
    const levels: LogsData['levels'] = {};
    for (const [level, counts] of [...this.#levels].sort((a, b) => severityRank(b[0]) - severityRank(a[0]))) {
      levels[level] = grid.pairs(counts);
    }
    const allNotes = [...notes];
    const timed = this.#timed && this.#recordCount > 0;
    if (timed) {
      const span = this.#maxTime - this.#minTime;
      allNotes.push(bucketNote(grid.width, span, this.#options.bucketMs));
      if (this.#untimed > 0) {
        const early = this.#firstTimeLine !== undefined && this.#firstTimeLine > 1;
        allNotes.push(
          `${this.#untimed} record(s) had no readable time and were counted at the time of the record before them` +
            (early
              ? ` (those before line ${this.#firstTimeLine}, the first with a time, at that first time)`
              : ''),
        );
      }
    } else if (this.#recordCount > 0) {
      allNotes.push(
        `no record has a time this reader knows; buckets count ${grid.width} record(s) each instead of time`,
      );
    }
    if (this.#jumps > 0) {
      allNotes.push(
        `${this.#jumps} record(s) had a time more than 31 days from the record before them and were counted as without a time`,
      );
    }
    const untemplated = this.#records.overflow;
    if (untemplated > 0) {
      allNotes.push(
        `the template cap (${this.#records.maxTemplates}) was reached: ${untemplated} record(s) were counted without a template`,
      );
    }
    if (this.#causes.overflow > 0) {
      allNotes.push(
        `the cap on stack-trace causes (${this.#causes.maxTemplates}) was reached: ${this.#causes.overflow} cause line(s) were not kept`,
      );
    }
    const causes = this.#causes.templates(grid);
    return {
      format,
      lines,
      records: this.#recordCount,
      timed,
      ...(timed ? { start: grid.start, end: this.#maxTime } : {}),
      bucketMs: grid.width,
      levels,
      templates: this.#records.templates(grid),
      ...(causes.length > 0 ? { causes } : {}),
      untemplated,
      untimed: timed ? this.#untimed : 0,
      notes: allNotes,
    };
  }
}

function sampleOf(text: string): string {
  // Masked before it is cut, so that a secret at the cut is still recognized whole.
  const masked = maskSecrets(text);
  return masked.length > MAX_SAMPLE_CHARS ? `${masked.slice(0, MAX_SAMPLE_CHARS - 1)}…` : masked;
}

function bucketNote(width: number, spanMs: number, requested: number | undefined): string {
  const why =
    requested !== undefined && width !== Math.max(MIN_BUCKET_MS, Math.round(requested))
      ? `the requested ${formatMs(requested)} would have made more than ${MAX_BUCKETS} buckets over the log's ${formatMs(spanMs)}`
      : requested !== undefined
        ? 'as requested'
        : `the narrowest readable width (at least 1 s) that keeps the log's ${formatMs(spanMs)} within ${MAX_BUCKETS} buckets`;
  return `bucket width ${formatMs(width)}: ${why}`;
}

export function formatMs(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 6_000) / 10} min`;
  return `${Math.round(ms / 360_000) / 10} h`;
}
