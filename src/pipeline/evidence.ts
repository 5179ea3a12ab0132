import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type EvidenceBundle, emptyBundle } from '../bundle/bundle.js';
import type { TimeRange } from '../core/source-pointer.js';
import { type GatherTask, gatherInto } from '../gather/gatherer.js';
import type { HttpConnection } from '../gather/http/client.js';
import { describeServer } from '../gather/http/client.js';
import { kubernetesFileGatherer } from '../gather/kubernetes/index.js';
import { type LoadTestGatherOptions, loadTestGatherer } from '../gather/load-test/gatherer.js';
import { logsFileGatherer, lokiGatherer } from '../gather/logs/index.js';
import { type CustomQuery, metricsFileGatherer, prometheusGatherer } from '../gather/metrics/index.js';
import { type ToolOutputGatherOptions, toolOutputGatherer } from '../gather/tool-output/index.js';
import { DEFAULT_TRACEQL, tempoGatherer, tracesFileGatherer } from '../gather/traces/index.js';
import { clipToWindow } from './clip.js';

// What a run reads, of every kind, and the gathering of all of it into one evidence bundle.
// Servers are asked about one time window: the one given, else the load test's own, else the last
// hour. A source that fails is a coded error in the bundle; the others are still gathered.

export interface PrometheusInput {
  prometheus: HttpConnection;
  /** Entries added to the default query set, or used instead of it with `replaceDefaults`. */
  queries?: CustomQuery[];
  replaceDefaults?: boolean;
  stepMs?: number;
}
export interface LokiInput {
  loki: HttpConnection;
  /** LogQL selector and pipeline, pushed down to Loki. */
  query: string;
  limit?: number;
}
export interface TempoInput {
  tempo: HttpConnection;
  /** TraceQL search, pushed down to Tempo; the default finds traces with errors or slow spans. */
  traceql?: string;
  traceIds?: string[];
  limit?: number;
}

export interface EvidenceInputs {
  /** Load-test result files. */
  loadTests?: readonly string[];
  /** Metric files (query_range JSON, OpenMetrics text, CSV) or Prometheus-compatible servers. */
  metrics?: ReadonlyArray<string | PrometheusInput>;
  /** Log files (JSON lines, logfmt, plain text, Loki JSON) or Loki servers. */
  logs?: ReadonlyArray<string | LokiInput>;
  /** Trace files (OTLP JSON, Jaeger, Zipkin) or Tempo servers. */
  traces?: ReadonlyArray<string | TempoInput>;
  /** Kubernetes object and event dumps: what `kubectl get ... -o json` prints (.gz is fine). */
  kubernetes?: readonly string[];
  /** Failure output of tools and CI jobs (text, terraform -json, CloudFormation events; "-" is stdin). */
  toolOutput?: readonly string[];
  /** The incident window, epoch ms; servers are asked about it. */
  window?: { start: number; end: number };
}

export interface EvidenceGatherOptions
  extends Pick<LoadTestGatherOptions, 'strict' | 'onProgress'>,
    ToolOutputGatherOptions {
  now?: () => Date;
}

/** When nothing else says which window to ask servers about: the hour before now. */
export const DEFAULT_LOOKBACK_MS = 60 * 60 * 1000;

