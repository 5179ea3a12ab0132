// Variable masking: values that change from one occurrence of a log statement to the next are
// replaced by the wildcard before template mining, so the miner only has to tell constant words
// apart. The order is documented and fixed:
// 1. quoted strings ("..." and '...'), found in the whole message first because they may contain
//    spaces;
// 2. then, in each remaining whitespace-separated token, the rules of TOKEN_RULES, tried in their
//    order at each position (the first that matches wins). They go from the most specific shapes
//    to the most general, because a general rule would otherwise cut a specific value into pieces
//    (the number rule would split an IP address or a UUID).
// Tokens without any character a rule needs (a digit, / : @ \ < or 200 characters) are skipped
// without running the expression: that is most words of a message, and the reason masking keeps up
// with hundreds of thousands of lines per second.

export const WILDCARD = '<*>';

export interface MaskRule {
  kind: string;
  /** Regular expression source; no capturing groups (the combined expression relies on it). */
  pattern: string;
}

const HEX4 = '[0-9a-fA-F]{1,4}';
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
/** Duration and size units; longer units first so `ms` is not read as `m` followed by `s`. */
const UNIT = '(?:ns|us|µs|ms|min|mins|sec|secs|s|m|h|d|KiB|MiB|GiB|TiB|KB|MB|GB|TB|kB|B|%)';

/** Quoted strings, masked before the token rules. */
export const QUOTED_RULES: readonly MaskRule[] = [
  { kind: 'quoted', pattern: '"(?:[^"\\\\\\n]|\\\\.)*"' },
  // Single quotes only around a whole value, so apostrophes in `don't` or `user's` stay text.
  { kind: 'quoted', pattern: "(?<![\\w'])'(?:[^'\\\\\\n]|\\\\.)*'(?![\\w'])" },
];

/**
 * The kinds of variables inside a token, in the order they are tried. Lookbehinds and lookaheads keep a rule from
 * starting or ending inside a word, so `log4j` or `Foo::bar` stay constant.
 */
export const TOKEN_RULES: readonly MaskRule[] = [
  // A wildcard already in the input stays a variable, so parameters line up with wildcards.
  { kind: 'wildcard', pattern: '<\\*>' },
  // A token this long is data (a token, a blob, a base64 body), never a constant word; masking it
  // keeps templates, and so the miner's memory, small.
  { kind: 'long-token', pattern: '(?<!\\S)\\S{200,}' },
  // Trailing punctuation belongs to the sentence, not the URL.
  { kind: 'url', pattern: '\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s"\'<>]*[^\\s"\'<>.,;:)\\]]' },
  { kind: 'email', pattern: '(?<![\\w.+-])[\\w.+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+' },
  {
    kind: 'uuid',
    pattern:
      '(?<![\\w-])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\\w-])',
  },
  // Date-times inside a message (the line's own timestamp is stripped before masking); before
  // IPv6 and numbers, which would take `10:00:00` apart.
  {
    kind: 'datetime',
    pattern:
      '(?<![\\w.])\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d+)?(?:Z|[+-]\\d{2}:?\\d{2})?)?(?![\\w])',
  },
  { kind: 'datetime', pattern: '(?<![\\w.:])\\d{1,2}:\\d{2}:\\d{2}(?:[.,]\\d+)?(?![\\w:])' },
  // IPv6: the full form of eight groups, or a compressed form with `::`; an IPv4 tail is allowed.
  {
    kind: 'ipv6',
    pattern: `(?<![\\w:.])(?:(?:${HEX4}:){7}${HEX4}|(?:${HEX4}(?::${HEX4}){0,6})?::(?:${HEX4}(?::${HEX4}){0,6})?(?:\\.\\d{1,3}){0,3})(?![\\w:])`,
  },
  // IPv4 with an optional port: one value, the address a client or server used.
  {
    kind: 'ipv4',
    pattern: `(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?::\\d{1,5})?(?![\\w]|\\.\\d)`,
  },
  // Paths: absolute, home- or dot-relative, and Windows drive paths. `and/or` or `HTTP/1.1` do not
  // start a path because a word character precedes the slash.
  {
    kind: 'path',
    pattern: '(?<![\\w/.:~\\-])(?:~|\\.{1,2})?(?:/[\\w.@%+~,=-]+)+/?|(?<![\\w])[A-Za-z]:\\\\[^\\s"\'<>|]+',
  },
  { kind: 'hex', pattern: '(?<![\\w-])0[xX][0-9a-fA-F]+(?![\\w-])' },
  // Bare hex (hashes, trace and span ids) needs a digit, a letter and a length no English word has.
  {
    kind: 'hex',
    pattern: '(?<![\\w-])(?=[a-fA-F]*\\d)(?=\\d*[a-fA-F])(?:[0-9a-f]{8,}|[0-9A-F]{8,})(?![\\w-])',
  },
  // Durations (250ms, 1.5s, Go's 1h2m3.5s) and sizes (512KB, 80%).
  {
    kind: 'duration',
    pattern: `(?<![\\w.])[-+]?\\d+(?:\\.\\d+)?${UNIT}(?:\\d+(?:\\.\\d+)?${UNIT})*(?![\\w])`,
  },
  // Identifiers: a word with a digit joined by - or _ (req-7f3a9b, user_12345, pod-5d8f9-x2k4p), or
  // a long run that mixes letters and digits (a1b2c3d4e5). Short ones like `log4j` or `sha256`
  // are left to the miner, which generalizes them when they vary.
  {
    kind: 'id',
    pattern: '(?<![\\w.-])(?=[\\w-]*\\d)(?=[\\w-]*[A-Za-z])[A-Za-z\\d]+(?:[-_][A-Za-z\\d]+)+(?![\\w-])',
  },
  {
    kind: 'id',
    pattern: '(?<![\\w.-])(?=[A-Za-z]*\\d)(?=\\d*[A-Za-z])[A-Za-z\\d]{8,}(?![\\w-])',
  },
  // Numbers last: integers, decimals, signed values, and dotted versions.
  { kind: 'number', pattern: '(?<![\\w.])[-+]?\\d+(?:\\.\\d+)*(?![\\w])' },
];

