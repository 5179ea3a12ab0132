import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  type AccuracyReport,
  type AccuracyTable,
  HELD_OUT_SEED_BASE,
  measureAccuracy,
} from '../../accuracy/measure.js';
import { loadCatalog } from '../../catalog/loader.js';
import { packageRoot } from '../../core/package-root.js';
import { emit, type Io } from '../io.js';
import type { GlobalOptions } from './catalog.js';

// `faultline accuracy`: top-1/top-3 recognition per scenario on the catalog's labelled fixtures,
// and false alarms on negative fixtures and healthy runs.

export function registerAccuracy(program: Command, io: Io, globals: () => GlobalOptions): void {
  program
    .command('accuracy')
    .description('measure recognition accuracy on the labelled fixtures of the catalog and on healthy runs')
    .option(
      '--healthy <dir>',
      'a folder of healthy runs (repeatable); the bundled ones by default',
      collect,
      [],
    )
    .option('--scenario <id>', 'only this scenario (repeatable)', collect, [])
    .option(
      '--simulated <runs>',
      'also measure on this many fresh simulated runs per scenario, near miss and healthy run (held out: seeds the fixtures never use)',
      nonNegativeInt,
      0,
    )
    .option('--seed <n>', 'first seed of the simulated runs', nonNegativeInt, HELD_OUT_SEED_BASE)
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['table', 'markdown', 'json'])
        .default('table'),
    )
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(
      async (options: {
        healthy: string[];
        scenario: string[];
        simulated: number;
        seed: number;
        format: string;
        output?: string;
      }) => {
        const dir = options.simulated > 0 ? mkdtempSync(join(tmpdir(), 'faultline-accuracy-')) : undefined;
        let report: AccuracyReport;
        try {
          report = await measureAccuracy({
            ...(dir ? { simulate: { runs: options.simulated, dir, seedBase: options.seed } } : {}),
            catalog: loadCatalog({ userDirs: globals().scenarios }),
            healthyDirs:
              options.healthy.length > 0 ? options.healthy : [join(packageRoot(), 'catalog', 'healthy')],
            ...(options.scenario.length > 0 ? { only: options.scenario } : {}),
          });
        } finally {
          // The simulated runs are scratch files: removed even when the measurement fails.
          if (dir) rmSync(dir, { recursive: true, force: true });
        }
        const text =
          options.format === 'json'
            ? `${JSON.stringify(report, null, 2)}\n`
            : accuracyText(report, options.format === 'markdown');
        emit(io, text, options.output);
      },
    );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const percent = (n: number, d: number) => (d === 0 ? '–' : `${Math.round((100 * n) / d)}%`);

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number of runs');
  return n;
}

export function accuracyText(report: AccuracyReport, markdown: boolean): string {
  const parts = [`Catalog fixtures and bundled healthy runs\n\n${accuracyTable(report, markdown)}`];
  if (report.simulated) {
    parts.push(
      `Held-out simulated runs (${report.simulated.runsPerScenario} per scenario, seeds ${report.simulated.seeds})\n\n${accuracyTable(report.simulated, markdown)}`,
    );
  }
  return parts.join('\n');
}

export function accuracyTable(report: AccuracyTable, markdown: boolean): string {
  const header = ['scenario', 'positives', 'top-1', 'top-3', 'negatives', 'false alarms'];
  const rows = report.scenarios.map((s) => [
    s.scenarioId,
    String(s.positives),
    `${s.top1} (${percent(s.top1, s.positives)})`,
    `${s.top3} (${percent(s.top3, s.positives)})`,
    String(s.negatives),
    String(s.falseAlarms),
  ]);
  const t = report.total;
  rows.push([
    'all',
    String(t.positives),
    `${t.top1} (${percent(t.top1, t.positives)})`,
    `${t.top3} (${percent(t.top3, t.positives)})`,
    String(t.negatives),
    String(t.falseAlarms),
  ]);
  const lines: string[] = [];
  if (markdown) {
    lines.push(
      `| ${header.join(' | ')} |`,
      `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    );
    for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  } else {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: string[]) =>
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
    lines.push(line(header), widths.map((w) => '-'.repeat(w)).join('  '));
    for (const row of rows) lines.push(line(row));
  }
  lines.push('');
  const alarms = Object.entries(report.healthyAlarms).sort(([a], [b]) => a.localeCompare(b));
  lines.push(
    `Healthy runs: ${t.healthyRuns}, with a false alarm: ${t.healthyRunsWithAlarms}${alarms.length ? ` (${alarms.map(([id, n]) => `${id} ×${n}`).join(', ')})` : ''}`,
  );
  const misses = report.outcomes.filter((o) => o.expect === 'positive' && o.rank !== 1);
  for (const miss of misses) {
    lines.push(
      `  ${miss.rank === undefined ? 'missed' : `ranked ${miss.rank}`}: ${miss.scenarioId} in ${miss.file}${miss.matched.length ? ` (matched: ${miss.matched.join(', ')})` : ''}${miss.error ? ` [${miss.error}]` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
