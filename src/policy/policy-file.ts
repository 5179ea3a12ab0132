import { isMap, isScalar, LineCounter, type Node, parseDocument } from 'yaml';
import { z } from 'zod';
import { nearest } from '../core/nearest.js';
import { formatProblem, InputError, type Problem } from '../core/problem.js';
import { SEVERITY_NAMES } from '../core/vocabulary.js';
import { parseExpression, parseLimitExpression, parseSeverity } from './expression.js';
import type { Policy, PolicyCondition } from './model.js';

// Reads a policy file (YAML) and the same limits given as repeated CLI flags. Every problem names
// the file, the line and column of the offending node and the expected form.
//
//   limits:
//     - p95 < 500ms
//     - error_rate < 1%
//     - GET /api/users: p95 < 300ms      # YAML reads this as a one-key mapping: endpoint → limit
//     - p95 regression <= 10%
//   endpoints:
//     POST /api/orders:
//       - p99 <= 1.2s
//   fail_on_severity: high

const ConditionEntrySchema = z.union([z.string(), z.record(z.string(), z.string())]);

export const PolicyFileSchema = z.strictObject({
  version: z.literal(1).optional(),
  limits: z.array(ConditionEntrySchema).optional(),
  endpoints: z.record(z.string(), z.array(z.string())).optional(),
  fail_on_severity: z.enum(SEVERITY_NAMES).optional(),
});
const ALLOWED_KEYS = Object.keys(PolicyFileSchema.shape);

/** Parses a policy file; throws an InputError listing every problem with its position. */
export function parsePolicyFile(file: string, text: string): Policy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw problemsError(
      file,
      doc.errors.map((error) => ({
        file,
        ...position(lineCounter, error.pos[0]),
        message: `invalid YAML: ${error.message.split('\n')[0] ?? error.message}`,
      })),
    );
  }
  const locate = (path: PropertyKey[], key?: string) => {
    const node = nodeAt(doc.contents, path, key);
    return node?.range ? position(lineCounter, node.range[0]) : {};
  };
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw problemsError(file, [
      { file, line: 1, column: 1, message: `expected a mapping with ${ALLOWED_KEYS.join(', ')}` },
    ]);
  }
  const parsed = PolicyFileSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    throw problemsError(
      file,
      parsed.error.issues.flatMap((issue) => schemaProblems(file, issue, locate)),
    );
  }
  const problems: Problem[] = [];
  const conditions: PolicyCondition[] = [];
  const add = (text: string, scope: string | null, path: PropertyKey[], key?: string) => {
    const outcome = parseExpression(text, scope);
    if (outcome.ok) conditions.push(outcome.condition);
    else problems.push({ file, ...locate(path, key), field: formatPath(path), message: outcome.message });
  };
  parsed.data.limits?.forEach((entry, i) => {
    if (typeof entry === 'string') {
      add(entry, null, ['limits', i]);
      return;
    }
    const pairs = Object.entries(entry);
    if (pairs.length !== 1) {
      problems.push({
        file,
        ...locate(['limits', i]),
        field: `limits[${i}]`,
        message: 'expected a limit such as "p95 < 500ms" or one "endpoint: limit" pair',
      });
      return;
    }
    const [key, value] = pairs[0] ?? ['', ''];
    // `- p95: < 500ms` is the YAML reading of a limit with a stray colon: take it as "p95 < 500ms".
    if (/^[<>=]/.test(value.trim()) && !/\s/.test(key.trim()))
      add(`${key} ${value}`, null, ['limits', i], key);
    else add(value, key, ['limits', i, key]);
  });
  for (const [endpoint, limits] of Object.entries(parsed.data.endpoints ?? {})) {
    limits.forEach((limit, i) => {
      add(limit, endpoint, ['endpoints', endpoint, i]);
    });
  }
  if (parsed.data.fail_on_severity) {
    const severity = parseSeverity(parsed.data.fail_on_severity);
    if (typeof severity !== 'string') conditions.push(severity);
  }
  if (problems.length > 0) throw problemsError(file, problems);
  return { conditions };
}

