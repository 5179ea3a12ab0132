import type { SourcePointer } from '../core/source-pointer.js';
import type { EvidenceItem, SignalContribution } from '../diagnosis/result.js';
import type { Signal, SignalSet } from '../signals/signal.js';
import type { SignatureOutcome } from './signature.js';
import type { TextPattern, TextSignature } from './text-schema.js';

// Judging a text way from the tool-output signals: the lines its patterns hit decide, with the
// same confidence arithmetic as signal ways (declarative.ts) so both rank on one scale. A way
// never matches output that ended in success: a lock that was retried and then acquired, or a test
// that failed and passed on rerun, is not the failure of the run. A notice way (`notice: true`) is
// the exception: it recognizes a problem the tool reports in successful output (Terraform's drift
// note), and only through the notices the reader knows (gather/tool-output/lines.ts).

const BASE = 0.5;
/** Same as a signal way: what the required part adds at full strength. */
const WHEN_RANGE = 0.35;
/** Each required pattern beyond the first explains more of the output (as in signal ways). */
const SPECIFICITY = 0.04;
/**
 * A match pattern without a weight: a line clearly of this scenario but not its exact error code.
 * An exact code (ConditionalCheckFailedException, ERESOLVE) is written with weight 1, a generic
 * failure line with about 0.3, so that the specific scenario ranks first when both match.
 */
const DEFAULT_MATCH_WEIGHT = 0.6;
const DEFAULT_SUPPORT_WEIGHT = 0.1;
const DEFAULT_AGAINST_WEIGHT = 0.25;

export function evaluateTextWay(
  text: TextSignature,
  subject: string,
  signals: SignalSet,
  minConfidence: number,
): SignatureOutcome {
  const matches = signals.get('tool-output.text.match', subject);
  const outcomes = signals.get('tool-output.outcome');
  if (matches.length === 0) {
    // Output was read but none of the way's tools wrote it: judged, and not this scenario.
    return {
      matched: false,
      confidence: 0,
      subjects: [],
      evidence: [],
      raisedBy: [],
      loweredBy: [],
      ...(outcomes.length === 0 ? { insufficient: 'no tool output was read' } : {}),
    };
  }
  const judged = matches
    .filter((m) => typeof m.value === 'number' && m.value > 0)
    .map((m) => judgeMatch(text, subject, m, signals, outcomes, minConfidence))
    .sort((a, b) => Number(b.matched) - Number(a.matched) || b.confidence - a.confidence);
  return (
    judged[0] ?? {
      matched: false,
      confidence: 0,
      subjects: [],
      evidence: [],
      raisedBy: [],
      loweredBy: [],
    }
  );
}

function judgeMatch(
  text: TextSignature,
  subject: string,
  match: Signal,
  signals: SignalSet,
  outcomes: readonly Signal[],
  minConfidence: number,
): SignatureOutcome {
  const path = pathOf(match.sources[0]);
  const sameSource = (s: Signal) => pathOf(s.sources[0]) === path;
  const hit = (part: 'match' | 'support' | 'against', index: number): Signal | undefined =>
    signals.get('tool-output.text.pattern', `${subject}#${part}#${index}`).find(sameSource);
  const raisedBy: SignalContribution[] = [];
  const loweredBy: SignalContribution[] = [];
  const evidence: EvidenceItem[] = [
    item(match, text.match[0]?.reason ?? 'the lines that explain the failure', text),
  ];
  const weights = text.match.map((p) => p.weight ?? DEFAULT_MATCH_WEIGHT);
  const mean = weights.reduce((a, b) => a + b, 0) / weights.length;
  let confidence = BASE + WHEN_RANGE * mean + SPECIFICITY * (text.match.length - 1);
  text.match.forEach((pattern, index) => {
    const signal = hit('match', index);
    if (!signal) return;
    raisedBy.push(
      contribution(signal, (WHEN_RANGE * (pattern.weight ?? DEFAULT_MATCH_WEIGHT)) / weights.length, pattern),
    );
    if (!within(signal, match)) evidence.push(item(signal, pattern.reason, text));
  });
  text.support.forEach((pattern, index) => {
    const signal = hit('support', index);
    if (!signal) return;
    const weight = pattern.weight ?? DEFAULT_SUPPORT_WEIGHT;
    confidence += weight;
    raisedBy.push(contribution(signal, weight, pattern));
    if (!within(signal, match)) evidence.push(item(signal, pattern.reason, text));
  });
  text.against.forEach((pattern, index) => {
    const signal = hit('against', index);
    if (!signal) return;
    const weight = pattern.weight ?? DEFAULT_AGAINST_WEIGHT;
    confidence -= weight;
    loweredBy.push(contribution(signal, -weight, pattern));
  });
  const outcome = outcomes.find(sameSource);
  // A notice way found its notice in a chunk the reader marked (see matchText): the run succeeded
  // and still reported the problem.
  const succeeded = outcome?.value === 'succeeded' && !text.notice;
  if (outcome?.value === 'succeeded' && text.notice) {
    raisedBy.push({
      signal: 'tool-output.outcome',
      value: 'succeeded',
      weight: 0,
      reason: `the output ends in success, and the tool reported this on its way there: ${outcome.explanation}`,
    });
  }
  if (succeeded && outcome) {
    loweredBy.push({
      signal: 'tool-output.outcome',
      value: 'succeeded',
      weight: -confidence,
      reason: `the output ends in success after these lines: ${outcome.explanation}`,
    });
  }
  confidence = Math.min(1, Math.max(0, confidence));
  const matched = !succeeded && confidence >= minConfidence;
  return {
    matched,
    confidence: matched ? confidence : Math.min(confidence, 0.3),
    subjects: [],
    evidence,
    raisedBy,
    loweredBy,
  };
}

function pathOf(source: SourcePointer | undefined): string | undefined {
  return source && 'path' in source ? source.path : undefined;
}

/** Whether the pattern's line is inside the cited block of the match (then it is cited already). */
function within(signal: Signal, match: Signal): boolean {
  const at = signal.sources[0];
  const block = match.sources[0];
  if (at?.type !== 'file' || block?.type !== 'file' || at.line === undefined || block.line === undefined)
    return false;
  return at.line >= block.line && at.line <= (block.endLine ?? block.line);
}

function item(signal: Signal, what: string, text: TextSignature): EvidenceItem {
  const source = signal.sources[0] as SourcePointer;
  const at = source.type === 'file' && source.line !== undefined ? source : undefined;
  const where = at
    ? at.endLine && at.endLine > (at.line as number)
      ? ` (lines ${at.line}–${at.endLine})`
      : ` (line ${at.line})`
    : '';
  return {
    messageId: `signal.${signal.name}`,
    message: `${what}${where}`,
    data: {
      signal: signal.name,
      subject: signal.subject ?? '*',
      value: signal.value,
      ...(text.tools.length > 0 ? { tools: text.tools.join(',') } : {}),
    },
    expected: 'healthy: no such line in the failure output',
    observed: signal.explanation,
    source,
  };
}

function contribution(signal: Signal, weight: number, pattern: TextPattern): SignalContribution {
  return {
    signal: signal.name,
    ...(signal.subject !== undefined ? { subject: signal.subject } : {}),
    value: signal.value,
    weight: Math.round(weight * 1000) / 1000,
    reason: pattern.reason,
  };
}
