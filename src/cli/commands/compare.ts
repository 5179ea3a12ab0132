import { type Command, Option } from 'commander';
import { compareLoadTests } from '../../compare/compare.js';
import { renderCompareHtml } from '../../report/compare-html.js';
import { renderCompareJson } from '../../report/compare-json.js';
import { renderCompareMarkdown } from '../../report/compare-markdown.js';
import { renderCompareTerminal } from '../../report/compare-terminal.js';
import { emit, type Io, styleFor, tableWidth } from '../io.js';
import type { GlobalOptions } from './catalog.js';
import { ReportedFailure } from './catalog.js';
import { addGateOptions, type GateOptions, gate, readPolicy, readSide } from './gate.js';

// `faultline compare BASELINE CURRENT`: per endpoint and overall differences with statistical
// significance. Exit code 1 when a significant regression was found (unless --no-fail-on-regression)
// or when a policy given with --policy / --fail-on failed.

interface CompareOptions extends GateOptions {
  format: 'terminal' | 'markdown' | 'json' | 'html';
  output?: string;
  failOnRegression: boolean;
}

export function registerCompare(program: Command, io: Io, globals: () => GlobalOptions): void {
  addGateOptions(
    program
      .command('compare')
      .description(
        'compare a load test with a baseline: regressions and improvements that are statistically significant',
      )
      .argument(
        '<baseline>',
        'baseline: a result file or a saved bundle; several files of one run separated by commas',
      )
      .argument(
        '<current>',
        'current run: a result file or a saved bundle; several files separated by commas',
      )
      .addOption(
        new Option('--format <format>', 'report format')
          .choices(['terminal', 'markdown', 'json', 'html'])
          .default('terminal'),
      )
      .option('-o, --output <file>', 'write the report to a file instead of stdout')
      .option('--no-fail-on-regression', 'exit 0 even when a significant regression was found'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  faultline compare baseline.jtl current.jtl\n  faultline compare base.bundle.json new.jtl --format markdown -o compare.md\n  faultline compare base.jtl new.jtl --fail-on "p95 regression <= 10%"',
    )
    .action(async (baselineArg: string, currentArg: string, options: CompareOptions) => {
      const policy = await readPolicy(options);
      const comparison = compareLoadTests({
        baseline: await readSide(split(baselineArg), 'baseline'),
        current: await readSide(split(currentArg), 'current'),
      });
      let text: string;
      if (options.format === 'json') text = renderCompareJson(comparison);
      else if (options.format === 'markdown') text = renderCompareMarkdown(comparison);
      else if (options.format === 'html') text = renderCompareHtml(comparison);
      else {
        text = renderCompareTerminal(
          comparison,
          styleFor(io, { ...globals(), ...(options.output ? { output: options.output } : {}) }),
          tableWidth(io, options.output),
        );
      }
      emit(io, text, options.output);
      const evaluation = gate(io, policy, { comparison });
      if (evaluation && !evaluation.passed) throw new ReportedFailure(1);
      if (options.failOnRegression && comparison.verdict === 'regression') throw new ReportedFailure(1);
    });
}

function split(argument: string): string[] {
  return argument
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}