/** The policy of repeated `--fail-on` flags and an optional `--fail-on-severity`. */
export function policyFromFlags(expressions: readonly string[], failOnSeverity?: string): Policy {
  const conditions = expressions.map((expression) => parseLimitExpression(expression));
  if (failOnSeverity !== undefined) {
    const severity = parseSeverity(failOnSeverity);
    if (typeof severity === 'string') {
      throw new InputError(`--fail-on-severity: ${severity}`, [
        { file: '--fail-on-severity', message: severity },
      ]);
    }
    conditions.push(severity);
  }
  return { conditions };
}

/** A file policy and flag policy together; a later severity condition replaces an earlier one. */
export function mergePolicies(...policies: Policy[]): Policy {
  const conditions = policies.flatMap((p) => p.conditions);
  let lastSeverity: PolicyCondition | undefined;
  for (const condition of conditions) if (condition.kind === 'severity') lastSeverity = condition;
  return { conditions: conditions.filter((c) => c.kind !== 'severity' || c === lastSeverity) };
}

function problemsError(file: string, problems: Problem[]): InputError {
  // The YAML parser can report one error twice at the same place (once per pass); list it once.
  const unique = [...new Map(problems.map((p) => [formatProblem(p), p])).values()];
  const lines = unique.map((p) => `  ${formatProblem(p)}`);
  return new InputError(`invalid policy file ${file}:\n${lines.join('\n')}`, unique);
}

function position(lineCounter: LineCounter, offset: number): { line?: number; column?: number } {
  const pos = lineCounter.linePos(offset);
  return pos ? { line: pos.line, column: pos.col } : {};
}

type Locate = (path: PropertyKey[], key?: string) => { line?: number; column?: number };

function schemaProblems(file: string, issue: z.core.$ZodIssue, locate: Locate): Problem[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const suggestion = nearest(key, ALLOWED_KEYS, 1)[0];
      return {
        file,
        ...locate(issue.path, key),
        field: formatPath([...issue.path, key]),
        message: `unknown field${suggestion ? `; did you mean "${suggestion}"?` : ''} Allowed fields: ${ALLOWED_KEYS.join(', ')}`,
      };
    });
  }
  const field = formatPath(issue.path);
  const base = { file, ...locate(issue.path), ...(field ? { field } : {}) };
  const top = issue.path[0];
  if (issue.code === 'invalid_value') {
    const values = issue.values.map(String);
    const got = typeof issue.input === 'string' ? issue.input : JSON.stringify(issue.input);
    const suggestion = typeof issue.input === 'string' ? nearest(issue.input, values, 1)[0] : undefined;
    return [
      {
        ...base,
        message: `expected one of: ${values.join(', ')}; got ${JSON.stringify(got)}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      },
    ];
  }
  if (top === 'limits' && issue.path.length >= 2) {
    return [
      {
        ...base,
        message: `expected a limit such as "p95 < 500ms" or "GET /api/users: p95 < 300ms", got ${describe(issue.input)}`,
      },
    ];
  }
  if (top === 'endpoints' && issue.path.length >= 2) {
    return [
      { ...base, message: `expected a list of limits such as "- p95 < 300ms", got ${describe(issue.input)}` },
    ];
  }
  if (issue.code === 'invalid_type') {
    const expected =
      top === 'limits'
        ? 'a list of limits'
        : top === 'endpoints'
          ? 'a mapping of endpoint names to lists of limits'
          : issue.expected;
    return [{ ...base, message: `expected ${expected}, got ${describe(issue.input)}` }];
  }
  return [{ ...base, message: issue.message }];
}

/** The deepest YAML node along the path (the key node when a key is given and present). */
function nodeAt(root: unknown, path: PropertyKey[], key?: string): Node | undefined {
  let node = root as Node | undefined;
  for (const segment of path) {
    const next = (node as { get?: (k: unknown, keepScalar: boolean) => unknown })?.get?.(segment, true);
    if (next === undefined || next === null || typeof next !== 'object') break;
    node = next as Node;
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && item.key.value === key);
    if (pair && isScalar(pair.key)) return pair.key;
  }
  return node;
}

function formatPath(path: PropertyKey[]): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index > 0 ? '.' : ''}${String(segment)}`,
    )
    .join('');
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
