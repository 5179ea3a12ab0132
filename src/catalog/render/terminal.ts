import type { Severity } from '../../core/vocabulary.js';
import { wayEvidence } from '../../signatures/declarative.js';
import { type Condition, formatTest } from '../../signatures/schema.js';
import { describeTextPattern, type TextPattern } from '../../signatures/text-schema.js';
import type { CatalogScenario } from '../loader.js';
import type { SearchHit } from '../search.js';

// Terminal renderings of the catalog. Pure: colours come in as a Style (plain when not a TTY) and
// the width is a parameter, so the same input always gives the same text.

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  cyan(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  magenta(text: string): string;
}

const identity = (text: string) => text;
export const PLAIN: Style = {
  bold: identity,
  dim: identity,
  cyan: identity,
  red: identity,
  yellow: identity,
  green: identity,
  magenta: identity,
};

export function severityColor(style: Style, severity: Severity): (text: string) => string {
  switch (severity) {
    case 'critical':
      return (t) => style.bold(style.red(t));
    case 'high':
      return style.red;
    case 'medium':
      return style.yellow;
    case 'low':
      return style.dim;
  }
}

/** Greedy word wrap; words longer than the width (URLs, commands) stay whole on their own line. */
export function wrap(
  text: string,
  width: number,
  firstPrefix: string,
  restPrefix = ' '.repeat(firstPrefix.length),
): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = firstPrefix;
  let empty = true;
  for (const word of words) {
    const candidate = empty ? line + word : `${line} ${word}`;
    if (!empty && candidate.length > width) {
      lines.push(line);
      line = restPrefix + word;
    } else {
      line = candidate;
    }
    empty = false;
  }
  lines.push(line);
  return lines.join('\n');
}

export function scenarioPage(s: CatalogScenario, style: Style, width: number): string {
  const out: string[] = [];
  const section = (title: string) => `\n${style.bold(style.cyan(title.toUpperCase()))}`;
  out.push(style.bold(s.title));
  out.push(
    `${style.dim('id')} ${s.id}  ${style.dim('category')} ${s.category}  ${style.dim('severity')} ${severityColor(style, s.severity)(s.severity)}${s.origin === 'user' ? `  ${style.dim('origin')} user` : ''}`,
  );
  out.push(
    `${style.dim('recognized from')} ${s.recognizedFrom.join(', ')}${s.evidence.length ? `  ${style.dim('evidence')} ${s.evidence.join(', ')}` : ''}`,
  );
  if (s.aliases.length) out.push(wrap(s.aliases.join(' · '), width, `${style.dim('aka')} `, '    '));
  out.push('');
  out.push(wrap(s.summary, width, ''));
  const list = (title: string, items: readonly string[], marker: (i: number) => string) => {
    if (!items.length) return;
    out.push(section(title));
    items.forEach((item, i) => {
      out.push(wrap(item, width, `  ${marker(i)} `, ' '.repeat(marker(i).length + 3)));
    });
  };
  list('Symptoms', s.symptoms, () => '•');
  list('Root causes', s.rootCauses, () => '•');
  out.push(section('Diagnostics'));
  for (const d of s.diagnostics) {
    out.push(wrap(d.description, width, '  • ', '    '));
    if (d.command) out.push(`    ${style.green('$')} ${d.command}`);
  }
  list('Remediation', s.remediation, (i) => `${i + 1}.`);
  list('Prevention', s.prevention, () => '•');
  if (s.references.length) {
    out.push(section('References'));
    for (const r of s.references) out.push(`  • ${r.title}\n    ${style.dim(r.url)}`);
  }
  if (s.related.length) {
    out.push(section('Related'));
    out.push(wrap(s.related.join(', '), width, '  '));
  }
  if (s.signature) {
    out.push(section('How Faultline recognizes it'));
    const conditions = (label: string, list: readonly Condition[]) => {
      if (list.length === 0) return;
      out.push(`  ${style.bold(label)}`);
      for (const c of list)
        out.push(wrap(`${style.cyan(formatTest(c))}: ${c.reason}`, width, '  • ', '    '));
    };
    for (const spec of s.signature) {
      if (s.signature.length > 1) out.push(`  ${style.bold(`from ${wayEvidence(spec).join(' and ')}:`)}`);
      if (spec.text) {
        const text = spec.text;
        const patterns = (label: string, list: readonly TextPattern[]) => {
          if (list.length === 0) return;
          out.push(`  ${style.bold(label)}`);
          for (const p of list)
            out.push(wrap(`${style.cyan(describeTextPattern(p))}: ${p.reason}`, width, '  • ', '    '));
        };
        patterns(
          `lines of one failure chunk${text.tools.length ? ` (${text.tools.join(', ')})` : ''}:`,
          text.match,
        );
        patterns('raised by:', text.support);
        patterns('ruled out by:', text.against);
      }
      conditions(`all of (judged ${spec.scope === 'endpoint' ? 'per subject' : 'for the run'}):`, spec.when);
      conditions('raised by:', spec.support);
      conditions('ruled out by:', spec.against);
      if (spec.confirmWith.length) {
        out.push(`  ${style.bold('confirm with:')}`);
        for (const c of spec.confirmWith) out.push(wrap(`${c.evidence}: ${c.what}`, width, '  • ', '    '));
      }
    }
  }
  if (s.sources.length) {
    out.push(section('Seed items'));
    for (const x of s.sources) out.push(wrap(`${x.item} ${style.dim(`(${x.seed})`)}`, width, '  • ', '    '));
  }
  return `${out.join('\n')}\n`;
}

