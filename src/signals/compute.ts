import type { EvidenceBundle, EvidenceData } from '../bundle/bundle.js';
import type { SourcePointer } from '../core/source-pointer.js';
import type { EvidenceKind } from '../core/vocabulary.js';
import type { LoadTestSummary } from '../diagnosis/load-test-summary.js';
import type { DiagnosisResult } from '../diagnosis/result.js';
import { kubernetesSignals } from './kubernetes/signals.js';
import { loadTestSignals } from './load-test/signals.js';
import { loadTestSummary } from './load-test/summary.js';
import { logSignals } from './logs/signals.js';
import { metricSignals } from './metrics/signals.js';
import type { Signal } from './signal.js';
import { SignalSet } from './signal.js';
import { toolOutputSignals } from './tool-output/signals.js';
import type { CompiledTextSignature } from './tool-output/text-match.js';
import { traceSignals } from './traces/signals.js';

// The signals stage: every signal of a run, computed once from the bundle and shared by all
// signatures. A family of signals that fails becomes a run error; the others still count.

export interface ComputedSignals {
  signals: SignalSet;
  loadTest?: LoadTestSummary;
  errors: DiagnosisResult['errors'];
}

function loaded<K extends EvidenceKind>(
  bundle: EvidenceBundle,
  kind: K,
): Array<{ source: SourcePointer; data: EvidenceData<K> }> {
  return (bundle.evidence[kind] ?? []).flatMap((s) =>
    s.status === 'loaded' ? [{ source: s.source, data: s.data as EvidenceData<K> }] : [],
  );
}

export function computeSignals(
  bundle: EvidenceBundle,
  options: {
    apdexThresholdMs: number;
    /** The text ways of the catalog, matched against tool-output evidence. */
    textSignatures?: readonly CompiledTextSignature[];
  },
): ComputedSignals {
  const signals = new SignalSet();
  const errors: DiagnosisResult['errors'] = [];
  const family = (name: string, compute: () => Signal[]): void => {
    try {
      for (const signal of compute()) signals.add(signal);
    } catch (error) {
      errors.push({ stage: 'signals', message: `${name} signals: ${(error as Error).message}` });
    }
  };

  let loadTest: LoadTestSummary | undefined;
  const loadTests = loaded(bundle, 'load-test').flatMap(({ source, data }) =>
    source.type === 'file' ? [{ path: source.path, data }] : [],
  );
  if (loadTests.length > 0) {
    family('load-test', () => {
      const computed = loadTestSignals(loadTests);
      loadTest = loadTestSummary(loadTests, { apdexThresholdMs: options.apdexThresholdMs });
      return computed;
    });
  }
  const metrics = loaded(bundle, 'metrics');
  if (metrics.length > 0) family('metrics', () => metricSignals(metrics));
  const logs = loaded(bundle, 'logs');
  if (logs.length > 0) family('logs', () => logSignals(logs));
  const traces = loaded(bundle, 'traces');
  if (traces.length > 0) family('traces', () => traceSignals(traces));
  const kubernetes = loaded(bundle, 'kubernetes');
  if (kubernetes.length > 0) family('kubernetes', () => kubernetesSignals(kubernetes.map((k) => k.data)));
  const toolOutput = loaded(bundle, 'tool-output');
  if (toolOutput.length > 0)
    family('tool-output', () => toolOutputSignals(toolOutput, options.textSignatures ?? []));
  return { signals, ...(loadTest ? { loadTest } : {}), errors };
}
