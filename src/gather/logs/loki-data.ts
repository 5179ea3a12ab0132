import { type AccumulatorOptions, LogsAccumulator } from './accumulate.js';
import { entryRecord } from './assemble.js';
import type { LogsData } from './data.js';
import { type LokiEntry, levelLabel, nsToMs } from './loki-response.js';

// Loki entries, in time order, into the accumulator. An entry is one record (Loki keeps a
// multi-line statement together); its level comes from the stream's level label when it has one,
// else from the line itself; its time is Loki's, exact to the nanosecond.

export class LokiFeeder {
  readonly accumulator: LogsAccumulator;
  #position = 0;

  constructor(options: AccumulatorOptions) {
    this.accumulator = new LogsAccumulator(options);
  }

  get entries(): number {
    return this.#position;
  }

  add(entry: LokiEntry): void {
    this.#position++;
    this.accumulator.add(entryRecord(entry.line, this.#position, nsToMs(entry.ns), levelLabel(entry.labels)));
  }

  finish(notes: readonly string[]): LogsData {
    return this.accumulator.finish('loki', this.#position, notes);
  }
}

export function lokiEntriesToData(
  entries: readonly LokiEntry[],
  options: AccumulatorOptions,
  notes: readonly string[],
): LogsData {
  const feeder = new LokiFeeder(options);
  for (const entry of entries) feeder.add(entry);
  const extra = entries.length === 0 ? ['the Loki response holds no log lines'] : [];
  return feeder.finish([...notes, ...extra]);
}
