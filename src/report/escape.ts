// Escaping for each output language. Every text in a diagnosis result can come from the evidence
// (endpoint names, error messages), so none of it is trusted to be free of markup.

/**
 * Characters XML 1.0 forbids even as references: C0 controls other than tab, newline and carriage
 * return, lone surrogates, U+FFFE and U+FFFF. A JUnit file containing one is rejected whole by CI
 * servers, so they are replaced by U+FFFD rather than dropped, to show that something was there.
 */
const XML_INVALID =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function stripInvalidXmlChars(text: string): string {
  return text.replace(XML_INVALID, '\uFFFD');
}

/** Text content of an XML or HTML element. */
export function escapeXmlText(text: string): string {
  return stripInvalidXmlChars(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * An attribute value in double quotes. Tab and newlines become references because XML attribute
 * normalization would otherwise turn them into spaces.
 */
export function escapeXmlAttribute(text: string): string {
  return escapeXmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

/** HTML text or double-quoted attribute value. */
export function escapeHtml(text: string): string {
  return stripInvalidXmlChars(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Markdown prose: backslash-escapes the characters that start emphasis, links, code, strikethrough
 * and table cells anywhere in a line, and the few that only matter at its start (headings, lists,
 * quotes). Angle brackets become entities so that GitHub shows them instead of parsing HTML. Dashes
 * and parentheses inside a line are left alone: they cannot start markup there, and escaping them
 * makes the raw summary hard to read.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/^(\s*)([#+=-])/, '$1\\$2')
    .replace(/^(\s*\d{1,9})([.)])(?=\s|$)/, '$1\\$2');
}

/** A table cell: prose escaping, and line breaks become spaces because a row is one line. */
export function escapeMarkdownCell(text: string): string {
  return escapeMarkdown(text.replace(/\r?\n|\r/g, ' '));
}

/**
 * Inline code that survives any content: the fence is one backtick longer than the longest run
 * inside, and pipes are escaped because GitHub splits table cells on them even inside code.
 */
export function markdownCode(text: string, inTable = false): string {
  const flat = text.replace(/\r?\n|\r/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const body = inTable ? flat.replace(/\|/g, '\\|') : flat;
  const padded = body.startsWith('`') || body.endsWith('`') ? ` ${body} ` : body;
  return `${fence}${padded}${fence}`;
}

/** A fenced code block whose fence is longer than any backtick run in the content. */
export function markdownCodeBlock(text: string, language = ''): string {
  const longest = Math.max(0, ...[...text.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${text}\n${fence}`;
}

/**
 * Control characters other than tab and newline, C1 controls included. Printed raw they would let
 * an endpoint name carry ANSI sequences that recolour, move the cursor or retitle the terminal.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

export function stripControlChars(text: string): string {
  return text.replace(CONTROL, '\uFFFD');
}

/** A copy of a JSON-like value with every string passed through `clean`. */
export function mapStrings<T>(value: T, clean: (text: string) => string): T {
  if (typeof value === 'string') return clean(value) as T;
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, clean)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [clean(key), mapStrings(item, clean)]),
    ) as T;
  }
  return value;
}
