import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { z } from 'zod';
import { type EvidenceBundle, EvidenceBundleSchema } from '../bundle/bundle.js';
import { type Catalog, loadCatalog } from '../catalog/loader.js';
import { packageVersion } from '../core/package-root.js';
import { InputError } from '../core/problem.js';
import { diagnose } from '../diagnosis/diagnose.js';
import type { DiagnosisResult } from '../diagnosis/result.js';
import { KubernetesDataSchema } from '../gather/kubernetes/data.js';
import { LoadTestDataSchema } from '../gather/load-test/data.js';
import type { LoadTestGatherOptions } from '../gather/load-test/gatherer.js';
import { LogsDataSchema } from '../gather/logs/data.js';
import { MetricsDataSchema } from '../gather/metrics/data.js';
import { ToolOutputDataSchema } from '../gather/tool-output/data.js';
import type { ToolOutputGatherOptions } from '../gather/tool-output/gatherer.js';
import { TracesDataSchema } from '../gather/traces/data.js';
import { computeSignals } from '../signals/compute.js';
import { type CompiledTextSignature, compileTextSignature } from '../signals/tool-output/text-match.js';
import { compileSignature } from '../signatures/declarative.js';
import type { Signature } from '../signatures/signature.js';
import { type EvidenceInputs, gatherEvidence } from './evidence.js';

// The whole pipeline, as library functions:
// gather → evidence bundle → signals → signatures → diagnosis. Nothing here prints or exits.

export const DEFAULT_APDEX_THRESHOLD_MS = 500;

export interface GatherOptions extends Pick<LoadTestGatherOptions, 'strict' | 'onProgress'> {
  /** Injected clock for the bundle's creation time, so that output is reproducible. */
  now?: () => Date;
}

/** Reads load-test result files into an evidence bundle; a file that fails becomes a coded error in it. */
export async function gatherLoadTests(
  files: readonly string[],
  options: GatherOptions = {},
): Promise<EvidenceBundle> {
  return gatherEvidence({ loadTests: files }, options);
}

export interface DiagnoseOptions {
  catalog?: Catalog;
  /** Apdex threshold T in ms: satisfied ≤ T, tolerating ≤ 4T. */
  apdexThresholdMs?: number;
  /** Injected clock for the result's generation time. */
  now?: () => Date;
}

/** Signals, signatures and diagnosis of a bundle: a pure function of the bundle and the catalog (and the clock). */
export function diagnoseBundle(bundle: EvidenceBundle, options: DiagnoseOptions = {}): DiagnosisResult {
  const catalog = options.catalog ?? loadCatalog();
  const signatures = catalog.scenarios
    .map((scenario) => compileSignature(scenario))
    .filter((s): s is Signature => s !== undefined);
  const { signals, loadTest, errors } = computeSignals(bundle, {
    apdexThresholdMs: options.apdexThresholdMs ?? DEFAULT_APDEX_THRESHOLD_MS,
    textSignatures: textSignaturesOf(catalog),
  });
  const result = diagnose({
    scenarios: catalog.scenarios,
    signatures,
    bundle,
    signals,
    generatedAt: (options.now ?? (() => new Date()))().toISOString(),
    version: packageVersion(),
    ...(loadTest ? { loadTest } : {}),
  });
  return { ...result, errors: [...errors, ...result.errors] };
}

/** The text ways of every scenario, compiled once per diagnosis for the tool-output signals. */
export function textSignaturesOf(catalog: Catalog): CompiledTextSignature[] {
  return catalog.scenarios.flatMap((scenario) =>
    (scenario.signature ?? []).flatMap((spec, way) =>
      spec.text ? [compileTextSignature(scenario.id, way, spec.text)] : [],
    ),
  );
}

export interface AnalyzeOptions extends GatherOptions, DiagnoseOptions {}

/**
 * Gathers evidence of every kind (load tests, metrics, logs, traces; files or servers) and
 * diagnoses it; returns the bundle too, so it can be saved and diagnosed again offline.
 */
