import type { Scenario } from '../catalog/schema.js';
import type { SourcePointer } from '../core/source-pointer.js';
import type { EvidenceKind } from '../core/vocabulary.js';
import type { EvidenceItem, SignalContribution } from '../diagnosis/result.js';
import { signalDefinition } from '../signals/registry.js';
import type { Signal, SignalSet } from '../signals/signal.js';
import { type Condition, leaves, type SignalTest, type SignatureSpec } from './schema.js';
import type { Signature, SignatureOutcome } from './signature.js';
import { evaluateTextWay } from './text-way.js';

// Turns the `signature` block of a scenario into a Signature. Confidence is explicit and
// explainable: a match starts at BASE, rises with how far its required signals are past their
// thresholds and with each supporting signal, and falls with each signal that points elsewhere.
// Every step is listed in raisedBy and loweredBy.

/** Confidence of a match exactly at its thresholds with nothing else for or against it. */
const BASE = 0.5;
/** What required conditions add when they are far past their thresholds (see strength()). */
const WHEN_RANGE = 0.35;
const DEFAULT_SUPPORT_WEIGHT = 0.1;
const DEFAULT_AGAINST_WEIGHT = 0.25;
/**
 * Each required condition beyond the first adds this much: when a general scenario (errors rose)
 * and a specific one (errors rose, and they are fast 503s) both match, the one that explains more
 * of the evidence ranks first.
 */
const SPECIFICITY = 0.04;
export const RUN_SUBJECT = '*';
/** Subjects whose evidence is listed for one finding; more would bury the strongest. */
const MAX_EVIDENCE_SUBJECTS = 3;

/** Corroboration: a match seen again in another kind of evidence is more likely real. */
const CORROBORATION = 0.1;
/**
 * Two ways corroborate only when their onsets are this close (when both have one). Different kinds
 * see one failure at different moments: a metric's change point leads, log lines appear when
 * requests start failing, traces only once a failing request is sampled; half an hour covers
 * those lags for every catalog scenario, while two unrelated episodes of a long window stay apart.
 */
const CORROBORATION_GAP_MS = 30 * 60_000;

/** The evidence kinds a way reads in its required conditions: all of them must be present to judge it. */
export function wayEvidence(spec: SignatureSpec): EvidenceKind[] {
  if (spec.text) return ['tool-output'];
  const kinds = new Set<EvidenceKind>();
  for (const condition of spec.when) {
    for (const leaf of leaves(condition)) {
      const from = signalDefinition(leaf.signal)?.from;
      if (from) kinds.add(from);
    }
  }
  return [...kinds].sort();
}

export function compileSignature(scenario: Pick<Scenario, 'id' | 'signature'>): Signature | undefined {
  const ways = scenario.signature;
  if (!ways) return undefined;
  const compiled = ways.map((spec, index) => ({
    spec,
    kinds: wayEvidence(spec),
    subject: `${scenario.id}#${index}`,
  }));
  const reads = new Set<string>();
  for (const { spec } of compiled) {
    for (const condition of [...spec.when, ...spec.support, ...spec.against]) {
      for (const leaf of leaves(condition)) reads.add(leaf.signal);
    }
    if (spec.text) for (const name of TEXT_WAY_READS) reads.add(name);
  }
  const confirmWith = new Map<string, { evidence: EvidenceKind; what: string }>();
  for (const { spec } of compiled)
    for (const c of spec.confirmWith) confirmWith.set(`${c.evidence} ${c.what}`, c);
  return {
    scenarioId: scenario.id,
    needsAnyOf: [...new Set(compiled.flatMap((w) => w.kinds))].sort(),
    reads: [...reads].sort(),
    confirmWith: [...confirmWith.values()],
    yieldsTo: [...new Set(compiled.flatMap((w) => w.spec.yieldsTo))],
    evaluate: ({ signals, available }) => evaluateWays(compiled, signals, available),
  };
}

/**
 * Judges every way whose evidence is present. The strongest match decides; each other way that
 * matched in a different kind of evidence corroborates it. With no match, the closest way tells
 * how near the scenario came; with no way judgeable, the scenario lacks evidence.
 */
/** The signals a text way reads (by subject: its scenario and way). */
const TEXT_WAY_READS = ['tool-output.outcome', 'tool-output.text.match', 'tool-output.text.pattern'];