const QUOTED = new RegExp(QUOTED_RULES.map((rule) => `(?:${rule.pattern})`).join('|'), 'g');
const TOKEN_VARIABLE = new RegExp(TOKEN_RULES.map((rule) => `(?:${rule.pattern})`).join('|'), 'g');
/** Tokens at least this long are masked whole by the long-token rule. */
const LONG_TOKEN = 200;

export interface Masked {
  /** The message with every variable replaced by WILDCARD. */
  text: string;
  /** The original text of each WILDCARD in `text`, in order. */
  values: string[];
}

export function maskVariables(message: string): Masked {
  const values: string[] = [];
  if (!message.includes('"') && !message.includes("'")) return { text: maskTokens(message, values), values };
  let text = '';
  let last = 0;
  QUOTED.lastIndex = 0;
  for (let match = QUOTED.exec(message); match; match = QUOTED.exec(message)) {
    text += maskTokens(message.slice(last, match.index), values) + WILDCARD;
    values.push(match[0]);
    last = match.index + match[0].length;
  }
  text += maskTokens(message.slice(last), values);
  return { text, values };
}

/** Masks each token of a stretch without quoted strings; unchanged tokens are copied as they are. */
function maskTokens(text: string, values: string[]): string {
  const n = text.length;
  let out = '';
  // Start of the text not yet copied to `out`.
  let copied = 0;
  let i = 0;
  const push = (match: string): string => {
    values.push(match);
    return WILDCARD;
  };
  while (i < n) {
    while (i < n && text.charCodeAt(i) <= 32) i++;
    const start = i;
    let candidate = false;
    let digitsOnly = true;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c <= 32) break;
      if (c >= 48 && c <= 57) {
        candidate = true;
        continue;
      }
      digitsOnly = false;
      // / @ \ < are needed by paths, emails, Windows paths and the wildcard; a colon only by a URL
      // (://) or an IPv6 address without digits (::), so `connect:` is not a candidate.
      if (c === 47 || c === 64 || c === 92 || c === 60) candidate = true;
      else if (c === 58) {
        const after = text.charCodeAt(i + 1);
        if (after === 58 || after === 47) candidate = true;
      }
    }
    if (!candidate && i - start < LONG_TOKEN) continue;
    let masked: string;
    if (digitsOnly) {
      // A plain integer, the most common variable: only the number rule (or the long-token rule,
      // which masks it the same way) can match it whole.
      masked = WILDCARD;
      values.push(text.slice(start, i));
    } else {
      const token = text.slice(start, i);
      masked = token.replace(TOKEN_VARIABLE, push);
      if (masked === token) continue;
    }
    out += text.slice(copied, start) + masked;
    copied = i;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Which rule masks the whole of `value`, or undefined when none does; for tests and docs. */
export function maskKind(value: string): string | undefined {
  for (const rule of [...QUOTED_RULES, ...TOKEN_RULES]) {
    if (new RegExp(`^(?:${rule.pattern})$`).test(value)) return rule.kind;
  }
  return undefined;
}
