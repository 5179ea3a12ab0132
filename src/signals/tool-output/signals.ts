import type { SourcePointer } from '../../core/source-pointer.js';
import type { ToolOutputData } from '../../gather/tool-output/data.js';
import type { Signal } from '../signal.js';
import { appliesTo, type CompiledTextSignature, matchText, type PatternHit } from './text-match.js';

// Every tool-output signal of a run: the outcome of each output, and, for each text way of the
// catalog that applies to the output, where its patterns hit. Computed once; the text ways read them.

export interface ToolOutputSource {
  source: SourcePointer;
  data: ToolOutputData;
}

/** Characters of a cited line shown in an explanation; the evidence pointer gives the whole line. */
const QUOTE_CHARS = 240;

export function textSubject(signature: Pick<CompiledTextSignature, 'scenarioId' | 'way'>): string {
  return `${signature.scenarioId}#${signature.way}`;
}

export function toolOutputSignals(
  sources: readonly ToolOutputSource[],
  textSignatures: readonly CompiledTextSignature[],
): Signal[] {
  const signals: Signal[] = [];
  for (const { source, data } of sources) {
    const path = source.type === 'file' ? source.path : undefined;
    const at = (line: number, endLine?: number): SourcePointer[] =>
      path ? [{ type: 'file', path, line, ...(endLine && endLine > line ? { endLine } : {}) }] : [source];
    signals.push({
      name: 'tool-output.outcome',
      value: data.outcome,
      explanation: outcomeExplanation(data),
      sources: data.outcomeLine ? at(data.outcomeLine) : [source],
    });
    signals.push({
      name: 'tool-output.error-lines',
      value: data.errorLines,
      unit: 'lines',
      explanation: `${data.errorLines} of ${data.lines} lines are error lines (${data.tools.join(', ') || 'no tool recognized'})`,
      sources: [source],
    });
    for (const signature of textSignatures) {
      if (!appliesTo(signature, data)) continue;
      const subject = textSubject(signature);
      const match = matchText(signature, data);
      if (!match) {
        signals.push({
          name: 'tool-output.text.match',
          subject,
          value: 0,
          unit: 'chunks',
          explanation: `no failure chunk has every pattern of ${subject}`,
          sources: [source],
        });
        continue;
      }
      signals.push({
        name: 'tool-output.text.match',
        subject,
        value: match.chunks,
        unit: 'chunks',
        explanation: `${match.cited.to > match.cited.from ? `lines ${match.cited.from}–${match.cited.to}` : `line ${match.cited.from}`}: ${match.cited.lines
          .map((l) => `"${quote(l)}"`)
          .join(' / ')}`,
        sources: at(match.cited.from, match.cited.to),
      });
      const pattern = (part: string, hit: PatternHit): Signal => ({
        name: 'tool-output.text.pattern',
        subject: `${subject}#${part}#${hit.index}`,
        value: hit.hits,
        unit: 'lines',
        explanation: `line ${hit.line}: "${quote(hit.text)}"`,
        sources: at(hit.line),
      });
      for (const hit of match.match) signals.push(pattern('match', hit));
      for (const hit of match.support) signals.push(pattern('support', hit));
      for (const hit of match.against) signals.push(pattern('against', hit));
    }
  }
  return signals;
}

function quote(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > QUOTE_CHARS ? `${trimmed.slice(0, QUOTE_CHARS)}…` : trimmed;
}

function outcomeExplanation(data: ToolOutputData): string {
  const tools = data.tools.length > 0 ? data.tools.join(', ') : 'no known tool';
  if (data.outcome === 'unknown') return `output of ${tools}: no failure or success marker`;
  return `output of ${tools} ${data.outcome}${data.outcomeLine ? ` (line ${data.outcomeLine})` : ''}`;
}
