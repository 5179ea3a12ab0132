import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatherError } from '../../../src/gather/gatherer.js';
import { describeServer, getJson, type HttpConnection } from '../../../src/gather/http/client.js';

// The HTTP client against a real local server: what each failure becomes, and that credentials
// never appear in an error.

const TOKEN = 'sekrit-token-4242';
let server: Server;
let base: string;
const hits = new Map<string, number>();
const seen: Array<{ url: string; auth?: string; tenant?: string; body: string }> = [];

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    seen.push({
      url: req.url ?? '',
      ...(req.headers.authorization ? { auth: req.headers.authorization } : {}),
      ...(req.headers['x-scope-orgid'] ? { tenant: String(req.headers['x-scope-orgid']) } : {}),
      body,
    });
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(value));
    };
    switch (url.pathname) {
      case '/ok':
        return json(200, { status: 'success', data: { q: url.searchParams.get('query') } });
      case '/prefix/api/v1/query':
        return json(200, { status: 'success', data: 'prefixed' });
      case '/auth':
        return req.headers.authorization === `Bearer ${TOKEN}`
          ? json(200, { ok: true })
          : json(401, { error: 'unauthorized' });
      case '/flaky':
        return (hits.get('/flaky') ?? 0) < 3
          ? json(503, { status: 'error', error: 'overloaded' }, { 'retry-after': '0' })
          : json(200, { ok: 'third time' });
      case '/throttled':
        return (hits.get('/throttled') ?? 0) < 3
          ? json(429, { status: 'error', error: 'too many requests' }, { 'retry-after': '0' })
          : json(200, { ok: 'after the limit' });
      case '/reset':
        // The connection dies before any answer: a crashed or restarting server.
        return req.socket.destroy();
      case '/bad-query':
        return json(400, {
          status: 'error',
          errorType: 'bad_data',
          error: 'parse error at char 5: unexpected "}"',
        });
      case '/always-500':
        return json(500, { status: 'error', error: 'internal' });
      case '/slow':
        // Never answers; the client's timeout must end the wait.
        return;
      case '/huge':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('[');
        for (let i = 0; i < 2000; i++) res.write(`${'"x".repeat(0)'}"${'y'.repeat(1000)}",`);
        return res.end('"z"]');
      case '/redirect':
        res.writeHead(302, { location: 'https://sso:pw-in-location@login.example/sso?session=abc123' });
        return res.end();
      case '/echo-auth':
        // A careless proxy that quotes the request's credentials back in its error.
        return json(400, {
          error: `bad request: authorization=${req.headers.authorization ?? ''} key=${req.headers['x-api-key'] ?? ''}`,
        });
      case '/declared-huge':
        // Declares 10 MB; the client must refuse on the header, before reading any body.
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10_000_000) });
        res.write('[');
        return;
      case '/html':
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<html><body>login</body></html>');
      default:
        return json(404, { error: 'no such path' });
    }
  });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function failure(connection: HttpConnection, path: string): Promise<GatherError> {
  try {
    await getJson(connection, path);
  } catch (error) {
    if (error instanceof GatherError) return error;
    throw error;
  }
  throw new Error('expected a GatherError');
}

