// Masks credentials in text that Faultline copies from evidence into its bundle and reports:
// failure messages, endpoint names, URLs. What is masked never reaches a file, a terminal or a
// remote service. The patterns are the forms credentials take in load-test and log output.

export const MASK = '***';

const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // Authorization headers and bearer tokens: "Authorization: Basic dXNlcjpwYXNz", "Bearer eyJ…".
  [
    /\b(authorization|proxy-authorization)(\s*[:=]\s*)(?:(basic|bearer|digest|token)\s+)?[^\s,;"']+/gi,
    `$1$2$3 ${MASK}`,
  ],
  [/\b(bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${MASK}`],
  // JSON Web Tokens anywhere.
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, MASK],
  // user:password@ in URLs.
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi, `$1${MASK}@`],
  // key=value and "key": "value" pairs whose key names a secret.
  [
    /\b((?:[a-z0-9_-]*?)(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|session[_-]?id|client[_-]?secret|signature|sig|auth))(["']?\s*[:=]\s*["']?)[^\s&,;"'}]+/gi,
    `$1$2${MASK}`,
  ],
  // Cloud access key ids.
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, MASK],
];

export function maskSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