function evaluateWays(
  ways: ReadonlyArray<{ spec: SignatureSpec; kinds: EvidenceKind[]; subject: string }>,
  signals: SignalSet,
  available: ReadonlySet<EvidenceKind> | undefined,
): SignatureOutcome {
  const judged = ways
    .filter((w) => !available || w.kinds.every((kind) => available.has(kind)))
    .map((w) => ({
      kinds: w.kinds,
      outcome: w.spec.text
        ? evaluateTextWay(w.spec.text, w.subject, signals, w.spec.minConfidence)
        : evaluate(w.spec, signals),
    }));
  const decided = judged.filter((j) => !j.outcome.insufficient);
  if (decided.length === 0) {
    const reasons = [...new Set(judged.map((j) => j.outcome.insufficient as string))];
    return insufficientOutcome(
      reasons.length > 0
        ? reasons.join('; ')
        : `needs ${[...new Set(ways.flatMap((w) => w.kinds))].join(' or ')} evidence`,
    );
  }
  const byConfidence = [...decided].sort((a, b) => b.outcome.confidence - a.outcome.confidence);
  const best = byConfidence[0] as (typeof decided)[number];
  const matched = byConfidence.filter((j) => j.outcome.matched);
  if (matched.length === 0) return best.outcome;
  const corroborating = matched.filter(
    (j) =>
      j !== best &&
      j.kinds.some((kind) => !best.kinds.includes(kind)) &&
      closeInTime(j.outcome.onset, best.outcome.onset),
  );
  const onsets = matched.flatMap((j) => (j.outcome.onset ? [j.outcome.onset] : [])).sort();
  return {
    ...best.outcome,
    confidence: Math.min(1, best.outcome.confidence + CORROBORATION * corroborating.length),
    ...(onsets[0] ? { onset: onsets[0] } : {}),
    subjects: [...new Set(matched.flatMap((j) => j.outcome.subjects))],
    evidence: matched.flatMap((j) => j.outcome.evidence),
    raisedBy: [
      ...best.outcome.raisedBy,
      ...corroborating.map((j) => ({
        signal: 'corroboration',
        subject: j.kinds.join('+'),
        value: Math.round(j.outcome.confidence * 1000) / 1000,
        weight: CORROBORATION,
        reason: `the ${j.kinds.join(' and ')} evidence shows the same scenario`,
      })),
    ],
  };
}

/** Whether two onsets are within CORROBORATION_GAP_MS; an unknown onset does not keep them apart. */
function closeInTime(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  return Math.abs(Date.parse(a) - Date.parse(b)) <= CORROBORATION_GAP_MS;
}

function insufficientOutcome(reason: string): SignatureOutcome {
  return {
    matched: false,
    confidence: 0,
    subjects: [],
    evidence: [],
    raisedBy: [],
    loweredBy: [],
    insufficient: reason,
  };
}

interface Judged {
  /** The condition as written: its weight and reason. */
  condition: Condition;
  /** The simple condition that decided: the condition itself, or its strongest alternative. */
  leaf: SignalTest;
  signal: Signal;
  holds: boolean;
  strength: number;
}

interface SubjectOutcome {
  subject: string;
  matched: boolean;
  confidence: number;
  when: Judged[];
  support: Judged[];
  against: Judged[];
}

function evaluate(spec: SignatureSpec, signals: SignalSet): SignatureOutcome {
  const first = spec.when[0];
  const subjects =
    spec.scope === 'endpoint' && first
      ? [
          ...new Set(
            leaves(first).flatMap((l) => signals.get(l.signal).map((s) => s.subject ?? RUN_SUBJECT)),
          ),
        ].sort()
      : [];
  const candidates = subjects.length > 0 ? subjects : [RUN_SUBJECT];
  const kind = first ? kindOf(leaves(first)[0]?.signal) : undefined;
  const outcomes: SubjectOutcome[] = [];
  let missing: string[] = [];
  for (const subject of candidates) {
    const when = spec.when.map((c) => judge(c, signals, subject));
    const absent = spec.when
      .filter((_, i) => when[i] === undefined)
      .flatMap((c) => leaves(c).map((l) => l.signal));
    if (absent.length > 0) {
      missing = absent;
      continue;
    }
    const required = when as Judged[];
    const support = present(spec.support.map((c) => judge(c, signals, subject, kind)));
    const against = present(spec.against.map((c) => judge(c, signals, subject, kind)));
    const allHold = required.every((j) => j.holds);
    const meanStrength = required.reduce((sum, j) => sum + j.strength, 0) / required.length;
    let confidence = BASE + WHEN_RANGE * meanStrength + SPECIFICITY * (required.length - 1);
    for (const j of support) if (j.holds) confidence += supportWeight(j);
    for (const j of against) if (j.holds) confidence -= j.condition.weight ?? DEFAULT_AGAINST_WEIGHT;
    confidence = Math.min(1, Math.max(0, confidence));
    outcomes.push({
      subject,
      matched: allHold && confidence >= spec.minConfidence,
      confidence: allHold ? confidence : 0,
      when: required,
      support,
      against,
    });
  }
  if (outcomes.length === 0) {
    return insufficientOutcome(`the evidence gives no ${missing.join(', ')} signal`);
  }
  const matched = outcomes.filter((o) => o.matched);
  const best = [...(matched.length > 0 ? matched : outcomes)].sort(byStrength)[0] as SubjectOutcome;
  const endpoints = matched.map((o) => o.subject).filter((s) => s !== RUN_SUBJECT);
  return {
    matched: best.matched,
    confidence: best.matched ? best.confidence : nearMiss(best),
    ...onsetOf(best),
    subjects: endpoints,
    // The evidence of the strongest matches, endpoints before the whole run: an engineer wants to see the endpoint.
    evidence: [...matched]
      .sort(
        (a, b) => Number(a.subject === RUN_SUBJECT) - Number(b.subject === RUN_SUBJECT) || byStrength(a, b),
      )
      .slice(0, MAX_EVIDENCE_SUBJECTS)
      .flatMap(evidenceOf),
    raisedBy: [...best.when, ...best.support]
      .filter((j) => j.holds)
      .map((j) => contribution(j, raise(j, best))),
    loweredBy: [
      ...best.when
        .filter((j) => !j.holds)
        .map((j) => contribution(j, -(WHEN_RANGE / best.when.length), 'needed')),
      ...best.against
        .filter((j) => j.holds)
        .map((j) => contribution(j, -(j.condition.weight ?? DEFAULT_AGAINST_WEIGHT))),
    ],
  };
}

