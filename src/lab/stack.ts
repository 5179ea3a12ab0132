import { type ChildProcess, execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { packageRoot } from '../core/package-root.js';
import { InputError } from '../core/problem.js';
import { answers, freePort, type LabSession, startJetstreamServer, waitFor, writeText } from './infra.js';
import { startJetstreamExporter } from './nats-exporter.js';
import {
  type DownstreamMode,
  LAB_FD_LIMIT,
  LAB_POOL_MAX,
  type LabContext,
  type ServiceConfig,
} from './types.js';

const run = promisify(execFile);

// The lab's stack on one machine: its own Redis and NATS, a database of its own on the
// PostgreSQL it is pointed at, the payments dependency (a stub in the lab's process), the target
// service, node, Redis and PostgreSQL exporters, and a Prometheus scraping all of them every second.

export const LAB_DATABASE = 'faultline_lab';

export interface Stack {
  service: string;
  prometheus: string;
  serviceLog: string;
  tracesFile: string;
  ctx: LabContext;
  /** Stops the service gracefully so its last spans and log lines are written. */
  stopService(): Promise<void>;
  /** Makes a process started elsewhere (the load tool) the lab's, stopped with the rest. */
  own(name: string, child: ChildProcess): void;
}

export interface StackOptions {
  /** The PostgreSQL server (its own database faultline_lab is created there). */
  postgres: string;
  products: number;
  /** Redis shards for the service's cache (1 unless set). */
  redisShards?: number;
}

/**
 * A CA of the lab's own and a certificate for localhost it signed, valid for a month that ended
 * a month ago: the payments stub serves it over HTTPS, so a client that trusts the CA fails on
 * the expiry and on nothing else. `openssl ca` is used because it sets both dates
 * (`openssl x509 -days` cannot make a certificate that is already expired).
 */
async function expiredCertificate(session: LabSession): Promise<{ ca: string; key: string; cert: string }> {
  const dir = session.path('tls', 'ca.pem').replace(/ca\.pem$/, '');
  const file = (name: string) => join(dir, name);
  const day = 86_400_000;
  const stamp = (ms: number) => `${new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
  writeText(file('index.txt'), '');
  writeText(file('serial'), '01\n');
  writeText(
    file('ca.cnf'),
    [
      '[ca]',
      'default_ca = lab',
      '[lab]',
      `database = ${file('index.txt')}`,
      `new_certs_dir = ${dir}`,
      `serial = ${file('serial')}`,
      `certificate = ${file('ca.pem')}`,
      `private_key = ${file('ca.key')}`,
      'default_md = sha256',
      'policy = any',
      'copy_extensions = copy',
      'unique_subject = no',
      '[any]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '3650',
    '-subj',
    '/CN=Faultline Lab CA',
  ]);
  await run('openssl', [
    'req',
    ...ec,
    '-keyout',
    file('leaf.key'),
    '-out',
    file('leaf.csr'),
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ]);
  await run('openssl', [
    'ca',
    '-batch',
    '-notext',
    '-config',
    file('ca.cnf'),
    '-in',
    file('leaf.csr'),
    '-out',
    file('leaf.pem'),
    '-startdate',
    stamp(Date.now() - 60 * day),
    '-enddate',
    stamp(Date.now() - 30 * day),
  ]);
  return { ca: file('ca.pem'), key: file('leaf.key'), cert: file('leaf.pem') };
}

/** Creates the lab's database if missing; fails with how to start PostgreSQL when it does not answer. */
async function ensureDatabase(server: string): Promise<string> {
  const admin = new pg.Client({ connectionString: server, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    throw new InputError(
      `PostgreSQL at ${server.replace(/:[^:@/]*@/, ':***@')} does not answer (${(error as Error).message}); start it (on Debian: pg_ctlcluster 15 main start) or pass --postgres URL`,
    );
  }
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [LAB_DATABASE]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${LAB_DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(server);
  url.pathname = `/${LAB_DATABASE}`;
  return url.toString();
}

/** Requests the catalog origin serves at once: a small tier, sized for the misses of a warm cache. */
const ORIGIN_WORKERS = 8;

/** The payments dependency: answers, fails a share of calls, is slow, or stops listening. */
class Downstream {
  #mode: DownstreamMode = { mode: 'ok' };
  #server: Server | undefined;
  #originQueue: Array<() => void> = [];
  #originBusy = 0;
  constructor(readonly port: number) {}

  #serveOrigin(): void {
    while (this.#originBusy < ORIGIN_WORKERS && this.#originQueue.length > 0) {
      this.#originBusy++;
      (this.#originQueue.shift() as () => void)();
    }
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse) => {
    // The catalog origin, the slow tier behind the service's cache: each request takes ?delay ms of
    // one of its ORIGIN_WORKERS workers, so a herd of them queues as it would at a real origin.
    const origin = /^\/catalog\/\d+\?delay=(\d+)$/.exec(req.url ?? '');
    if (origin) {
      this.#originQueue.push(() => {
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"origin":"catalog"}');
          this.#originBusy--;
          this.#serveOrigin();
        }, Number(origin[1]));
      });
      this.#serveOrigin();
      return;
    }
    const mode = this.#mode;
    const answer = () => {
      if (mode.mode === 'errors' && Math.random() < mode.share) {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"error":"payments backend unavailable"}');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"quote":"ok"}');
      }
    };
    if (mode.mode === 'slow') setTimeout(answer, mode.delayMs);
    else answer();
  };

  async listen(): Promise<void> {
    if (this.#server) return;
    const server = createServer(this.handle);
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
  }

  async set(mode: DownstreamMode): Promise<void> {
    this.#mode = mode;
    if (mode.mode === 'down') {
      const server = this.#server;
      this.#server = undefined;
      server?.closeAllConnections();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    } else await this.listen();
  }

  close(): void {
    this.#server?.closeAllConnections();
    this.#server?.close();
  }
}

export async function startStack(session: LabSession, options: StackOptions): Promise<Stack> {
  const ports = async (n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(await freePort());
    return out;
  };
  const [
    natsPort,
    natsMonitorPort,
    jetstreamPort,
    downstreamPort,
    tlsPort,
    servicePort,
    nodePort,
    pgExporterPort,
    promPort,
  ] = (await ports(9)) as [number, number, number, number, number, number, number, number, number];
  const shardCount = Math.max(1, options.redisShards ?? 1);
  const redisPorts = await ports(shardCount);
  const redisExporterPorts = await ports(shardCount);
  const postgresUrl = await ensureDatabase(options.postgres);

  redisPorts.forEach((port, i) => {
    session.start(`redis-${i}`, 'redis-server', [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ]);
  });
  // JetStream on, and the monitoring port its exporter reads.
  const natsMonitor = await startJetstreamServer(session, natsPort, natsMonitorPort);
  const jetstreamExporter = await startJetstreamExporter(jetstreamPort, natsMonitor);
  const cli = async (port: number, args: string[]) =>
    (await run('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' })).stdout.trim();
  // A command for the cache goes to every shard; the first shard's answer is returned.
  const redisCli = async (...args: string[]) =>
    (await Promise.all(redisPorts.map((port) => cli(port, args))))[0] ?? '';
  for (const port of redisPorts)
    await waitFor('redis-server', async () => (await cli(port, ['PING'])) === 'PONG');

  const downstream = new Downstream(downstreamPort);
  await downstream.listen();
  const tls = await expiredCertificate(session);
  const expired = createHttpsServer(
    { key: readFileSync(tls.key), cert: readFileSync(tls.cert) },
    downstream.handle,
  );
  await new Promise<void>((resolve) => expired.listen(tlsPort, '127.0.0.1', resolve));

  const tracesFile = session.path('traces', 'traces.json');
  const serviceLog = session.path('logs', 'service.log');
  const config: ServiceConfig = {
    port: servicePort,
    postgresUrl,
    redisUrl: `redis://127.0.0.1:${redisPorts[0]}/0`,
    ...(shardCount > 1 ? { redisUrls: redisPorts.map((port) => `redis://127.0.0.1:${port}/0`) } : {}),
    downstreamCa: tls.ca,
    natsUrl: `nats://127.0.0.1:${natsPort}`,
    downstream: `http://127.0.0.1:${downstreamPort}`,
    tracesFile,
    poolMax: LAB_POOL_MAX,
    products: options.products,
  };
  const entry = join(packageRoot(), 'dist', 'lab-service.js');
  if (!existsSync(entry)) throw new InputError(`${entry} is missing; run npm run build`);
  const startService = () =>
    session.startLogging(
      'service',
      '/bin/sh',
      ['-c', `ulimit -n ${LAB_FD_LIMIT} && exec "$0" "$1"`, process.execPath, entry],
      serviceLog,
      {
        FAULTLINE_LAB_SERVICE: JSON.stringify(config),
      },
    );
  let service = startService();
  const serviceUrl = `http://127.0.0.1:${servicePort}`;
  await waitFor('the lab service', () => answers(`${serviceUrl}/health`), 60_000);
  const stopService = async () => {
    if (service.exitCode !== null || service.signalCode !== null) return;
    const exited = new Promise((resolve) => service.once('exit', resolve));
    service.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    session.stop(service);
  };

  session.start('node-exporter', 'prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${nodePort}`]);
  redisPorts.forEach((port, i) => {
    session.start(`redis-exporter-${i}`, 'prometheus-redis-exporter', [
      `-redis.addr=redis://127.0.0.1:${port}`,
      `-web.listen-address=127.0.0.1:${redisExporterPorts[i]}`,
    ]);
  });
  const dsn = new URL(postgresUrl);
  dsn.searchParams.set('sslmode', 'disable');
  session.start(
    'postgres-exporter',
    'prometheus-postgres-exporter',
    [`--web.listen-address=127.0.0.1:${pgExporterPort}`],
    {
      DATA_SOURCE_NAME: dsn.toString(),
    },
  );

  // Scraped every second: the runs last minutes, and onsets are measured in seconds.
  const promConfig = session.path('prometheus', 'prometheus.yml');
  const target = (job: string, ports: number[]) =>
    `  - job_name: ${job}\n    static_configs:\n      - targets: [${ports.map((p) => `'127.0.0.1:${p}'`).join(', ')}]\n`;
  writeText(
    promConfig,
    `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\nscrape_configs:\n${target('lab-shop', [servicePort])}${target('node', [nodePort])}${target('redis', redisExporterPorts)}${target('postgres', [pgExporterPort])}${target('nats', [jetstreamPort])}`,
  );
  session.start('prometheus', 'prometheus', [
    `--config.file=${promConfig}`,
    `--storage.tsdb.path=${session.path('prometheus', 'data')}`,
    `--web.listen-address=127.0.0.1:${promPort}`,
    '--storage.tsdb.retention.time=1d',
  ]);
  const prometheus = `http://127.0.0.1:${promPort}`;
  await waitFor('Prometheus', () => answers(`${prometheus}/-/ready`), 60_000);

  const burners: ReturnType<LabSession['start']>[] = [];
  const ctx: LabContext = {
    service: serviceUrl,
    redisCli,
    burnCpu: (workers) => {
      for (let i = 0; i < workers; i++)
        burners.push(session.start(`cpu-burner-${i}`, process.execPath, ['-e', 'for(;;){}']));
    },
    stopBurners: () => {
      for (const b of burners.splice(0)) session.stop(b);
    },
    downstream: (mode) => downstream.set(mode),
    expiredTlsDownstream: `https://localhost:${tlsPort}`,
    switchService: async (switches) => {
      const response = await fetch(`${serviceUrl}/lab/faults`, {
        method: 'POST',
        body: JSON.stringify(switches),
        headers: { 'content-type': 'application/json' },
      });
      if (!response.ok)
        throw new Error(`the lab service refused the fault switches: ${await response.text()}`);
    },
    restartService: async () => {
      await stopService();
      service = startService();
      await waitFor('the restarted lab service', () => answers(`${serviceUrl}/health`), 60_000);
    },
  };
  return {
    service: serviceUrl,
    prometheus,
    serviceLog,
    tracesFile,
    ctx,
    own: (name, child) => session.adopt(name, child),
    stopService: async () => {
      downstream.close();
      jetstreamExporter.closeAllConnections();
      jetstreamExporter.close();
      expired.closeAllConnections();
      expired.close();
      await stopService();
    },
  };
}
