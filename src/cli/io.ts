import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import pc from 'picocolors';
import { PLAIN, type Style } from '../catalog/render/terminal.js';
import { InputError } from '../core/problem.js';

// The CLI's only contact with the terminal. Commands get an Io, so tests run them in-process with
// captured output and a chosen terminal width and TTY-ness.

export interface Io {
  write(text: string): void;
  error(text: string): void;
  isTTY: boolean;
  columns: number | undefined;
  env: Record<string, string | undefined>;
  /** Standard input, for commands that read "-" (triage). */
  stdin?: () => AsyncIterable<Buffer | string>;
}

export function processIo(): Io {
  return {
    write: (text) => process.stdout.write(text),
    error: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stdout.isTTY),
    columns: process.stdout.columns,
    env: process.env,
    stdin: () => process.stdin,
  };
}

/** Colours only on a terminal, never into files, and never when NO_COLOR is set or --no-color given. */
export function styleFor(io: Io, options: { color?: boolean; output?: string }): Style {
  const forced = io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0';
  const enabled =
    options.color !== false &&
    !options.output &&
    !('NO_COLOR' in io.env && io.env.NO_COLOR !== '') &&
    (io.isTTY || forced);
  if (!enabled) return PLAIN;
  const c = pc.createColors(true);
  return {
    bold: c.bold,
    dim: c.dim,
    cyan: c.cyan,
    red: c.red,
    yellow: c.yellow,
    green: c.green,
    magenta: c.magenta,
  };
}

/** Width for wrapped prose; tables are not cut when the output is not a terminal. */
export function pageWidth(io: Io, output?: string): number {
  if (output || !io.isTTY) return 100;
  return Math.max(40, Math.min(io.columns ?? 100, 120));
}

export function tableWidth(io: Io, output?: string): number {
  if (output || !io.isTTY) return Number.MAX_SAFE_INTEGER;
  return Math.max(40, io.columns ?? 120);
}

/**
 * Writes the result to --output when given (creating its folder), otherwise to stdout. A path that
 * cannot be written (a directory, a file in place of a folder, no permission) is the user's input
 * error, not a crash.
 */
export function emit(io: Io, text: string, output?: string): void {
  if (!output) {
    io.write(text);
    return;
  }
  try {
    mkdirSync(dirname(output), { recursive: true });
    writeFileSync(output, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'EISDIR'
        ? 'it is a directory'
        : code === 'EEXIST' || code === 'ENOTDIR'
          ? 'a part of the path is a file, not a folder'
          : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
            ? 'permission denied'
            : error instanceof Error
              ? error.message
              : String(error);
    throw new InputError(`cannot write ${output}: ${reason}`);
  }
}