/**
 * Matched first, then most confident; among non-matches, the one with most required conditions
 * holding; then the run before endpoints, endpoints in code-unit order (not the locale's).
 */
function byStrength(a: SubjectOutcome, b: SubjectOutcome): number {
  const held = (o: SubjectOutcome) => o.when.filter((j) => j.holds).length;
  return (
    Number(b.matched) - Number(a.matched) ||
    b.confidence - a.confidence ||
    held(b) - held(a) ||
    (a.subject === RUN_SUBJECT ? -1 : b.subject === RUN_SUBJECT ? 1 : a.subject < b.subject ? -1 : 1)
  );
}

/** A non-match still gets a small score telling how close it came, for ranking "possible" causes. */
function nearMiss(outcome: SubjectOutcome): number {
  const held = outcome.when.filter((j) => j.holds).length;
  return (0.3 * held) / outcome.when.length;
}

/** The kind of evidence a signal is computed from; undefined for signals not in the registry. */
function kindOf(signal: string | undefined): string | undefined {
  return signal === undefined ? undefined : signalDefinition(signal)?.from;
}

/**
 * Judges a condition for one subject. Subjects of different kinds of evidence do not share names
 * (an endpoint of a load test, a span's downstream, a scraped instance), so when `kind` (the
 * evidence of the way's subjects) is given, a support or against signal of another kind is read
 * at its strongest subject, as a way about the whole run reads per-subject signals.
 */
function judge(condition: Condition, signals: SignalSet, subject: string, kind?: string): Judged | undefined {
  let best: Judged | undefined;
  for (const leaf of leaves(condition)) {
    const runLevel = signalDefinition(leaf.signal) !== undefined && isRunLevel(leaf.signal);
    const otherKind = kind !== undefined && kindOf(leaf.signal) !== undefined && kindOf(leaf.signal) !== kind;
    const signal =
      signals.get(leaf.signal, runLevel ? RUN_SUBJECT : subject)[0] ??
      // A signal without a subject is about the whole run (an error-rate rise in the logs) and
      // holds for every subject judged, so a per-pod way can be supported by run-level evidence.
      signals.get(leaf.signal).find((s) => s.subject === undefined);
    // A way about the whole run reads a per-subject signal (a node's CPU) for the run: it holds
    // when it holds for one of the subjects, the strongest one.
    const candidates = signal
      ? [signal]
      : (subject === RUN_SUBJECT || otherKind) && !runLevel
        ? signals.get(leaf.signal)
        : [];
    for (const candidate of candidates) {
      const { holds, strength } = test(leaf, candidate.value);
      const judged = { condition, leaf, signal: candidate, holds, strength };
      if (
        !best ||
        Number(holds) - Number(best.holds) > 0 ||
        (holds === best.holds && strength > best.strength)
      )
        best = judged;
    }
  }
  return best;
}

function present(list: Array<Judged | undefined>): Judged[] {
  return list.filter((j): j is Judged => j !== undefined);
}

