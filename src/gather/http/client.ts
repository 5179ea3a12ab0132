import { readFileSync } from 'node:fs';
import { Agent, errors, request } from 'undici';
import { maskSecrets } from '../../core/mask.js';
import { GatherError } from '../gatherer.js';

// The one HTTP client of the Prometheus, Loki and Tempo sources: JSON over GET or POST, with
// authentication, custom headers, TLS options, a timeout, retries with backoff for what a retry
// can fix, and a cap on the response size. Errors are coded GatherErrors that name the server
// without its credentials; every message is scrubbed of the connection's secrets before it leaves.

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
/** Custom headers whose values are credentials (API keys, session cookies) and are never shown. */
const SECRET_HEADER = /auth|token|key|secret|cookie|session|password/i;

/** The server as it may be shown: no user, password, query string or fragment. */
export function describeServer(connection: Pick<HttpConnection, 'url'>): string {
  try {
    return withoutSecrets(new URL(connection.url)).replace(/\/$/, '');
  } catch {
    return '(an invalid URL)';
  }
}

function withoutSecrets(url: URL): string {
  const copy = new URL(url.toString());
  copy.username = '';
  copy.password = '';
  copy.search = '';
  copy.hash = '';
  return copy.toString();
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
  const secrets = secretsOf(connection);
  try {
    const plan = planRequest(connection, path, params, options.method ?? 'GET');
    return await withRetries(connection.retries ?? DEFAULT_RETRIES, () => once(connection, plan));
  } catch (error) {
    if (error instanceof GatherError) throw new GatherError(error.code, scrub(error.message, secrets));
    throw error;
  }
}

interface RequestPlan {
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** The server and path as shown in messages. */
  where: string;
}

function planRequest(
  connection: HttpConnection,
  path: string,
  params: URLSearchParams | Record<string, string> | undefined,
  method: 'GET' | 'POST',
): RequestPlan {
  const server = describeServer(connection);
  let base: URL;
  try {
    base = new URL(connection.url);
  } catch {
    throw new GatherError('connection-failed', `${server}: not a valid URL; expected e.g. http://host:9090`);
  }
  const url = new URL(`${base.pathname.replace(/\/$/, '')}${path}`, base);
  url.username = '';
  url.password = '';
  const query = params instanceof URLSearchParams ? params : new URLSearchParams(params ?? {});
  if (method === 'GET') for (const [k, v] of query) url.searchParams.append(k, v);
  const headers: Record<string, string> = { accept: 'application/json', ...(connection.headers ?? {}) };
  const authorization = authorizationOf(connection, base);
  if (authorization) headers.authorization = authorization;
  if (method === 'POST') headers['content-type'] = 'application/x-www-form-urlencoded';
  return {
    url,
    method,
    headers,
    ...(method === 'POST' ? { body: query.toString() } : {}),
    where: `${server}${path}`,
  };
}

/** Bearer token, else basic auth, else user:password in the URL (taken out of it, never shown). */
function authorizationOf(connection: HttpConnection, base: URL): string | undefined {
  if (connection.bearerToken) return `Bearer ${connection.bearerToken}`;
  const basic =
    connection.basicAuth ??
    (base.username
      ? { username: decodeURIComponent(base.username), password: decodeURIComponent(base.password) }
      : undefined);
  if (!basic) return undefined;
  return `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`;
}

