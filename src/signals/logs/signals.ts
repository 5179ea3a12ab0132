import type { SourcePointer } from '../../core/source-pointer.js';
import type { LogsData } from '../../gather/logs/data.js';
import type { Signal } from '../signal.js';

export interface LogsSource {
  source: SourcePointer;
  data: LogsData;
}

/** Every logs signal of a run, computed once from the loaded logs sources. */
export function logSignals(sources: readonly LogsSource[]): Signal[] {
  void sources;
  return [];
}
