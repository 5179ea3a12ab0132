import type { SourcePointer } from '../../core/source-pointer.js';
import type { TracesData } from '../../gather/traces/data.js';
import type { Signal } from '../signal.js';

export interface TracesSource {
  source: SourcePointer;
  data: TracesData;
}

/** Every traces signal of a run, computed once from the loaded traces sources. */
export function traceSignals(sources: readonly TracesSource[]): Signal[] {
  void sources;
  return [];
}
