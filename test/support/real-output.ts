import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Producing real failure output from the real software on this machine: PostgreSQL and MariaDB
// through their command-line clients, runtimes, compilers and build tools. Each producer returns
// what the program printed (stdout and stderr, in order of arrival), the text a user would paste.

/** Whether a command exists on this machine. */
export function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Whether a server answers its client: PostgreSQL through psql, MariaDB through its client. */
export function answers(command: string, args: readonly string[]): boolean {
  if (!has(command)) return false;
  return spawnSync(command, [...args], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

export const PSQL_ARGS = ['-X', '-q', '-h', '127.0.0.1', '-U', 'postgres', '-d', 'test'];
export const MARIADB_ARGS = ['-uroot', '-h', '127.0.0.1', 'test'];

/** Runs a command to its end and returns everything it printed. */
export function output(
  command: string,
  args: readonly string[],
  options: { cwd?: string; shell?: boolean } = {},
): string {
  const run = spawnSync(command, [...args], {
    encoding: 'utf8',
    timeout: 120_000,
    cwd: options.cwd,
    shell: options.shell ?? false,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return `${run.stdout ?? ''}${run.stderr ?? ''}`;
}

/**
 * An interactive SQL session (psql or the MariaDB client reading stdin): statements are sent one
 * step at a time, and a step ends when the client echoes its marker, so that two sessions can be
 * interleaved in a known order (how a deadlock is made) without waiting on the clock.
 */
export class SqlSession {
  readonly #child: ChildProcessWithoutNullStreams;
  #printed = '';
  #step = 0;
  readonly #waiting = new Map<string, () => void>();

  constructor(
    command: string,
    args: readonly string[],
    private readonly echo: (marker: string) => string,
  ) {
    this.#child = spawn(command, [...args], { env: { ...process.env, NO_COLOR: '1' } });
    const take = (chunk: Buffer) => {
      this.#printed += chunk.toString('utf8');
      for (const [marker, done] of this.#waiting) {
        if (this.#printed.includes(marker)) {
          this.#waiting.delete(marker);
          done();
        }
      }
    };
    this.#child.stdout.on('data', take);
    this.#child.stderr.on('data', take);
  }

  /** Sends statements; the promise settles when the client has run them (or failed them). */
  send(sql: string): Promise<void> {
    const marker = `step-${++this.#step}-done`;
    const done = new Promise<void>((resolve) => this.#waiting.set(marker, resolve));
    this.#child.stdin.write(`${sql}\n${this.echo(marker)}\n`);
    return done;
  }

  /** Ends the session and returns what it printed, the markers left out. */
  async close(): Promise<string> {
    this.#child.stdin.end();
    await new Promise((resolve) => this.#child.once('close', resolve));
    return this.#printed
      .split('\n')
      .filter((line) => !/^step-\d+-done$/.test(line.trim()))
      .join('\n');
  }
}

export const psqlSession = () =>
  new SqlSession('psql', [...PSQL_ARGS, '-v', 'ON_ERROR_STOP=0'], (marker) => `\\echo ${marker}`);
export const mariadbSession = () =>
  new SqlSession(
    'mariadb',
    ['--force', '--unbuffered', ...MARIADB_ARGS],
    (marker) => `SELECT '${marker}' AS m;`,
  );

/** Starts a long-running program and settles once it has printed `ready` (a server listening). */
export function startUntil(
  command: string,
  args: readonly string[],
  ready: string,
  cwd?: string,
): Promise<ChildProcessWithoutNullStreams> {
  const child = spawn(command, [...args], { cwd });
  return new Promise((resolve, reject) => {
    let printed = '';
    const take = (chunk: Buffer) => {
      printed += chunk.toString('utf8');
      if (printed.includes(ready)) resolve(child);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('exit', (code) =>
      reject(new Error(`${command} exited (${code}) before it was ready: ${printed}`)),
    );
  });
}

/**
 * A certificate for localhost, self-signed, valid only in the given days (OpenSSL's `ca -selfsign`
 * can date a certificate in the past, which `req -x509` cannot).
 */
export function localhostCertificate(dir: string, start: string, end: string): { cert: string; key: string } {
  writeFileSync(
    join(dir, 'ca.cnf'),
    '[ ca ]\ndefault_ca = local\n[ local ]\ndir = .\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\ndefault_md = sha256\npolicy = any\ncopy_extensions = copy\n[ any ]\ncommonName = supplied\n',
  );
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '01\n');
  const run = (args: string[]) => spawnSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  run([
    'req',
    '-new',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'key.pem',
    '-out',
    'req.csr',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost',
  ]);
  run([
    'ca',
    '-batch',
    '-selfsign',
    '-keyfile',
    'key.pem',
    '-in',
    'req.csr',
    '-out',
    'cert.pem',
    '-startdate',
    start,
    '-enddate',
    end,
    '-config',
    'ca.cnf',
  ]);
  return { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
}
