import { type Command, InvalidArgumentError, Option } from 'commander';
import { readSeriesFile } from '../../anomaly/read-series.js';
import { renderAnomaliesJson, renderAnomaliesTable } from '../../anomaly/render.js';
import { scoreSeries } from '../../anomaly/score-series.js';
import { emit, type Io } from '../io.js';
import type { GlobalOptions } from './catalog.js';

// `faultline anomalies FILE`: an online anomaly score for every point of one metric (CSV or a
// Prometheus range query), and the windows where it was unusual.

interface AnomaliesOptions {
  format: 'json' | 'table';
  output?: string;
  column?: string;
  series: number;
}

export function registerAnomalies(program: Command, io: Io, _globals: () => GlobalOptions): void {
  program
    .command('anomalies')
    .description(
      'score every point of a metric time series for anomalies (spikes, level shifts, trend changes, off-cycle values)',
    )
    .argument('<file>', 'CSV with a time column, or a Prometheus query_range JSON export (gzip allowed)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option('--column <name>', 'CSV: the value column (default: the first numeric one)')
    .option('--series <index>', 'Prometheus export: which series of the result, from 0', parseIndex, 0)
    .addHelpText(
      'after',
      '\nExamples:\n  faultline anomalies cpu.csv\n  faultline anomalies latency.csv --column p95 --format json -o scores.json\n  faultline anomalies query_range.json --series 2',
    )
    .action(async (file: string, options: AnomaliesOptions) => {
      const series = await readSeriesFile(file, { column: options.column, series: options.series });
      const result = scoreSeries(series.points);
      const text =
        options.format === 'json'
          ? renderAnomaliesJson(result)
          : renderAnomaliesTable(result, `${file} (${series.name})`);
      emit(io, text, options.output);
    });
}

function parseIndex(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError('expected a series index: 0, 1, 2, ...');
  }
  return n;
}
