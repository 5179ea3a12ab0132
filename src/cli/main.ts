import { Command, CommanderError } from 'commander';
import { packageVersion } from '../core/package-root.js';
import { formatProblem, InputError } from '../core/problem.js';
import { registerAccuracy } from './commands/accuracy.js';
import { registerAnalyze } from './commands/analyze.js';
import { registerAnomalies } from './commands/anomalies.js';
import { type GlobalOptions, ReportedFailure, registerCatalog } from './commands/catalog.js';
import { registerCompare } from './commands/compare.js';
import { registerK8s } from './commands/k8s.js';
import { registerLab } from './commands/lab.js';
import { registerLogs } from './commands/logs.js';
import { registerSimulate } from './commands/simulate.js';
import { registerTriage } from './commands/triage.js';
import { type Io, processIo } from './io.js';

// The `faultline` command. Only this layer decides what is printed and which exit code CI sees:
// 0 success, 1 a failure found by policy, 2 bad input or usage.

export const EXIT = { ok: 0, policyFailure: 1, badInput: 2 } as const;

export function buildProgram(io: Io): Command {
  const program = new Command('faultline');
  program
    .description(
      'Recognizes infrastructure and application failures from the evidence you already have,\nnames the failure scenario, shows the evidence and says what to check and do.',
    )
    .version(packageVersion(), '-V, --version')
    .option('--scenarios <dir>', 'add user scenarios from this folder (repeatable)', collect, [] as string[])
    .option('--no-color', 'never colour the output (colours are used only on a terminal anyway)')
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.write(text), writeErr: (text) => io.error(text) });
  const globals = () => program.opts<GlobalOptions>();
  registerAnalyze(program, io, globals);
  registerK8s(program, io, globals);
  registerTriage(program, io, globals);
  registerCatalog(program, io, globals);
  registerSimulate(program, io, globals);
  registerCompare(program, io, globals);
  registerAccuracy(program, io, globals);
  registerAnomalies(program, io, globals);
  registerLogs(program, io, globals);
  registerLab(program, io, globals);
  for (const command of program.commands) inherit(command);
  return program;
}

/** Subcommands report usage errors the same way as the root. */
function inherit(command: Command): void {
  command.exitOverride().showHelpAfterError('(add --help for usage)');
  for (const sub of command.commands) inherit(sub);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const program = buildProgram(io);
  if (argv.length === 0) {
    io.write(program.helpInformation());
    return EXIT.ok;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    return exitCodeFor(error, io);
  }
}

function exitCodeFor(error: unknown, io: Io): number {
  if (error instanceof ReportedFailure) return error.exitCode;
  if (error instanceof CommanderError) {
    // Help and version end with exitCode 0; every other commander error is a usage error.
    return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  }
  if (error instanceof InputError) {
    io.error(`faultline: ${error.message}\n`);
    // Some messages already list their problems (a policy file, a --fail-on expression).
    for (const line of new Set(error.problems.map(formatProblem))) {
      if (!error.message.includes(line)) io.error(`  ${line}\n`);
    }
    return EXIT.badInput;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.error(`faultline: internal error: ${message}\nPlease report this with the command you ran.\n`);
  return 70;
}