/** Signals about the whole run have no per-endpoint form; endpoint-scoped signatures read them for the run. */
export function isRunLevel(name: string): boolean {
  return /^(load|concurrency|throughput|endpoints)\.|^latency\.concurrency\./.test(name);
}

/** Whether the condition holds, and its strength in [0, 1]: 0 at the threshold, 1 at one span past it. */
export function test(
  condition: SignalTest,
  value: number | boolean | string,
): { holds: boolean; strength: number } {
  if (condition.equals !== undefined) {
    const holds = value === condition.equals;
    return { holds, strength: holds ? 1 : 0 };
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return { holds: false, strength: 0 };
  const { above, below } = condition;
  if (above !== undefined && below !== undefined) {
    const holds = value > above && value < below;
    return { holds, strength: holds ? 1 : 0 };
  }
  const threshold = (above ?? below) as number;
  const span = condition.span ?? (Math.abs(threshold) || 1);
  const beyond = above !== undefined ? value - above : threshold - value;
  return { holds: beyond > 0, strength: Math.min(1, Math.max(0, beyond / span)) };
}

function supportWeight(j: Judged): number {
  return (j.condition.weight ?? DEFAULT_SUPPORT_WEIGHT) * (0.5 + 0.5 * j.strength);
}

function raise(j: Judged, outcome: SubjectOutcome): number {
  return outcome.when.includes(j) ? (WHEN_RANGE * j.strength) / outcome.when.length : supportWeight(j);
}

function contribution(j: Judged, weight: number, prefix?: string): SignalContribution {
  return {
    signal: j.leaf.signal,
    ...(j.signal.subject !== undefined ? { subject: j.signal.subject } : {}),
    value: j.signal.value,
    weight: Math.round(weight * 1000) / 1000,
    reason: prefix
      ? `${prefix} ${describeCondition(j.condition)}: ${j.condition.reason}`
      : j.condition.reason,
  };
}

function onsetOf(outcome: SubjectOutcome): { onset?: string; end?: string } {
  const onsets = [...outcome.when, ...outcome.support]
    .filter((j) => j.holds && j.signal.onset)
    .map((j) => j.signal.onset as string)
    .sort();
  const ends = outcome.when
    .filter((j) => j.holds && j.signal.window)
    .map((j) => j.signal.window?.end as string)
    .sort();
  return {
    ...(onsets[0] ? { onset: onsets[0] } : {}),
    ...(ends.length > 0 && onsets[0] ? { end: ends[ends.length - 1] as string } : {}),
  };
}

function evidenceOf(outcome: SubjectOutcome): EvidenceItem[] {
  const items: EvidenceItem[] = [];
  for (const j of [...outcome.when, ...outcome.support]) {
    const source = j.signal.sources[0] ?? windowSource(j.signal);
    if (!j.holds || !source) continue;
    const data: EvidenceItem['data'] = {
      signal: j.leaf.signal,
      subject: j.signal.subject ?? RUN_SUBJECT,
      value: j.signal.value,
    };
    if (j.leaf.above !== undefined) data.above = j.leaf.above;
    if (j.leaf.below !== undefined) data.below = j.leaf.below;
    items.push({
      messageId: `signal.${j.leaf.signal}`,
      message: j.signal.explanation,
      data,
      expected: `healthy: ${negate(j.leaf)}`,
      observed: `${formatValue(j.signal.value)}${j.signal.unit ? ` ${j.signal.unit}` : ''}`,
      ...(j.signal.onset ? { at: j.signal.onset } : {}),
      source,
    });
  }
  return items;
}

function windowSource(signal: Signal): SourcePointer | undefined {
  return signal.window ? { type: 'time-range', range: signal.window } : undefined;
}

function describeCondition(condition: Condition): string {
  return leaves(condition).map(describe).join(' or ');
}

function describe(condition: SignalTest): string {
  if (condition.equals !== undefined) return `${condition.signal} = ${condition.equals}`;
  if (condition.above !== undefined && condition.below !== undefined) {
    return `${condition.above} < ${condition.signal} < ${condition.below}`;
  }
  return condition.above !== undefined
    ? `${condition.signal} > ${condition.above}`
    : `${condition.signal} < ${condition.below}`;
}

function negate(condition: SignalTest): string {
  if (condition.equals !== undefined) return `${condition.signal} ≠ ${condition.equals}`;
  if (condition.above !== undefined && condition.below !== undefined) {
    return `${condition.signal} outside ${condition.above}…${condition.below}`;
  }
  return condition.above !== undefined
    ? `${condition.signal} ≤ ${condition.above}`
    : `${condition.signal} ≥ ${condition.below}`;
}

function formatValue(value: number | boolean | string): string {
  if (typeof value !== 'number') return String(value);
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000);
}
