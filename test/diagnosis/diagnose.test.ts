import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { addSource, emptyBundle } from '../../src/bundle/bundle.js';
import type { Scenario } from '../../src/catalog/schema.js';
import { decideVerdict, diagnose, rankFindings, yieldToSpecific } from '../../src/diagnosis/diagnose.js';
import { DiagnosisResultSchema } from '../../src/diagnosis/result.js';
import { LoadTestAccumulator } from '../../src/gather/load-test/accumulate.js';
import { renderJson } from '../../src/report/json.js';
import { SignalSet } from '../../src/signals/signal.js';
import type { Signature } from '../../src/signatures/signature.js';

const scenario = (id: string, severity: Scenario['severity']): Scenario => ({
  id,
  title: id.replaceAll('-', ' '),
  aliases: [],
  category: 'performance',
  severity,
  summary: 's',
  recognizedFrom: ['telemetry'],
  evidence: ['load-test'],
  symptoms: ['x'],
  rootCauses: ['y'],
  diagnostics: [{ description: 'look', command: 'curl -s localhost' }],
  remediation: ['fix'],
  prevention: [],
  references: [],
  related: [],
  sources: [],
});

const SPIKE = { start: '2026-11-22T14:02:00Z', end: '2026-11-22T14:20:00Z' };

/** A signature that matches when the p99 signal exceeds a threshold. */
const tailSignature: Signature = {
  scenarioId: 'tail-latency-spike',
  needsAnyOf: ['load-test', 'metrics'],
  reads: ['latency.p99.ratio'],
  evaluate: ({ signals }) => {
    const [ratio] = signals.get('latency.p99.ratio');
    const value = typeof ratio?.value === 'number' ? ratio.value : 0;
    return {
      matched: value > 2,
      confidence: Math.min(1, value / 4),
      subjects: ['GET /b', 'GET /a'],
      onset: SPIKE.start,
      evidence: [
        {
          messageId: 'latency.p99.rose',
          message: `p99 rose ${value}× over the baseline`,
          data: { ratio: value },
          expected: 'p99 within 1.5× of baseline',
          observed: `${value}×`,
          source: { type: 'time-range', range: SPIKE, path: 'results.jtl' },
        },
      ],
      raisedBy: [{ signal: 'latency.p99.ratio', value, weight: 0.8, reason: 'p99 above twice its baseline' }],
      loweredBy: [],
    };
  },
};

const traceOnly: Signature = {
  scenarioId: 'retry-storm',
  needsAnyOf: ['traces'],
  reads: ['retries.per-request'],
  evaluate: () => {
    throw new Error('must not run without traces');
  },
};

const broken: Signature = {
  scenarioId: 'cpu-saturation',
  needsAnyOf: ['load-test'],
  reads: [],
  evaluate: () => {
    throw new Error('division by zero in knee fit');
  },
};

function run(ratio: number) {
  const bundle = emptyBundle('2026-11-22T15:00:00Z');
  addSource(bundle, 'load-test', {
    status: 'loaded',
    source: { type: 'file', path: 'results.jtl' },
    data: new LoadTestAccumulator('jmeter-csv').finish(),
  });
  addSource(bundle, 'metrics', {
    status: 'failed',
    source: { type: 'file', path: 'metrics.json' },
    error: { code: 'parse-error', message: 'metrics.json line 3: expected a JSON object' },
  });
  const signals = new SignalSet([
    {
      name: 'latency.p99.ratio',
      value: ratio,
      unit: 'ratio',
      explanation: 'p99 of the window over p99 of the baseline',
      sources: [],
    },
  ]);
  return diagnose({
    scenarios: [
      scenario('tail-latency-spike', 'high'),
      scenario('retry-storm', 'high'),
      scenario('cpu-saturation', 'high'),
    ],
    signatures: [traceOnly, tailSignature, broken],
    bundle,
    signals,
    generatedAt: '2026-11-22T15:00:00Z',
    version: '0.0.0-test',
  });
}

