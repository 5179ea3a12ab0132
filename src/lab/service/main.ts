import { pbkdf2Sync } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Redis } from 'ioredis';
import { AckPolicy, connect, StorageType, StringCodec } from 'nats';
import pg from 'pg';
import { Agent } from 'undici';
import type { ServiceConfig } from '../types.js';
import { DEFAULT_SWITCHES, parseSwitches, type Switches } from './faults.js';
import { log, metrics, registry, type SpanContext, tracer } from './telemetry.js';

// The fault lab's target service: a small shop API in front of PostgreSQL, Redis and NATS that
// calls a payments dependency over HTTP. Its routes have different shapes — a cache-aside read, an
// indexed search, a write transaction that publishes a message, a page built from several queries,
// and a call to a dependency with timeout, retries and a circuit breaker — so that each fault has a
// path to hurt. It runs as its own process; the lab turns faults on through POST /lab/faults.

const config = JSON.parse(process.env.FAULTLINE_LAB_SERVICE ?? '{}') as ServiceConfig;
let switches: Switches = { ...DEFAULT_SWITCHES };
let downstreamOverride = '';

const pool = new pg.Pool({
  connectionString: config.postgresUrl,
  max: config.poolMax,
  // A checkout that waits a second has waited too long for a request that should take milliseconds.
  connectionTimeoutMillis: 1000,
});
// The cache: one Redis, or several shards that keys are spread over by hash (client-side sharding).
const shards = (config.redisUrls ?? [config.redisUrl]).map((url) => {
  const client = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  client.on('error', (error) => log('error', 'redis connection error', { error: error.message }));
  return client;
});
/** FNV-1a of the key picks its shard, as client-side sharding does. */
function shardOf(key: string): Redis {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return shards[(h >>> 0) % shards.length] as Redis;
}
const nats = await connect({ servers: config.natsUrl, name: 'lab-shop' });
const codec = StringCodec();
// Orders go to a JetStream stream read by a durable pull consumer, the order worker: the server
// keeps what is published and not yet acknowledged, and its monitoring endpoint reports the backlog.
const ORDERS_STREAM = 'FLAB_ORDERS';
const ORDER_WORKER = 'order-worker';
const jsm = await nats.jetstreamManager();
await jsm.streams.add({ name: ORDERS_STREAM, subjects: ['flab.orders'], storage: StorageType.Memory });
await jsm.consumers.add(ORDERS_STREAM, { durable_name: ORDER_WORKER, ack_policy: AckPolicy.Explicit });
const jetstream = nats.jetstream();
const tlsAgent = config.downstreamCa
  ? new Agent({ connect: { ca: readFileSync(config.downstreamCa) } })
  : undefined;

metrics.poolMax.set(config.poolMax);
setInterval(() => {
  metrics.poolCount.set({ db_client_connection_state: 'used' }, pool.totalCount - pool.idleCount);
  metrics.poolCount.set({ db_client_connection_state: 'idle' }, pool.idleCount);
  metrics.poolPending.set(pool.waitingCount);
}, 250).unref();

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------
// Data.

async function seed(): Promise<void> {
  await pool.query(`
    CREATE TABLE IF NOT EXISTS lab_products (
      id int PRIMARY KEY, category int NOT NULL, name text NOT NULL, price numeric(10,2) NOT NULL,
      stock int NOT NULL, description text NOT NULL);
    CREATE TABLE IF NOT EXISTS lab_orders (id bigserial PRIMARY KEY, product_id int NOT NULL,
      quantity int NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE IF NOT EXISTS lab_order_items (order_id bigint NOT NULL, product_id int NOT NULL);
    CREATE TABLE IF NOT EXISTS lab_counters (id int PRIMARY KEY, n bigint NOT NULL);
    INSERT INTO lab_counters VALUES (1, 0) ON CONFLICT DO NOTHING;`);
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM lab_products');
  if (Number(rows[0]?.n) < config.products) {
    await pool.query('TRUNCATE lab_products');
    await pool.query(
      `INSERT INTO lab_products
       SELECT g, g % 500, 'product ' || g, (g % 997) / 10.0 + 1, 1000000, repeat(md5(g::text), 8)
       FROM generate_series(1, $1) AS g`,
      [config.products],
    );
  }
  await pool.query('CREATE INDEX IF NOT EXISTS lab_products_category_idx ON lab_products (category, price)');
  // The order-items page reads the items of one order: indexed, as a foreign key of a real schema is.
  await pool.query('CREATE INDEX IF NOT EXISTS lab_order_items_order_idx ON lab_order_items (order_id)');
  // Fresh statistics for every table, so the planner's first plans are the steady ones: a healthy
  // run must not start with a sequential scan that autovacuum's first ANALYZE later fixes.
  await pool.query('ANALYZE lab_products, lab_orders, lab_order_items, lab_counters');
}