describe('getJson', () => {
  it('sends the parameters, headers and token, and keeps a path prefix of the URL', async () => {
    expect(
      await getJson({ url: base, headers: { 'X-Scope-OrgID': 'shop' } }, '/ok', { query: 'up{job="a b"}' }),
    ).toEqual({
      status: 'success',
      data: { q: 'up{job="a b"}' },
    });
    expect(seen.at(-1)?.tenant).toBe('shop');
    expect(await getJson({ url: `${base}/prefix/` }, '/api/v1/query')).toMatchObject({ data: 'prefixed' });
    expect(await getJson({ url: base, bearerToken: TOKEN }, '/auth')).toEqual({ ok: true });
  });

  it('posts long queries as a form', async () => {
    await getJson({ url: base }, '/ok', { query: 'sum(rate(x[5m]))' }, { method: 'POST' });
    expect(seen.at(-1)).toMatchObject({ url: '/ok', body: 'query=sum%28rate%28x%5B5m%5D%29%29' });
  });

  it('turns user:password in the URL into basic auth and never shows either', async () => {
    const error = await failure({ url: base.replace('http://', 'http://admin:hunter2@') }, '/auth');
    expect(seen.at(-1)?.auth).toBe(`Basic ${Buffer.from('admin:hunter2').toString('base64')}`);
    expect(error.code).toBe('auth-failed');
    expect(error.message).not.toMatch(/admin|hunter2/);
  });

  it('codes a refused token as auth-failed without printing it', async () => {
    const error = await failure({ url: base, bearerToken: 'wrong-token-777' }, '/auth');
    expect(error.code).toBe('auth-failed');
    expect(error.message).toContain(`${base}/auth`);
    expect(error.message).not.toContain('wrong-token-777');
  });

  it('retries 5xx and 429 honouring Retry-After, then succeeds', async () => {
    expect(await getJson({ url: base, retries: 3 }, '/flaky')).toEqual({ ok: 'third time' });
    expect(hits.get('/flaky')).toBe(3);
  });

  it('retries 429 too, and codes a connection reset as connection-failed', async () => {
    expect(await getJson({ url: base, retries: 2 }, '/throttled')).toEqual({ ok: 'after the limit' });
    expect(hits.get('/throttled')).toBe(3);
    hits.delete('/reset');
    const reset = await failure({ url: base, retries: 1 }, '/reset');
    expect(reset).toMatchObject({
      code: 'connection-failed',
      message: expect.stringMatching(/\/reset: connection (reset|closed by the server)$/),
    });
    expect(hits.get('/reset')).toBe(2);
  });

  it('gives up after the retries with the server message', async () => {
    hits.delete('/always-500');
    const error = await failure({ url: base, retries: 1 }, '/always-500');
    expect(error).toMatchObject({ code: 'http-error', message: `${base}/always-500: HTTP 500: "internal"` });
    expect(hits.get('/always-500')).toBe(2);
  });

  it('does not retry a bad query and quotes the server error', async () => {
    hits.delete('/bad-query');
    const error = await failure({ url: base }, '/bad-query');
    expect(error.code).toBe('http-error');
    expect(error.message).toContain('parse error at char 5');
    expect(hits.get('/bad-query')).toBe(1);
  });

  it('codes timeouts, refused connections, huge and non-JSON answers', async () => {
    expect((await failure({ url: base, timeoutMs: 200, retries: 0 }, '/slow')).code).toBe('timeout');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await failure({ url: `http://127.0.0.1:${port}`, retries: 0 }, '/ok');
    expect(refused).toMatchObject({
      code: 'connection-failed',
      message: `http://127.0.0.1:${port}/ok: connection refused`,
    });
    expect((await failure({ url: base, maxResponseBytes: 100_000 }, '/huge')).code).toBe('too-large');
    expect((await failure({ url: base }, '/html')).message).toMatch(/not JSON \(it starts "<html>/);
  });

  it('does not follow redirects, and names the target without its credentials or query', async () => {
    const error = await failure({ url: base, bearerToken: TOKEN }, '/redirect');
    expect(error).toMatchObject({ code: 'http-error' });
    expect(error.message).toContain('HTTP 302, redirected to https://login.example/sso');
    expect(error.message).not.toMatch(/pw-in-location|abc123|sso:/);
    expect(hits.get('/sso')).toBeUndefined();
  });

  it('refuses an answer whose declared length is over the cap without reading it', async () => {
    const error = await failure(
      { url: base, maxResponseBytes: 1_000_000, timeoutMs: 2000 },
      '/declared-huge',
    );
    expect(error).toMatchObject({ code: 'too-large' });
    expect(error.message).toMatch(/larger than 976\.6 KiB/);
  });

  it('scrubs credentials a server echoes back in its error text', async () => {
    const connection = {
      url: base,
      bearerToken: 'echoed-token-31337',
      headers: { 'X-Api-Key': 'api-key-value-99', 'X-Scope-OrgID': 'shop' },
    };
    const error = await failure(connection, '/echo-auth');
    expect(error.code).toBe('http-error');
    expect(error.message).not.toContain('echoed-token-31337');
    expect(error.message).not.toContain('api-key-value-99');
    expect(error.message).toContain('bad request');
    const basic = await failure(
      { url: base, basicAuth: { username: 'ops', password: 'pa55-w0rd!' } },
      '/echo-auth',
    );
    expect(basic.message).not.toContain(Buffer.from('ops:pa55-w0rd!').toString('base64'));
  });

  it('describes a server without credentials or query', () => {
    expect(describeServer({ url: 'https://u:p@prom.example:9090/prefix/?token=x' })).toBe(
      'https://prom.example:9090/prefix',
    );
  });
});
