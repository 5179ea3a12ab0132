import type { SourcePointer } from '../../core/source-pointer.js';
import type { MetricsData } from '../../gather/metrics/data.js';
import type { Signal } from '../signal.js';

export interface MetricsSource {
  source: SourcePointer;
  data: MetricsData;
}

/** Every metrics signal of a run, computed once from the loaded metrics sources. */
export function metricSignals(sources: readonly MetricsSource[]): Signal[] {
  void sources;
  return [];
}