export async function analyzeEvidence(
  inputs: EvidenceInputs,
  options: AnalyzeOptions = {},
): Promise<{ bundle: EvidenceBundle; result: DiagnosisResult }> {
  const bundle = await gatherEvidence(inputs, options);
  return { bundle, result: diagnoseBundle(bundle, options) };
}

/**
 * Triage of failure output: tool and CI output files ("-" reads `stdin`) → the scenarios they
 * show, each finding citing the lines that explain the failure. Returns the bundle too.
 */
export async function triage(
  files: readonly string[],
  options: AnalyzeOptions & ToolOutputGatherOptions = {},
): Promise<{ bundle: EvidenceBundle; result: DiagnosisResult }> {
  const bundle = await gatherEvidence({ toolOutput: files }, options);
  return {
    bundle,
    result: diagnoseBundle(bundle, { ...options, catalog: textCatalog(options.catalog ?? loadCatalog()) }),
  };
}

/**
 * The scenarios that failure output can show (those with a text way): a triage report lists
 * them, not the hundred that need metrics or a load test to be judged.
 */
export function textCatalog(catalog: Catalog): Catalog {
  const scenarios = catalog.scenarios.filter((s) => s.signature?.some((way) => way.text));
  const ids = new Set(scenarios.map((s) => s.id));
  return {
    scenarios,
    get: (id) => (ids.has(id) ? catalog.get(id) : undefined),
    ids: () => [...ids].sort(),
  };
}

/** Gathers the files and diagnoses them; returns the bundle too, so it can be saved and diagnosed again. */
export async function analyze(
  files: readonly string[],
  options: AnalyzeOptions = {},
): Promise<{ bundle: EvidenceBundle; result: DiagnosisResult }> {
  const bundle = await gatherLoadTests(files, options);
  return { bundle, result: diagnoseBundle(bundle, options) };
}

/** Serializes a bundle for --save-bundle; diagnosing the saved file gives the same findings. */
export function serializeBundle(bundle: EvidenceBundle): string {
  return `${JSON.stringify(bundle)}\n`;
}

/** Reads a saved bundle (gzip-compressed or not), checking its shape and the data of each loaded source. */
export async function readBundle(path: string): Promise<EvidenceBundle> {
  let raw: unknown;
  try {
    const bytes = await readFile(path);
    // A recorded bundle is kept gzip-compressed; the two magic bytes tell.
    const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
    raw = JSON.parse(text.toString('utf8'));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') throw new InputError(`${path}: no such file`);
    if (code === 'EISDIR') throw new InputError(`${path}: a directory, not a bundle file`);
    // A parse error quotes the start of the file, which for a result file (often gzip) is noise.
    const reason = error instanceof SyntaxError ? 'it is not JSON' : (error as Error).message;
    throw new InputError(
      `${path}: not a saved evidence bundle (${reason}); diagnose reads the file written by analyze --save-bundle, and analyze reads result files`,
    );
  }
  const parsed = EvidenceBundleSchema.safeParse(raw);
  if (!parsed.success)
    throw new InputError(`${path}: not a valid evidence bundle`, issues(path, parsed.error));
  for (const [kind, schema] of Object.entries(DATA_SCHEMAS)) {
    const slot = parsed.data.evidence[kind as keyof typeof DATA_SCHEMAS] ?? [];
    for (const [index, source] of slot.entries()) {
      if (source.status !== 'loaded') continue;
      const data = schema.safeParse(source.data);
      if (!data.success) {
        throw new InputError(
          `${path}: ${kind} source ${index + 1} has invalid data`,
          issues(`${path}#evidence.${kind}[${index}].data`, data.error),
        );
      }
    }
  }
  return parsed.data as EvidenceBundle;
}

/** The data schema of each evidence kind Faultline gathers, to check a saved bundle before trusting it. */
const DATA_SCHEMAS = {
  'load-test': LoadTestDataSchema,
  metrics: MetricsDataSchema,
  logs: LogsDataSchema,
  traces: TracesDataSchema,
  kubernetes: KubernetesDataSchema,
  'tool-output': ToolOutputDataSchema,
} as const;

function issues(file: string, error: z.ZodError) {
  return error.issues.slice(0, 10).map((issue) => ({
    file,
    field: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}