/** Every credential of the connection, as it could appear in text (plain and URL-encoded). */
function secretsOf(connection: HttpConnection): string[] {
  const found: string[] = [];
  if (connection.bearerToken) found.push(connection.bearerToken);
  if (connection.basicAuth) found.push(connection.basicAuth.password);
  try {
    const url = new URL(connection.url);
    if (url.password) found.push(url.password, decodeURIComponent(url.password));
    if (url.username) found.push(`${url.username}:`, `${decodeURIComponent(url.username)}:`);
  } catch {
    // An invalid URL has no credentials to find; its message does not quote it.
  }
  for (const [name, value] of Object.entries(connection.headers ?? {}))
    if (SECRET_HEADER.test(name)) found.push(value);
  // Longest first, so a secret that contains another is removed whole.
  return [...new Set(found.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
}

function scrub(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) out = out.split(secret).join('***');
  return maskSecrets(out);
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

async function withRetries<T>(retries: number, attempt: () => Promise<T>): Promise<T> {
  for (let done = 0; ; done++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof Retryable)) throw error;
      if (done >= retries) throw error.final;
      // Full jitter: a random wait up to the doubled backoff, unless the server said how long.
      const wait = error.afterMs ?? Math.random() * BACKOFF_MS * 2 ** done;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

async function once(connection: HttpConnection, plan: RequestPlan): Promise<unknown> {
  const timeoutMs = connection.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const limit = connection.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  let response: Awaited<ReturnType<typeof request>>;
  try {
    response = await request(plan.url, {
      method: plan.method,
      headers: plan.headers,
      ...(plan.body !== undefined ? { body: plan.body } : {}),
      dispatcher: agentFor(connection),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw connectionError(error, plan.where, timeoutMs);
  }
  const status = response.statusCode;
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    discard(response.body);
    throw tooLarge(plan.where, limit);
  }
  if (status >= 300 && status < 400) {
    discard(response.body);
    throw redirected(plan, status, response.headers.location);
  }
  let text: string;
  try {
    text = await readLimited(response.body, limit, plan.where);
  } catch (error) {
    if (error instanceof GatherError) throw error;
    throw connectionError(error, plan.where, timeoutMs);
  }
  if (status >= 400) throw statusError(plan.where, status, text, response.headers['retry-after']);
  return parseJson(text, plan.where);
}

/** Drops a body that will not be read; the abort this causes is expected, not an error. */
function discard(body: { on(event: 'error', listener: () => void): unknown; destroy(): unknown }): void {
  body.on('error', () => {});
  body.destroy();
}

function statusError(
  where: string,
  status: number,
  text: string,
  retryAfterHeader: string | string[] | undefined,
): Error {
  if (status === 401 || status === 403) {
    return new GatherError(
      'auth-failed',
      `${where}: the server refused the credentials (HTTP ${status}); check the token, user or tenant header`,
    );
  }
  const error = new GatherError('http-error', `${where}: HTTP ${status}${serverMessage(text)}`);
  if (status === 429 || status >= 500) return new Retryable(error, retryAfter(retryAfterHeader));
  return error;
}

/**
 * Redirects are not followed: a redirect usually lands on a login page, and following one would
 * send the credentials to another host. The user is told where it points, without its query.
 */
function redirected(plan: RequestPlan, status: number, location: string | string[] | undefined): GatherError {
  const target = Array.isArray(location) ? location[0] : location;
  let shown = '';
  try {
    if (target) shown = ` to ${withoutSecrets(new URL(target, plan.url))}`;
  } catch {
    // An unreadable Location is not quoted.
  }
  return new GatherError(
    'http-error',
    `${plan.where}: HTTP ${status}, redirected${shown}; expected a JSON answer, so give the URL the server redirects to (or the API's base URL behind a login proxy)`,
  );
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new GatherError(
      'parse-error',
      `${where}: the answer is not JSON (it starts ${quote(text.slice(0, 60))}); expected the server's JSON API`,
    );
  }
}

async function readLimited(
  body: AsyncIterable<Buffer | string> & { destroy?: () => void },
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
      body.destroy?.();
      throw tooLarge(where, limit);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(where: string, limit: number): GatherError {
  return new GatherError(
    'too-large',
    `${where}: the answer is larger than ${formatBytes(limit)}; narrow the window or the query, or raise maxResponseBytes`,
  );
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KiB`;
  return `${bytes} bytes`;
}

const CONNECTION_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed (temporary)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed while sending',
  UND_ERR_SOCKET: 'connection closed by the server',
};

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
  const reason = code ? CONNECTION_REASONS[code] : undefined;
  if (reason) return new Retryable(new GatherError('connection-failed', `${where}: ${reason}`));
  if (code && /CERT|SSL|TLS/.test(code)) {
    return new GatherError(
      'connection-failed',
      `${where}: TLS failed (${code}); check tls.caFile, the certificate, or tls.insecureSkipVerify`,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new GatherError('connection-failed', `${where}: ${message}`);
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

const agents = new Map<string, Agent>();

/** One connection pool per TLS setup, shared by every request that uses it. */
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
        `${describeServer(connection)}: the TLS ${what} ${path} cannot be read; expected a PEM file`,
      );
    }
  };
  const ca = read(tls.caFile, 'CA file');
  const cert = read(tls.certFile, 'certificate file');
  const key_ = read(tls.keyFile, 'key file');
  const agent = new Agent({
    connect: {
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key_ ? { key: key_ } : {}),
      ...(tls.insecureSkipVerify ? { rejectUnauthorized: false } : {}),
    },
  });
  agents.set(key, agent);
  return agent;
}