export async function gatherEvidence(
  inputs: EvidenceInputs,
  options: EvidenceGatherOptions = {},
): Promise<EvidenceBundle> {
  const now = options.now ?? (() => new Date());
  const bundle = emptyBundle(now().toISOString());
  const strict = options.strict ? { strict: true } : {};
  const loadTest = loadTestGatherer({
    ...strict,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  await gatherInto(
    bundle,
    (inputs.loadTests ?? []).map((path) => ({ gatherer: loadTest, source: { type: 'file', path } })),
  );
  const loadTestWindow = loadTestRange(bundle);
  const window = inputs.window ??
    loadTestWindow ?? { start: now().getTime() - DEFAULT_LOOKBACK_MS, end: now().getTime() };
  const range: TimeRange = {
    start: new Date(window.start).toISOString(),
    end: new Date(window.end).toISOString(),
  };

  const tasks: GatherTask[] = [];
  const metricsFile = metricsFileGatherer(strict);
  for (const input of inputs.metrics ?? []) {
    if (typeof input === 'string') {
      tasks.push({ gatherer: metricsFile, source: { type: 'file', path: input } });
      continue;
    }
    tasks.push({
      gatherer: prometheusGatherer(input.prometheus, {
        window,
        ...(input.queries
          ? { querySet: input.queries, replaceDefaults: input.replaceDefaults === true }
          : {}),
        ...(input.stepMs ? { stepMs: input.stepMs } : {}),
      }),
      source: {
        type: 'query',
        language: 'promql',
        query: input.replaceDefaults ? 'configured query set' : 'default query set',
        server: describeServer(input.prometheus),
        range,
      },
    });
  }
  // A window the user or a load test set says when the logs end, better than a file's mtime.
  const logsFile = logsFileGatherer({
    ...strict,
    ...(inputs.window || loadTestWindow ? { lastRecordBefore: window.end } : {}),
  });
  for (const input of inputs.logs ?? []) {
    if (typeof input === 'string') {
      tasks.push({ gatherer: logsFile, source: { type: 'file', path: input } });
      continue;
    }
    tasks.push({
      gatherer: lokiGatherer(input.loki, {
        window,
        query: input.query,
        ...(input.limit ? { limit: input.limit } : {}),
      }),
      source: {
        type: 'query',
        language: 'logql',
        query: input.query,
        server: describeServer(input.loki),
        range,
      },
    });
  }
  const tracesFile = tracesFileGatherer();
  for (const input of inputs.traces ?? []) {
    if (typeof input === 'string') {
      tasks.push({ gatherer: tracesFile, source: { type: 'file', path: input } });
      continue;
    }
    const query = input.traceIds?.length
      ? `trace ids ${input.traceIds.join(', ')}`
      : (input.traceql ?? DEFAULT_TRACEQL);
    tasks.push({
      gatherer: tempoGatherer(input.tempo, {
        window,
        ...(input.traceql ? { traceql: input.traceql } : {}),
        ...(input.traceIds ? { traceIds: input.traceIds } : {}),
        ...(input.limit ? { limit: input.limit } : {}),
      }),
      source: { type: 'query', language: 'traceql', query, server: describeServer(input.tempo), range },
    });
  }
  const kubernetesFile = kubernetesFileGatherer();
  for (const path of inputs.kubernetes ?? [])
    tasks.push({ gatherer: kubernetesFile, source: { type: 'file', path } });
  const toolOutput = toolOutputGatherer(options.stdin ? { stdin: options.stdin } : {});
  for (const path of inputs.toolOutput ?? [])
    tasks.push({ gatherer: toolOutput, source: { type: 'file', path } });
  await gatherInto(bundle, tasks);
  if (inputs.window) clipToWindow(bundle, inputs.window);
  // The window the report shows: the one given, the load test's, or the one servers were asked about.
  if (inputs.window || loadTestWindow || tasks.some((t) => t.source.type === 'query')) bundle.window = range;
  return bundle;
}

function loadTestRange(bundle: EvidenceBundle): { start: number; end: number } | undefined {
  const timed = (bundle.evidence['load-test'] ?? []).flatMap((s) =>
    s.status === 'loaded' && !s.data.summaryOnly && s.data.end > s.data.start ? [s.data] : [],
  );
  if (timed.length === 0) return undefined;
  return { start: Math.min(...timed.map((d) => d.start)), end: Math.max(...timed.map((d) => d.end)) };
}

export type EvidenceFileKind = 'load-test' | 'metrics' | 'logs' | 'traces' | 'kubernetes' | 'tool-output';

/**
 * The evidence kind of a file in a fixture or a folder of evidence, from its name: `*.metrics.*`
 * or `metrics*`, `*.logs.*`, `*.log[.gz]` or `logs*`, `*.traces.*` or `traces*`, `*.k8s.*` or
 * `*.kubernetes.*` (kubectl get -o json dumps), `*.output.*` or `*.tool.*` (failure output of a
 * tool or CI job); anything else is a load-test result (whose format is then recognized from its
 * content).
 */
export function evidenceKindOfName(path: string): EvidenceFileKind {
  const name = basename(path).toLowerCase();
  if (name.includes('.k8s.') || name.includes('.kubernetes.')) return 'kubernetes';
  if (name.includes('.output.') || name.includes('.tool.')) return 'tool-output';
  for (const kind of ['metrics', 'logs', 'traces'] as const) {
    if (name.startsWith(kind) || name.includes(`.${kind}.`)) return kind;
  }
  if (/\.log(\.gz)?$/.test(name)) return 'logs';
  return 'load-test';
}

/** The inputs of a fixture or evidence folder: one file, or every file of a directory, by name. */
export function inputsOfPath(path: string): EvidenceInputs {
  const files =
    existsSync(path) && statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((name) => !name.startsWith('.') && !name.endsWith('.md'))
          .sort()
          .map((name) => join(path, name))
      : [path];
  const inputs = {
    loadTests: [] as string[],
    metrics: [] as string[],
    logs: [] as string[],
    traces: [] as string[],
    kubernetes: [] as string[],
    toolOutput: [] as string[],
  };
  const slot = {
    'load-test': inputs.loadTests,
    metrics: inputs.metrics,
    logs: inputs.logs,
    traces: inputs.traces,
    kubernetes: inputs.kubernetes,
    'tool-output': inputs.toolOutput,
  };
  for (const file of files) slot[evidenceKindOfName(file)].push(file);
  return inputs;
}
