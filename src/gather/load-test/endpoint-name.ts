// Turns a request URL into an endpoint name ("GET /users/{id}") so that requests to the same route
// with different ids are counted together. Tools that record raw URLs (HAR, Artillery's per-URL
// metrics) would otherwise produce one endpoint per id and hit the accumulator's endpoint cap.
// Only the path counts: scheme, host, query and fragment vary without changing the route.

export const ID_PLACEHOLDER = '{id}';

/** Path segments kept; deeper paths end in "/…" (real routes are rarely deeper, generated ones are). */
const MAX_SEGMENTS = 12;
/** Characters of the name kept, so one absurd URL cannot blow up every report line that shows it. */
const MAX_NAME_LENGTH = 160;

const DECIMAL = /^\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// 12+ hex digits with at least one digit: object ids (24), hashes (32, 40, 64). Shorter hex runs
// are too often words ("facade", "deadbeef" aside) to replace safely.
const LONG_HEX = /^(?=[^\d]*\d)[0-9a-f]{12,}$/i;
// Opaque tokens in URL-safe or standard base64: 16+ characters with a digit and either mixed case or
// no word separators. Hyphenated lower-case slugs ("release-notes-2024") stay readable.
const TOKEN = /^[A-Za-z0-9_+\-~.]{16,}={0,2}$/;
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

export function endpointName(method: string, url: string): string {
  const verb = method.trim().toUpperCase() || 'GET';
  return bounded(`${verb} ${endpointPath(url)}`);
}

/** The templated path of a URL or a bare path: "https://h/users/42?x=1" → "/users/{id}". */
export function endpointPath(url: string): string {
  let rest = url.trim();
  const scheme = SCHEME.exec(rest);
  if (scheme) {
    rest = rest.slice(scheme[0].length);
    // data:, blob:, about: and similar carry no route; their scheme alone names them.
    if (!rest.startsWith('//')) return `${scheme[1]?.toLowerCase()}:`;
  }
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const cut = firstOf(rest, ['?', '#'], 2);
    rest = slash === -1 || (cut !== -1 && cut < slash) ? '/' : rest.slice(slash);
  }
  const end = firstOf(rest, ['?', '#'], 0);
  if (end !== -1) rest = rest.slice(0, end);
  if (!rest.startsWith('/')) rest = `/${rest}`;
  const segments = rest.split('/').slice(1);
  const kept = segments.slice(0, MAX_SEGMENTS).map(templateSegment);
  const path = `/${kept.join('/')}${segments.length > MAX_SEGMENTS ? '/…' : ''}`;
  return bounded(path);
}

function templateSegment(segment: string): string {
  if (segment === '') return segment;
  // Matrix parameters and extensions ride on ids ("42.json", "42;v=2"): judge the part before them.
  const cut = segment.search(/[.;]/);
  const core = cut > 0 ? segment.slice(0, cut) : segment;
  const suffix = cut > 0 ? segment.slice(cut) : '';
  if (isId(core)) return `${ID_PLACEHOLDER}${suffix.startsWith(';') ? '' : suffix}`;
  if (isId(segment)) return ID_PLACEHOLDER;
  return segment;
}

function isId(text: string): boolean {
  if (DECIMAL.test(text) || UUID.test(text) || LONG_HEX.test(text)) return true;
  if (!TOKEN.test(text) || !/\d/.test(text)) return false;
  const mixedCase = /[a-z]/.test(text) && /[A-Z]/.test(text);
  return mixedCase || !/[-_.~]/.test(text);
}

function firstOf(text: string, chars: string[], from: number): number {
  let best = -1;
  for (const c of chars) {
    const at = text.indexOf(c, from);
    if (at !== -1 && (best === -1 || at < best)) best = at;
  }
  return best;
}

function bounded(name: string): string {
  return name.length > MAX_NAME_LENGTH ? `${name.slice(0, MAX_NAME_LENGTH - 1)}…` : name;
}
