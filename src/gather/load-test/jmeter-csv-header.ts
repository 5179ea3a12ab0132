// The header row of a JMeter CSV JTL. JMeter writes the names of the saveservice columns it was
// configured to save (CSVSaveService field names), in its fixed order, then one column per
// sample_variables entry with the variable name in double quotes. Faultline locates columns by name,
// so any subset and order reads, and columns it does not use (threadName, URL, variables...) are skipped.

/** Delimiters JMeter users set with jmeter.save.saveservice.default_delimiter, in the order tried. */
export const DELIMITERS = [',', ';', '\t', '|'] as const;

/** The columns Faultline reads, by their saveservice names. */
export const JTL_COLUMNS = [
  'timeStamp',
  'elapsed',
  'label',
  'responseCode',
  'responseMessage',
  'success',
  'failureMessage',
  'bytes',
  'sentBytes',
  'allThreads',
  'Latency',
  'Connect',
  'SampleCount',
  'ErrorCount',
] as const;
export type JtlColumn = (typeof JTL_COLUMNS)[number];

export const REQUIRED_COLUMNS: readonly JtlColumn[] = ['timeStamp', 'elapsed', 'label'];

export interface JtlHeader {
  delimiter: string;
  names: string[];
  /** Index of each column Faultline reads, -1 when the file does not have it. */
  index: Record<JtlColumn, number>;
}

/** Reads a header line with the first delimiter that yields the required columns. */
export function readHeader(line: string): JtlHeader | undefined {
  const text = line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
  for (const delimiter of DELIMITERS) {
    if (!text.includes(delimiter)) continue;
    const names = splitLine(text, delimiter).map((name) => name.trim());
    const index = indexColumns(names);
    if (REQUIRED_COLUMNS.every((column) => index[column] >= 0)) return { delimiter, names, index };
  }
  return undefined;
}

function indexColumns(names: readonly string[]): Record<JtlColumn, number> {
  const index = Object.fromEntries(JTL_COLUMNS.map((c) => [c, -1])) as Record<JtlColumn, number>;
  const lower = new Map(JTL_COLUMNS.map((c) => [c.toLowerCase(), c]));
  names.forEach((name, i) => {
    // JMeter matches its names exactly; hand-edited or converted files sometimes change the case.
    const column = lower.get(name.toLowerCase());
    if (column && index[column] < 0) index[column] = i;
  });
  return index;
}

/** Splits one physical line on the delimiter, honouring double-quoted fields. For headers and detection only. */
export function splitLine(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field.length === 0) quoted = true;
    else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

const EPOCH_MS = /^\d{13}$/;
const DIGITS = /^\d+$/;

/**
 * True when a line looks like a JTL data row written without a header
 * (jmeter.save.saveservice.print_field_names=false): a 13-digit epoch-ms timestamp followed by a
 * numeric elapsed time.
 */
export function looksLikeHeaderlessRow(line: string): boolean {
  for (const delimiter of DELIMITERS) {
    const fields = splitLine(line, delimiter);
    if (fields.length >= 4 && EPOCH_MS.test(fields[0] ?? '') && DIGITS.test(fields[1] ?? '')) return true;
  }
  return false;
}
