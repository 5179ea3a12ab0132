import { join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { FAULTS } from '../../lab/faults.js';
import { missingTools } from '../../lab/infra.js';
import { jmeterPath } from '../../lab/jmeter.js';
import { type RunResult, runLab } from '../../lab/run.js';
import type { Io } from '../io.js';
import type { GlobalOptions } from './catalog.js';
import { parseTime } from './simulate.js';

// `faultline lab`: real faults injected into a real service on this machine, the evidence
// collected by real tools, and Faultline's diagnosis of it. `lab run SCENARIO` writes one run
// folder; `lab run --all` (and `lab matrix`) run every fault and print the recognition table.
// Exit codes: 0 done, 2 a tool or service missing, or bad usage.

interface RunFlags {
  all?: boolean;
  duration: number;
  injectAt?: number;
  out: string;
  seed: number;
  rate: number;
  steps: number;
  postgres: string;
  load?: 'jmeter' | 'autocannon';
  keep?: boolean;
}

const DEFAULT_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

export function registerLab(program: Command, io: Io, _globals: () => GlobalOptions): void {
  const lab = program
    .command('lab')
    .description(
      'inject real faults into a real service on this machine and check that Faultline names them',
    );
  lab
    .command('list')
    .description('the faults the lab can inject, by the catalog scenario each should be recognized as')
    .action(() => {
      for (const f of FAULTS) io.write(`${f.id.padEnd(34)} ${f.injects}\n`);
    });
  lab
    .command('check')
    .description('which of the tools the lab runs are installed')
    .action(() => {
      const missing = missingTools();
      if (missing.length === 0) io.write('every tool the lab needs is installed\n');
      else {
        for (const m of missing) io.write(`missing ${m.tool} (Debian package ${m.apt})\n`);
        io.write(`install with: apt-get install -y ${[...new Set(missing.map((m) => m.apt))].join(' ')}\n`);
        process.exitCode = 2;
      }
    });
  const addRunOptions = (command: Command) =>
    command
      .option('--duration <time>', 'length of the load, e.g. 3m, 150s', (v) => seconds(v, 60), 150)
      .option(
        '--inject-at <time>',
        'when the fault starts (default: 40% of the duration, at least 60 s)',
        (v) => seconds(v, 10),
      )
      .option('--out <dir>', 'folder for the run folders', 'faultline-lab')
      .option('--seed <n>', 'seed of the request sequence', (v) => integer(v), 1)
      .option('--rate <n>', 'requests per second', (v) => integer(v), 60)
      .option(
        '--steps <n>',
        'climb to --rate in n equal steps over the measured time, from rate/n (JMeter only)',
        (v) => integer(v),
        1,
      )
      .option(
        '--postgres <url>',
        'the PostgreSQL server the lab creates its own database faultline_lab on',
        DEFAULT_POSTGRES,
      )
      .addOption(
        new Option(
          '--load <tool>',
          'the load tool (default: jmeter when installed, else autocannon)',
        ).choices(['jmeter', 'autocannon']),
      )
      .option('--keep', "keep the lab's scratch directory (process logs, Prometheus data)");
  addRunOptions(
    lab
      .command('run')
      .description('run one fault (or --all): load, injection, collection, diagnosis')
      .argument('[scenario]', 'the fault to inject (faultline lab list)')
      .option('--all', 'run every fault and print the table'),
  ).action(async (scenario: string | undefined, flags: RunFlags) => {
    if (!scenario && !flags.all)
      throw new InvalidArgumentError('name a fault (faultline lab list) or pass --all');
    await runMany(io, flags.all ? FAULTS.map((f) => f.id) : [scenario as string], flags);
  });
  addRunOptions(lab.command('matrix').description('run every fault and print the recognition table')).action(
    async (flags: RunFlags) =>
      runMany(
        io,
        FAULTS.map((f) => f.id),
        flags,
      ),
  );
}

async function runMany(io: Io, scenarios: string[], flags: RunFlags): Promise<void> {
  const results: RunResult[] = [];
  for (const scenario of scenarios) {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const result = await runLab({
      scenario,
      durationS: flags.duration,
      injectAtS: flags.injectAt ?? Math.max(60, Math.round(flags.duration * 0.4)),
      out: join(flags.out, `${scenario}-${stamp}`),
      seed: flags.seed,
      postgres: flags.postgres,
      rate: flags.rate,
      steps: flags.steps,
      load: flags.load ?? (jmeterPath() ? 'jmeter' : 'autocannon'),
      ...(flags.keep ? { keep: true } : {}),
      log: (m) => io.error(`[${scenario}] ${m}\n`),
    });
    results.push(result);
    if (scenarios.length === 1) io.write(`${result.out}/report.md\n`);
  }
  io.write(matrix(results));
}

/** The recognition table: what ranked first, where the injected scenario ranked, and when it was seen. */
export function matrix(results: readonly RunResult[]): string {
  const rows = results.map((r) => [
    r.scenario,
    r.top1 ?? (r.scenario === 'healthy' ? '(nothing: correct)' : '(nothing)'),
    r.scenario === 'healthy'
      ? r.matched.length === 0
        ? '-'
        : 'false alarm'
      : r.rank
        ? String(r.rank)
        : 'missed',
    r.confidence !== undefined ? `${Math.round(r.confidence * 100)}%` : '-',
    r.onsetErrorS !== undefined ? `${r.onsetErrorS > 0 ? '+' : ''}${r.onsetErrorS} s` : '-',
    `${r.runtimeS} s`,
  ]);
  const header = ['scenario', 'top-1 finding', 'rank', 'confidence', 'onset error', 'runtime'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `${cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()}\n`;
  return line(header) + rows.map(line).join('');
}

function seconds(value: string, min: number): number {
  const s = parseTime(value) / 1000;
  if (s < min) throw new InvalidArgumentError(`expected at least ${min} s.`);
  return s;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number.');
  return n;
}
