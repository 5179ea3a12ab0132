import type { Problem } from '../core/problem.js';
import type { SeriesPoint } from './score-series.js';
import { parseTimestamp } from './timestamp.js';

// A metric exported as CSV (Grafana "Download CSV", spreadsheets, scripts): a header row naming a
// time column and one or more value columns, one sample per row.

export interface CsvSeriesOptions {
  /** Value column by header name; by default the first column whose first value is numeric. */
  column?: string;
}

export interface ReadSeries {
  points: SeriesPoint[];
  /** What was read: the column name, or the metric and its labels. */
  name: string;
}

export const TIME_COLUMNS = ['time', 'timestamp', 'ts', 'date'] as const;
/** Cells that mean "no sample here": the row keeps its place with a null value. */
const MISSING = new Set([
  '',
  'nan',
  'null',
  'none',
  'na',
  'n/a',
  '-',
  'inf',
  '+inf',
  '-inf',
  'infinity',
  '+infinity',
  '-infinity',
]);
const DELIMITERS = [',', ';', '\t'] as const;

export class CsvSeriesError extends Error {
  constructor(readonly problems: Problem[]) {
    super('the CSV file cannot be read as a time series');
  }
}

/** Reads CSV text; throws CsvSeriesError with every problem found (file, line, what was expected). */
export function readCsvSeries(text: string, file: string, options: CsvSeriesOptions = {}): ReadSeries {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  const headerIndex = lines.findIndex((line) => line.trim() !== '');
  if (headerIndex < 0)
    throw new CsvSeriesError([{ file, message: 'the file is empty; expected a header row' }]);
  const headerLine = (lines[headerIndex] as string).replace(/\r$/, '');
  const delimiter = pickDelimiter(headerLine);
  const header = splitRow(headerLine, delimiter);
  if ('error' in header) throw new CsvSeriesError([{ file, line: headerIndex + 1, message: header.error }]);
  const names = header.fields.map((f) => f.trim());
  const timeColumn = names.findIndex((n) => (TIME_COLUMNS as readonly string[]).includes(n.toLowerCase()));
  if (timeColumn < 0) {
    throw new CsvSeriesError([
      {
        file,
        line: headerIndex + 1,
        message: `expected a time column named ${TIME_COLUMNS.join(', ')}; the header has: ${names.join(', ')}`,
      },
    ]);
  }
  const rows: Array<{ line: number; fields: string[] }> = [];
  const problems: Problem[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const raw = (lines[i] as string).replace(/\r$/, '');
    if (raw.trim() === '') continue;
    const row = splitRow(raw, delimiter);
    if ('error' in row) problems.push({ file, line: i + 1, message: row.error });
    else rows.push({ line: i + 1, fields: row.fields });
  }
  if (rows.length === 0 && problems.length === 0) {
    throw new CsvSeriesError([
      { file, line: headerIndex + 1, message: 'expected at least one data row after the header' },
    ]);
  }
  const valueColumn = pickValueColumn(names, timeColumn, rows, file, headerIndex + 1, options.column);
  const valueName = names[valueColumn] as string;
  const points: SeriesPoint[] = [];
  let previous: { ms: number; line: number } | null = null;
  for (const row of rows) {
    if (row.fields.length !== names.length) {
      problems.push({
        file,
        line: row.line,
        message: `expected ${names.length} fields like the header, found ${row.fields.length}`,
      });
      continue;
    }
    const time = parseTimestamp(row.fields[timeColumn] as string);
    if ('error' in time) {
      problems.push({ file, line: row.line, field: names[timeColumn], message: time.error });
      continue;
    }
    if (previous && time.ms <= previous.ms) {
      problems.push({
        file,
        line: row.line,
        field: names[timeColumn],
        message: `expected a time after the previous row's (line ${previous.line}); rows must be in time order without repeats`,
      });
    }
    previous = { ms: time.ms, line: row.line };
    const cell = (row.fields[valueColumn] as string).trim();
    const value = parseValue(cell);
    if (value === undefined) {
      problems.push({
        file,
        line: row.line,
        field: valueName,
        message: `expected a number (or an empty cell / NaN for a missing sample), found "${cell}"`,
      });
      continue;
    }
    points.push({ timestamp: time.ms, value });
  }
  if (problems.length) throw new CsvSeriesError(problems);
  if (points.length === 0)
    throw new CsvSeriesError([{ file, message: 'expected at least one data row after the header' }]);
  return { points, name: valueName };
}

/** A number, null for a missing-sample marker, undefined for anything else. */
function parseValue(cell: string): number | null | undefined {
  const unquoted = cell.trim();
  if (MISSING.has(unquoted.toLowerCase())) return null;
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(unquoted)) return undefined;
  return Number(unquoted);
}

function pickValueColumn(
  names: readonly string[],
  timeColumn: number,
  rows: ReadonlyArray<{ line: number; fields: string[] }>,
  file: string,
  headerLine: number,
  requested: string | undefined,
): number {
  const candidates = names.map((_, i) => i).filter((i) => i !== timeColumn);
  if (requested !== undefined) {
    const exact = names.indexOf(requested);
    const index = exact >= 0 ? exact : names.findIndex((n) => n.toLowerCase() === requested.toLowerCase());
    if (index < 0 || index === timeColumn) {
      throw new CsvSeriesError([
        {
          file,
          line: headerLine,
          message: `--column ${requested}: expected one of the value columns: ${candidates.map((i) => names[i]).join(', ')}`,
        },
      ]);
    }
    return index;
  }
  for (const column of candidates) {
    const first = rows.find((r) => {
      const cell = r.fields[column];
      return cell !== undefined && parseValue(cell) !== null;
    });
    if (first && typeof parseValue(first.fields[column] as string) === 'number') return column;
  }
  throw new CsvSeriesError([
    {
      file,
      line: headerLine,
      message: `expected a numeric value column besides "${names[timeColumn]}"; the header has: ${names.join(', ')}`,
    },
  ]);
}

/** The delimiter that splits the header into the most fields. */
function pickDelimiter(header: string): string {
  let best: string = DELIMITERS[0];
  let most = 0;
  for (const delimiter of DELIMITERS) {
    const split = splitRow(header, delimiter);
    const count = 'error' in split ? 0 : split.fields.length;
    if (count > most) {
      most = count;
      best = delimiter;
    }
  }
  return best;
}

/** One CSV row: fields may be quoted, with "" for a quote inside. */
function splitRow(line: string, delimiter: string): { fields: string[] } | { error: string } {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < line.length) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else {
      field += ch;
    }
    i++;
  }
  if (quoted) return { error: 'expected a closing quote before the end of the line' };
  fields.push(field);
  return { fields };
}
