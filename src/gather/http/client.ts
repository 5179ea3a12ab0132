import { readFileSync } from 'node:fs';
import { Agent, errors, request } from 'undici';
import { GatherError } from '../gatherer.js';

// The one HTTP client of the Prometheus, Loki and Tempo sources: JSON over GET or POST, with
// authentication, custom headers, TLS options, a timeout, retries with backoff for what a retry
// can fix, and a cap on the response size. Errors are coded GatherErrors that name the server
// without its credentials; nothing here ever prints a token or a password.

export interface HttpConnection {
  /** Base URL, e.g. http://prometheus:9090 or https://example.com/prometheus (a path prefix is kept). */
  url: string;
  bearerToken?: string;
  basicAuth?: { username: string; password: string };
  /** Custom headers, e.g. X-Scope-OrgID for multi-tenant Mimir, Loki and Tempo. */
  headers?: Record<string, string>;
  tls?: { caFile?: string; certFile?: string; keyFile?: string; insecureSkipVerify?: boolean };
  /** Per request; default 30 s. */
  timeoutMs?: number;
  /** Retries after a timeout, a connection error, 429 or 5xx; default 2. */
  retries?: number;
  /** Larger responses fail with too-large; default 64 MiB. */
  maxResponseBytes?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_RETRIES = 2;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** First backoff; doubled per attempt with full jitter, so clients retrying together spread out. */
const BACKOFF_MS = 250;
/** A Retry-After longer than this is not waited for: the analysis should not hang on one source. */
const MAX_RETRY_AFTER_MS = 10_000;
/** Error bodies are quoted up to this length: enough for Prometheus' or Loki's message. */
const MAX_ERROR_TEXT = 300;

/** The server as it may be shown: no user, password or query string. */
export function describeServer(connection: Pick<HttpConnection, 'url'>): string {
  try {
    const url = new URL(connection.url);
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return '(an invalid URL)';
  }
}

const agents = new Map<string, Agent>();

function agentFor(connection: HttpConnection): Agent {
  const tls = connection.tls ?? {};
  const key = JSON.stringify(tls);
  const known = agents.get(key);
  if (known) return known;
  const read = (path: string | undefined, what: string) => {
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch {
      throw new GatherError(
        'unreadable',
        `${describeServer(connection)}: the TLS ${what} ${path} cannot be read`,
      );
    }
  };
  const ca = read(tls.caFile, 'CA file');
  const cert = read(tls.certFile, 'certificate file');
  const keyFile = read(tls.keyFile, 'key file');
  const agent = new Agent({
    connect: {
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(keyFile ? { key: keyFile } : {}),
      ...(tls.insecureSkipVerify ? { rejectUnauthorized: false } : {}),
    },
  });
  agents.set(key, agent);
  return agent;
}

/**
 * GETs (or POSTs as a form, for long PromQL) `path` under the connection's URL and parses JSON.
 * Retries what a retry can fix; throws a GatherError for everything else.
 */
export async function getJson(
  connection: HttpConnection,
  path: string,
  params?: URLSearchParams | Record<string, string>,
  options: { method?: 'GET' | 'POST' } = {},
): Promise<unknown> {
  const server = describeServer(connection);
  let base: URL;
  try {
    base = new URL(connection.url);
  } catch {
    throw new GatherError('connection-failed', `${server}: not a valid URL`);
  }
  // user:password in the URL is basic auth; it is taken out of the URL so it is never shown.
  const fromUrl = base.username
    ? { username: decodeURIComponent(base.username), password: decodeURIComponent(base.password) }
    : undefined;
  base.username = '';
  base.password = '';
  const url = new URL(`${base.pathname.replace(/\/$/, '')}${path}`, base);
  const query = params instanceof URLSearchParams ? params : new URLSearchParams(params ?? {});
  const method = options.method ?? 'GET';
  if (method === 'GET') for (const [k, v] of query) url.searchParams.append(k, v);
  const headers: Record<string, string> = { accept: 'application/json', ...(connection.headers ?? {}) };
  if (connection.bearerToken) headers.authorization = `Bearer ${connection.bearerToken}`;
  else if (connection.basicAuth ?? fromUrl) {
    const { username, password } = (connection.basicAuth ?? fromUrl) as {
      username: string;
      password: string;
    };
    headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  if (method === 'POST') headers['content-type'] = 'application/x-www-form-urlencoded';
  const where = `${server}${path}`;
  const retries = connection.retries ?? DEFAULT_RETRIES;
  let attempt = 0;
  for (;;) {
    try {
      return await once(
        connection,
        url,
        method,
        headers,
        method === 'POST' ? query.toString() : undefined,
        where,
      );
    } catch (error) {
      const retry = error instanceof Retryable ? error : undefined;
      if (!retry || attempt >= retries) throw retry ? retry.final : error;
      const backoff = retry.afterMs ?? Math.random() * BACKOFF_MS * 2 ** attempt;
      await new Promise((resolve) => setTimeout(resolve, backoff));
      attempt++;
    }
  }
}

/** A failure a later attempt may not have; carries the error to throw when attempts run out. */
class Retryable extends Error {
  constructor(
    readonly final: GatherError,
    readonly afterMs?: number,
  ) {
    super(final.message);
  }
}

async function once(
  connection: HttpConnection,
  url: URL,
  method: 'GET' | 'POST',
  headers: Record<string, string>,
  body: string | undefined,
  where: string,
): Promise<unknown> {
  const timeoutMs = connection.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const limit = connection.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  let response: Awaited<ReturnType<typeof request>>;
  try {
    response = await request(url, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      dispatcher: agentFor(connection),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw connectionError(error, where, timeoutMs);
  }
  let text: string;
  try {
    text = await readLimited(response.body, limit, where);
  } catch (error) {
    if (error instanceof GatherError) throw error;
    throw connectionError(error, where, timeoutMs);
  }
  const status = response.statusCode;
  if (status === 401 || status === 403) {
    throw new GatherError(
      'auth-failed',
      `${where}: the server refused the credentials (HTTP ${status}); check the token, user or tenant header`,
    );
  }
  if (status >= 400) {
    const error = new GatherError('http-error', `${where}: HTTP ${status}${serverMessage(text)}`);
    if (status === 429 || status >= 500)
      throw new Retryable(error, retryAfter(response.headers['retry-after']));
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new GatherError(
      'parse-error',
      `${where}: the answer is not JSON (it starts ${quote(text.slice(0, 60))})`,
    );
  }
}

async function readLimited(
  body: AsyncIterable<Buffer | string>,
  limit: number,
  where: string,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > limit) {
      // Stop reading: the rest is never buffered.
      (body as { destroy?: () => void }).destroy?.();
      throw new GatherError(
        'too-large',
        `${where}: the answer is larger than ${Math.round(limit / 1024 / 1024)} MiB; narrow the window or raise maxResponseBytes`,
      );
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function connectionError(error: unknown, where: string, timeoutMs: number): Error {
  const code =
    (error as { code?: string; cause?: { code?: string } }).code ??
    (error as { cause?: { code?: string } }).cause?.code;
  const name = (error as { name?: string }).name;
  if (
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.BodyTimeoutError ||
    error instanceof errors.ConnectTimeoutError ||
    name === 'TimeoutError' ||
    name === 'AbortError'
  ) {
    return new Retryable(new GatherError('timeout', `${where}: no answer within ${timeoutMs / 1000} s`));
  }
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host lookup failed (temporary)',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    UND_ERR_SOCKET: 'connection closed by the server',
  };
  if (code && reasons[code])
    return new Retryable(new GatherError('connection-failed', `${where}: ${reasons[code]}`));
  if (code && /CERT|SSL|TLS/.test(code)) {
    return new GatherError(
      'connection-failed',
      `${where}: TLS failed (${code}); check tls.caFile or the certificate`,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new GatherError('connection-failed', `${where}: ${message.replace(/\/\/[^@/\s]*@/g, '//')}`);
}

function retryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const seconds = Number(text);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(text) - Date.now();
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : undefined;
}

/** The error text servers put in their JSON (Prometheus, Loki: `error`; Tempo: plain text). */
function serverMessage(text: string): string {
  let message = text.trim();
  try {
    const parsed = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (typeof parsed.error === 'string') message = parsed.error;
    else if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // Not JSON: the body is the message.
  }
  if (!message) return '';
  return `: ${quote(message.length > MAX_ERROR_TEXT ? `${message.slice(0, MAX_ERROR_TEXT)}…` : message)}`;
}

function quote(text: string): string {
  return JSON.stringify(text.replace(/\s+/g, ' '));
}
