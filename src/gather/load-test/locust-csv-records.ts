import { forEachLine, MAX_LINE_CHARS, tooLongLine } from './input.js';

// Records of the CSV files Locust writes with Python's csv module (comma, double quotes, quotes
// doubled inside a field). Only tracebacks (_exceptions.csv) hold newlines in a quoted field, so
// only there may a record span several lines (numbered by its first line); elsewhere a stray quote
// spoils one line, not the rest of the file.

/** A record still open after this many lines (or MAX_LINE_CHARS characters) is a stray quote, not a traceback. */
const MAX_RECORD_LINES = 500;

export interface CsvRecordHandler {
  record(fields: string[], line: number): void;
  problem(line: number, message: string): void;
}

export async function forEachCsvRecord(
  chunks: AsyncIterable<Buffer>,
  handler: CsvRecordHandler,
  multiline: boolean,
): Promise<void> {
  let pending: string[] = [];
  let pendingChars = 0;
  // Quotes in the pending lines, counted as lines arrive rather than recounted for each new line.
  let quotes = 0;
  let firstLine = 0;
  const flush = (): void => {
    const text = pending.join('\n');
    pending = [];
    pendingChars = 0;
    quotes = 0;
    const fields = splitCsv(text);
    if (fields) handler.record(fields, firstLine);
    else handler.problem(firstLine, 'a quoted CSV field is never closed');
  };
  await forEachLine(
    chunks,
    (line, n) => {
      if (pending.length === 0) {
        if (line.length === 0) return;
        firstLine = n;
      }
      pending.push(line);
      pendingChars += line.length;
      quotes += countQuotes(line);
      const open = quotes % 2 === 1;
      if (multiline && open && pending.length < MAX_RECORD_LINES && pendingChars <= MAX_LINE_CHARS) return;
      flush();
    },
    (n) => handler.problem(n, tooLongLine('one Locust CSV record a line')),
  );
  if (pending.length > 0) flush();
}

function countQuotes(line: string): number {
  let quotes = 0;
  for (let at = line.indexOf('"'); at !== -1; at = line.indexOf('"', at + 1)) quotes++;
  return quotes;
}

/** Splits one CSV record; undefined when a quoted field does not end. */
export function splitCsv(text: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  while (true) {
    if (text[i] === '"') {
      let value = '';
      i++;
      while (true) {
        const q = text.indexOf('"', i);
        if (q === -1) return undefined;
        value += text.slice(i, q);
        if (text[q + 1] === '"') {
          value += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      // Anything between the closing quote and the next comma is kept, as Python's reader does.
      const comma = text.indexOf(',', i);
      value += text.slice(i, comma === -1 ? text.length : comma);
      fields.push(value);
      if (comma === -1) return fields;
      i = comma + 1;
    } else {
      const comma = text.indexOf(',', i);
      fields.push(text.slice(i, comma === -1 ? text.length : comma));
      if (comma === -1) return fields;
      i = comma + 1;
    }
  }
}
