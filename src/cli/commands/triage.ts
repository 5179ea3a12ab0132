import { type Command, Option } from 'commander';
import { loadCatalog } from '../../catalog/loader.js';
import {
  DEFAULT_APDEX_THRESHOLD_MS,
  diagnoseBundle,
  serializeBundle,
  textCatalog,
} from '../../pipeline/analyze.js';
import { gatherEvidence } from '../../pipeline/evidence.js';
import { emit, type Io } from '../io.js';
import { REPORT_FORMATS, render } from './analyze.js';
import { type GlobalOptions, ReportedFailure } from './catalog.js';
import { addGateOptions, type GateOptions, gate, readPolicy } from './gate.js';

// `faultline triage FILE|-`: failure output of a tool or CI job (a job log, terraform or kubectl
// output, CloudFormation stack events, a docker build) → the scenarios it shows, with the lines
// that explain the failure and the checks and remediation from the catalog. Exit codes: 0 done
// (whatever was found, unless a policy says otherwise), 1 the policy failed, 2 unreadable input.

interface TriageOptions extends GateOptions {
  format: (typeof REPORT_FORMATS)[number];
  output?: string;
  quiet?: boolean;
  saveBundle?: string;
}

export function registerTriage(program: Command, io: Io, globals: () => GlobalOptions): void {
  addGateOptions(
    program
      .command('triage')
      .description(
        'recognize the failure in tool or CI output: the scenario, the lines that explain it, checks and remediation',
      )
      .argument(
        '<files...>',
        'failure output: a CI job log, terraform (plain or -json), CloudFormation stack events JSON, Pulumi, kubectl, helm, docker build, npm/pip/maven/go output; .gz is fine; "-" reads stdin',
      )
      .addOption(new Option('--format <format>', 'report format').choices(REPORT_FORMATS).default('terminal'))
      .option('-o, --output <file>', 'write the report to a file instead of stdout')
      .option(
        '--save-bundle <file>',
        'also save the gathered evidence, to diagnose again with `faultline diagnose`',
      )
      .option('-q, --quiet', 'no notes on stderr'),
  )
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  faultline triage job.log',
        '  terraform apply -no-color 2>&1 | faultline triage -',
        '  aws cloudformation describe-stack-events --stack-name web > events.json && faultline triage events.json',
        '  gh run view 123456 --log-failed | faultline triage - --format markdown -o triage.md',
        '  faultline triage build.log.gz --fail-on-severity high    # exit 1 when a high or critical scenario matched',
      ].join('\n'),
    )
    .action(async (files: string[], options: TriageOptions) => {
      const policy = await readPolicy(options);
      const bundle = await gatherEvidence(
        { toolOutput: files },
        { ...(io.stdin ? { stdin: io.stdin } : {}) },
      );
      const sources = bundle.evidence['tool-output'] ?? [];
      for (const source of sources) {
        if (source.status === 'failed')
          io.error(`faultline: ${source.error.message} [${source.error.code}]\n`);
      }
      if (!sources.some((s) => s.status === 'loaded')) {
        io.error('faultline: no input could be read; nothing to triage\n');
        throw new ReportedFailure(2);
      }
      if (options.saveBundle) emit(io, serializeBundle(bundle), options.saveBundle);
      const result = diagnoseBundle(bundle, {
        catalog: textCatalog(loadCatalog({ userDirs: globals().scenarios })),
        apdexThresholdMs: DEFAULT_APDEX_THRESHOLD_MS,
      });
      emit(
        io,
        render(result, { ...options, apdex: DEFAULT_APDEX_THRESHOLD_MS, baseline: [] }, io, globals),
        options.output,
      );
      if (options.output && !options.quiet) io.error(`faultline: report written to ${options.output}\n`);
      const evaluation = gate(io, policy, { result });
      if (evaluation && !evaluation.passed) throw new ReportedFailure(1);
    });
}
