import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

// A real Prometheus (Debian package `prometheus`) and node exporter (`prometheus-node-exporter`)
// for the tests: one scraping a live node exporter and itself every second, or one serving an
// incident written as OpenMetrics and loaded with `promtool tsdb create-blocks-from openmetrics`.
// `.ci/run` installs both; without them the tests that need them skip with a reason. Every process
// started here is stopped, and its temporary directory removed, by the `stop` it returns.

const run = promisify(execFile);

export const PROMETHEUS = '/usr/bin/prometheus';
export const PROMTOOL = '/usr/bin/promtool';
export const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';

export function prometheusMissing(): string | undefined {
  for (const binary of [PROMETHEUS, PROMTOOL, NODE_EXPORTER]) {
    if (!existsSync(binary))
      return `${binary} is not installed (apt-get install prometheus prometheus-node-exporter)`;
  }
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Running {
  url: string;
  stop(): Promise<void>;
}

function start(binary: string, args: string[]): ChildProcess {
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.once('exit', (code) => {
    if (code && code !== 0 && code !== 143)
      process.stderr.write(`${binary} exited with ${code}: ${stderr}\n`);
  });
  return child;
}

/** SIGTERM, and SIGKILL if the process has not exited after a bounded number of checks. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const gone = await until(
    async () => (child.exitCode !== null || child.signalCode !== null ? true : undefined),
    'exit',
    1000,
  ).catch(() => false);
  if (!gone) child.kill('SIGKILL');
  await exited;
}

/**
 * Polls `check` until it returns a value, at most `attempts` times, yielding to the event loop
 * between tries (10 ms apart): a bounded wait on a condition, not a fixed sleep.
 */
export async function until<T>(
  check: () => Promise<T | undefined>,
  what: string,
  attempts = 1500,
): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch {
      // Not up yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

export async function startNodeExporter(): Promise<Running> {
  const port = await freePort();
  const child = start(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${port}`]);
  const url = `http://127.0.0.1:${port}`;
  try {
    await until(async () => ((await fetch(`${url}/metrics`)).ok ? true : undefined), 'the node exporter');
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { url, stop: () => stopChild(child) };
}

/**
 * A Prometheus scraping `targets` (job "node") and itself (job "prometheus") every second, waited
 * for until it has a sample of `up` for each.
 */
export async function startScrapingPrometheus(targets: string[]): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-prometheus-'));
  const port = await freePort();
  const address = (url: string) => JSON.stringify(url.replace(/^https?:\/\//, ''));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: node',
      '    static_configs:',
      `      - targets: [${targets.map(address).join(', ')}]`,
      '  - job_name: prometheus',
      '    static_configs:',
      `      - targets: [${address(`127.0.0.1:${port}`)}]`,
    ].join('\n'),
  );
  const prometheus = await startPrometheus(port, dir, [
    '--config.file',
    config,
    '--storage.tsdb.path',
    join(dir, 'data'),
  ]);
  try {
    await until(async () => {
      const response = await fetch(`${prometheus.url}/api/v1/query?query=up`);
      const body = (await response.json()) as { data?: { result?: unknown[] } };
      return (body.data?.result?.length ?? 0) >= targets.length + 1 ? true : undefined;
    }, 'a first scrape of every target');
  } catch (error) {
    await prometheus.stop();
    throw error;
  }
  return prometheus;
}

/**
 * A Prometheus whose storage holds the samples of an OpenMetrics file (timestamps in seconds,
 * ending with # EOF), written into TSDB blocks by promtool, so queries over that past window give
 * the same answer every run.
 */
export async function startBackfilledPrometheus(openMetrics: string): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-prometheus-'));
  const input = join(dir, 'incident.om');
  writeFileSync(input, openMetrics);
  const data = join(dir, 'data');
  await run(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', input, data]);
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, 'global:\n  scrape_interval: 15s\n');
  return startPrometheus(await freePort(), dir, [
    '--config.file',
    config,
    '--storage.tsdb.path',
    data,
    // Backfilled blocks lie in the past; a long retention keeps them from being deleted at start.
    '--storage.tsdb.retention.time',
    '100y',
  ]);
}

async function startPrometheus(port: number, dir: string, args: string[]): Promise<Running> {
  const child = start(PROMETHEUS, [...args, `--web.listen-address=127.0.0.1:${port}`]);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until(
      async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined),
      'Prometheus to be ready',
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

/**
 * A reverse proxy in front of `target` that lets through only requests with `Bearer <token>`,
 * answering others 401 as an authenticating gateway in front of Prometheus does.
 */
export async function startAuthProxy(target: string, token: string): Promise<Running> {
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.headers.authorization !== `Bearer ${token}`) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ status: 'error', errorType: 'unauthorized', error: 'invalid or expired token' }),
        );
        return;
      }
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'accept']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      fetch(`${target}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers,
        ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
      })
        .then(async (answer) => {
          res.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'application/json',
          });
          res.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch(() => {
          res.writeHead(502);
          res.end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
