import type { Signal } from '../signal.js';
import { familyShapeSignals } from './family-shapes.js';
import { FamilyIndex, knownFailureSignals } from './known-signals.js';
import { runSignals } from './run-signals.js';
import type { LogsSource } from './series.js';
import { judgeTemplates, templateSignals } from './template-signals.js';

export type { LogsSource } from './series.js';

/** Every logs signal of a run, computed once from the loaded logs sources. */
export function logSignals(sources: readonly LogsSource[]): Signal[] {
  if (sources.length === 0) return [];
  const families = new FamilyIndex();
  return [
    ...runSignals(sources),
    ...knownFailureSignals(sources, families),
    ...templateSignals(judgeTemplates(sources, families), sources.length > 1),
    ...familyShapeSignals(sources, families),
  ];
}
