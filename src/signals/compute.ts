import type { EvidenceBundle } from '../bundle/bundle.js';
import type { LoadTestSummary } from '../diagnosis/load-test-summary.js';
import type { DiagnosisResult } from '../diagnosis/result.js';
import type { LoadTestData } from '../gather/load-test/data.js';
import { loadTestSignals } from './load-test/signals.js';
import { loadTestSummary } from './load-test/summary.js';
import { SignalSet } from './signal.js';

// The signals stage: every signal of a run, computed once from the bundle and shared by all
// signatures. A family of signals that fails becomes a run error; the others still count.

export interface ComputedSignals {
  signals: SignalSet;
  loadTest?: LoadTestSummary;
  errors: DiagnosisResult['errors'];
}

export function computeSignals(
  bundle: EvidenceBundle,
  options: { apdexThresholdMs: number },
): ComputedSignals {
  const signals = new SignalSet();
  const errors: DiagnosisResult['errors'] = [];
  let loadTest: LoadTestSummary | undefined;
  const sources: Array<{ path: string; data: LoadTestData }> = [];
  for (const source of bundle.evidence['load-test'] ?? []) {
    if (source.status === 'loaded' && source.source.type === 'file') {
      sources.push({ path: source.source.path, data: source.data });
    }
  }
  if (sources.length > 0) {
    try {
      for (const signal of loadTestSignals(sources)) signals.add(signal);
      loadTest = loadTestSummary(sources, { apdexThresholdMs: options.apdexThresholdMs });
    } catch (error) {
      errors.push({ stage: 'signals', message: `load-test signals: ${(error as Error).message}` });
    }
  }
  return { signals, ...(loadTest ? { loadTest } : {}), errors };
}
