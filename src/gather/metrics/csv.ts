import { CsvSeriesError, readCsvSeries, TIME_COLUMNS } from '../../anomaly/csv-series.js';
import { parseFailure, RawSeriesSet } from './raw-series.js';

// CSV with a time column and one or more value columns (Grafana's "Download CSV", spreadsheets,
// scripts). Each value column is one series, read by the anomaly command's CSV reader so both
// agree on time formats and missing cells; a column named like a Prometheus series
// (name{label="value",...}, as Grafana writes it) keeps its metric name and labels.

const DELIMITERS = [',', ';', '\t'] as const;
/** Value columns read per file: a wide export beyond this is a dump, not an incident's metrics. */
export const MAX_CSV_COLUMNS = 500;

/** True when the first line is a header naming one of the time columns. */
export function looksLikeCsv(text: string): boolean {
  const header = (text.split('\n')[0] ?? '').replace(/\r$/, '');
  const delimiter = delimiterOf(header);
  if (!header.includes(delimiter)) return false;
  return splitHeader(header, delimiter).some((c) =>
    (TIME_COLUMNS as readonly string[]).includes(c.trim().toLowerCase()),
  );
}

export function readCsv(path: string, text: string): { raw: RawSeriesSet; notes: string[] } {
  const header = (text.replace(/^\uFEFF/, '').split('\n')[0] ?? '').replace(/\r$/, '');
  const columns = splitHeader(header, delimiterOf(header)).map((c) => c.trim());
  const values = columns.filter(
    (c) => c !== '' && !(TIME_COLUMNS as readonly string[]).includes(c.toLowerCase()),
  );
  const raw = new RawSeriesSet();
  for (const column of values.slice(0, MAX_CSV_COLUMNS)) {
    let read: ReturnType<typeof readCsvSeries>;
    try {
      read = readCsvSeries(text, path, { column });
    } catch (error) {
      if (!(error instanceof CsvSeriesError)) throw error;
      const problem = error.problems[0];
      const more = error.problems.length > 1 ? ` (and ${error.problems.length - 1} more problems)` : '';
      throw parseFailure(path, problem?.line, `${problem?.message ?? error.message}${more}`);
    }
    const { metric, labels } = seriesName(column);
    for (const p of read.points) raw.add(metric, labels, p.timestamp, p.value);
  }
  const notes =
    values.length > MAX_CSV_COLUMNS
      ? [
          `${path}: ${values.length - MAX_CSV_COLUMNS} value columns beyond the first ${MAX_CSV_COLUMNS} were not read`,
        ]
      : [];
  return { raw, notes };
}

function delimiterOf(header: string): string {
  return DELIMITERS.find((d) => header.includes(d)) ?? ',';
}

/** Header fields, with quotes as CSV writes them: a delimiter inside quotes is part of the field. */
function splitHeader(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted && ch === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (ch === '"' && (quoted || field.trim() === '')) {
      quoted = !quoted;
    } else if (ch === delimiter && !quoted) {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

/** `name{a="x",b="y"}` → the metric and its labels; any other header is the metric name itself. */
function seriesName(column: string): { metric: string; labels: Record<string, string> } {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\}$/.exec(column);
  if (!match) return { metric: column, labels: {} };
  const labels: Record<string, string> = {};
  for (const pair of (match[2] as string).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g))
    labels[pair[1] as string] = (pair[2] as string).replace(/\\(.)/g, '$1');
  return { metric: match[1] as string, labels };
}