describe('diagnose', () => {
  it('ranks a matched finding first with its evidence and catalog checks', () => {
    const result = run(3);
    expect(result.verdict).toBe('failure');
    const [first, second] = result.findings;
    expect(first).toMatchObject({
      rank: 1,
      scenarioId: 'tail-latency-spike',
      status: 'matched',
      confidence: 0.75,
    });
    expect(first?.subjects).toEqual(['GET /a', 'GET /b']);
    expect(first?.checks[0]?.command).toBe('curl -s localhost');
    expect(first?.missingEvidence).toEqual(['metrics']);
    expect(second).toMatchObject({ rank: 2, scenarioId: 'retry-storm', status: 'insufficient-evidence' });
    expect(second?.missingEvidence).toEqual(['traces']);
  });

  it('turns a throwing signature into a run error and goes on', () => {
    const result = run(3);
    expect(result.errors).toEqual([
      { stage: 'signatures', scenarioId: 'cpu-saturation', message: 'division by zero in knee fit' },
    ]);
    expect(result.findings.map((f) => f.scenarioId)).not.toContain('cpu-saturation');
  });

  it('records failed sources as inputs with their coded error', () => {
    expect(run(1).inputs).toEqual([
      { kind: 'load-test', source: { type: 'file', path: 'results.jtl' }, status: 'loaded' },
      {
        kind: 'metrics',
        source: { type: 'file', path: 'metrics.json' },
        status: 'failed',
        error: { code: 'parse-error', message: 'metrics.json line 3: expected a JSON object' },
      },
    ]);
  });

  it('says healthy when checked scenarios do not match', () => {
    const result = run(1);
    expect(result.verdict).toBe('healthy');
    expect(result.findings[0]).toMatchObject({ status: 'not-matched' });
  });

  it('produces JSON valid against the published schema, byte-stable', () => {
    const schema = JSON.parse(readFileSync('schemas/diagnosis-result.v1.schema.json', 'utf8'));
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    const json = renderJson(run(3));
    expect(validate(JSON.parse(json)), JSON.stringify(validate.errors)).toBe(true);
    expect(renderJson(run(3))).toBe(json);
    expect(DiagnosisResultSchema.safeParse({ ...JSON.parse(json), verdict: 'fine' }).success).toBe(false);
  });
});

describe('decideVerdict', () => {
  it.each([
    [[], 'inconclusive'],
    [[{ status: 'insufficient-evidence', severity: 'high' }], 'inconclusive'],
    [[{ status: 'not-matched', severity: 'high' }], 'healthy'],
    [[{ status: 'matched', severity: 'medium' }], 'degraded'],
    [
      [
        { status: 'matched', severity: 'low' },
        { status: 'matched', severity: 'critical' },
      ],
      'failure',
    ],
  ] as const)('%j → %s', (findings, verdict) => {
    expect(decideVerdict(findings)).toBe(verdict);
  });
});

describe('general scenarios yield to specific ones', () => {
  const finding = (scenarioId: string, confidence: number) => ({
    scenarioId,
    title: scenarioId,
    category: 'performance' as const,
    severity: 'high' as const,
    status: 'matched' as const,
    confidence,
    subjects: [],
    evidence: [],
    raisedBy: [],
    loweredBy: [],
    missingEvidence: [],
    checks: [],
    remediation: [],
  });
  const signature = (scenarioId: string, yieldsTo: string[] = []): Signature => ({
    scenarioId,
    needsAnyOf: ['load-test'],
    reads: [],
    yieldsTo,
    evaluate: () => {
      throw new Error('not called');
    },
  });

  it('places a general finding just below the specific one and says why', () => {
    const out = yieldToSpecific(
      [finding('error-spike-5xx', 0.95), finding('circuit-breaker-open', 0.8)],
      [signature('error-spike-5xx', ['circuit-breaker-open']), signature('circuit-breaker-open')],
    );
    const general = out.find((f) => f.scenarioId === 'error-spike-5xx');
    expect(general?.status).toBe('matched');
    expect(general?.confidence).toBeCloseTo(0.79);
    expect(general?.loweredBy[0]).toMatchObject({ signal: 'finding', subject: 'circuit-breaker-open' });
    expect(rankFindings(out).map((f) => f.scenarioId)).toEqual(['circuit-breaker-open', 'error-spike-5xx']);
  });

  it('settles a chain of yields, so a general finding ranks below every finding it yields to', () => {
    // bimodal-latency yields to function-timeout, which yields to cascading-failure; the general
    // finding must compare with function-timeout's lowered confidence, not its own.
    const out = yieldToSpecific(
      [finding('bimodal-latency', 0.8), finding('function-timeout', 0.8), finding('cascading-failure', 0.7)],
      [
        signature('bimodal-latency', ['function-timeout']),
        signature('function-timeout', ['cascading-failure']),
        signature('cascading-failure'),
      ],
    );
    expect(rankFindings(out).map((f) => f.scenarioId)).toEqual([
      'cascading-failure',
      'function-timeout',
      'bimodal-latency',
    ]);
    expect(out.find((f) => f.scenarioId === 'bimodal-latency')?.confidence).toBeCloseTo(0.68);
  });

  it('ends a cycle of yields instead of recursing forever', () => {
    const out = yieldToSpecific(
      [finding('a-general', 0.8), finding('b-general', 0.8)],
      [signature('a-general', ['b-general']), signature('b-general', ['a-general'])],
    );
    const [a, b] = out.map((f) => f.confidence);
    expect(b).toBeCloseTo(0.79);
    expect(a).toBeCloseTo(0.78);
  });

  it('leaves a general finding alone when no specific one matched', () => {
    const out = yieldToSpecific(
      [finding('error-spike-5xx', 0.95)],
      [signature('error-spike-5xx', ['circuit-breaker-open'])],
    );
    expect(out[0]?.confidence).toBe(0.95);
  });
});
