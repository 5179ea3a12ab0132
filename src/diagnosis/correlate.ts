import type { Scenario } from '../catalog/schema.js';
import { signalDefinition } from '../signals/registry.js';
import type { Signature } from '../signatures/signature.js';
import type { Finding, TimelineEntry } from './result.js';

// Correlation in time: a cause moves before its symptoms. Among matched findings that the catalog
// relates to each other, the one that started clearly earlier is raised a little, and the onsets
// of all the evidence behind matched findings form the timeline that names the chain.

/**
 * Onsets closer than this are treated as simultaneous: load-test buckets, scrape intervals and log
 * timestamps blur the order of events within about a minute, so a smaller lead proves nothing.
 */
export const SIMULTANEOUS_MS = 60_000;
/** What starting before one related finding adds; small, so it reorders near-ties, not strong evidence. */
const EARLIER_BONUS = 0.05;
/** At most this many later findings count, so a busy incident does not inflate its first finding. */
const MAX_LATER = 2;
/** Entries in the timeline; the earliest onsets explain the chain, later ones repeat it. */
const MAX_TIMELINE = 15;

type Judged = Omit<Finding, 'rank'>;

export function orderByOnset(
  findings: Judged[],
  scenarios: readonly Pick<Scenario, 'id' | 'related'>[],
  signatures: readonly Pick<Signature, 'scenarioId' | 'yieldsTo'>[],
): Judged[] {
  const links = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      const set = links.get(x) ?? new Set<string>();
      set.add(y);
      links.set(x, set);
    }
  };
  for (const s of scenarios) for (const other of s.related) link(s.id, other);
  for (const s of signatures) for (const other of s.yieldsTo ?? []) link(s.scenarioId, other);

  const timed = findings.filter((f) => f.status === 'matched' && f.onset);
  return findings.map((finding) => {
    if (finding.status !== 'matched' || !finding.onset) return finding;
    const start = Date.parse(finding.onset);
    const later = timed
      .filter((other) => links.get(finding.scenarioId)?.has(other.scenarioId))
      .map((other) => ({ id: other.scenarioId, lead: Date.parse(other.onset as string) - start }))
      .filter((other) => other.lead > SIMULTANEOUS_MS)
      .sort((a, b) => a.lead - b.lead || (a.id < b.id ? -1 : 1));
    if (later.length === 0) return finding;
    const weight = EARLIER_BONUS * Math.min(MAX_LATER, later.length);
    const first = later[0] as { id: string; lead: number };
    return {
      ...finding,
      confidence: Math.min(1, finding.confidence + weight),
      raisedBy: [
        ...finding.raisedBy,
        {
          signal: 'onset-order',
          subject: later.map((l) => l.id).join(', '),
          value: Math.round(first.lead / 1000),
          weight: Math.round(weight * 1000) / 1000,
          reason: `started ${formatLead(first.lead)} before the related ${later.map((l) => l.id).join(', ')}, as a cause does before its symptoms`,
        },
      ],
    };
  });
}

/** The onsets of the evidence behind matched findings, earliest first, one entry per signal and subject. */
export function buildTimeline(findings: readonly Finding[]): TimelineEntry[] {
  const earliest = new Map<string, TimelineEntry>();
  for (const finding of findings) {
    if (finding.status !== 'matched') continue;
    for (const item of finding.evidence) {
      if (!item.at) continue;
      const subject = typeof item.data.subject === 'string' ? item.data.subject : undefined;
      const key = `${item.messageId} ${subject ?? ''}`;
      const known = earliest.get(key);
      if (known && known.at <= item.at) continue;
      const signal = typeof item.data.signal === 'string' ? item.data.signal : undefined;
      const evidence = signal ? signalDefinition(signal)?.from : undefined;
      earliest.set(key, {
        at: item.at,
        scenarioId: finding.scenarioId,
        ...(evidence ? { evidence } : {}),
        messageId: item.messageId,
        ...(subject && subject !== '*' ? { subject } : {}),
        message: item.message,
      });
    }
  }
  return [...earliest.values()]
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || (a.messageId < b.messageId ? -1 : 1))
    .slice(0, MAX_TIMELINE);
}

function formatLead(ms: number): string {
  const minutes = ms / 60_000;
  return minutes >= 120 ? `${Math.round(minutes / 60)} h` : `${Math.round(minutes)} min`;
}
