import { availableKinds, type EvidenceBundle } from '../bundle/bundle.js';
import type { Scenario } from '../catalog/schema.js';
import { SEVERITY_NAMES, type Verdict } from '../core/vocabulary.js';
import type { SignalSet } from '../signals/signal.js';
import type { Signature } from '../signatures/signature.js';
import { buildTimeline, orderByOnset } from './correlate.js';
import type { LoadTestSummary } from './load-test-summary.js';
import { DIAGNOSIS_SCHEMA_VERSION, type DiagnosisResult, type Finding } from './result.js';

// Judges every scenario that has a signature against the signals of one run and assembles the
// diagnosis result. A signature that throws becomes a run error; the others still run.

export interface DiagnoseInput {
  scenarios: readonly Scenario[];
  signatures: readonly Signature[];
  bundle: EvidenceBundle;
  signals: SignalSet;
  /** Injected so that the same input gives the same bytes. */
  generatedAt: string;
  version: string;
  /** KPIs and series of the load test, computed by the signals stage, for the reports. */
  loadTest?: LoadTestSummary;
}

export function diagnose(input: DiagnoseInput): DiagnosisResult {
  const available = availableKinds(input.bundle);
  const byId = new Map(input.scenarios.map((s) => [s.id, s]));
  const findings: Array<Omit<Finding, 'rank'>> = [];
  const errors: DiagnosisResult['errors'] = [];

  for (const signature of input.signatures) {
    const scenario = byId.get(signature.scenarioId);
    if (!scenario) {
      errors.push({
        stage: 'signatures',
        scenarioId: signature.scenarioId,
        message: 'signature for an unknown scenario',
      });
      continue;
    }
    const base = {
      scenarioId: scenario.id,
      title: scenario.title,
      category: scenario.category,
      severity: scenario.severity,
      checks: scenario.diagnostics,
      remediation: scenario.remediation,
      ...(signature.confirmWith && signature.confirmWith.length > 0
        ? { confirmWith: signature.confirmWith.map((c) => ({ ...c })) }
        : {}),
    };
    const confirmKinds = (signature.confirmWith ?? []).map((c) => c.evidence);
    if (!signature.needsAnyOf.some((kind) => available.has(kind))) {
      findings.push({
        ...base,
        status: 'insufficient-evidence',
        confidence: 0,
        subjects: [],
        evidence: [],
        raisedBy: [],
        loweredBy: [],
        missingEvidence: [...signature.needsAnyOf],
      });
      continue;
    }
    try {
      const outcome = signature.evaluate({ scenario, signals: input.signals, available });
      if (outcome.insufficient) {
        findings.push({
          ...base,
          status: 'insufficient-evidence',
          confidence: 0,
          subjects: [],
          evidence: [],
          raisedBy: [],
          loweredBy: [],
          missingEvidence: [],
          insufficientReason: outcome.insufficient,
        });
        continue;
      }
      findings.push({
        ...base,
        status: outcome.matched ? 'matched' : 'not-matched',
        confidence: clamp(outcome.confidence),
        ...(outcome.onset ? { onset: outcome.onset } : {}),
        ...(outcome.end ? { end: outcome.end } : {}),
        subjects: [...outcome.subjects].sort(),
        evidence: outcome.evidence,
        raisedBy: outcome.raisedBy,
        loweredBy: outcome.loweredBy,
        missingEvidence: [...new Set([...signature.needsAnyOf, ...confirmKinds])]
          .filter((kind) => !available.has(kind))
          .sort(),
      });
    } catch (error) {
      errors.push({
        stage: 'signatures',
        scenarioId: scenario.id,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }

  const ranked = rankFindings(
    yieldToSpecific(orderByOnset(findings, input.scenarios, input.signatures), input.signatures),
  );
  const timeline = buildTimeline(ranked);
  const inputs: DiagnosisResult['inputs'] = [];
  for (const [kind, sources] of Object.entries(input.bundle.evidence)) {
    for (const source of sources ?? []) {
      inputs.push({
        kind: kind as DiagnosisResult['inputs'][number]['kind'],
        source: source.source,
        ...(source.status === 'failed'
          ? { status: 'failed' as const, error: source.error }
          : source.partial
            ? { status: 'partial' as const, error: source.partial }
            : { status: 'loaded' as const }),
      });
    }
  }
  return {
    schemaVersion: DIAGNOSIS_SCHEMA_VERSION,
    tool: { name: 'faultline', version: input.version },
    generatedAt: input.generatedAt,
    ...(input.bundle.window ? { window: input.bundle.window } : {}),
    verdict: decideVerdict(ranked),
    inputs,
    findings: ranked,
    ...(timeline.length > 0 ? { timeline } : {}),
    errors,
    ...(input.loadTest ? { loadTest: input.loadTest } : {}),
  };
}

/** How far below the specific finding a general one is placed, so the order is unambiguous. */
const YIELD_MARGIN = 0.01;

/**
 * A general scenario (a 5xx spike) and a specific one (an open circuit breaker) often match the
 * same evidence; the specific one explains more of it, so the general finding is placed just
 * below it and says why. It stays matched: the symptom is real. Yields chain (a 5xx spike yields
 * to a function timeout, which yields to a cascading failure), so a specific finding is settled
 * before the general ones compare with it. A cycle is cut where it closes, so it still ends in a
 * strict order.
 */
export function yieldToSpecific(
  findings: Array<Omit<Finding, 'rank'>>,
  signatures: readonly Signature[],
): Array<Omit<Finding, 'rank'>> {
  const matched = new Map(findings.filter((f) => f.status === 'matched').map((f) => [f.scenarioId, f]));
  const yields = new Map(signatures.map((s) => [s.scenarioId, s.yieldsTo ?? []]));
  const settled = new Map<string, Omit<Finding, 'rank'>>();
  const settling = new Set<string>();
  const settle = (finding: Omit<Finding, 'rank'>): Omit<Finding, 'rank'> => {
    const done = settled.get(finding.scenarioId);
    if (done) return done;
    if (settling.has(finding.scenarioId)) return finding;
    settling.add(finding.scenarioId);
    const specific = (yields.get(finding.scenarioId) ?? [])
      .flatMap((id) => {
        const other = matched.get(id);
        return other ? [settle(other)] : [];
      })
      .filter((f) => f.confidence <= finding.confidence + YIELD_MARGIN)
      .sort((a, b) => a.confidence - b.confidence)[0];
    settling.delete(finding.scenarioId);
    const result = specific ? yieldTo(finding, specific) : finding;
    settled.set(finding.scenarioId, result);
    return result;
  };
  return findings.map((finding) => (finding.status === 'matched' ? settle(finding) : finding));
}

function yieldTo(finding: Omit<Finding, 'rank'>, specific: Omit<Finding, 'rank'>): Omit<Finding, 'rank'> {
  const confidence = Math.max(0, specific.confidence - YIELD_MARGIN);
  return {
    ...finding,
    confidence,
    loweredBy: [
      ...finding.loweredBy,
      {
        signal: 'finding',
        subject: specific.scenarioId,
        value: specific.confidence,
        weight: Math.round((confidence - finding.confidence) * 1000) / 1000,
        reason: `the more specific scenario ${specific.scenarioId} explains the same evidence`,
      },
    ],
  };
}

const STATUS_ORDER = { matched: 0, 'not-matched': 1, 'insufficient-evidence': 2 } as const;

/** Matched findings first, most confident first; ties broken by severity, then id, so order is stable. */
export function rankFindings(findings: ReadonlyArray<Omit<Finding, 'rank'>>): Finding[] {
  return [...findings]
    .sort(
      (a, b) =>
        STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
        b.confidence - a.confidence ||
        SEVERITY_NAMES.indexOf(a.severity) - SEVERITY_NAMES.indexOf(b.severity) ||
        compareText(a.scenarioId, b.scenarioId),
    )
    .map((finding, index) => ({ ...finding, rank: index + 1 }));
}

export function decideVerdict(findings: ReadonlyArray<Pick<Finding, 'status' | 'severity'>>): Verdict {
  const matched = findings.filter((f) => f.status === 'matched');
  if (matched.some((f) => f.severity === 'critical' || f.severity === 'high')) return 'failure';
  if (matched.length > 0) return 'degraded';
  if (findings.some((f) => f.status === 'not-matched')) return 'healthy';
  return 'inconclusive';
}

function clamp(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

/** Code-unit order: the same on every machine, whatever its locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
