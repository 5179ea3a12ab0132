import type { Io } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output; not a TTY unless asked. */
export async function runCli(
  args: string[],
  options: { isTTY?: boolean; columns?: number; env?: Record<string, string> } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    write: (text) => {
      stdout += text;
    },
    error: (text) => {
      stderr += text;
    },
    isTTY: options.isTTY ?? false,
    columns: options.columns,
    env: options.env ?? {},
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
