import type { LogPatterns } from './patterns.js';
import type { MinedTemplate } from './template-miner.js';

// Output of `faultline logs patterns`: JSON with every template and one entry per physical line,
// or a table of templates by count.

/**
 * `{ "templates": [{ "id", "template", "count" }], "lines": [{ "line", "templateId" }] }`, one
 * line entry per output line so a large result stays readable and diffable.
 */
export function renderPatternsJson(patterns: LogPatterns): string {
  const parts: string[] = ['{\n  "templates": ['];
  patterns.templates.forEach((t, i) => {
    const comma = i < patterns.templates.length - 1 ? ',' : '';
    parts.push(
      `\n    { "id": ${t.id}, "template": ${JSON.stringify(t.template)}, "count": ${t.count} }${comma}`,
    );
  });
  parts.push(patterns.templates.length > 0 ? '\n  ],\n  "lines": [' : '],\n  "lines": [');
  const ids = patterns.lineTemplateIds ?? new Int32Array(0);
  for (let i = 0; i < ids.length; i++) {
    parts.push(`\n    { "line": ${i + 1}, "templateId": ${ids[i]} }${i < ids.length - 1 ? ',' : ''}`);
  }
  parts.push(ids.length > 0 ? '\n  ]\n}\n' : ']\n}\n');
  return parts.join('');
}

/** Most frequent first; equal counts in id order, so the table is the same on every run. */
export function byCount(templates: readonly MinedTemplate[]): MinedTemplate[] {
  return [...templates].sort((a, b) => b.count - a.count || a.id - b.id);
}

export function renderPatternsTable(patterns: LogPatterns, width: number): string {
  const rows = byCount(patterns.templates);
  const idWidth = Math.max(2, ...rows.map((r) => String(r.id).length));
  const countWidth = Math.max(5, ...rows.map((r) => String(r.count).length));
  const templateWidth = Math.max(10, width - idWidth - countWidth - 4);
  const line = (id: string, count: string, template: string) =>
    `${id.padStart(idWidth)}  ${count.padStart(countWidth)}  ${truncate(template, templateWidth)}`.trimEnd();
  const out = [
    `${patterns.file}: ${plural(patterns.lineCount, 'line')}, ${plural(patterns.recordCount, 'record')}, ${plural(rows.length, 'template')}`,
    '',
    line('ID', 'COUNT', 'TEMPLATE'),
    ...rows.map((r) =>
      line(String(r.id), String(r.count), r.template === '' ? '(empty message)' : r.template),
    ),
  ];
  return `${out.join('\n')}\n`;
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
