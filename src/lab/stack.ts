import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { packageRoot } from '../core/package-root.js';
import { InputError } from '../core/problem.js';
import { answers, freePort, type LabSession, waitFor, writeText } from './infra.js';
import type { DownstreamMode, LabContext, ServiceConfig } from './types.js';

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
}

export interface StackOptions {
  /** The PostgreSQL server (its own database faultline_lab is created there). */
  postgres: string;
  products: number;
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

/** The payments dependency: answers, fails a share of calls, is slow, or stops listening. */
class Downstream {
  #mode: DownstreamMode = { mode: 'ok' };
  #server: Server | undefined;
  constructor(readonly port: number) {}

  async listen(): Promise<void> {
    if (this.#server) return;
    const server = createServer((_req, res) => {
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
    });
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
  const [
    redisPort,
    natsPort,
    downstreamPort,
    servicePort,
    nodePort,
    redisExporterPort,
    pgExporterPort,
    promPort,
  ] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const postgresUrl = await ensureDatabase(options.postgres);

  session.start('redis', 'redis-server', [
    '--port',
    String(redisPort),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  session.start('nats', 'nats-server', ['-a', '127.0.0.1', '-p', String(natsPort)]);
  const redisCli = async (...args: string[]) =>
    (await run('redis-cli', ['-p', String(redisPort), ...args], { encoding: 'utf8' })).stdout.trim();
  await waitFor('redis-server', async () => (await redisCli('PING')) === 'PONG');

  const downstream = new Downstream(downstreamPort);
  await downstream.listen();

  const tracesFile = session.path('traces', 'traces.json');
  const serviceLog = session.path('logs', 'service.log');
  const config: ServiceConfig = {
    port: servicePort,
    postgresUrl,
    redisUrl: `redis://127.0.0.1:${redisPort}/0`,
    natsUrl: `nats://127.0.0.1:${natsPort}`,
    downstream: `http://127.0.0.1:${downstreamPort}`,
    tracesFile,
    poolMax: 10,
    products: options.products,
  };
  const entry = join(packageRoot(), 'dist', 'lab-service.js');
  if (!existsSync(entry)) throw new InputError(`${entry} is missing; run npm run build`);
  const service = session.startLogging('service', process.execPath, [entry], serviceLog, {
    FAULTLINE_LAB_SERVICE: JSON.stringify(config),
  });
  const serviceUrl = `http://127.0.0.1:${servicePort}`;
  await waitFor('the lab service', () => answers(`${serviceUrl}/health`), 60_000);

  session.start('node-exporter', 'prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${nodePort}`]);
  session.start('redis-exporter', 'prometheus-redis-exporter', [
    `-redis.addr=redis://127.0.0.1:${redisPort}`,
    `-web.listen-address=127.0.0.1:${redisExporterPort}`,
  ]);
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
  const target = (job: string, port: number) =>
    `  - job_name: ${job}\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`;
  writeText(
    promConfig,
    `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\nscrape_configs:\n${target('lab-shop', servicePort)}${target('node', nodePort)}${target('redis', redisExporterPort)}${target('postgres', pgExporterPort)}`,
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
  };
  return {
    service: serviceUrl,
    prometheus,
    serviceLog,
    tracesFile,
    ctx,
    stopService: async () => {
      downstream.close();
      if (service.exitCode !== null) return;
      const exited = new Promise((resolve) => service.once('exit', resolve));
      service.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    },
  };
}
