import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { InputError, type Problem } from '../core/problem.js';
import { CsvSeriesError, type ReadSeries, readCsvSeries } from './csv-series.js';
import { PrometheusSeriesError, readPrometheusSeries } from './prometheus-series.js';

// One metric time series from a file, recognized by content: JSON is a Prometheus range query,
// anything else CSV. Gzip is read transparently. The file is only read, never changed.

export interface ReadSeriesOptions {
  /** CSV: value column by name. */
  column?: string;
  /** Prometheus: series index in the result. */
  series?: number;
}

/** Most problems a message lists; the count says how many more there were. */
const SHOWN_PROBLEMS = 20;

export async function readSeriesFile(path: string, options: ReadSeriesOptions = {}): Promise<ReadSeries> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a folder, expected a file'
          : String(code ?? error);
    throw new InputError(`cannot read ${path}: ${reason}`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      throw new InputError(`cannot read ${path}: expected a gzip file, the data is damaged`);
    }
  }
  return parseSeries(bytes.toString('utf8'), path, options);
}

export function parseSeries(text: string, file: string, options: ReadSeriesOptions = {}): ReadSeries {
  const json = text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith('{');
  try {
    return json
      ? readPrometheusSeries(text, file, { series: options.series })
      : readCsvSeries(text, file, { column: options.column });
  } catch (error) {
    if (error instanceof CsvSeriesError || error instanceof PrometheusSeriesError) {
      throw inputError(file, json ? 'a Prometheus query_range export' : 'a CSV time series', error.problems);
    }
    throw error;
  }
}

function inputError(file: string, what: string, problems: Problem[]): InputError {
  const more = problems.length > SHOWN_PROBLEMS ? ` (first ${SHOWN_PROBLEMS} shown)` : '';
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new InputError(
    `${file} cannot be read as ${what}: ${count}${more}`,
    problems.slice(0, SHOWN_PROBLEMS),
  );
}
