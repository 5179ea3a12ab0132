import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { EvidenceBundle } from '../../bundle/bundle.js';
import { loadCatalog } from '../../catalog/loader.js';
import { compareLoadTests } from '../../compare/compare.js';
import { packageRoot } from '../../core/package-root.js';
import { InputError } from '../../core/problem.js';
import type { DiagnosisResult } from '../../diagnosis/result.js';
import type { LoadTestData } from '../../gather/load-test/data.js';
import type { ProgressListener } from '../../gather/load-test/input.js';
import {
  DEFAULT_APDEX_THRESHOLD_MS,
  diagnoseBundle,
  gatherLoadTests,
  readBundle,
  serializeBundle,
} from '../../pipeline/analyze.js';
import { gatherEvidence } from '../../pipeline/evidence.js';
import type { Policy } from '../../policy/model.js';
import { renderHtml } from '../../report/html.js';
import { renderJson } from '../../report/json.js';
import { renderJunit } from '../../report/junit.js';
import { renderMarkdown } from '../../report/markdown.js';
import { describeSource } from '../../report/outline.js';
import { renderTerminal } from '../../report/terminal.js';
import { addEvidenceOptions, type EvidenceFlags, evidenceInputs } from '../evidence-options.js';
import { emit, type Io, pageWidth, styleFor } from '../io.js';
import type { GlobalOptions } from './catalog.js';
import { ReportedFailure } from './catalog.js';
import { addGateOptions, type GateOptions, gate, readPolicy, readSide } from './gate.js';

// `faultline analyze`, `faultline diagnose BUNDLE` and `faultline demo`: the pipeline from the
// command line. Exit codes: 0 done (whatever was found, unless a policy says
// otherwise), 1 the policy failed, 2 no input could be read or bad usage.

export const REPORT_FORMATS = ['terminal', 'markdown', 'json', 'junit', 'html'] as const;
type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportOptions extends GateOptions {
  format: ReportFormat;
  output?: string;
  apdex: number;
  quiet?: boolean;
  baseline: string[];
}

/** The options of every command that writes a diagnosis report: format, output, policy, baseline. */
export function addReportOptions(command: Command): Command {
  return addGateOptions(command)
    .option(
      '--baseline <file>',
      'a baseline run (result file or saved bundle) for regression limits (repeatable)',
      collect,
      [] as string[],
    )
    .addOption(new Option('--format <format>', 'report format').choices(REPORT_FORMATS).default('terminal'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option(
      '--apdex <ms>',
      'Apdex threshold T in ms (satisfied ≤ T, tolerating ≤ 4T)',
      positiveNumber,
      DEFAULT_APDEX_THRESHOLD_MS,
    )
    .option('-q, --quiet', 'no progress on stderr');
}

export function registerAnalyze(program: Command, io: Io, globals: () => GlobalOptions): void {
  addReportOptions(
    addEvidenceOptions(
      program
        .command('analyze')
        .description(
          'diagnose load tests, metrics, logs and traces: failure scenarios with evidence, timeline, checks and remediation',
        )
        .argument(
          '[files...]',
          'load-test results (JMeter JTL CSV/XML, k6, Gatling, Locust, HAR, Artillery, autocannon; .gz is fine), kubectl get -o json dumps named *.k8s.json, or folders of evidence',
        )
        .option('--strict', 'fail a file that has unreadable lines instead of counting and skipping them')
        .option(
          '--save-bundle <file>',
          'also save the gathered evidence, to diagnose again later with `faultline diagnose`',
        ),
    ),
  )
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  faultline analyze results.jtl',
        '  faultline analyze injector1.jtl injector2.jtl --format html -o report.html',
        '  faultline analyze k6.json.gz --prometheus http://prometheus:9090 --logs app.log',
        '  FAULTLINE_PROMETHEUS_TOKEN=... faultline analyze --prometheus https://prom.example --from 2026-11-22T14:02:00Z --to 2026-11-22T14:20:00Z',
        '  faultline analyze --prometheus metrics.json --logs app.log.gz --traces traces.otlp.json --save-bundle incident.bundle.json',
        '  faultline analyze --config faultline.yaml --since 30m',
      ].join('\n'),
    )
    .action(
      async (
        files: string[],
        options: ReportOptions & EvidenceFlags & { strict?: boolean; saveBundle?: string },
      ) => {
        const policy = await readPolicy(options);
        const inputs = evidenceInputs(files, options, io.env, Date.now());
        const bundle = await gatherEvidence(inputs, {
          ...(options.strict ? { strict: true } : {}),
          ...progressOptions(io, options),
        });
        clearProgress(io, options);
        if (options.saveBundle) emit(io, serializeBundle(bundle), options.saveBundle);
        await reportBundle(io, globals, bundle, options, policy);
      },
    );

  addReportOptions(
    program
      .command('diagnose')
      .description('diagnose a saved evidence bundle again, offline (see analyze --save-bundle)')
      .argument('<bundle>', 'a bundle file written by --save-bundle'),
  ).action(async (path: string, options: ReportOptions) => {
    const policy = await readPolicy(options);
    await reportBundle(io, globals, await readBundle(path), options, policy);
  });

  program
    .command('demo')
    .description('analyze the bundled sample load test and write an HTML report')
    .option('-o, --output <file>', 'where to write the HTML report', 'faultline-demo-report.html')
    .action(async (options: { output: string }) => {
      const files = demoFiles();
      io.write(`Analyzing the bundled sample: ${files.map((f) => f.display).join(', ')}\n\n`);
      const bundle = await gatherLoadTests(files.map((f) => f.path));
      // Sources are shown by their path inside the package, never by this machine's absolute path.
      const display = new Map(files.map((f) => [f.path, f.display]));
      for (const source of bundle.evidence['load-test'] ?? []) {
        if (source.source.type === 'file')
          source.source.path = display.get(source.source.path) ?? source.source.path;
      }
      const result = diagnose(globals, bundle, DEFAULT_APDEX_THRESHOLD_MS);
      io.write(renderTerminal(result, { style: styleFor(io, globals()), width: pageWidth(io) }));
      emit(io, renderHtml(result), options.output);
      io.write(`\nHTML report with charts written to ${options.output}\n`);
    });
}

