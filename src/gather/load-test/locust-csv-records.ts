import { forEachLine } from './input.js';

// Records of the CSV files Locust writes with Python's csv module (comma, double quotes, quotes
// doubled inside a field). Only tracebacks (_exceptions.csv) hold newlines in a quoted field, so
// only there may a record span several lines (numbered by its first line); elsewhere a stray quote
// spoils one line, not the rest of the file.

/** A record still open after this many lines is a stray quote, not a traceback. */
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
  let firstLine = 0;
  const flush = (): void => {
    const text = pending.join('\n');
    pending = [];
    const fields = splitCsv(text);
    if (fields) handler.record(fields, firstLine);
    else handler.problem(firstLine, 'a quoted CSV field is never closed');
  };
  await forEachLine(chunks, (line, n) => {
    if (pending.length === 0) {
      if (line.length === 0) return;
      firstLine = n;
    }
    pending.push(line);
    if (multiline && !quotesBalanced(pending) && pending.length < MAX_RECORD_LINES) return;
    flush();
  });
  if (pending.length > 0) flush();
}

function quotesBalanced(lines: string[]): boolean {
  let quotes = 0;
  for (const line of lines) for (let i = 0; i < line.length; i++) if (line.charCodeAt(i) === 34) quotes++;
  return quotes % 2 === 0;
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
