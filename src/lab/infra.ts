import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../core/problem.js';

// The lab's own processes, ports and directories: everything it starts it owns, and everything it
// owns is stopped and removed on exit, on Ctrl-C, on SIGTERM and when a run fails. The user's
// databases are never touched: the lab runs its own redis-server and nats-server on free ports and
// uses a database of its own (faultline_lab) on the PostgreSQL it is pointed at.

/** Debian packages that provide the lab's tools. */
export const TOOLS = {
  prometheus: 'prometheus',
  'prometheus-node-exporter': 'prometheus-node-exporter',
  'prometheus-redis-exporter': 'prometheus-redis-exporter',
  'prometheus-postgres-exporter': 'prometheus-postgres-exporter',
  'redis-server': 'redis-server',
  'redis-cli': 'redis-tools',
  'nats-server': 'nats-server',
  // The expired certificate of the TLS fault is signed with `openssl ca`.
  openssl: 'openssl',
} as const;

export function which(tool: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The tools that are missing, with the apt package of each. */
export function missingTools(): { tool: string; apt: string }[] {
  return Object.entries(TOOLS)
    .filter(([tool]) => !which(tool))
    .map(([tool, apt]) => ({ tool, apt }));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Polls until `ready` resolves true, or fails naming what it waited for. */
export async function waitFor(
  what: string,
  ready: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not become ready within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function answers(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
  return response.ok;
}

interface Owned {
  name: string;
  child: ChildProcess;
}

/** A lab session: its directory, its processes, and their cleanup. */
export class LabSession {
  readonly dir: string;
  readonly #processes: Owned[] = [];
  #closed = false;
  readonly #onSignal = () => {
    this.close();
    process.exit(130);
  };
  readonly #onExit = () => this.close();

  constructor(readonly keep = false) {
    this.dir = mkdtempSync(join(tmpdir(), 'faultline-lab-'));
    process.once('SIGINT', this.#onSignal);
    process.once('SIGTERM', this.#onSignal);
    process.once('exit', this.#onExit);
  }

  path(...parts: string[]): string {
    const p = join(this.dir, ...parts);
    mkdirSync(join(p, '..'), { recursive: true });
    return p;
  }

  /** Starts a process the lab owns; its output goes to a log file in the session directory. */
  start(name: string, command: string, args: string[], env: Record<string, string> = {}): ChildProcess {
    const out = openSync(this.path('logs', `${name}.log`), 'a');
    const child = spawn(command, args, { stdio: ['ignore', out, out], env: { ...process.env, ...env } });
    child.once('error', () => undefined);
    this.#processes.push({ name, child });
    return child;
  }

  /** Like start, but stdout is the given file (the service's JSON log). */
  startLogging(
    name: string,
    command: string,
    args: string[],
    stdoutFile: string,
    env: Record<string, string> = {},
  ): ChildProcess {
    const out = openSync(stdoutFile, 'a');
    const err = openSync(this.path('logs', `${name}.stderr.log`), 'a');
    const child = spawn(command, args, { stdio: ['ignore', out, err], env: { ...process.env, ...env } });
    child.once('error', () => undefined);
    this.#processes.push({ name, child });
    return child;
  }

  /** Takes a process started elsewhere (the load tool) into the session, to be stopped with the rest. */
  adopt(name: string, child: ChildProcess): void {
    this.#processes.push({ name, child });
  }

  stop(child: ChildProcess): void {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }

  /** Stops every process (TERM, then KILL for the stubborn) and removes the directory. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const { child } of this.#processes)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    for (const { child } of this.#processes)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    process.off('SIGINT', this.#onSignal);
    process.off('SIGTERM', this.#onSignal);
    process.off('exit', this.#onExit);
    if (!this.keep) rmSync(this.dir, { recursive: true, force: true });
  }

  /** Names of the processes still running (for tests of the cleanup). */
  running(): string[] {
    return this.#processes
      .filter((p) => p.child.exitCode === null && p.child.signalCode === null)
      .map((p) => p.name);
  }

  pids(): number[] {
    return this.#processes.flatMap((p) => (p.child.pid ? [p.child.pid] : []));
  }
}

/** Fails with the apt command that installs what is missing. */
export function requireTools(): void {
  const missing = missingTools();
  if (missing.length > 0)
    throw new InputError(
      `the fault lab needs ${missing.map((m) => m.tool).join(', ')}; install with: apt-get install -y ${[...new Set(missing.map((m) => m.apt))].join(' ')}`,
    );
}

export function writeText(path: string, text: string): void {
  writeFileSync(path, text);
}

/**
 * Starts the session's nats-server with JetStream on (its store in the session directory) and its
 * monitoring port open; resolves with the monitoring URL once the server answers there.
 */
export async function startJetstreamServer(
  session: LabSession,
  port: number,
  monitorPort: number,
): Promise<string> {
  session.start('nats', 'nats-server', [
    '-a',
    '127.0.0.1',
    '-p',
    String(port),
    '-js',
    '-sd',
    session.path('nats', 'store'),
    '-m',
    String(monitorPort),
  ]);
  const monitor = `http://127.0.0.1:${monitorPort}`;
  await waitFor('nats-server', () => answers(`${monitor}/healthz`));
  return monitor;
}
