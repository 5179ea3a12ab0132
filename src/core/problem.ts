// A problem in a user's input, precise enough to fix without guessing: which file, which line,
// which field, what was expected.

export interface Problem {
  file: string;
  line?: number;
  column?: number;
  field?: string;
  message: string;
}

export function formatProblem(problem: Problem): string {
  const where = [problem.file, problem.line, problem.line !== undefined ? problem.column : undefined]
    .filter((part) => part !== undefined)
    .join(':');
  return `${where}: ${problem.field ? `${problem.field}: ` : ''}${problem.message}`;
}

export function compareProblems(a: Problem, b: Problem): number {
  return a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}

/** An error whose message is for the user: the CLI prints it without a stack and exits with 2. */
export class InputError extends Error {
  readonly problems: Problem[];

  constructor(message: string, problems: Problem[] = []) {
    super(message);
    this.name = 'InputError';
    this.problems = problems;
  }
}