interface Column<T> {
  header: string;
  value: (row: T) => string;
  color?: (row: T, text: string) => string;
  /** The one column that shrinks (and is cut with an ellipsis) to fit the width. */
  flexible?: boolean;
}

/** Aligned columns like `kubectl get`: headers, two spaces between columns, cut to the width. */
export function table<T>(rows: readonly T[], columns: Array<Column<T>>, style: Style, width: number): string {
  const cells = rows.map((row) => columns.map((c) => c.value(row)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => (r[i] ?? '').length)));
  const flexible = columns.findIndex((c) => c.flexible);
  if (flexible >= 0) {
    const others = widths.reduce((sum, w, i) => (i === flexible ? sum : sum + w + 2), 0);
    widths[flexible] = Math.max(
      columns[flexible]?.header.length ?? 0,
      Math.min(widths[flexible] ?? 0, width - others),
    );
  }
  const clip = (text: string, w: number) =>
    text.length > w ? `${text.slice(0, Math.max(0, w - 1))}…` : text;
  const line = (values: string[], colorize: (i: number, text: string) => string) =>
    values
      .map((v, i) => {
        const w = widths[i] ?? 0;
        const cut = clip(v, w);
        const padded = i === values.length - 1 ? cut : cut.padEnd(w);
        return colorize(i, padded);
      })
      .join('  ')
      .trimEnd();
  const out = [
    line(
      columns.map((c) => c.header),
      (_, t) => style.bold(t),
    ),
  ];
  cells.forEach((r, rowIndex) => {
    out.push(
      line(r, (i, t) => {
        const color = columns[i]?.color;
        const row = rows[rowIndex];
        return color && row !== undefined ? color(row, t) : t;
      }),
    );
  });
  return `${out.join('\n')}\n`;
}

export function scenarioTable(scenarios: readonly CatalogScenario[], style: Style, width: number): string {
  return table(
    scenarios,
    [
      { header: 'ID', value: (s) => s.id },
      { header: 'SEVERITY', value: (s) => s.severity, color: (s, t) => severityColor(style, s.severity)(t) },
      { header: 'CATEGORY', value: (s) => s.category },
      { header: 'RECOGNIZED FROM', value: (s) => s.recognizedFrom.join(',') },
      { header: 'TITLE', value: (s) => s.title, flexible: true },
    ],
    style,
    width,
  );
}

export function searchTable(hits: readonly SearchHit[], style: Style, width: number): string {
  return table(
    hits,
    [
      { header: 'SCORE', value: (h) => h.score.toFixed(1) },
      { header: 'ID', value: (h) => h.id, color: (_, t) => style.bold(t) },
      { header: 'TITLE', value: (h) => h.title, flexible: true },
    ],
    style,
    width,
  );
}
