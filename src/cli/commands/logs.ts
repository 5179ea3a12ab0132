import { type Command, Option } from 'commander';
import { formatProblem } from '../../core/problem.js';
import { minePatterns } from '../../logs/patterns.js';
import { renderPatternsJson, renderPatternsTable } from '../../logs/render.js';
import { emit, type Io, tableWidth } from '../io.js';
import type { GlobalOptions } from './catalog.js';

// `faultline logs ...`: log analysis. `logs patterns FILE` mines the message templates of a log
// file online and says which template each line belongs to.

interface PatternsOptions {
  format: 'json' | 'table';
  output?: string;
}

export function registerLogs(program: Command, io: Io, _globals: () => GlobalOptions): void {
  const logs = program
    .command('logs')
    .description('analyze application and server logs')
    .addHelpText(
      'after',
      '\nExamples:\n  faultline logs patterns app.log\n  faultline logs patterns app.log.gz --format json -o patterns.json',
    );

  logs
    .command('patterns')
    .description(
      'mine the message templates of a log file (variables shown as <*>) and the template of every line',
    )
    .argument(
      '<file>',
      'plain text, JSON lines or logfmt log (gzip allowed); timestamps and levels are stripped, stack traces stay with their record',
    )
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .addHelpText(
      'after',
      '\nCounts are records: a stack trace counts once, with the line that logged it.\nJSON: { "templates": [{ "id", "template", "count" }], "lines": [{ "line", "templateId" }] }\n\nExamples:\n  faultline logs patterns app.log\n  faultline logs patterns access.log.gz --format json -o patterns.json',
    )
    .action(async (file: string, options: PatternsOptions) => {
      const json = options.format === 'json';
      const patterns = await minePatterns(file, { keepLines: json });
      const text = json
        ? renderPatternsJson(patterns)
        : renderPatternsTable(patterns, tableWidth(io, options.output));
      emit(io, text, options.output);
      for (const problem of patterns.problems) io.error(`faultline: warning: ${formatProblem(problem)}\n`);
      const more = patterns.problemCount - patterns.problems.length;
      if (more > 0)
        io.error(`faultline: warning: ${more} more lines with the same kinds of problems in ${file}\n`);
    });
}