/** Prints source errors, renders the diagnosis of a bundle, and applies the policy (exit codes 1 and 2). */
export async function reportBundle(
  io: Io,
  globals: () => GlobalOptions,
  bundle: EvidenceBundle,
  options: ReportOptions,
  policy: Policy | undefined,
): Promise<void> {
  const loaded = Object.values(bundle.evidence).some((slot) => slot?.some((s) => s.status === 'loaded'));
  for (const slot of Object.values(bundle.evidence)) {
    for (const source of slot ?? []) {
      if (source.status === 'failed') io.error(`faultline: ${source.error.message} [${source.error.code}]\n`);
      else if (source.partial)
        io.error(
          `faultline: ${describeSource(source.source)} was read only in part: ${source.partial.message} [partial]\n`,
        );
    }
  }
  if (!loaded) {
    io.error('faultline: no input could be read; nothing to analyze\n');
    throw new ReportedFailure(2);
  }
  const result = diagnose(globals, bundle, options.apdex);
  emit(io, render(result, options, io, globals), options.output);
  if (options.output && !options.quiet) io.error(`faultline: report written to ${options.output}\n`);
  const needsBaseline = policy?.conditions.some((c) => c.kind === 'regression');
  if (needsBaseline && options.baseline.length === 0) {
    throw new InputError('regression limits need a baseline: add --baseline FILE');
  }
  const comparison =
    options.baseline.length > 0
      ? compareLoadTests({
          baseline: await readSide(options.baseline, '--baseline'),
          current: loadTestData(bundle),
        })
      : undefined;
  const evaluation = gate(io, policy, { result, ...(comparison ? { comparison } : {}) });
  if (evaluation && !evaluation.passed) throw new ReportedFailure(1);
}

function loadTestData(bundle: EvidenceBundle): LoadTestData[] {
  return (bundle.evidence['load-test'] ?? []).flatMap((s) => (s.status === 'loaded' ? [s.data] : []));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function diagnose(globals: () => GlobalOptions, bundle: EvidenceBundle, apdex: number): DiagnosisResult {
  return diagnoseBundle(bundle, {
    catalog: loadCatalog({ userDirs: globals().scenarios }),
    apdexThresholdMs: apdex,
  });
}

export function render(
  result: DiagnosisResult,
  options: ReportOptions,
  io: Io,
  globals: () => GlobalOptions,
): string {
  switch (options.format) {
    case 'json':
      return renderJson(result);
    case 'markdown':
      return renderMarkdown(result);
    case 'junit':
      return renderJunit(result);
    case 'html':
      return renderHtml(result);
    default:
      return renderTerminal(result, {
        style: styleFor(io, { ...globals(), ...(options.output ? { output: options.output } : {}) }),
        width: pageWidth(io, options.output),
      });
  }
}

/** Progress goes to stderr only on a terminal, never in CI or with --quiet. */
function showsProgress(io: Io, options: { quiet?: boolean }): boolean {
  return io.isTTY && !options.quiet && !io.env.CI;
}

function progressOptions(io: Io, options: { quiet?: boolean }): { onProgress?: ProgressListener } {
  if (!showsProgress(io, options)) return {};
  let lastPercent = -1;
  return {
    onProgress: ({ path, bytesRead, totalBytes }) => {
      const percent = totalBytes > 0 ? Math.floor((100 * bytesRead) / totalBytes) : 100;
      if (percent === lastPercent) return;
      lastPercent = percent;
      io.error(`\rreading ${path}: ${percent}% of ${(totalBytes / 1e6).toFixed(1)} MB`);
    },
  };
}

function clearProgress(io: Io, options: { quiet?: boolean }): void {
  if (showsProgress(io, options)) io.error('\r\x1b[K');
}

function positiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new InvalidArgumentError('expected a positive number of milliseconds');
  return number;
}

/** The sample evidence shipped with the package, shown by relative path. */
function demoFiles(): Array<{ path: string; display: string }> {
  const dir = join(packageRoot(), 'samples', 'demo');
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new InputError(`the demo sample folder is missing: ${dir}`);
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.') && !name.endsWith('.md'))
    .sort()
    .map((name) => ({ path: join(dir, name), display: join('samples', 'demo', name) }));
}
