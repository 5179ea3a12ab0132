import { type Command, InvalidArgumentError, Option } from 'commander';
import { nearest } from '../../core/nearest.js';
import { InputError } from '../../core/problem.js';
import {
  DEFAULTS,
  listSimulations,
  MIN_DURATION_MS,
  SIMULATION_FORMATS,
  type SimulationFormat,
  simulate,
  simulationIds,
} from '../../simulate/simulate.js';
import type { Io } from '../io.js';
import type { GlobalOptions } from './catalog.js';

// `faultline simulate SCENARIO`: synthetic load-test results that show a failure scenario, in a
// real tool's format, to try Faultline without a test rig and to measure its recognition.

interface SimulateCommandOptions {
  list?: boolean;
  output?: string;
  format: SimulationFormat;
  seed: number;
  duration?: number;
  users: number;
  onset?: number;
  nearMiss?: boolean;
  param: Record<string, number>;
}

export function registerSimulate(program: Command, io: Io, _globals: () => GlobalOptions): void {
  program
    .command('simulate')
    .description('write a synthetic load-test result (JMeter CSV or k6 JSON) showing a failure scenario')
    .argument('[scenario]', 'what to simulate (see --list)')
    .option('--list', 'list the scenarios that can be simulated')
    .option('-o, --output <file>', 'write to this file (gzip when it ends in .gz) instead of stdout')
    .addOption(
      new Option('--format <format>', 'result format').choices(SIMULATION_FORMATS).default(DEFAULTS.format),
    )
    .option('--seed <n>', 'random seed; the same seed gives the same file', parseSeed, DEFAULTS.seed)
    .option('--duration <time>', 'run length, e.g. 10m, 90s, 1h (default 10m)', parseDuration)
    .option('--users <n>', 'virtual users in steady state', parseUsers, DEFAULTS.users)
    .option(
      '--onset <time>',
      'when the failure starts, from the run start, e.g. 4m (default: drawn from the seed)',
      parseTime,
    )
    .option(
      '--near-miss',
      "simulate the scenario's near miss: a run that looks similar but is not that failure",
    )
    .option(
      '--param <name=value>',
      'set a scenario parameter, e.g. --param crash=1 (repeatable)',
      collectParam,
      {},
    )
    .addHelpText(
      'after',
      '\nExamples:\n  faultline simulate --list\n  faultline simulate retry-storm -o storm.jtl\n  faultline simulate error-spike-5xx --format k6-json --seed 7 -o spike.json.gz\n  faultline simulate memory-leak --duration 30m --param crash=1 -o leak.jtl.gz',
    )
    .action(async (scenario: string | undefined, options: SimulateCommandOptions) => {
      if (options.list) {
        io.write(listing());
        return;
      }
      if (!scenario)
        throw new InputError('name a scenario to simulate (faultline simulate --list shows them)');
      const ids = simulationIds();
      if (!ids.includes(scenario)) {
        const suggestions = nearest(scenario, ids, 3);
        throw new InputError(
          `unknown scenario "${scenario}"${suggestions.length ? `; did you mean: ${suggestions.join(', ')}?` : ''} (faultline simulate --list shows them)`,
        );
      }
      if (options.nearMiss && (scenario === 'healthy' || scenario === 'demo')) {
        throw new InputError(`"${scenario}" has no near miss; --near-miss works with a failure scenario`);
      }
      const durationMs = options.duration ?? DEFAULTS.durationMs;
      if (options.onset !== undefined && options.onset >= durationMs) {
        throw new InputError(`--onset must fall inside the run (before ${formatTime(durationMs)})`);
      }
      const info = await simulate({
        scenario,
        nearMiss: options.nearMiss,
        format: options.format,
        seed: options.seed,
        durationMs,
        users: options.users,
        onsetMs: options.onset,
        params: options.param,
        output: options.output,
        write: (chunk) => io.write(chunk),
      });
      if (options.output) {
        io.error(
          `wrote ${info.requests} requests (${info.failures} failed) of ${scenario}${info.nearMiss ? ' (near miss)' : ''}, onset ${formatTime(info.onsetMs)}, to ${options.output}\n`,
        );
      }
    });
}

function listing(): string {
  const rows = listSimulations();
  const width = Math.max(...rows.map((r) => r.id.length));
  const lines = rows.map((r) => {
    const near = r.nearMiss ? `\n${' '.repeat(width + 4)}near miss: ${r.nearMiss}` : '';
    return `  ${r.id.padEnd(width)}  ${r.summary}${near}`;
  });
  return `Scenarios faultline simulate can produce:\n${lines.join('\n')}\n`;
}

function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new InvalidArgumentError('expected a whole number from 0 to 4294967295.');
  return n;
}

function parseUsers(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 5000)
    throw new InvalidArgumentError('expected a whole number from 1 to 5000.');
  return n;
}

/** 90s, 10m, 1h, 1h30m or plain seconds. */
export function parseTime(value: string): number {
  const match = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s?)?$/.exec(value.trim());
  if (!value.trim() || !match)
    throw new InvalidArgumentError('expected a time such as 90s, 4m, 1h or 1h30m.');
  const [, h, m, s] = match;
  return Math.round((Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0)) * 1000);
}

function parseDuration(value: string): number {
  const ms = parseTime(value);
  if (ms < MIN_DURATION_MS || ms > 24 * 3_600_000) {
    throw new InvalidArgumentError('expected a run length from 2m to 24h.');
  }
  return ms;
}

function collectParam(value: string, previous: Record<string, number>): Record<string, number> {
  const match = /^([a-z][a-z0-9-]*)=(-?\d+(?:\.\d+)?)$/i.exec(value);
  if (!match?.[1] || match[2] === undefined)
    throw new InvalidArgumentError('expected name=number, e.g. crash=1.');
  return { ...previous, [match[1]]: Number(match[2]) };
}

function formatTime(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
