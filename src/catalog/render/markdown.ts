import { CATEGORIES, type Category, RECOGNITION_KIND_NAMES, SEVERITY_NAMES } from '../../core/vocabulary.js';
import { wayEvidence } from '../../signatures/declarative.js';
import {
  type Condition,
  formatTest,
  type SignatureSpec,
  type SignatureWays,
} from '../../signatures/schema.js';
import type { TextPattern } from '../../signatures/text-schema.js';
import type { Catalog, CatalogScenario } from '../loader.js';
import { SCENARIO_FILE } from '../schema.js';
import type { SeedCoverage } from '../seeds.js';

// Markdown pages of the catalog: one per scenario, an index by category and the seed coverage.
// Pure functions of the catalog; the generated docs in docs/catalog are their output.

/** How a page links to a scenario: a file per scenario, or an anchor in one document. */
export type LinkTo = (id: string) => string;

export function escapeCell(text: string): string {
  return escapeText(text).replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function inlineCode(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function codeBlock(text: string, language: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

/**
 * Prose from scenario files is plain text: angle brackets (placeholders such as <pod>) would be
 * read as HTML and vanish, and asterisks (globs such as *.example.com) as emphasis.
 */
export function escapeText(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('<', '&lt;').replaceAll('*', '\\*');
}

function bullets(items: readonly string[]): string {
  return items.map((item) => `- ${escapeText(item)}`).join('\n');
}

function numbered(items: readonly string[]): string {
  return items.map((item, index) => `${index + 1}. ${escapeText(item)}`).join('\n');
}

export interface PageOptions {
  linkTo: LinkTo;
  /** Title of other scenarios, for related links. */
  titleOf: (id: string) => string | undefined;
  /** Heading level of the page title (1 for a page of its own, 2 inside one document). */
  level?: 1 | 2;
  anchor?: boolean;
}

export function scenarioMarkdown(s: CatalogScenario, options: PageOptions): string {
  const h = '#'.repeat(options.level ?? 1);
  const sub = `${h}#`;
  const parts: string[] = [];
  if (options.anchor) parts.push(`<a id="${s.id}"></a>`);
  parts.push(`${h} ${escapeText(s.title)}`);
  const evidence = s.evidence.length ? ` · evidence: ${s.evidence.join(', ')}` : '';
  parts.push(
    `${inlineCode(s.id)} · category **${s.category}** · severity **${s.severity}** · recognized from ${s.recognizedFrom.join(', ')}${evidence}`,
  );
  if (s.aliases.length) parts.push(`Also known as: ${s.aliases.map(inlineCode).join(', ')}`);
  parts.push(escapeText(s.summary));
  parts.push(`${sub} Symptoms\n\n${bullets(s.symptoms)}`);
  parts.push(`${sub} Root causes\n\n${bullets(s.rootCauses)}`);
  const checks = s.diagnostics.map((d) => {
    const command = d.command ? `\n\n${indent(codeBlock(d.command, 'sh'), '   ')}` : '';
    return `- ${escapeText(d.description)}${command}`;
  });
  parts.push(`${sub} Diagnostics\n\n${checks.join('\n')}`);
  parts.push(`${sub} Remediation\n\n${numbered(s.remediation)}`);
  if (s.prevention.length) parts.push(`${sub} Prevention\n\n${bullets(s.prevention)}`);
  if (s.references.length) {
    const links = s.references.map((r) => `- [${escapeText(r.title).replaceAll(']', '\\]')}](${r.url})`);
    parts.push(`${sub} References\n\n${links.join('\n')}`);
  }
  if (s.related.length) {
    const links = s.related.map(
      (id) => `[${options.titleOf(id) ?? id}](${options.linkTo(id)}) (${inlineCode(id)})`,
    );
    parts.push(`${sub} Related scenarios\n\n${bullets(links)}`);
  }
  if (s.sources.length) {
    const rows = s.sources.map(
      (x) =>
        `| ${escapeCell(x.seed)} | ${escapeCell(x.item)}${x.section ? ` (${escapeCell(x.section)})` : ''} |`,
    );
    parts.push(`${sub} Seed items covered\n\n| seed | item |\n| --- | --- |\n${rows.join('\n')}`);
  }
  if (s.signature) parts.push(`${sub} How Faultline recognizes it\n\n${signatureWaysMarkdown(s.signature)}`);
  if (s.fixtures.length) {
    parts.push(
      `${sub} Fixtures\n\n${s.fixtures.map((f) => `- ${f.expect}: ${inlineCode(f.path)}`).join('\n')}`,
    );
  }
  return `${parts.join('\n\n')}\n`;
}

function conditionText(c: Condition): string {
  return `${inlineCode(formatTest(c))} — ${escapeText(c.reason)}`;
}

/** Every way of recognizing the scenario, each named by the evidence it reads. */
export function signatureWaysMarkdown(ways: SignatureWays): string {
  if (ways.length === 1) return signatureMarkdown(ways[0] as SignatureSpec);
  return ways
    .map((spec) => `**From ${wayEvidence(spec).join(' and ')}.** ${signatureMarkdown(spec)}`)
    .join('\n\n');
}

/** The signature as prose: what must hold, what raises confidence, what rules the scenario out. */
export function signatureMarkdown(spec: SignatureSpec): string {
  if (spec.text) return textWayMarkdown(spec);
  const lines = [
    `Judged ${spec.scope === 'endpoint' ? 'per endpoint and for the whole run' : 'for the whole run'}. It matches when all of these hold:`,
    '',
    ...spec.when.map((c) => `- ${conditionText(c)}`),
  ];
  if (spec.support.length)
    lines.push('', 'Raising confidence:', '', ...spec.support.map((c) => `- ${conditionText(c)}`));
  if (spec.against.length)
    lines.push(
      '',
      'Pointing elsewhere (lowering confidence):',
      '',
      ...spec.against.map((c) => `- ${conditionText(c)}`),
    );
  if (spec.confirmWith.length) {
    lines.push(
      '',
      'Confirm with:',
      '',
      ...spec.confirmWith.map((c) => `- ${c.evidence}: ${escapeText(c.what)}`),
    );
  }
  return lines.join('\n');
}

/** A text way as prose: which tools, which lines must appear, which raise or lower confidence. */
function textWayMarkdown(spec: SignatureSpec): string {
  const text = spec.text as NonNullable<SignatureSpec['text']>;
  const pattern = (p: TextPattern) =>
    `- ${p.family !== undefined ? `the known failure family ${inlineCode(p.family)}` : inlineCode(p.pattern as string)}${p.ignoreCase ? ' (any case)' : ''} — ${escapeText(p.reason)}`;
  const lines = [
    `Judged on failure output${text.tools.length ? ` of ${text.tools.join(', ')}` : ''} that did not end in success. It matches when one failure chunk has a line for each of these patterns${text.keywords.length ? ` and the words ${text.keywords.map(inlineCode).join(', ')}` : ''}:`,
    '',
    ...text.match.map(pattern),
  ];
  if (text.support.length) lines.push('', 'Raising confidence:', '', ...text.support.map(pattern));
  if (text.against.length)
    lines.push('', 'Pointing elsewhere (lowering confidence):', '', ...text.against.map(pattern));
  if (spec.confirmWith.length) {
    lines.push(
      '',
      'Confirm with:',
      '',
      ...spec.confirmWith.map((c) => `- ${c.evidence}: ${escapeText(c.what)}`),
    );
  }
  return lines.join('\n');
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => (line ? prefix + line : line))
    .join('\n');
}

function countBy<T extends string>(values: readonly T[], order: readonly T[]): Array<[T, number]> {
  return order
    .map((key) => [key, values.filter((v) => v === key).length] as [T, number])
    .filter(([, n]) => n > 0);
}

/** The index page: totals, counts by category, recognition and severity, then every scenario by category. */
export function indexMarkdown(catalog: Catalog, linkTo: LinkTo, coverage?: readonly SeedCoverage[]): string {
  const all = catalog.scenarios;
  const parts: string[] = ['# Faultline failure catalog'];
  const covered = coverage?.filter((c) => c.scenarios.length > 0).length;
  parts.push(
    `${all.length} scenarios${coverage ? `, covering ${covered} of ${coverage.length} seed items ([coverage](seed-coverage.md))` : ''}. ` +
      `Generated from ${inlineCode(`catalog/scenarios/*/${SCENARIO_FILE}`)} by ${inlineCode('npm run docs')}; do not edit by hand.`,
  );
  const categories = Object.keys(CATEGORIES) as Category[];
  const byCategory = countBy(
    all.map((s) => s.category),
    categories,
  );
  parts.push(
    `## Scenarios per category\n\n| category | scenarios |\n| --- | ---: |\n${byCategory.map(([c, n]) => `| [${c}](#${c}) | ${n} |`).join('\n')}`,
  );
  const byWay = RECOGNITION_KIND_NAMES.map((way) => [
    way,
    all.filter((s) => s.recognizedFrom.includes(way)).length,
  ]);
  const reviewOnly = all.filter((s) => s.recognizedFrom.every((w) => w === 'review')).length;
  parts.push(
    `## Scenarios per way of recognition\n\nA scenario can be recognized in several ways; ${reviewOnly} can only be found by review.\n\n| recognized from | scenarios |\n| --- | ---: |\n${byWay.map(([w, n]) => `| ${w} | ${n} |`).join('\n')}`,
  );
  const bySeverity = countBy(
    all.map((s) => s.severity),
    SEVERITY_NAMES,
  );
  parts.push(
    `## Scenarios per severity\n\n| severity | scenarios |\n| --- | ---: |\n${bySeverity.map(([s, n]) => `| ${s} | ${n} |`).join('\n')}`,
  );
  for (const [category] of byCategory) {
    const rows = all
      .filter((s) => s.category === category)
      .map(
        (s) =>
          `| [${escapeCell(s.title)}](${linkTo(s.id)}) | ${inlineCode(s.id)} | ${s.severity} | ${s.recognizedFrom.join(', ')} |`,
      );
    parts.push(
      `<a id="${category}"></a>\n\n## ${category}\n\n${CATEGORIES[category]}.\n\n| scenario | id | severity | recognized from |\n| --- | --- | --- | --- |\n${rows.join('\n')}`,
    );
  }
  return `${parts.join('\n\n')}\n`;
}

/** Which scenario covers each seed item, seed by seed. */
export function seedCoverageMarkdown(coverage: readonly SeedCoverage[], linkTo: LinkTo): string {
  const parts: string[] = ['# Seed coverage'];
  const uncovered = coverage.filter((c) => c.scenarios.length === 0).length;
  parts.push(
    `Each failure item of the seed documents and the scenarios that cover it. ${coverage.length} items, ${uncovered} uncovered. Generated by ${inlineCode('npm run docs')}.`,
  );
  const seeds = [...new Set(coverage.map((c) => c.item.seed))];
  for (const seed of seeds) {
    const rows = coverage
      .filter((c) => c.item.seed === seed)
      .map(
        (c) =>
          `| ${escapeCell(c.item.section)} | ${escapeCell(c.item.item)} | ${c.scenarios.map((id) => `[${id}](${linkTo(id)})`).join(', ') || '**uncovered**'} |`,
      );
    parts.push(`## ${seed}\n\n| section | item | scenarios |\n| --- | --- | --- |\n${rows.join('\n')}`);
  }
  return `${parts.join('\n\n')}\n`;
}

/** The whole catalog as one Markdown document (catalog export --format markdown). */
export function catalogMarkdown(catalog: Catalog): string {
  const linkTo: LinkTo = (id) => `#${id}`;
  const titleOf = (id: string) => catalog.get(id)?.title;
  const index = indexMarkdown(catalog, linkTo);
  const pages = catalog.scenarios.map((s) =>
    scenarioMarkdown(s, { linkTo, titleOf, level: 2, anchor: true }),
  );
  return `${index}\n# Scenarios\n\n${pages.join('\n')}`;
}
