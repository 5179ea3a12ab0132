import type { Scenario } from '../catalog/schema.js';
import type { EvidenceKind } from '../core/vocabulary.js';
import type { EvidenceItem, SignalContribution } from '../diagnosis/result.js';
import type { SignalSet } from '../signals/signal.js';

// A signature says which signals, in which combination, make a scenario likely and what rules it
// out. It reads only signals (computed once per run), never raw evidence, and never fetches anything.

export interface SignatureContext {
  scenario: Scenario;
  signals: SignalSet;
  /** Evidence kinds loaded in this run; ways needing an absent kind are not judged. All when omitted. */
  available?: ReadonlySet<EvidenceKind>;
}

export interface SignatureOutcome {
  matched: boolean;
  /** Probability-like score in [0, 1]; explained by raisedBy and loweredBy. */
  confidence: number;
  onset?: string;
  end?: string;
  subjects: string[];
  evidence: EvidenceItem[];
  raisedBy: SignalContribution[];
  loweredBy: SignalContribution[];
  /** Set when the evidence kind is present but lacks what the signature reads (e.g. totals only). */
  insufficient?: string;
}

export interface Signature {
  scenarioId: string;
  /** The scenario can be judged when at least one of these evidence kinds was loaded. */
  needsAnyOf: readonly EvidenceKind[];
  /** Names of the signals the signature reads; the catalog tester checks they exist. */
  reads: readonly string[];
  /** Evidence that would confirm or rule out a match that the signals cannot decide alone. */
  confirmWith?: ReadonlyArray<{ evidence: EvidenceKind; what: string }>;
  /** More specific scenarios: when one of them matched, this finding ranks below it. */
  yieldsTo?: readonly string[];
  evaluate(context: SignatureContext): SignatureOutcome;
}
