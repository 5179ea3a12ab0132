import type { Style } from '../catalog/render/terminal.js';

// Aligned plain-text columns for the terminal report: numbers right-aligned, one flexible text
// column cut with an ellipsis so the table fits the width. Widths are measured before colouring,
// so ANSI codes never shift the columns.

export interface TextColumn<T> {
  header: string;
  value: (row: T) => string;
  align?: 'left' | 'right';
  /** The column that shrinks to fit the width. */
  flexible?: boolean;
  color?: (row: T, text: string) => string;
  /** Columns with a rank may be left out, lowest rank first, when the flexible column gets too narrow. */
  dropRank?: number;
}

const GAP = '  ';

function clip(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
}

interface TableOptions<T> {
  style: Style;
  width: number;
  indent?: string;
  rowStyle?: (row: T, line: string) => string;
  /** Narrowest the flexible column may get before droppable columns are left out. */
  minFlexible?: number;
}

export function textTable<T>(
  rows: readonly T[],
  allColumns: ReadonlyArray<TextColumn<T>>,
  options: TableOptions<T>,
): string[] {
  const columns = fitColumns(rows, allColumns, options);
  const indent = options.indent ?? '';
  const cells = rows.map((row) => columns.map((c) => c.value(row)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => (r[i] ?? '').length)));
  const flexible = columns.findIndex((c) => c.flexible);
  if (flexible >= 0) {
    const fixed = widths.reduce((sum, w, i) => (i === flexible ? sum : sum + w), 0);
    const room = options.width - indent.length - fixed - GAP.length * (columns.length - 1);
    const header = columns[flexible]?.header.length ?? 0;
    widths[flexible] = Math.max(header, Math.min(widths[flexible] ?? 0, room));
  }
  const layout = (values: readonly string[], paint: (i: number, text: string) => string) =>
    indent +
    values
      .map((value, i) => {
        const width = widths[i] ?? 0;
        const cut = clip(value, width);
        const last = i === values.length - 1;
        const padded = columns[i]?.align === 'right' ? cut.padStart(width) : last ? cut : cut.padEnd(width);
        return paint(i, padded);
      })
      .join(GAP)
      .trimEnd();
  const lines = [
    layout(
      columns.map((c) => c.header),
      (_, text) => options.style.dim(text),
    ),
  ];
  rows.forEach((row, r) => {
    const line = layout(cells[r] ?? [], (i, text) => columns[i]?.color?.(row, text) ?? text);
    lines.push(options.rowStyle ? options.rowStyle(row, line) : line);
  });
  return lines;
}

function naturalWidth<T>(rows: readonly T[], column: TextColumn<T>): number {
  return Math.max(column.header.length, ...rows.map((row) => column.value(row).length));
}

/** Leaves out the droppable columns, lowest rank first, until the flexible one has its minimum. */
function fitColumns<T>(
  rows: readonly T[],
  columns: ReadonlyArray<TextColumn<T>>,
  options: TableOptions<T>,
): ReadonlyArray<TextColumn<T>> {
  const flexible = columns.find((c) => c.flexible);
  if (!flexible || options.minFlexible === undefined) return columns;
  const wanted = Math.min(naturalWidth(rows, flexible), options.minFlexible);
  const room = (list: ReadonlyArray<TextColumn<T>>) =>
    options.width -
    (options.indent ?? '').length -
    list.reduce((sum, c) => (c === flexible ? sum : sum + naturalWidth(rows, c)), 0) -
    GAP.length * (list.length - 1);
  let kept = [...columns];
  const droppable = columns
    .filter((c) => c.dropRank !== undefined)
    .sort((a, b) => (a.dropRank ?? 0) - (b.dropRank ?? 0));
  for (const column of droppable) {
    if (room(kept) >= wanted) break;
    kept = kept.filter((c) => c !== column);
  }
  return kept;
}
