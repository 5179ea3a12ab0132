import { describe, expect, it } from 'vitest';
import { buildTimeline, orderByOnset, SIMULTANEOUS_MS } from '../../src/diagnosis/correlate.js';
import { rankFindings } from '../../src/diagnosis/diagnose.js';
import type { EvidenceItem, Finding } from '../../src/diagnosis/result.js';

const item = (signal: string, at: string, subject = '*'): EvidenceItem => ({
  messageId: `signal.${signal}`,
  message: `${signal} changed`,
  data: { signal, subject, value: 1 },
  at,
  source: { type: 'time-range', range: { start: at, end: at } },
});

const finding = (
  scenarioId: string,
  confidence: number,
  onset: string | undefined,
  evidence: EvidenceItem[] = [],
): Omit<Finding, 'rank'> => ({
  scenarioId,
  title: scenarioId,
  category: 'performance',
  severity: 'high',
  status: 'matched',
  confidence,
  ...(onset ? { onset } : {}),
  subjects: [],
  evidence,
  raisedBy: [],
  loweredBy: [],
  missingEvidence: [],
  checks: [],
  remediation: [],
});

const related = [
  { id: 'memory-leak', related: ['tail-latency-spike'] },
  { id: 'tail-latency-spike', related: [] },
  { id: 'disk-io-saturation', related: [] },
];

describe('orderByOnset', () => {
  it('raises the related finding that started clearly earlier, so the cause ranks above its symptom', () => {
    const ordered = orderByOnset(
      [
        finding('tail-latency-spike', 0.8, '2026-11-22T14:09:00Z'),
        finding('memory-leak', 0.78, '2026-11-22T14:05:00Z'),
      ],
      related,
      [],
    );
    const ranked = rankFindings(ordered);
    expect(ranked.map((f) => f.scenarioId)).toEqual(['memory-leak', 'tail-latency-spike']);
    expect(ranked[0]?.raisedBy).toEqual([
      expect.objectContaining({ signal: 'onset-order', subject: 'tail-latency-spike', value: 240 }),
    ]);
    expect(ranked[1]?.raisedBy).toEqual([]);
  });

  it('leaves unrelated, simultaneous and undated findings alone', () => {
    const input = [
      finding('tail-latency-spike', 0.8, '2026-11-22T14:09:00Z'),
      finding('disk-io-saturation', 0.7, '2026-11-22T14:00:00Z'),
      finding(
        'memory-leak',
        0.6,
        new Date(Date.parse('2026-11-22T14:09:00Z') - SIMULTANEOUS_MS / 2).toISOString(),
      ),
    ];
    expect(orderByOnset(input, related, [])).toEqual(input);
    const undated = [
      finding('memory-leak', 0.6, undefined),
      finding('tail-latency-spike', 0.8, '2026-11-22T14:09:00Z'),
    ];
    expect(orderByOnset(undated, related, [])).toEqual(undated);
  });

  it('links scenarios through yieldsTo as well as related', () => {
    const [general] = orderByOnset(
      [
        finding('disk-io-saturation', 0.6, '2026-11-22T14:00:00Z'),
        finding('tail-latency-spike', 0.8, '2026-11-22T14:30:00Z'),
      ],
      related,
      [{ scenarioId: 'tail-latency-spike', yieldsTo: ['disk-io-saturation'] }],
    );
    expect(general?.confidence).toBeCloseTo(0.65);
  });
});

describe('buildTimeline', () => {
  it('lists the earliest onset of each signal and subject of matched findings, in time order', () => {
    const ranked = rankFindings([
      finding('tail-latency-spike', 0.8, '2026-11-22T14:09:00Z', [
        item('latency.p99.shift', '2026-11-22T14:09:00Z'),
        item('metrics.memory.growth', '2026-11-22T14:06:00Z', 'pod=a'),
      ]),
      finding('memory-leak', 0.7, '2026-11-22T14:05:00Z', [
        item('metrics.memory.growth', '2026-11-22T14:05:00Z', 'pod=a'),
        item('metrics.memory.growth', '2026-11-22T14:07:00Z', 'pod=b'),
      ]),
      {
        ...finding('disk-io-saturation', 0.2, '2026-11-22T13:00:00Z', [item('x', '2026-11-22T13:00:00Z')]),
        status: 'not-matched',
      },
    ]);
    const timeline = buildTimeline(ranked);
    expect(timeline.map((e) => [e.at.slice(11, 16), e.scenarioId, e.subject ?? '*'])).toEqual([
      ['14:05', 'memory-leak', 'pod=a'],
      ['14:07', 'memory-leak', 'pod=b'],
      ['14:09', 'tail-latency-spike', '*'],
    ]);
    expect(timeline[2]).toMatchObject({ evidence: 'load-test', messageId: 'signal.latency.p99.shift' });
  });
});