async function query<T extends pg.QueryResultRow>(
  span: SpanContext,
  sql: string,
  params: unknown[] = [],
  held?: pg.PoolClient,
): Promise<pg.QueryResult<T>> {
  // A statement outside a transaction checks a connection out for itself, as pool.query does.
  const client = held ?? (await checkout(span));
  // Named as OpenTelemetry's database conventions name client spans: the operation, then the database.
  const operation = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'QUERY';
  const s = tracer.start(`${operation} lab`, 3, span, {
    'db.system': 'postgresql',
    'db.statement': sql.slice(0, 200),
  });
  try {
    const result = await client.query<T>(sql, params);
    tracer.end(s);
    return result;
  } catch (error) {
    tracer.end(s, (error as Error).message);
    throw error;
  } finally {
    if (!held) client.release();
  }
}

/**
 * A connection from the pool, in a `pg-pool.connect` span as OpenTelemetry's node-postgres
 * instrumentation records it: the wait for a free connection is its own span, not query time.
 */
async function checkout(span: SpanContext): Promise<pg.PoolClient> {
  const s = tracer.start('pg-pool.connect', 3, span, { 'db.system': 'postgresql' });
  try {
    const client = await pool.connect();
    tracer.end(s);
    return client;
  } catch (error) {
    tracer.end(s, (error as Error).message);
    if (/timeout exceeded when trying to connect/.test((error as Error).message)) metrics.poolTimeouts.inc();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Cache.

const TTL_MS = 30_000;
const leaked: Buffer[] = [];
const leakedFds: number[] = [];

async function cached(span: SpanContext, key: string, load: () => Promise<unknown>): Promise<unknown> {
  // Single flight: while a key is being loaded, its readers wait for that load instead of missing.
  const loading = switches.coalesceMisses ? inflight.get(key) : undefined;
  if (loading) return loading;
  const s = tracer.start('GET', 3, span, { 'db.system': 'redis' });
  let hit: string | null = null;
  try {
    hit = await shardOf(key).get(key);
    tracer.end(s);
  } catch (error) {
    tracer.end(s, (error as Error).message);
    log('warn', 'cache read failed', { key, error: (error as Error).message });
  }
  if (hit !== null) {
    metrics.cache.inc({ result: 'hit' });
    return JSON.parse(hit);
  }
  metrics.cache.inc({ result: 'miss' });
  if (!switches.coalesceMisses) return fill(key, await load());
  const first = load().then((value) => fill(key, value));
  inflight.set(key, first);
  void first.finally(() => inflight.delete(key)).catch(() => undefined);
  return first;
}

const inflight = new Map<string, Promise<unknown>>();

/** Stores a loaded value in the cache, with the TTL of the current switches; returns it. */
async function fill(key: string, value: unknown): Promise<unknown> {
  if (value === undefined) return undefined;
  // Staggered TTLs unless the fault fixes them (at the staggered mean, so the cache holds as many
  // keys): a hot key then expires at a fixed period, and all its readers miss together.
  const ttl = switches.fixedTtl ? 1.5 * TTL_MS : TTL_MS + Math.floor(Math.random() * TTL_MS);
  try {
    await shardOf(key).set(key, JSON.stringify(value), 'PX', ttl);
  } catch (error) {
    log('error', 'cache write failed', { key, error: (error as Error).message });
  }
  return value;
}

/** The catalog origin: the slow tier a miss also reads (stock and media live there). */
async function fromOrigin(span: SpanContext, id: number): Promise<void> {
  const base = config.downstream;
  const s = tracer.start('GET /catalog/:id', 3, span, { 'server.address': new URL(base).host });
  try {
    const response = await fetch(`${base}/catalog/${id}?delay=${switches.missPathMs}`, {
      signal: AbortSignal.timeout(5000),
    });
    await response.arrayBuffer();
    tracer.end(s, undefined, { 'http.response.status_code': response.status });
  } catch (error) {
    tracer.end(s, (error as Error).message);
  }
}

// ---------------------------------------------------------------------------------------------
// Orders and their consumer.

let published = 0;
let processed = 0;
let stopping = false;

/** The order worker: fetches batches of up to 200 orders, each costing a little work, and acknowledges them. */
async function consumeOrders(): Promise<void> {
  const consumer = await jetstream.consumers.get(ORDERS_STREAM, ORDER_WORKER);
  while (!stopping) {
    if (switches.consumerStalled) {
      // A stalled worker: connected, fetching nothing, while orders keep arriving.
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    try {
      const batch = await consumer.fetch({ max_messages: 200, expires: 1000 });
      for await (const message of batch) {
        JSON.parse(codec.decode(message.data));
        message.ack();
        processed++;
      }
    } catch (error) {
      if (!stopping) log('warn', 'order fetch failed', { error: (error as Error).message });
    }
    metrics.queuePending.set(published - processed);
  }
}
setInterval(() => metrics.queuePending.set(published - processed), 250).unref();

async function placeOrder(span: SpanContext, productId: number): Promise<unknown> {
  const client = await checkout(span);
  try {
    await query(span, 'BEGIN', [], client);
    const { rows } = await query<{ id: string }>(
      span,
      'INSERT INTO lab_orders (product_id, quantity) VALUES ($1, 1) RETURNING id',
      [productId],
      client,
    );
    if (switches.lockOrderInversion) {
      // Two rows of a set of twenty, locked in whatever order the request came with: concurrent
      // orders that pick the same pair in opposite orders deadlock now and then.
      const a = 1 + Math.floor(Math.random() * 20);
      const b = 1 + ((a + Math.floor(Math.random() * 19)) % 20);
      await query(span, 'UPDATE lab_products SET stock = stock - 1 WHERE id = $1', [a], client);
      await query(span, 'SELECT pg_sleep(0.02)', [], client);
      await query(span, 'UPDATE lab_products SET stock = stock - 1 WHERE id = $1', [b], client);
    } else await query(span, 'UPDATE lab_products SET stock = stock - 1 WHERE id = $1', [productId], client);
    if (switches.hotRowHoldMs > 0) {
      // The order number comes from one counter row, locked for the rest of the transaction.
      await query(span, 'SELECT n FROM lab_counters WHERE id = 1 FOR UPDATE', [], client);
      await query(span, 'SELECT pg_sleep($1)', [switches.hotRowHoldMs / 1000], client);
      await query(span, 'UPDATE lab_counters SET n = n + 1 WHERE id = 1', [], client);
    }
    if (switches.holdConnectionMs > 0)
      await query(span, 'SELECT pg_sleep($1)', [switches.holdConnectionMs / 1000], client);
    await query(
      span,
      'INSERT INTO lab_order_items SELECT $1, $2 FROM generate_series(1, 20)',
      [rows[0]?.id, productId],
      client,
    );
    await query(span, 'COMMIT', [], client);
    await jetstream.publish('flab.orders', codec.encode(JSON.stringify({ order: rows[0]?.id, productId })));
    published++;
    return { order: rows[0]?.id };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

// ---------------------------------------------------------------------------------------------
// The payments dependency: timeout, retries, circuit breaker.

let consecutiveFailures = 0;
let openUntil = 0;

async function callPayments(span: SpanContext): Promise<unknown> {
  const target = downstreamOverride || config.downstream;
  const peer = new URL(target).host;
  if (switches.breakerThreshold > 0 && Date.now() < openUntil) {
    metrics.dependency.observe({ peer, outcome: 'short-circuited' }, 0);
    throw new HttpError(503, `CircuitBreaker 'payments' is OPEN and does not permit further calls`);
  }
  let lastError: Error | undefined;
  for (let attempt = 0; attempt <= switches.retries; attempt++) {
    const s = tracer.start('POST /pay', 3, span, {
      'peer.service': 'payments',
      'server.address': peer,
      'http.request.resend_count': attempt,
    });
    const started = process.hrtime.bigint();
    try {
      const response = await fetch(`${target}/pay`, {
        method: 'POST',
        signal: AbortSignal.timeout(switches.downstreamTimeoutMs),
        ...(tlsAgent && target.startsWith('https:') ? { dispatcher: tlsAgent } : {}),
      } as RequestInit);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      tracer.end(s, response.status >= 500 ? `HTTP ${response.status}` : undefined, {
        'http.response.status_code': response.status,
      });
      if (response.status >= 500)
        throw new HttpError(502, `payments answered ${response.status} ${response.statusText}`);
      metrics.dependency.observe({ peer, outcome: 'ok' }, seconds);
      consecutiveFailures = 0;
      metrics.breakerOpen.set({ peer: 'payments' }, 0);
      return await response.json();
    } catch (error) {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      lastError = describeFetchError(error as Error);
      if (!(error instanceof HttpError)) tracer.end(s, lastError.message);
      metrics.dependency.observe({ peer, outcome: 'error' }, seconds);
      log('warn', 'payments call failed', { attempt, error: lastError.message });
    }
  }
  consecutiveFailures++;
  if (switches.breakerThreshold > 0 && consecutiveFailures >= switches.breakerThreshold) {
    // Open for five seconds, then let one call through to probe.
    openUntil = Date.now() + 5000;
    metrics.breakerOpen.set({ peer: 'payments' }, 1);
    log('warn', `CircuitBreaker 'payments' changed state from CLOSED to OPEN`, {
      failures: consecutiveFailures,
    });
  }
  const timedOut = lastError?.name === 'TimeoutError';
  throw new HttpError(timedOut ? 504 : 502, lastError?.message ?? 'payments call failed');
}

/** fetch hides the socket error in `cause`: bring the real message (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED) forward. */
function describeFetchError(error: Error): Error {
  if (error instanceof HttpError) return error;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (error.name === 'TimeoutError')
    return Object.assign(new Error('payments call timed out: The operation was aborted due to timeout'), {
      name: 'TimeoutError',
    });
  return new Error(
    cause?.message
      ? `${error.message}: ${cause.message}${cause.code ? ` (${cause.code})` : ''}`
      : error.message,
  );
}

// ---------------------------------------------------------------------------------------------
// HTTP.

let windowStart = 0;
let admitted = 0;

function admit(): boolean {
  if (switches.rateLimit <= 0) return true;
  const second = Math.floor(Date.now() / 1000);
  if (second !== windowStart) {
    windowStart = second;
    admitted = 0;
  }
  return ++admitted <= switches.rateLimit;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function control(req: IncomingMessage): Promise<unknown> {
  if (req.method === 'DELETE') {
    switches = { ...DEFAULT_SWITCHES };
    downstreamOverride = '';
    for (const fd of leakedFds.splice(0)) closeSync(fd);
    await pool.query(
      'CREATE INDEX IF NOT EXISTS lab_products_category_idx ON lab_products (category, price)',
    );
    return { switches };
  }
  const body = (await readBody(req)) as Record<string, unknown>;
  const { dropSearchIndex, downstream, ...rest } = body;
  if (dropSearchIndex === true) await pool.query('DROP INDEX IF EXISTS lab_products_category_idx');
  if (typeof downstream === 'string') downstreamOverride = downstream;
  switches = { ...switches, ...parseSwitches(rest) };
  log('info', 'fault switches changed', { switches, downstream: downstreamOverride || undefined });
  return { switches };
}

/** The route template of a path, known before the handler runs (errors are counted under it too). */
function routeOf(url: string): string {
  const path = url.split('?')[0] ?? '/';
  if (/^\/api\/products\/[^/]+$/.test(path)) return '/api/products/:id';
  if (/^\/api\/orders\/[^/]+\/items$/.test(path)) return '/api/orders/:id/items';
  if (['/api/search', '/api/orders', '/api/quote', '/health'].includes(path)) return path;
  return 'unknown';
}

/**
 * Routes initialise lazily, as many services do: the first request of a route builds what it needs
 * (here a key derivation of about a quarter second on the event loop, standing in for loading
 * configuration, compiling templates and creating clients). A warmed-up process has paid for it;
 * a freshly started one makes its first callers wait.
 */
const initialised = new Set<string>();
function initialiseRoute(name: string): void {
  if (initialised.has(name)) return;
  initialised.add(name);
  pbkdf2Sync(name, 'faultline-lab', 300_000, 64, 'sha512');
}

async function route(req: IncomingMessage, span: SpanContext): Promise<unknown> {
  initialiseRoute(routeOf(req.url ?? '/'));
  const url = new URL(req.url ?? '/', 'http://lab');
  const parts = url.pathname.split('/').filter(Boolean);
  if (switches.leakKiB > 0) leaked.push(Buffer.alloc(switches.leakKiB * 1024, 1));
  if (parts[0] === 'api' && parts[1] === 'products' && parts[2] && parts.length === 3) {
    const id = Number(parts[2]);
    for (let i = 0; i < switches.leakFds; i++) leakedFds.push(openSync('/dev/null', 'r'));
    const product = await cached(span, `flab:product:${id}`, async () => {
      const { rows } = await query(span, 'SELECT * FROM lab_products WHERE id = $1', [id]);
      if (switches.missPathMs > 0 && rows[0]) await fromOrigin(span, id);
      return rows[0];
    });
    if (!product) throw new HttpError(404, `product ${id} not found`);
    if (switches.payloadKiB > 0) return { ...product, reviews: 'r'.repeat(switches.payloadKiB * 1024) };
    return product;
  }
  if (parts[0] === 'api' && parts[1] === 'search') {
    const category = Number(url.searchParams.get('category') ?? '1');
    const { rows } = await query(
      span,
      'SELECT id, name, price FROM lab_products WHERE category = $1 ORDER BY price LIMIT 20',
      [category],
    );
    return rows;
  }
  if (parts[0] === 'api' && parts[1] === 'orders' && req.method === 'POST') {
    const body = (await readBody(req)) as { productId?: number };
    return await placeOrder(span, Number(body.productId ?? 1));
  }
  if (parts[0] === 'api' && parts[1] === 'orders' && parts[3] === 'items') {
    const { rows } = await query<{ product_id: number }>(
      span,
      'SELECT product_id FROM lab_order_items WHERE order_id = (SELECT max(id) FROM lab_orders) LIMIT 20',
    );
    if (!switches.nPlusOne)
      return (
        await query(span, 'SELECT id, name FROM lab_products WHERE id = ANY($1)', [
          rows.map((r) => r.product_id),
        ])
      ).rows;
    const items = [];
    // One query per item: the N+1 pattern an ORM's lazy loading produces.
    for (const row of rows)
      items.push(
        (await query(span, 'SELECT id, name FROM lab_products WHERE id = $1', [row.product_id])).rows[0],
      );
    return items;
  }
  if (parts[0] === 'api' && parts[1] === 'quote') return await callPayments(span);
  if (parts[0] === 'health') return { ok: true };
  throw new HttpError(404, 'no such route');
}

const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
  if (req.url === '/metrics') {
    res.writeHead(200, { 'content-type': registry.contentType });
    res.end(await registry.metrics());
    return;
  }
  if (req.url === '/lab/faults') {
    try {
      const result = await control(req);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(result));
    } catch (error) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: (error as Error).message }));
    }
    return;
  }
  const started = process.hrtime.bigint();
  // Server spans are named by method and route template, as OpenTelemetry's HTTP instrumentation names them.
  const routeName = routeOf(req.url ?? '/');
  const span = tracer.start(`${req.method} ${routeName}`, 2, undefined, {
    'http.request.method': req.method ?? 'GET',
    'url.path': req.url?.split('?')[0] ?? '/',
  });
  let status = 200;
  let body: unknown;
  try {
    if (!admit()) throw new HttpError(429, 'Too Many Requests: rate limit exceeded');
    body = await route(req, span);
  } catch (error) {
    status = error instanceof HttpError ? error.status : 500;
    body = { error: (error as Error).message };
    if (status >= 500)
      log('error', 'request failed', {
        route: routeName,
        status,
        error: (error as Error).message,
        trace_id: span.traceId,
      });
    else if (status === 429) log('warn', 'request rejected by rate limit', { status });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const labels = { method: req.method ?? 'GET', route: routeName, code: String(status) };
  metrics.requests.inc(labels);
  metrics.duration.observe(labels, seconds);
  tracer.end(span, status >= 500 ? `HTTP ${status}` : undefined, {
    'http.route': routeName,
    'http.response.status_code': status,
  });
  const payload = JSON.stringify(body);
  metrics.responseSize.observe({ method: req.method ?? 'GET', route: routeName }, Buffer.byteLength(payload));
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(payload);
});

// A blocked event loop: synchronous work on a timer, as a CPU-heavy parse or crypto call would do.
setInterval(() => {
  if (switches.blockLoopMs <= 0) return;
  const until = Date.now() + switches.blockLoopMs;
  while (Date.now() < until) {
    // busy
  }
}, 200).unref();

tracer.init(config.tracesFile);
await seed();
server.listen(config.port, '127.0.0.1', () => log('info', 'lab service listening', { port: config.port }));
void consumeOrders();

for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.on(signal, () => {
    // A graceful stop, as a production service makes one: no new requests, the ones in flight
    // finish (their cache writes and queries are not cut off into errors), then the clients close.
    stopping = true;
    server.close(() => {
      tracer.flush();
      void Promise.allSettled([pool.end(), ...shards.map((r) => r.quit()), nats.close()]).then(() =>
        process.exit(0),
      );
    });
    server.closeIdleConnections();
    // Keep-alive connections that stay busy past this are the load tool's, not requests to finish.
    setTimeout(() => server.closeAllConnections(), 2000).unref();
  });
